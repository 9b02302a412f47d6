import { existsSync } from 'node:fs';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId, type Role, type RouteAccess } from '@shotfarm/shared';
import { tables } from '@shotfarm/shared/db';
import { cookiesOf, startFarm, type Farm } from '../../test/harness.ts';
import type { Caller } from '../services/accounts/caller.ts';
import { webDistDir } from './web.ts';

/**
 * Who may call what, written out by hand: a route added without a row here, or declared differently, fails the
 * walk below. Add the row with the access the route should have (the failure message lists the declared one).
 */
const expectedAccess: Record<string, RouteAccess> = {
  'GET /healthz': 'public',
  'GET /readyz': 'public',
  'GET /files/*': 'public',
  'POST /api/webhooks/replicate': 'public',
  'POST /api/session': 'public',
  'GET /api/session': 'authenticated',
  'DELETE /api/session': 'authenticated',
  'GET /api/users': 'admin',
  'POST /api/users': 'admin',
  'PATCH /api/users/:id': 'admin',
  'GET /api/api-keys': 'authenticated',
  'POST /api/api-keys': 'authenticated',
  'DELETE /api/api-keys/:id': 'authenticated',
  'GET /api/audit': 'admin',
  'GET /api/assets': 'authenticated',
  'POST /api/assets': 'designer',
  'GET /api/assets/:id': 'authenticated',
  'GET /api/assets/:id/score': 'authenticated',
  'POST /api/assets/:id/review': 'designer',
  'GET /api/recipes': 'authenticated',
  'POST /api/recipes/import': 'designer',
  // recipe workshop (issue 13): designers finish drafts, admins publish and deprecate
  'GET /api/recipes/drafts': 'designer',
  'GET /api/recipes/drafts/:id': 'designer',
  'POST /api/recipes/drafts/:id': 'designer',
  'GET /api/recipes/drafts/:id/capabilities': 'designer',
  'POST /api/recipes/drafts/:id/trial': 'designer',
  'POST /api/recipes/drafts/:id/publish': 'publisher',
  'GET /api/recipes/versions': 'designer',
  'GET /api/recipes/:type/:name/versions': 'authenticated',
  'GET /api/recipes/:type/:name/versions/:v': 'designer',
  'POST /api/recipes/:type/:name/versions/:v/deprecate': 'publisher',
  'GET /api/recipes/:type/:name/diff': 'designer',
  'GET /api/recipes/:type/:name/capabilities': 'designer',
  'GET /api/jobs': 'authenticated',
  'POST /api/jobs': 'designer',
  'GET /api/jobs/:id': 'authenticated',
  'GET /api/jobs/:id/events': 'authenticated',
  'GET /api/jobs/:id/ranking': 'authenticated',
  'POST /api/jobs/:id/cancel': 'designer',
  'POST /api/jobs/:id/retry': 'designer',
  'GET /api/farm': 'authenticated',
  // The learning loop (issue 17): model cards for anyone signed in; training data, retraining and activation for admins.
  'GET /api/models': 'authenticated',
  'POST /api/models/train': 'admin',
  'GET /api/models/train/:jobId': 'admin',
  'GET /api/models/quality-labels': 'authenticated',
  'POST /api/models/quality/deactivate': 'admin',
  'POST /api/models/:version/shadow': 'admin',
  'POST /api/models/:version/activate': 'admin',
  'GET /api/training-data.csv': 'admin',
  'POST /api/training-data': 'admin',
  // A/B rollout (issue 15): management for growth, the hot path for storefront keys.
  'POST /api/experiments': 'growth',
  'GET /api/experiments': 'growth',
  'GET /api/experiments/:id': 'growth',
  'POST /api/experiments/:id/stop': 'growth',
  'POST /api/experiments/:id/promote': 'growth',
  'GET /api/slots': 'growth',
  'GET /api/slots/:sku/:slot': 'growth',
  'PUT /api/slots/:sku/:slot': 'growth',
  'POST /api/slots/:sku/:slot/rollback': 'growth',
  'GET /serve/:sku/:slot': 'storefront',
  'POST /events': 'storefront',
  // Cost (issue 14).
  'GET /api/costs': 'operator',
  'GET /api/costs.csv': 'operator',
  'GET /api/costs/estimates': 'operator',
  'GET /api/prices': 'authenticated',
  'PUT /api/prices': 'admin',
  'GET /api/budgets': 'authenticated',
  'PUT /api/budgets/daily': 'admin',
  // Batch launches (issue 16): operators only.
  'POST /api/launches': 'operator',
  'POST /api/launches/preview': 'operator',
  'GET /api/launches': 'operator',
  'GET /api/launches/:id': 'operator',
  'GET /api/launches/:id/skus': 'operator',
  'GET /api/launches/:id/skus/:skuId/candidates': 'operator',
  'PUT /api/launches/:id/skus/:skuId/picks': 'operator',
  'POST /api/launches/:id/cancel': 'operator',
  'GET /api/launches/:id/events': 'operator',
  'GET /api/launches/:id/report.csv': 'operator',
  'GET /api/launches/:id/report.zip': 'operator',
  // Storage housekeeping.
  'POST /api/storage/sweep': 'admin',
  // Operations (issue 19): metrics (admins, or a scraper's METRICS_TOKEN), outbound webhooks.
  'GET /metrics': 'admin',
  'POST /api/webhooks': 'admin',
  'GET /api/webhooks': 'admin',
  'DELETE /api/webhooks/:id': 'admin',
  'GET /api/webhooks/:id/deliveries': 'admin',
  'POST /api/webhooks/:id/deliveries/:deliveryId/redeliver': 'admin',
};

