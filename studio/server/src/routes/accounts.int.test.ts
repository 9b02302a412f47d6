import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId, type Role } from '@shotfarm/shared';
import { tables } from '@shotfarm/shared/db';
import { multipartFile, plainProductPhoto, signIn, startFarm, type BrowserSession, type Farm } from '../../test/harness.ts';
import { buildApp } from '../app.ts';
import { ensureFirstAdmin } from '../services/accounts/first-admin.ts';

const password = 'correct horse battery staple';

describe('accounts: sessions, keys, users, throttling, audit', () => {
  let farm: Farm;
  beforeAll(async () => { farm = await startFarm(); });
  afterAll(() => farm.close());

  let userSeq = 0;
  /** A user made by the admin through the API, and a signed-in browser of theirs. */
  async function userWith(roles: Role[]): Promise<{ id: string; email: string; session: BrowserSession }> {
    const email = `${roles.join('-')}-${++userSeq}@example.com`;
    const res = await farm.inject({ method: 'POST', url: '/api/users', payload: { email, password, roles } });
    expect(res.statusCode).toBe(201);
    return { id: res.json().id, email, session: await signIn(farm.app, email, password) };
  }
  const rows = async (table: typeof tables.apiKeys | typeof tables.users | typeof tables.sessions) => (await farm.database.db.select({ n: count() }).from(table))[0]!.n;

  it('the first admin without settings: admin@localhost, a generated password in $DATA_DIR/initial-admin-password (0600) that signs in', async () => {
    const file = path.join(farm.dataDir, 'initial-admin-password');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const generated = (await readFile(file, 'utf8')).trim();
    expect(generated.length).toBeGreaterThanOrEqual(20);
    const session = await signIn(farm.app, 'admin@localhost', generated);
    const me = await farm.app.inject({ method: 'GET', url: '/api/session', headers: { cookie: session.cookie } });
    expect(me.json().user).toMatchObject({ email: 'admin@localhost', roles: ['admin'] });
    // Stored as argon2id, never in clear.
    const [row] = await farm.database.db.select().from(tables.users).where(eq(tables.users.email, 'admin@localhost'));
    expect(row!.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(row!.passwordHash).not.toContain(generated);
    // A start on a database that has users creates nobody.
    expect(await ensureFirstAdmin(farm.app.accounts.users, { email: 'other@localhost', password: undefined, dataDir: farm.dataDir })).toEqual({ created: false });
  });

  it('the first admin from SHOTFARM_ADMIN_EMAIL / SHOTFARM_ADMIN_PASSWORD: no password file, the email folded to lower case', async () => {
    const other = await startFarm({ SHOTFARM_ADMIN_EMAIL: 'Boss@Example.COM', SHOTFARM_ADMIN_PASSWORD: 'a-long-boss-password' });
    try {
      await expect(stat(path.join(other.dataDir, 'initial-admin-password'))).rejects.toMatchObject({ code: 'ENOENT' });
      const session = await signIn(other.app, 'boss@example.com', 'a-long-boss-password');
      const me = await other.app.inject({ method: 'GET', url: '/api/session', headers: { cookie: session.cookie } });
      expect(me.json().user).toMatchObject({ email: 'boss@example.com', roles: ['admin'] });
      expect(await other.app.accounts.users.count()).toBe(1);
    } finally {
      await other.close();
    }
  });

  it('login sets an httpOnly SameSite=Lax session cookie; GET /api/session answers user and CSRF token; DELETE ends the session at once', async () => {
    const { email } = await userWith(['designer']);
    const login = await farm.app.inject({ method: 'POST', url: '/api/session', payload: { email: email.toUpperCase(), password } });
    expect(login.statusCode).toBe(200);
    expect(login.json()).toMatchObject({ user: { email, roles: ['designer'] }, csrfToken: expect.any(String) });
    const sessionCookie = login.cookies.find((c) => c.name === 'sf_session')!;
    expect(sessionCookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    expect(sessionCookie.secure).toBeFalsy(); // PUBLIC_URL is http here; https sets Secure
    const cookie = login.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
    const csrfToken = login.json().csrfToken as string;

    expect((await farm.app.inject({ method: 'GET', url: '/api/jobs', headers: { cookie } })).statusCode).toBe(200);
    // An Authorization header is the credential when present: a bad one is not rescued by the cookie.
    for (const authorization of ['Basic YWRtaW46YWRtaW4=', 'Bearer sf_not-a-key', 'Bearer ', `Bearer ${cookie.split('=')[1]}`]) {
      expect((await farm.app.inject({ method: 'GET', url: '/api/jobs', headers: { cookie, authorization } })).statusCode, authorization).toBe(401);
    }
    const me = await farm.app.inject({ method: 'GET', url: '/api/session', headers: { cookie } });
    expect(me.json().user.email).toBe(email);

    const logout = await farm.app.inject({ method: 'DELETE', url: '/api/session', headers: { cookie, 'x-csrf-token': csrfToken } });
    expect(logout.statusCode).toBe(204);
    expect(logout.cookies.find((c) => c.name === 'sf_session')?.value).toBe('');
    const after = await farm.app.inject({ method: 'GET', url: '/api/jobs', headers: { cookie } });
    expect(after.statusCode).toBe(401);
    expect(after.json().code).toBe('SF_UNAUTHENTICATED');
  });

  it('a wrong password and an unknown email get the same 401 SF_LOGIN_FAILED', async () => {
    const { email } = await userWith(['designer']);
    const wrong = await farm.app.inject({ method: 'POST', url: '/api/session', payload: { email, password: 'not the password' }, remoteAddress: '10.0.0.9' });
    const unknown = await farm.app.inject({ method: 'POST', url: '/api/session', payload: { email: 'nobody@example.com', password }, remoteAddress: '10.0.0.9' });
    for (const res of [wrong, unknown]) {
      expect(res.statusCode).toBe(401);
      expect(res.json()).toEqual({ code: 'SF_LOGIN_FAILED', message: 'the email or password is wrong' });
      expect(res.cookies.find((c) => c.name === 'sf_session')).toBeUndefined();
    }
  });

  it('CSRF: a cookie-authenticated change without the token, or with a wrong or another session\'s token, is 403 and changes nothing', async () => {
    const admin = await userWith(['admin']);
    const other = await userWith(['designer']);
    const users = await rows(tables.users);
    const keys = await rows(tables.apiKeys);
    const attempts: Record<string, string>[] = [
      { cookie: admin.session.cookie },
      { cookie: admin.session.cookie, 'x-csrf-token': 'forged' },
      { cookie: admin.session.cookie, 'x-csrf-token': other.session.csrfToken },
      // The right token with another session's cookies: the token is bound to the session that got it.
      { cookie: other.session.cookie, 'x-csrf-token': admin.session.csrfToken },
    ];
    for (const headers of attempts) {
      const createUser = await farm.app.inject({ method: 'POST', url: '/api/users', headers, payload: { email: `csrf-${newId()}@example.com`, password, roles: ['designer'] } });
      const createKey = await farm.app.inject({ method: 'POST', url: '/api/api-keys', headers, payload: { name: 'csrf' } });
      // The cookie-only pair may also lack the role (designer on /api/users): 403 either way, and nothing is stored.
      for (const res of [createUser, createKey]) expect(res.statusCode).toBe(403);
      expect(createKey.json().code).toBe('SF_CSRF_INVALID');
    }
    expect(await rows(tables.users)).toBe(users);
    expect(await rows(tables.apiKeys)).toBe(keys);
    // With its own token the same request goes through; a bearer key needs no token at all.
    expect((await farm.app.inject({ method: 'POST', url: '/api/api-keys', headers: admin.session.headers, payload: { name: 'ok' } })).statusCode).toBe(201);
    expect((await farm.inject({ method: 'POST', url: '/api/api-keys', payload: { name: 'bearer' } })).statusCode).toBe(201);
  });

  it('a key never holds more than its creator: at creation, through a key, and after the creator is demoted', async () => {
    const designer = await userWith(['designer']);
    const tooMuch = await farm.app.inject({ method: 'POST', url: '/api/api-keys', headers: designer.session.headers, payload: { name: 'escalate', roles: ['admin'] } });
    expect(tooMuch.statusCode).toBe(403);
    expect(tooMuch.json()).toMatchObject({ code: 'SF_KEY_ROLES_EXCEED', details: { roles: ['admin'] } });
    const storefront = await farm.app.inject({ method: 'POST', url: '/api/api-keys', headers: designer.session.headers, payload: { name: 'shop', kind: 'storefront' } });
    expect(storefront.json().code).toBe('SF_KEY_ROLES_EXCEED');

    const operator = await userWith(['operator']);
    // An operator holds a designer's rights, so a designer key is within them.
    const made = await farm.app.inject({ method: 'POST', url: '/api/api-keys', headers: operator.session.headers, payload: { name: 'ci', roles: ['designer'] } });
    expect(made.statusCode).toBe(201);
    const key = made.json() as { id: string; key: string; roles: Role[]; kind: string };
    expect(key).toMatchObject({ roles: ['designer'], kind: 'automation' });
    expect(key.key).toMatch(/^sf_[A-Za-z0-9_-]{43}$/);
    const bearer = { authorization: `Bearer ${key.key}` };
    // A key making a key passes on no more than it has.
    const viaKey = await farm.app.inject({ method: 'POST', url: '/api/api-keys', headers: bearer, payload: { name: 'child', roles: ['operator'] } });
    expect(viaKey.json().code).toBe('SF_KEY_ROLES_EXCEED');
    // Stored only as a digest.
    const stored = await farm.database.db.select().from(tables.apiKeys).where(eq(tables.apiKeys.id, key.id));
    expect(JSON.stringify(stored)).not.toContain(key.key.slice(3));

    expect((await farm.app.inject({ method: 'GET', url: '/api/jobs', headers: bearer })).statusCode).toBe(200);
    // The creator loses the designer's rights: so does the key, at once.
    expect((await farm.inject({ method: 'PATCH', url: `/api/users/${operator.id}`, payload: { roles: ['growth'] } })).statusCode).toBe(200);
    const demoted = await farm.app.inject({ method: 'POST', url: '/api/jobs', headers: bearer, payload: {} });
    expect(demoted.statusCode).toBe(403);
    expect(demoted.json().code).toBe('SF_FORBIDDEN');
  });

  it('a revoked key stops working at once; an expired key never works; last use is recorded', async () => {
    const made = (await farm.inject({ method: 'POST', url: '/api/api-keys', payload: { name: 'temp', roles: ['designer'] } })).json() as { id: string; key: string };
    const bearer = { authorization: `Bearer ${made.key}` };
    expect((await farm.app.inject({ method: 'GET', url: '/api/jobs', headers: bearer })).statusCode).toBe(200);
    const listed = (await farm.inject({ method: 'GET', url: '/api/api-keys' })).json().items.find((k: { id: string }) => k.id === made.id);
    expect(listed).toMatchObject({ name: 'temp', hint: made.key.slice(0, 9), revokedAt: null, lastUsedAt: expect.any(String) });
    expect(JSON.stringify(listed)).not.toContain(made.key);

    const revoke = await farm.inject({ method: 'DELETE', url: `/api/api-keys/${made.id}` });
    expect(revoke.statusCode).toBe(200);
    expect(revoke.json().revokedAt).toEqual(expect.any(String));
    const after = await farm.app.inject({ method: 'GET', url: '/api/jobs', headers: bearer });
    expect(after.statusCode).toBe(401);
    expect(after.json().code).toBe('SF_UNAUTHENTICATED');

    // Expiry by the clock: the key works until its time, and not a moment after (also while its resolution is cached).
    const expiresAt = Date.now() + 1500;
    const expired = (await farm.inject({ method: 'POST', url: '/api/api-keys', payload: { name: 'old', expiresAt: new Date(expiresAt).toISOString() } })).json() as { id: string; key: string };
    expect((await farm.app.inject({ method: 'GET', url: '/api/jobs', headers: { authorization: `Bearer ${expired.key}` } })).statusCode).toBe(200);
    await new Promise((r) => setTimeout(r, Math.max(0, expiresAt - Date.now()) + 50));
    expect((await farm.app.inject({ method: 'GET', url: '/api/jobs', headers: { authorization: `Bearer ${expired.key}` } })).statusCode).toBe(401);

    const past = await farm.inject({ method: 'POST', url: '/api/api-keys', payload: { name: 'born dead', expiresAt: new Date(Date.now() - 1000).toISOString() } });
    expect(past.statusCode).toBe(422);
    expect(past.json().details.fields[0]).toMatchObject({ field: 'expiresAt', message: 'must be in the future' });

    // Someone else's key is not yours to revoke.
    const designer = await userWith(['designer']);
    const theirs = await farm.app.inject({ method: 'DELETE', url: `/api/api-keys/${expired.id}`, headers: designer.session.headers });
    expect(theirs.statusCode).toBe(404);
  });

  it('a key revoked through one API replica stops working at once in another (resolutions are cached, changes are broadcast)', async () => {
    const replica = await buildApp({ config: farm.config, redisUrl: farm.redis.url, database: farm.database, logger: false });
    await replica.ready();
    try {
      const made = (await farm.inject({ method: 'POST', url: '/api/api-keys', payload: { name: 'two replicas', roles: ['designer'] } })).json() as { id: string; key: string };
      const bearer = { authorization: `Bearer ${made.key}` };
      // Both replicas resolve the key once and now hold it in their caches.
      expect((await farm.app.inject({ method: 'GET', url: '/api/jobs', headers: bearer })).statusCode).toBe(200);
      expect((await replica.inject({ method: 'GET', url: '/api/jobs', headers: bearer })).statusCode).toBe(200);
      expect((await farm.inject({ method: 'DELETE', url: `/api/api-keys/${made.id}` })).statusCode).toBe(200);
      // The other replica hears of it over Redis pub/sub within moments, long before its cache would expire.
      const refusedAfterMs = await (async () => {
        const t0 = Date.now();
        while (Date.now() - t0 < 2000) {
          if ((await replica.inject({ method: 'GET', url: '/api/jobs', headers: bearer })).statusCode === 401) return Date.now() - t0;
          await new Promise((r) => setTimeout(r, 20));
        }
        return Infinity;
      })();
      expect(refusedAfterMs).toBeLessThan(2000);
    } finally {
      await replica.close();
    }
  });

  it('a storefront key (made by growth) calls no studio route', async () => {
    const growth = await userWith(['growth']);
    const made = await farm.app.inject({ method: 'POST', url: '/api/api-keys', headers: growth.session.headers, payload: { name: 'shop', kind: 'storefront' } });
    expect(made.statusCode).toBe(201);
    expect(made.json()).toMatchObject({ kind: 'storefront', roles: [] });
    const bearer = { authorization: `Bearer ${made.json().key}` };
    for (const url of ['/api/jobs', '/api/assets', '/api/session', '/api/api-keys']) {
      const res = await farm.app.inject({ method: 'GET', url, headers: bearer });
      expect(res.statusCode, url).toBe(403);
      expect(res.json().code).toBe('SF_FORBIDDEN');
    }
    expect((await farm.app.inject({ method: 'GET', url: '/healthz', headers: bearer })).statusCode).toBe(200);
  });

  it('10 failed logins for one account → 429 SF_TOO_MANY_ATTEMPTS, even with the right password; other accounts from other addresses are unaffected', async () => {
    const victim = await userWith(['designer']);
    const bystander = await userWith(['designer']);
    for (let i = 0; i < 10; i++) {
      // From ten addresses: the per-account count is what trips.
      const res = await farm.app.inject({ method: 'POST', url: '/api/session', payload: { email: victim.email, password: `guess-${i}` }, remoteAddress: `10.1.0.${i + 1}` });
      expect(res.statusCode).toBe(401);
    }
    const locked = await farm.app.inject({ method: 'POST', url: '/api/session', payload: { email: victim.email, password }, remoteAddress: '10.1.1.1' });
    expect(locked.statusCode).toBe(429);
    expect(locked.json().code).toBe('SF_TOO_MANY_ATTEMPTS');
    expect(locked.json().details.retryAfterS).toBeGreaterThan(14 * 60);
    expect(locked.cookies.find((c) => c.name === 'sf_session')).toBeUndefined();
    const fine = await farm.app.inject({ method: 'POST', url: '/api/session', payload: { email: bystander.email, password }, remoteAddress: '10.1.1.2' });
    expect(fine.statusCode).toBe(200);
    // A session opened before the lock-out still works: the throttle guards the login, not the sessions.
    expect((await farm.app.inject({ method: 'GET', url: '/api/jobs', headers: { cookie: victim.session.cookie } })).statusCode).toBe(200);
  });

  it('10 failed logins from one address, over any accounts → that address gets 429 SF_TOO_MANY_ATTEMPTS', async () => {
    const user = await userWith(['designer']);
    for (let i = 0; i < 10; i++) {
      await farm.app.inject({ method: 'POST', url: '/api/session', payload: { email: `spray-${i}@example.com`, password }, remoteAddress: '10.2.0.1' });
    }
    const fromThere = await farm.app.inject({ method: 'POST', url: '/api/session', payload: { email: user.email, password }, remoteAddress: '10.2.0.1' });
    expect(fromThere.statusCode).toBe(429);
    expect(fromThere.json().code).toBe('SF_TOO_MANY_ATTEMPTS');
    const fromElsewhere = await farm.app.inject({ method: 'POST', url: '/api/session', payload: { email: user.email, password }, remoteAddress: '10.2.0.2' });
    expect(fromElsewhere.statusCode).toBe(200);
  });

  it('users: the admin lists, changes roles, disables (sessions and keys stop at once), resets passwords; the last admin stays', async () => {
    const person = await userWith(['designer']);
    const key = (await farm.app.inject({ method: 'POST', url: '/api/api-keys', headers: person.session.headers, payload: { name: 'mine' } })).json().key as string;
    const list = await farm.inject({ method: 'GET', url: '/api/users' });
    expect(list.json().items.map((u: { email: string }) => u.email)).toContain(person.email);
    expect(JSON.stringify(list.json())).not.toMatch(/argon2|passwordHash/);
    expect((await farm.inject({ method: 'POST', url: '/api/users', payload: { email: person.email, password, roles: ['designer'] } })).json().code).toBe('SF_EMAIL_TAKEN');
    expect((await farm.inject({ method: 'POST', url: '/api/users', payload: { email: 'short@example.com', password: 'short', roles: ['designer'] } })).statusCode).toBe(422);

    const disabled = await farm.inject({ method: 'PATCH', url: `/api/users/${person.id}`, payload: { disabled: true } });
    expect(disabled.json()).toMatchObject({ disabled: true });
    expect((await farm.app.inject({ method: 'GET', url: '/api/jobs', headers: { cookie: person.session.cookie } })).statusCode).toBe(401);
    expect((await farm.app.inject({ method: 'GET', url: '/api/jobs', headers: { authorization: `Bearer ${key}` } })).statusCode).toBe(401);
    expect((await farm.app.inject({ method: 'POST', url: '/api/session', payload: { email: person.email, password }, remoteAddress: '10.3.0.1' })).statusCode).toBe(401);

    await farm.inject({ method: 'PATCH', url: `/api/users/${person.id}`, payload: { disabled: false, password: 'a brand new password' } });
    expect((await farm.app.inject({ method: 'POST', url: '/api/session', payload: { email: person.email, password }, remoteAddress: '10.3.0.1' })).statusCode).toBe(401);
    expect((await farm.app.inject({ method: 'POST', url: '/api/session', payload: { email: person.email, password: 'a brand new password' }, remoteAddress: '10.3.0.1' })).statusCode).toBe(200);

    // Demote every admin but the first; the first cannot then lose the role or be disabled.
    const admins = (await farm.inject({ method: 'GET', url: '/api/users' })).json().items.filter((u: { roles: Role[]; email: string }) => u.roles.includes('admin') && u.email !== 'admin@localhost');
    for (const a of admins) await farm.inject({ method: 'PATCH', url: `/api/users/${a.id}`, payload: { roles: ['designer'] } });
    for (const change of [{ roles: ['designer'] }, { disabled: true }]) {
      const res = await farm.inject({ method: 'PATCH', url: `/api/users/${farm.admin.id}`, payload: change });
      expect(res.statusCode).toBe(409);
      expect(res.json().code).toBe('SF_LAST_ADMIN');
    }
    expect((await farm.inject({ method: 'PATCH', url: `/api/users/${newId()}`, payload: { disabled: true } })).json().code).toBe('SF_USER_NOT_FOUND');
  });

  it('the audit log records logins, failed logins, user and key changes, newest first, paged; admins only', async () => {
    const designer = await userWith(['designer']);
    await farm.app.inject({ method: 'POST', url: '/api/session', payload: { email: designer.email, password: 'wrong password' }, remoteAddress: '10.4.0.1' });
    const made = (await farm.app.inject({ method: 'POST', url: '/api/api-keys', headers: designer.session.headers, payload: { name: 'audited' } })).json();
    await farm.app.inject({ method: 'DELETE', url: `/api/api-keys/${made.id}`, headers: designer.session.headers });

    const all: { action: string; actorEmail: string | null; targetId: string | null; ip: string | null; details: unknown }[] = [];
    let cursor: string | null = null;
    do {
      const page = await farm.inject({ method: 'GET', url: `/api/audit?limit=7${cursor ? `&cursor=${cursor}` : ''}` });
      expect(page.statusCode).toBe(200);
      all.push(...page.json().items);
      cursor = page.json().nextCursor;
    } while (cursor);
    const mine = all.filter((e) => e.actorEmail === designer.email || e.targetId === designer.id);
    expect(mine.map((e) => e.action).reverse()).toEqual(['user.create', 'session.login', 'session.login-failed', 'api-key.create', 'api-key.revoke']);
    expect(mine.find((e) => e.action === 'session.login-failed')).toMatchObject({ ip: '10.4.0.1', details: { reason: 'wrong-password' } });
    expect(JSON.stringify(all)).not.toContain(password);
    expect(JSON.stringify(all)).not.toContain(made.key);
    const filtered = (await farm.inject({ method: 'GET', url: '/api/audit?action=api-key.revoke' })).json().items;
    expect(filtered.every((e: { action: string }) => e.action === 'api-key.revoke')).toBe(true);
    expect((await farm.app.inject({ method: 'GET', url: '/api/audit', headers: { cookie: designer.session.cookie } })).statusCode).toBe(403);
  });

  it('uploads and jobs record who created them (a key counts as its creator)', async () => {
    const designer = await userWith(['designer']);
    const key = (await farm.app.inject({ method: 'POST', url: '/api/api-keys', headers: designer.session.headers, payload: { name: 'ci' } })).json().key as string;
    const body = multipartFile(await readFile(plainProductPhoto()), 'vase.jpg', 'image/jpeg');
    const upload = await farm.app.inject({ method: 'POST', url: '/api/assets', headers: { authorization: `Bearer ${key}`, ...body.headers }, payload: body.payload });
    expect(upload.statusCode).toBe(201);
    const job = await farm.app.inject({ method: 'POST', url: '/api/jobs', headers: designer.session.headers,
      payload: { type: 'product-shot', recipe: 'product-shot/studio-local', inputs: { product: upload.json().id }, variants: 1 } });
    expect(job.statusCode).toBe(201);
    const [asset] = await farm.database.db.select({ createdBy: tables.assets.createdBy }).from(tables.assets).where(eq(tables.assets.id, upload.json().id));
    const [jobRow] = await farm.database.db.select({ createdBy: tables.jobs.createdBy }).from(tables.jobs).where(eq(tables.jobs.id, job.json().id));
    expect(asset!.createdBy).toBe(designer.id);
    expect(jobRow!.createdBy).toBe(designer.id);
  });

  it('security headers on every answer; CORS closed by default', async () => {
    const page = await farm.app.inject({ method: 'GET', url: '/healthz', headers: { origin: 'https://evil.example' } });
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('upgrade-insecure-requests'); // plain http here
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await farm.app.inject({ method: 'OPTIONS', url: '/api/jobs', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('CORS_ORIGINS', () => {
  let farm: Farm;
  beforeAll(async () => { farm = await startFarm({ CORS_ORIGINS: 'https://admin.example.com, https://ops.example.com/' }); });
  afterAll(() => farm.close());

  it('lets the listed origins in and no others', async () => {
    const ok = await farm.app.inject({ method: 'OPTIONS', url: '/api/jobs', headers: { origin: 'https://ops.example.com', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' } });
    expect(ok.statusCode).toBe(204);
    expect(ok.headers['access-control-allow-origin']).toBe('https://ops.example.com');
    expect(String(ok.headers['access-control-allow-headers'])).toContain('authorization');
    const other = await farm.app.inject({ method: 'OPTIONS', url: '/api/jobs', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
    // CORS grants a page the right to ask, not to act: the request still needs a key.
    const anonymous = await farm.app.inject({ method: 'GET', url: '/api/jobs', headers: { origin: 'https://admin.example.com' } });
    expect(anonymous.statusCode).toBe(401);
  });
});

describe('rate limits', () => {
  let farm: Farm;
  beforeAll(async () => { farm = await startFarm({ RATE_LIMIT_JOBS: '3', RATE_LIMIT_LOGIN: '2' }); });
  afterAll(() => farm.close());

  it('job submissions per caller and logins per address, counted in Redis; other callers and classes are untouched', async () => {
    const submit = (headers: Record<string, string>) => farm.app.inject({ method: 'POST', url: '/api/jobs', headers, payload: {} });
    for (let i = 0; i < 3; i++) expect((await submit(farm.authHeaders)).statusCode).toBe(422);
    const limited = await submit(farm.authHeaders);
    expect(limited.statusCode).toBe(429);
    expect(limited.json()).toMatchObject({ code: 'SF_RATE_LIMITED', details: { retryAfterS: expect.any(Number) } });
    // Reads are not limited, and another key has its own count.
    expect((await farm.inject({ method: 'GET', url: '/api/jobs' })).statusCode).toBe(200);
    const other = (await farm.inject({ method: 'POST', url: '/api/api-keys', payload: { name: 'second' } })).json().key as string;
    expect((await submit({ authorization: `Bearer ${other}` })).statusCode).toBe(422);

    const login = (ip: string) => farm.app.inject({ method: 'POST', url: '/api/session', payload: { email: 'x@example.com', password: 'y' }, remoteAddress: ip });
    expect((await login('10.5.0.1')).statusCode).toBe(401);
    expect((await login('10.5.0.1')).statusCode).toBe(401);
    expect((await login('10.5.0.1')).json().code).toBe('SF_RATE_LIMITED');
    expect((await login('10.5.0.2')).statusCode).toBe(401);
  });
});
