import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Role } from '@shotfarm/shared';
import { fail, fakeApi, ok, renderStudio, sessionOf } from '../../test/fake-studio.tsx';
import { StudioRoutes } from '../app.tsx';
import { pageRoutes } from '../app/routes.tsx';

afterEach(() => { vi.unstubAllGlobals(); });
// antd's table measures the scrollbar with getComputedStyle(el, '::-webkit-scrollbar'); jsdom has no pseudo-elements.
const originalStyle = window.getComputedStyle;
beforeAll(async () => {
  window.getComputedStyle = (elt: Element) => originalStyle(elt);
  await import('../pages/users/users-page.tsx'); // the lazy page, loaded once here rather than inside a test's wait
}, 30_000);
afterAll(() => { window.getComputedStyle = originalStyle; });

const navNames = () => [...screen.getByRole('navigation', { name: /主导航|Main navigation/ }).querySelectorAll('a')].map((a) => a.getAttribute('data-testid'));
/** The lazy pages and antd's first render are slow on a busy two-core machine. */
const slow = { timeout: 15_000 };
const where = () => screen.getByTestId('where').textContent;

/** The studio at `path` for someone holding `roles`; the users page's lists answer empty. */
function signedInAs(roles: Role[], path: string, language: 'zh-CN' | 'en' = 'zh-CN', routes: Parameters<typeof fakeApi>[0] = {}) {
  const session = sessionOf(roles);
  const calls = fakeApi({
    'GET /api/session': () => ok(session),
    'DELETE /api/session': () => ({ status: 204 }),
    'GET /api/users': () => ok({ items: [] }),
    'GET /api/api-keys': () => ok({ items: [] }),
    ...routes,
  });
  renderStudio(<StudioRoutes />, { path, language });
  return { calls, session };
}