/** Routes of plugins we do not write: the API docs and the studio's bundle are public. */
function expectedFor(method: string, url: string): RouteAccess | undefined {
  const key = `${method === 'HEAD' ? 'GET' : method} ${url}`;
  if (expectedAccess[key] !== undefined) return expectedAccess[key];
  if (url === '/docs' || url.startsWith('/docs/')) return 'public';
  if (url === '/admin/queues' || url.startsWith('/admin/queues/')) return 'admin'; // Bull Board (issue 19)
  if ((method === 'GET' || method === 'HEAD') && existsSync(webDistDir) && (url === '/' || existsSync(`${webDistDir}${url}`))) return 'public';
  return undefined;
}

type CallerName = 'anonymous' | 'designer' | 'operator' | 'growth' | 'publisher' | 'admin' | 'storefront key' | 'revoked key' | 'expired session' | 'forged cookie';
const callerNames: CallerName[] = ['anonymous', 'designer', 'operator', 'growth', 'publisher', 'admin', 'storefront key', 'revoked key', 'expired session', 'forged cookie'];

/** The answer each caller must get from a route of each access, independent of the code under test: 401, 403 or through. */
function outcome(access: RouteAccess, caller: CallerName): 401 | 403 | 'through' {
  if (access === 'public') return 'through';
  if (['anonymous', 'revoked key', 'expired session', 'forged cookie'].includes(caller)) return 401;
  if (caller === 'storefront key') return access === 'storefront' ? 'through' : 403;
  if (access === 'storefront') return caller === 'admin' ? 'through' : 403;
  if (access === 'authenticated' || caller === 'admin') return 'through';
  // A publisher is a designer holding the publisher right, as an admin grants it.
  const roles: Record<string, Role[]> = { designer: ['designer'], operator: ['operator', 'designer'], growth: ['growth'], publisher: ['designer', 'publisher'] };
  return [access].flat().some((r) => roles[caller]!.includes(r as Role)) ? 'through' : 403;
}

