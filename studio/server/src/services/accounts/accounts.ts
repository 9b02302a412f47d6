import { accountAuditActions, type Role } from '@shotfarm/shared';
import type { Db } from '@shotfarm/shared/db';
import type { Redis } from 'ioredis';
import { LoginFailedError, TooManyAttemptsError, withDetails } from '../../errors.ts';
import { ApiKeyStore, effectiveKeyRoles } from './api-keys.ts';
import { KeyCallerCache } from './key-caller-cache.ts';
import { secretDigest } from './tokens.ts';
import { AuditLog } from './audit-log.ts';
import type { Caller } from './caller.ts';
import { LoginThrottle } from './login-throttle.ts';
import { verifyPassword } from './passwords.ts';
import { SessionStore } from './sessions.ts';
import { UserDirectory, type UserRow } from './users.ts';

export interface AccountsOptions {
  db: Db;
  redis: Redis;
  /** Prefix of the Redis keys (the queue prefix), so farms sharing a Redis keep apart. */
  redisPrefix: string;
  sessionTtlS: number;
}

/** Where a request came from, for sessions and the audit log. */
export interface ClientInfo {
  ip: string;
  userAgent?: string;
}

function userCaller(user: UserRow, via: { sessionId: string }): Caller {
  return { kind: 'user', via: 'session', sessionId: via.sessionId, roles: user.roles, user: { id: user.id, email: user.email, roles: user.roles } };
}

/** A cached key caller whose key has expired since it was cached. */
function expiredAt(caller: Caller): boolean {
  return caller.via === 'api-key' && caller.expiresAt != null && caller.expiresAt.getTime() <= Date.now();
}

/** Accounts, wired once: users, sessions, API keys, the login throttle and the audit log. */
export class Accounts {
  readonly users: UserDirectory;
  readonly sessions: SessionStore;
  readonly apiKeys: ApiKeyStore;
  readonly audit: AuditLog;
  readonly throttle: LoginThrottle;
  private readonly keyCallers: KeyCallerCache;

  constructor(opts: AccountsOptions) {
    this.keyCallers = new KeyCallerCache(opts.redis, `${opts.redisPrefix}:accounts:changed`);
    const changed = () => this.keyCallers.invalidate();
    this.users = new UserDirectory(opts.db, changed);
    this.sessions = new SessionStore(opts.db, opts.sessionTtlS);
    this.apiKeys = new ApiKeyStore(opts.db, changed);
    this.audit = new AuditLog(opts.db);
    this.throttle = new LoginThrottle(opts.redis, opts.redisPrefix);
  }

  /**
   * Check an email and password and open a session. Refused while the account or the address is cooling off
   * (429, before the password is even checked); a wrong password or unknown or disabled account is one answer.
   */
  async login(email: string, password: string, client: ClientInfo): Promise<{ caller: Caller; token: string; expiresAt: Date }> {
    const waitS = await this.throttle.blockedForS(email, client.ip);
    if (waitS > 0) {
      await this.audit.record({ action: accountAuditActions.loginThrottled, caller: null, email, ip: client.ip });
      throw withDetails(new TooManyAttemptsError(waitS), { retryAfterS: waitS });
    }
    const user = await this.users.findByEmail(email);
    const matches = await verifyPassword(user?.passwordHash, password);
    if (!user || !matches || user.disabled) {
      await this.throttle.recordFailure(email, client.ip);
      await this.audit.record({
        action: accountAuditActions.loginFailed, caller: null, email, ip: client.ip,
        details: { reason: !user ? 'unknown-email' : !matches ? 'wrong-password' : 'disabled' },
        ...(user ? { target: { type: 'user', id: user.id } } : {}),
      });
      throw new LoginFailedError();
    }
    await this.throttle.recordSuccess(email);
    const session = await this.sessions.create(user.id, client);
    await this.users.recordLogin(user.id);
    const caller = userCaller(user, { sessionId: session.id });
    await this.audit.record({ action: accountAuditActions.login, caller, ip: client.ip, target: { type: 'user', id: user.id } });
    return { caller, token: session.token, expiresAt: session.expiresAt };
  }

  /** The caller behind a session cookie's token; undefined for no, expired or forged sessions. */
  async callerFromSession(token: string): Promise<Caller | undefined> {
    const session = await this.sessions.resolve(token);
    return session && userCaller(session.user, { sessionId: session.id });
  }

  /** Start listening for other replicas' key and user changes (see KeyCallerCache). */
  start(): Promise<void> { return this.keyCallers.start(); }

  close(): Promise<void> { return this.keyCallers.close(); }

  /**
   * The caller behind a bearer key; undefined for unknown, revoked or expired keys and keys of disabled users.
   * Answers from KeyCallerCache when it can, so a storefront request costs no database round-trip.
   */
  async callerFromApiKey(key: string): Promise<Caller | undefined> {
    const digest = secretDigest(key);
    const cached = this.keyCallers.get(digest);
    if (cached.hit) return cached.caller && expiredAt(cached.caller) ? undefined : cached.caller;
    const caller = await this.resolveApiKey(key);
    this.keyCallers.set(digest, caller);
    return caller;
  }

  private async resolveApiKey(key: string): Promise<Caller | undefined> {
    const found = await this.apiKeys.resolve(key);
    if (!found) return undefined;
    const { key: row, creator } = found;
    const roles: Role[] = row.kind === 'storefront' ? [] : effectiveKeyRoles(row.roles, creator.roles);
    return {
      kind: row.kind === 'storefront' ? 'storefront' : 'automation', via: 'api-key', apiKeyId: row.id, roles,
      user: { id: creator.id, email: creator.email, roles: creator.roles }, expiresAt: row.expiresAt,
    };
  }
}

export type { Caller } from './caller.ts';
