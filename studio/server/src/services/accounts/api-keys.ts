import { and, desc, eq, gt, isNull, or } from 'drizzle-orm';
import { apiKeyPrefix, holdsRole, newId, type ApiKey, type ApiKeyKind, type Role } from '@shotfarm/shared';
import { tables, type Db } from '@shotfarm/shared/db';
import { ApiKeyNotFoundError, KeyRolesExceedError, withDetails } from '../../errors.ts';
import type { Caller } from './caller.ts';
import { newSecret, secretDigest } from './tokens.ts';
import type { UserRow } from './users.ts';

export type ApiKeyRow = typeof tables.apiKeys.$inferSelect;

export function toApiKey(row: ApiKeyRow): ApiKey {
  return {
    id: row.id, name: row.name, kind: row.kind, roles: row.roles, hint: row.hint, createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(), expiresAt: row.expiresAt?.toISOString() ?? null,
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null, revokedAt: row.revokedAt?.toISOString() ?? null,
  };
}

/** A key's roles as they count now: only those its creator still holds (a demoted creator demotes their keys). */
export function effectiveKeyRoles(keyRoles: readonly Role[], creatorRoles: readonly Role[]): Role[] {
  return keyRoles.filter((r) => holdsRole(creatorRoles, r));
}

/** Who may create storefront keys (growth looks after the storefront; admin may do everything). */
const storefrontKeyRoles: readonly Role[] = ['growth'];

/** `last_used_at` is written at most this often per key, so a busy key does not write on every request. */
const lastUsedResolutionMs = 60_000;

/**
 * API keys: `sf_` + 32 random bytes, stored only as a digest, shown in clear once. A key never holds a role its
 * creator lacks, neither when created nor later (see `effectiveKeyRoles`).
 */
export class ApiKeyStore {
  /** @param changed told after a key is revoked, so cached resolutions of it are forgotten at once */
  constructor(private readonly db: Db, private readonly changed: () => Promise<void> = async () => {}) {}

  async create(creator: Caller, input: { name: string; kind: ApiKeyKind; roles?: Role[]; expiresAt?: Date }): Promise<{ row: ApiKeyRow; key: string }> {
    let roles: Role[];
    if (input.kind === 'storefront') {
      if (!storefrontKeyRoles.some((r) => holdsRole(creator.roles, r))) {
        throw withDetails(new KeyRolesExceedError('only growth or admin may create a storefront key'), { roles: ['growth'] });
      }
      if (input.roles && input.roles.length > 0) throw withDetails(new KeyRolesExceedError('a storefront key holds no roles'), { roles: input.roles });
      roles = [];
    } else {
      roles = [...new Set(input.roles ?? creator.roles)];
      // `creator.roles` are the caller's roles for this request: a key creating a key passes on no more than it has.
      const excess = roles.filter((r) => !holdsRole(creator.roles, r));
      if (excess.length > 0) throw withDetails(new KeyRolesExceedError(`a key cannot have roles its creator lacks: ${excess.join(', ')}`), { roles: excess });
      if (roles.length === 0) throw withDetails(new KeyRolesExceedError('an automation key needs at least one role'), { roles: [] });
    }
    const key = `${apiKeyPrefix}${newSecret()}`;
    const [row] = await this.db.insert(tables.apiKeys).values({
      id: newId(), name: input.name, kind: input.kind, tokenHash: secretDigest(key), hint: key.slice(0, apiKeyPrefix.length + 6),
      roles, createdBy: creator.user.id, expiresAt: input.expiresAt ?? null,
    }).returning();
    return { row: row!, key };
  }

  /** The live key behind a bearer token and its creator (enabled); undefined for unknown, revoked or expired. */
  async resolve(key: string): Promise<{ key: ApiKeyRow; creator: UserRow } | undefined> {
    if (!key.startsWith(apiKeyPrefix)) return undefined;
    const now = new Date();
    const [row] = await this.db.select({ key: tables.apiKeys, creator: tables.users }).from(tables.apiKeys)
      .innerJoin(tables.users, eq(tables.users.id, tables.apiKeys.createdBy))
      .where(and(
        eq(tables.apiKeys.tokenHash, secretDigest(key)), isNull(tables.apiKeys.revokedAt), eq(tables.users.disabled, false),
        or(isNull(tables.apiKeys.expiresAt), gt(tables.apiKeys.expiresAt, now)),
      ));
    if (!row) return undefined;
    if (!row.key.lastUsedAt || now.getTime() - row.key.lastUsedAt.getTime() > lastUsedResolutionMs) {
      await this.db.update(tables.apiKeys).set({ lastUsedAt: now }).where(eq(tables.apiKeys.id, row.key.id));
      row.key.lastUsedAt = now;
    }
    return row;
  }

  /** Every key (admin) or the keys one user created, newest first. */
  async list(createdBy?: string): Promise<ApiKeyRow[]> {
    return this.db.select().from(tables.apiKeys).where(createdBy ? eq(tables.apiKeys.createdBy, createdBy) : undefined).orderBy(desc(tables.apiKeys.id));
  }

  /** Revoke a key (its creator's or, for an admin, anyone's). Revoking twice is not an error; the first time stays. */
  async revoke(id: string, by: Caller): Promise<ApiKeyRow> {
    const [row] = await this.db.select().from(tables.apiKeys).where(eq(tables.apiKeys.id, id));
    if (!row || (row.createdBy !== by.user.id && !holdsRole(by.roles, 'admin'))) throw new ApiKeyNotFoundError(id);
    if (row.revokedAt) return row;
    const [revoked] = await this.db.update(tables.apiKeys).set({ revokedAt: new Date() }).where(eq(tables.apiKeys.id, id)).returning();
    await this.changed();
    return revoked!;
  }
}