describe('what the session lets a person see', { timeout: 60_000 }, () => {
  it('shows a designer the designer’s pages only, and a polite 403 page on a direct link to Users & keys', async () => {
    signedInAs(['designer'], '/users');
    const forbidden = await screen.findByTestId('forbidden-page', {}, slow);
    // The farm page reads GET /api/farm, which any signed-in person may; Users & keys is the admin's.
    expect(navNames()).toEqual(['nav-create', 'nav-jobs', 'nav-gallery', 'nav-farm', 'nav-assets', 'nav-recipes', 'nav-models']); // designers import recipe drafts; anyone reads the model cards
    expect(within(forbidden).getByRole('heading').textContent).toBe('没有访问权限');
    expect(forbidden.textContent).toContain('你的账号（设计师）不能打开此页面');
    expect(within(forbidden).getByTestId('forbidden-home').getAttribute('href')).toBe('/');
    expect(screen.queryByTestId('users-page')).toBeNull();
  });

  it('says the same in en', async () => {
    signedInAs(['designer', 'growth'], '/users', 'en');
    const forbidden = await screen.findByTestId('forbidden-page', {}, slow);
    expect(forbidden.textContent).toContain('Your account (Designer, Growth) cannot open this page.');
  });

  it('shows an admin every page, Users & keys included', { timeout: 30_000 }, async () => {
    signedInAs(['admin'], '/users', 'en');
    expect(await screen.findByTestId('users-page', {}, slow)).toBeTruthy();
    expect(navNames()).toEqual(pageRoutes.map((r) => `nav-${r.label.slice(4)}`));
    expect(navNames()).toContain('nav-users');
    expect(screen.getByTestId('nav-users').textContent).toBe('Users & keys');
  });

  it('gives an operator the designer’s pages (an operator holds a designer’s rights)', async () => {
    signedInAs(['operator'], '/users');
    await screen.findByTestId('forbidden-page', {}, slow);
    expect(navNames()).toEqual(expect.arrayContaining(['nav-create', 'nav-jobs', 'nav-gallery', 'nav-farm', 'nav-assets']));
    expect(navNames()).not.toContain('nav-users');
  });

  it('takes someone who cannot create jobs from the start page to the first page they may open', async () => {
    signedInAs(['growth'], '/');
    await waitFor(() => expect(where()).toBe('/farm'), slow);
    expect(navNames()[0]).toBe('nav-farm');
    expect(navNames()).not.toContain('nav-create');
    expect(navNames()).not.toContain('nav-users');
  });

  it('names the user and their roles in the header menu, and logs out with the CSRF token', async () => {
    const { calls, session } = signedInAs(['designer', 'operator'], '/users');
    await screen.findByTestId('forbidden-page', {}, slow);
    const menu = screen.getByTestId('user-menu');
    expect(menu.getAttribute('aria-label')).toBe(`账号：${session.user.email}`);
    await act(async () => { fireEvent.click(menu); });
    expect((await screen.findByTestId('user-menu-email', {}, slow)).textContent).toBe(session.user.email);
    expect([...screen.getByTestId('user-menu-roles').querySelectorAll('[data-role]')].map((t) => t.textContent)).toEqual(['设计师', '运营']);
    await act(async () => { fireEvent.click(screen.getByTestId('logout')); });
    await waitFor(() => expect(where()).toBe('/login'), slow);
    const logout = calls.find((c) => c.method === 'DELETE' && c.path === '/api/session')!;
    expect(logout.headers.get('x-csrf-token')).toBe(session.csrfToken);
    expect(await screen.findByTestId('login-page', {}, slow)).toBeTruthy();
  });

  it('sends an anonymous visitor to the login page, keeping where they were going, and back there after logging in', async () => {
    const admin = sessionOf(['admin']);
    let signedIn = false;
    fakeApi({
      'GET /api/session': () => (signedIn ? ok(admin) : fail(401, 'SF_UNAUTHENTICATED')),
      'POST /api/session': () => { signedIn = true; return ok(admin); },
      'GET /api/users': () => ok({ items: [] }),
      'GET /api/api-keys': () => ok({ items: [] }),
    });
    renderStudio(<StudioRoutes />, { path: '/users?tab=keys' });
    await screen.findByTestId('login-page', {}, slow);
    expect(where()).toBe(`/login?next=${encodeURIComponent('/users?tab=keys')}`);
    fireEvent.change(screen.getByTestId('login-email'), { target: { value: admin.user.email } });
    fireEvent.change(screen.getByTestId('login-password'), { target: { value: 'a long enough password' } });
    await act(async () => { fireEvent.submit(screen.getByTestId('login-form')); });
    expect(await screen.findByTestId('users-page', {}, slow)).toBeTruthy();
    expect(where()).toBe('/users?tab=keys');
  }, 30_000);

  it('sends the page to the login form when any API call answers 401 (the session ended elsewhere)', async () => {
    signedInAs(['admin'], '/users', 'zh-CN', { 'GET /api/users': () => fail(401, 'SF_UNAUTHENTICATED') });
    await screen.findByTestId('login-page', {}, slow);
    expect(where()).toBe(`/login?next=${encodeURIComponent('/users')}`);
  }, 30_000);

  it('says so, with a retry, when the session cannot be read at all', async () => {
    let up = false;
    fakeApi({ 'GET /api/session': () => (up ? ok(sessionOf(['admin'])) : fail(502, 'SF_INTERNAL')), 'GET /api/users': () => ok({ items: [] }), 'GET /api/api-keys': () => ok({ items: [] }) });
    renderStudio(<StudioRoutes />, { path: '/users' });
    const problem = await screen.findByTestId('session-error', {}, slow);
    expect(problem.textContent).toContain('无法确认登录状态');
    up = true;
    await act(async () => { fireEvent.click(within(problem).getByRole('button')); });
    expect(await screen.findByTestId('users-page', {}, slow)).toBeTruthy();
  }, 30_000);
});
