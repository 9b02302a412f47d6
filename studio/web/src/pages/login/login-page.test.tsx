import { act, fireEvent, screen, waitFor } from '@testing-library/react';
import { Route, Routes } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fail, fakeApi, ok, renderStudio, sessionOf, type FakeAnswer } from '../../../test/fake-studio.tsx';
import { listJobs, reviewAsset } from '../../api/client.ts';
import { safeNext } from '../../session/guards.tsx';
import LoginPage from './login-page.tsx';

afterEach(() => { vi.unstubAllGlobals(); });
/** antd's first render is slow on a busy two-core machine. */
const slow = { timeout: 15_000 };

const designer = sessionOf(['designer'], 'mei@shop.example');

/** The login page at /login?next=…, and a stand-in gallery page to land on. */
function renderLogin(language: 'zh-CN' | 'en', next = '/gallery?job=j1') {
  renderStudio(
    <Routes>
      <Route path="/login" element={<LoginPage />} />
      <Route path="/gallery" element={<p>gallery</p>} />
      <Route path="/" element={<p>start</p>} />
    </Routes>,
    { path: `/login?next=${encodeURIComponent(next)}`, language },
  );
}

async function logIn(email: string, password: string) {
  const form = await screen.findByTestId('login-form', {}, slow);
  fireEvent.change(screen.getByTestId('login-email'), { target: { value: email } });
  fireEvent.change(screen.getByTestId('login-password'), { target: { value: password } });
  await act(async () => { fireEvent.submit(form); });
}

// antd's form renders slowly in jsdom on a busy two-core machine.
describe('the login page', { timeout: 60_000 }, () => {
  it('logs in, lands where the person was going, and sends the session’s CSRF token on later changes', async () => {
    const calls = fakeApi({
      'GET /api/session': () => fail(401, 'SF_UNAUTHENTICATED'),
      'POST /api/session': () => ok(designer),
      'POST /api/assets/a1/review': () => ({ status: 201, body: { verdict: 'approve' } }),
    });
    renderLogin('zh-CN');
    expect(await screen.findByRole('heading', { name: '登录 Shotfarm 影农' }, slow)).toBeTruthy();
    expect(screen.getByText('登录后将回到你刚才打开的页面。')).toBeTruthy();
    await logIn('  mei@shop.example ', 'correct horse battery');
    await waitFor(() => expect(screen.getByTestId('where').textContent).toBe('/gallery?job=j1'), slow);
    const login = calls.find((c) => c.method === 'POST' && c.path === '/api/session')!;
    expect(login.body).toEqual({ email: 'mei@shop.example', password: 'correct horse battery' });

    await reviewAsset('a1', 'approve');
    const review = calls.find((c) => c.path === '/api/assets/a1/review')!;
    expect(review.headers.get('x-csrf-token')).toBe(designer.csrfToken);
    // Reads carry no token: it is for state-changing requests only.
    await listJobs().catch(() => undefined);
    expect(calls.find((c) => c.path === '/api/jobs')!.headers.get('x-csrf-token')).toBeNull();
  });

  it.each([
    ['zh-CN', '邮箱或密码错误，或该账号已停用。', '请联系管理员'],
    ['en', 'The email or password is wrong, or this account has been disabled.', 'ask an administrator'],
  ] as const)('says a wrong password or a disabled account plainly, and stays, in %s', async (language, message, hint) => {
    fakeApi({ 'GET /api/session': () => fail(401, 'SF_UNAUTHENTICATED'), 'POST /api/session': () => fail(401, 'SF_LOGIN_FAILED') });
    renderLogin(language);
    await logIn('mei@shop.example', 'wrong password');
    const error = await screen.findByTestId('login-error', {}, slow);
    expect(error.getAttribute('data-code')).toBe('SF_LOGIN_FAILED');
    expect(error.textContent).toContain(message);
    expect(error.textContent).toContain(hint);
    expect(screen.getByTestId('where').textContent).toMatch(/^\/login\?next=/);
  });

  it('says the failure again in the language switched to', async () => {
    fakeApi({ 'GET /api/session': () => fail(401, 'SF_UNAUTHENTICATED'), 'POST /api/session': () => fail(401, 'SF_LOGIN_FAILED') });
    renderLogin('zh-CN');
    await logIn('mei@shop.example', 'wrong password');
    expect((await screen.findByTestId('login-error', {}, slow)).textContent).toContain('邮箱或密码错误');
    await act(async () => { fireEvent.click(screen.getByTestId('language-en')); });
    expect(screen.getByTestId('login-error').textContent).toContain('The email or password is wrong');
  });

  it.each<[string, FakeAnswer, 'zh-CN' | 'en', string]>([
    ['details.retryAfterS', fail(429, 'SF_TOO_MANY_ATTEMPTS', { details: { retryAfterS: 600 } }), 'zh-CN', '登录失败次数过多，请在 10 分钟后再试。'],
    ['a Retry-After header', fail(429, 'SF_TOO_MANY_ATTEMPTS', { headers: { 'retry-after': '61' } }), 'en', 'Too many failed sign-in attempts. Try again in 2 min.'],
    ['nothing (the usual window)', fail(429, 'SF_TOO_MANY_ATTEMPTS'), 'en', 'Too many failed sign-in attempts. Wait 15 minutes and try again.'],
  ])('says how long the cooling-off lasts after too many failures, from %s', async (_, answer, language, message) => {
    fakeApi({ 'GET /api/session': () => fail(401, 'SF_UNAUTHENTICATED'), 'POST /api/session': () => answer });
    renderLogin(language);
    await logIn('mei@shop.example', 'whatever it is');
    const error = await screen.findByTestId('login-error', {}, slow);
    expect(error.getAttribute('data-code')).toBe('SF_TOO_MANY_ATTEMPTS');
    expect(error.textContent).toContain(message);
  });

  it('asks for both fields before calling the API', async () => {
    const calls = fakeApi({ 'GET /api/session': () => fail(401, 'SF_UNAUTHENTICATED') });
    renderLogin('en');
    await act(async () => { fireEvent.submit(await screen.findByTestId('login-form', {}, slow)); });
    expect(await screen.findByText('Enter your email.', {}, slow)).toBeTruthy();
    expect(screen.getByText('Enter your password.')).toBeTruthy();
    expect(calls.filter((c) => c.method === 'POST')).toEqual([]);
  });

  it('shows other failures (the API down) with the common words and the code', async () => {
    fakeApi({ 'GET /api/session': () => fail(401, 'SF_UNAUTHENTICATED'), 'POST /api/session': () => fail(429, 'SF_RATE_LIMITED', { details: { retryAfterS: 30 } }) });
    renderLogin('zh-CN');
    await logIn('mei@shop.example', 'whatever it is');
    const error = await screen.findByTestId('login-error', {}, slow);
    expect(error.textContent).toContain('请求过于频繁，请稍后再试。');
    expect(error.textContent).toContain('SF_RATE_LIMITED');
  });

  it('sends someone already signed in straight on', async () => {
    fakeApi({ 'GET /api/session': () => ok(designer) });
    renderLogin('zh-CN');
    await waitFor(() => expect(screen.getByTestId('where').textContent).toBe('/gallery?job=j1'), slow);
  });

  it('never sends a fresh session to another site', () => {
    expect(safeNext('/gallery?job=j1')).toBe('/gallery?job=j1');
    for (const next of [null, '', 'https://evil.example/', '//evil.example/x', '/\\evil.example', 'javascript:alert(1)', '/login?next=/x']) {
      expect(safeNext(next)).toBe('/');
    }
  });
});