describe('route access: the whole route table × every kind of caller', () => {
  let farm: Farm;
  const headersOf = {} as Record<CallerName, () => Promise<Record<string, string>>>;

  beforeAll(async () => {
    // With a webhook secret, so the Replicate webhook route is registered too.
    farm = await startFarm({ REPLICATE_WEBHOOK_SECRET: `whsec_${Buffer.alloc(24, 1).toString('base64')}` });
    const { accounts } = farm.app;
    const person = async (role: Role, also: Role[] = []) => {
      const user = await accounts.users.create({ email: `${role}@walk.example`, password: 'walk-the-routes', roles: [role, ...also] });
      // A fresh session for every request: the walk's own DELETE /api/session must not end the next cell's.
      return async () => {
        const { token } = await accounts.sessions.create(user.id);
        const cookie = `sf_session=${token}`;
        const me = await farm.app.inject({ method: 'GET', url: '/api/session', headers: { cookie } });
        return { cookie: `${cookie}; ${cookiesOf(me)}`, 'x-csrf-token': me.json().csrfToken as string };
      };
    };
    const adminUser = (await accounts.users.findById(farm.admin.id))!;
    const adminCaller: Caller = { kind: 'user', via: 'session', roles: ['admin'], user: { id: adminUser.id, email: adminUser.email, roles: ['admin'] } };
    const storefront = await accounts.apiKeys.create(adminCaller, { name: 'shop', kind: 'storefront' });
    const revoked = await accounts.apiKeys.create(adminCaller, { name: 'gone', kind: 'automation', roles: ['admin'] });
    await accounts.apiKeys.revoke(revoked.row.id, adminCaller);
    const expired = await accounts.sessions.create(adminUser.id);
    await farm.database.db.update(tables.sessions).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(tables.sessions.id, expired.id));

    headersOf.anonymous = async () => ({});
    headersOf.designer = await person('designer');
    headersOf.operator = await person('operator');
    headersOf.publisher = await person('publisher', ['designer']);
    headersOf.growth = await person('growth');
    headersOf.admin = await person('admin');
    headersOf['storefront key'] = async () => ({ authorization: `Bearer ${storefront.key}` });
    headersOf['revoked key'] = async () => ({ authorization: `Bearer ${revoked.key}` });
    headersOf['expired session'] = async () => ({ cookie: `sf_session=${expired.token}` });
    headersOf['forged cookie'] = async () => ({ cookie: `sf_session=${Buffer.alloc(32, 7).toString('base64url')}` });
  }, 60_000);
  afterAll(() => farm.close());

  it('every route declares an access, and it is the one written here', () => {
    const table = farm.app.routeAccessTable.filter((r) => r.method !== 'OPTIONS' || r.url !== '*');
    const wrong = table
      .filter((r) => JSON.stringify(expectedFor(r.method, r.url)) !== JSON.stringify(r.access))
      .map((r) => `${r.method} ${r.url}: declared ${JSON.stringify(r.access)}, expected ${JSON.stringify(expectedFor(r.method, r.url)) ?? '(no row: add one to expectedAccess)'}`);
    expect(wrong).toEqual([]);
    const registered = new Set(table.map((r) => `${r.method} ${r.url}`));
    expect(Object.keys(expectedAccess).filter((k) => !registered.has(k))).toEqual([]);
  });

  it('a route without a declaration refuses to register', async () => {
    const { default: Fastify } = await import('fastify');
    const bare = Fastify({ logger: false });
    const { routeAccessPlugin } = await import('./route-access.ts');
    // The access plugin on its own, with stand-ins for the config and auth plugins it names as dependencies.
    const fp = (await import('fastify-plugin')).default;
    await bare.register(fp(async (app) => { app.decorate('config', farm.config); }, { name: 'shotfarm-config' }));
    await bare.register(fp(async (app) => { await app.register((await import('@fastify/cookie')).default); }, { name: 'shotfarm-auth' }));
    await bare.register(routeAccessPlugin);
    await expect(bare.register(async (scope) => {
      scope.get('/declared', { config: { access: 'public' } }, async () => 'hello');
      scope.get('/undeclared', async () => 'hello');
    })).rejects.toThrow(/GET \/undeclared declares no access/);
    await bare.close().catch(() => undefined);
  });

  it('each route answers each caller with exactly the expected 401, 403 or not-an-access-refusal', async () => {
    // DELETE /api/session last, though each cell has a fresh session anyway. HEAD routes are their GET's twin
    // (same declaration, checked above) and answer without a body, so without the code that tells refusals apart.
    const routes = farm.app.routeAccessTable
      .filter((r) => r.url !== '*' && r.method !== 'HEAD')
      .sort((a, b) => Number(a.url === '/api/session' && a.method === 'DELETE') - Number(b.url === '/api/session' && b.method === 'DELETE'));
    const mismatches: string[] = [];
    let cells = 0;
    for (const route of routes) {
      const access = expectedFor(route.method, route.url) ?? route.access;
      const url = route.url.replace(/:[a-zA-Z]+/g, newId()).replace('*', 'nothing/here.png');
      for (const caller of callerNames) {
        const expected = outcome(access, caller);
        const headers = await headersOf[caller]();
        const hasBody = !['GET', 'HEAD', 'DELETE', 'OPTIONS'].includes(route.method);
        const res = await farm.app.inject({ method: route.method as 'GET', url, headers, ...(hasBody ? { payload: {} } : {}) });
        cells++;
        const code = String(res.headers['content-type'] ?? '').includes('json') && res.body ? (res.json() as { code?: string }).code : undefined;
        const refused = code === 'SF_UNAUTHENTICATED' || code === 'SF_FORBIDDEN' || code === 'SF_CSRF_INVALID';
        const got = refused ? res.statusCode : 'through';
        if (got !== expected) mismatches.push(`${route.method} ${route.url} as ${caller}: expected ${expected}, got ${res.statusCode} ${code ?? ''}`);
        if (refused && expected !== 'through') {
          expect(code, `${route.method} ${route.url} as ${caller}`).toBe(expected === 401 ? 'SF_UNAUTHENTICATED' : 'SF_FORBIDDEN');
        }
      }
    }
    expect(mismatches).toEqual([]);
    expect(cells).toBeGreaterThanOrEqual(Object.keys(expectedAccess).length * callerNames.length);
  }, 120_000);
});
