import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiRequestError, getSession, logIn, logOut, onUnauthenticated, rememberCsrfToken, submitJob } from './client.ts';

interface Call { method: string; path: string; token: string | null }

/** A fake API: answers by `METHOD /path` from a queue per route (the last answer repeats), recording the CSRF header. */
function fakeApi(routes: Record<string, { status: number; body: unknown; headers?: Record<string, string> }[]>): Call[] {
  const calls: Call[] = [];
  vi.stubGlobal('fetch', vi.fn(async (path: string, init: RequestInit = {}) => {
    const method = init.method ?? 'GET';
    calls.push({ method, path, token: new Headers(init.headers).get('x-csrf-token') });
    expect(init.credentials).toBe('same-origin');
    const queue = routes[`${method} ${path}`] ?? [{ status: 404, body: { code: 'SF_ROUTE_NOT_FOUND', message: path } }];
    const answer = queue.length > 1 ? queue.shift()! : queue[0]!;
    return new Response(answer.body === null ? null : JSON.stringify(answer.body), { status: answer.status, headers: { 'content-type': 'application/json', ...answer.headers } });
  }));
  return calls;
}

const session = (token: string) => ({ status: 200, body: { user: { id: 'u1', email: 'mei@shop.example', roles: ['designer'] }, csrfToken: token } });
const job = { type: 'product-shot', recipe: 'product-shot/studio-local', inputs: { product: 'a1' } } as const;
const accepted = { status: 201, body: { id: 'j1' } };

beforeEach(() => rememberCsrfToken(null));
afterEach(() => { vi.unstubAllGlobals(); });

describe('the API client and the session', () => {
  it('sends the token from the login answer on state-changing requests only', async () => {
    const calls = fakeApi({ 'POST /api/session': [session('t-login')], 'POST /api/jobs': [accepted], 'GET /api/session': [session('t-login')] });
    await logIn('mei@shop.example', 'correct horse battery');
    await submitJob(job);
    await getSession();
    expect(calls).toEqual([
      { method: 'POST', path: '/api/session', token: null },
      { method: 'POST', path: '/api/jobs', token: 't-login' },
      { method: 'GET', path: '/api/session', token: null },
    ]);
  });

  it('renews a stale token from GET /api/session and sends the request once more', async () => {
    const csrfInvalid = { status: 403, body: { code: 'SF_CSRF_INVALID', message: 'invalid csrf token' } };
    const calls = fakeApi({ 'GET /api/session': [session('t-new')], 'POST /api/jobs': [csrfInvalid, accepted] });
    rememberCsrfToken('t-old');
    await expect(submitJob(job)).resolves.toEqual({ id: 'j1' });
    expect(calls.map((c) => `${c.method} ${c.path} ${c.token}`)).toEqual(['POST /api/jobs t-old', 'GET /api/session null', 'POST /api/jobs t-new']);
  });

  it('gives up after one renewal: a second refusal is a real one', async () => {
    const csrfInvalid = { status: 403, body: { code: 'SF_CSRF_INVALID', message: 'invalid csrf token' } };
    const calls = fakeApi({ 'GET /api/session': [session('t-new')], 'POST /api/jobs': [csrfInvalid] });
    rememberCsrfToken('t-old');
    await expect(submitJob(job)).rejects.toMatchObject({ status: 403, code: 'SF_CSRF_INVALID' });
    expect(calls.filter((c) => c.path === '/api/jobs')).toHaveLength(2);
  });

  it('tells the session of a 401 from any call but the session’s own', async () => {
    fakeApi({ 'POST /api/jobs': [{ status: 401, body: { code: 'SF_UNAUTHENTICATED', message: 'sign in' } }], 'POST /api/session': [{ status: 401, body: { code: 'SF_LOGIN_FAILED', message: 'wrong' } }] });
    const heard = vi.fn();
    const stop = onUnauthenticated(heard);
    await expect(logIn('mei@shop.example', 'wrong')).rejects.toMatchObject({ code: 'SF_LOGIN_FAILED' });
    expect(heard).not.toHaveBeenCalled();
    await expect(submitJob(job)).rejects.toBeInstanceOf(ApiRequestError);
    expect(heard).toHaveBeenCalledTimes(1);
    stop();
    await expect(submitJob(job)).rejects.toBeInstanceOf(ApiRequestError);
    expect(heard).toHaveBeenCalledTimes(1);
  });

  it('answers null for nobody signed in, and forgets the token on logout', async () => {
    const calls = fakeApi({ 'GET /api/session': [{ status: 401, body: { code: 'SF_UNAUTHENTICATED', message: 'sign in' } }], 'DELETE /api/session': [{ status: 204, body: null }], 'POST /api/jobs': [accepted] });
    await expect(getSession()).resolves.toBeNull();
    rememberCsrfToken('t-1');
    await logOut();
    await submitJob(job);
    expect(calls.map((c) => `${c.method} ${c.path} ${c.token}`)).toEqual(['GET /api/session null', 'DELETE /api/session t-1', 'POST /api/jobs null']);
  });

  it('reads Retry-After into the error', async () => {
    fakeApi({ 'POST /api/session': [{ status: 429, body: { code: 'SF_TOO_MANY_ATTEMPTS', message: 'later' }, headers: { 'retry-after': '120' } }] });
    await expect(logIn('mei@shop.example', 'x')).rejects.toMatchObject({ status: 429, retryAfterS: 120 });
  });
});
