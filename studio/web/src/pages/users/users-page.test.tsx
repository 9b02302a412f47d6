import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ApiKey, User } from '@shotfarm/shared';
import { fail, fakeApi, ok, renderStudio, sessionOf, type FakeCall } from '../../../test/fake-studio.tsx';
import UsersPage from './users-page.tsx';

// antd's table measures the scrollbar with getComputedStyle(el, '::-webkit-scrollbar'); jsdom has no pseudo-elements.
const originalStyle = window.getComputedStyle;
beforeAll(() => { window.getComputedStyle = (elt: Element) => originalStyle(elt); });
afterAll(() => { window.getComputedStyle = originalStyle; });
afterEach(() => { vi.unstubAllGlobals(); });

const admin = sessionOf(['admin'], 'boss@shop.example');
const at = '2026-03-01T10:00:00.000Z';
const users: User[] = [
  { id: admin.user.id, email: 'boss@shop.example', roles: ['admin'], disabled: false, createdAt: at, lastLoginAt: at },
  { id: 'u-mei', email: 'mei@shop.example', roles: ['designer'], disabled: false, createdAt: at, lastLoginAt: null },
  { id: 'u-old', email: 'old@shop.example', roles: ['designer', 'operator'], disabled: true, createdAt: at, lastLoginAt: at },
];
const key = (over: Partial<ApiKey>): ApiKey => ({
  id: 'k1', name: 'nightly batch', kind: 'automation', roles: ['designer'], hint: 'sf_abc123', createdBy: admin.user.id,
  createdAt: at, expiresAt: null, lastUsedAt: null, revokedAt: null, ...over,
});
const keys: ApiKey[] = [
  key({}),
  key({ id: 'k2', name: 'shop front', kind: 'storefront', roles: [] }),
  key({ id: 'k3', name: 'old script', revokedAt: at }),
  key({ id: 'k4', name: 'trial', expiresAt: '2026-01-01T00:00:00.000Z' }),
];
const slow = { timeout: 15_000 };

function renderPage(language: 'zh-CN' | 'en', routes: Parameters<typeof fakeApi>[0] = {}) {
  const calls = fakeApi({
    'GET /api/session': () => ok(admin),
    'GET /api/users': () => ok({ items: users }),
    'GET /api/api-keys': () => ok({ items: keys }),
    ...routes,
  });
  renderStudio(<UsersPage />, { path: '/users', language });
  return calls;
}

const userRow = (email: string) => document.querySelector<HTMLElement>(`[data-testid=user-row][data-email="${email}"]`)!;
const keyRow = (name: string) => document.querySelector<HTMLElement>(`[data-testid=key-row][data-name="${name}"]`)!;
const sent = (calls: FakeCall[], method: string, path: string) => calls.filter((c) => c.method === method && c.path === path);
const type = (testId: string, value: string) => fireEvent.change(screen.getByTestId(testId), { target: { value } });

// antd's tables and modals render slowly in jsdom on a shared two-core machine.
describe('用户与密钥 / Users & keys', { timeout: 60_000 }, () => {
  it('lists the users with their roles and state, marking the admin’s own row, in zh-CN', async () => {
    renderPage('zh-CN');
    expect(await screen.findByRole('heading', { name: '用户与密钥' }, slow)).toBeTruthy();
    await waitFor(() => expect(userRow('mei@shop.example')).toBeTruthy(), slow);
    const me = userRow('boss@shop.example');
    await waitFor(() => expect(within(me).getByText('你')).toBeTruthy());
    expect(within(me).getByTestId('user-disable').hasAttribute('disabled')).toBe(true); // not oneself
    expect(within(userRow('mei@shop.example')).getByText('启用')).toBeTruthy();
    expect(within(userRow('mei@shop.example')).getByText('从未')).toBeTruthy();
    expect(userRow('old@shop.example').getAttribute('data-disabled')).toBe('true');
    expect(within(userRow('old@shop.example')).getByText('已停用')).toBeTruthy();
    expect(within(userRow('old@shop.example')).getByTestId('user-enable')).toBeTruthy();
  });

  it('adds a user with the chosen roles, sending the CSRF token, and lists them', async () => {
    let list = users;
    const calls = renderPage('en', {
      'GET /api/users': () => ok({ items: list }),
      'POST /api/users': (c) => {
        const body = c.body as { email: string; roles: User['roles'] };
        const created: User = { id: 'u-new', email: body.email, roles: body.roles, disabled: false, createdAt: at, lastLoginAt: null };
        list = [...list, created];
        return { status: 201, body: created };
      },
    });
    await act(async () => { fireEvent.click(await screen.findByTestId('user-add', {}, slow)); });
    await screen.findByTestId('user-add-form', {}, slow);
    type('user-add-email', ' lin@shop.example ');
    type('user-add-password', 'a long enough password');
    const roles = screen.getByTestId('user-add-roles');
    expect(within(roles).getByText('Everything a designer may, plus launches and budgets')).toBeTruthy();
    await act(async () => { fireEvent.click(within(roles).getByText('Operator')); });
    await act(async () => { fireEvent.click(screen.getByTestId('user-add-submit')); });
    await waitFor(() => expect(sent(calls, 'POST', '/api/users')).toHaveLength(1));
    const post = sent(calls, 'POST', '/api/users')[0]!;
    expect(post.body).toEqual({ email: 'lin@shop.example', password: 'a long enough password', roles: ['designer', 'operator'] });
    expect(post.headers.get('x-csrf-token')).toBe(admin.csrfToken);
    await waitFor(() => expect(userRow('lin@shop.example')).toBeTruthy());
    expect(await screen.findByText('Added lin@shop.example.', {}, slow)).toBeTruthy();
  });

  it('refuses a short password before calling the API, and shows the API’s refusal in words', async () => {
    const calls = renderPage('zh-CN', { 'POST /api/users': () => fail(409, 'SF_EMAIL_TAKEN') });
    await act(async () => { fireEvent.click(await screen.findByTestId('user-add', {}, slow)); });
    await screen.findByTestId('user-add-form', {}, slow);
    type('user-add-email', 'mei@shop.example');
    type('user-add-password', 'short');
    await act(async () => { fireEvent.click(screen.getByTestId('user-add-submit')); });
    expect(await screen.findByText('密码至少需要 10 个字符。', {}, slow)).toBeTruthy();
    expect(sent(calls, 'POST', '/api/users')).toHaveLength(0);
    type('user-add-password', 'a long enough password');
    await act(async () => { fireEvent.click(screen.getByTestId('user-add-submit')); });
    const error = await screen.findByTestId('user-add-error', {}, slow);
    expect(error.textContent).toContain('该邮箱已被其他账号使用。');
    expect(error.getAttribute('data-code')).toBe('SF_EMAIL_TAKEN');
  });

  it('disables a user after asking, and enables one', async () => {
    const calls = renderPage('en', { 'PATCH /api/users/u-mei': (c) => ok({ ...users[1], ...(c.body as object) }), 'PATCH /api/users/u-old': (c) => ok({ ...users[2], ...(c.body as object) }) });
    await waitFor(() => expect(userRow('mei@shop.example')).toBeTruthy(), slow);
    await act(async () => { fireEvent.click(within(userRow('mei@shop.example')).getByTestId('user-disable')); });
    expect(await screen.findByText('Disable mei@shop.example? They are signed out at once and cannot sign in again.', {}, slow)).toBeTruthy();
    expect(sent(calls, 'PATCH', '/api/users/u-mei')).toHaveLength(0);
    await act(async () => { fireEvent.click(screen.getByTestId('user-disable-confirm')); });
    await waitFor(() => expect(sent(calls, 'PATCH', '/api/users/u-mei').map((c) => c.body)).toEqual([{ disabled: true }]));
    await act(async () => { fireEvent.click(within(userRow('old@shop.example')).getByTestId('user-enable')); });
    await waitFor(() => expect(sent(calls, 'PATCH', '/api/users/u-old').map((c) => c.body)).toEqual([{ disabled: false }]));
  });

  it('changes a user’s roles, and says why when the API refuses (the last admin)', async () => {
    const calls = renderPage('zh-CN', { 'PATCH /api/users/u-mei': () => fail(409, 'SF_LAST_ADMIN') });
    await waitFor(() => expect(userRow('mei@shop.example')).toBeTruthy(), slow);
    const select = within(userRow('mei@shop.example')).getByRole('combobox');
    await act(async () => { fireEvent.mouseDown(select); });
    const option = await waitFor(() => {
      const found = [...document.querySelectorAll<HTMLElement>('.ant-select-item-option')].find((o) => o.textContent === '运营');
      if (!found) throw new Error('no 运营 option yet');
      return found;
    });
    await act(async () => { fireEvent.click(option); });
    await waitFor(() => expect(sent(calls, 'PATCH', '/api/users/u-mei').map((c) => c.body)).toEqual([{ roles: ['designer', 'operator'] }]));
    expect(await screen.findByText('这是最后一个启用的管理员，不能移除其管理员角色或停用。', {}, slow)).toBeTruthy();
    // The list is read again, so the select shows the roles the user really has.
    await waitFor(() => expect(sent(calls, 'GET', '/api/users').length).toBeGreaterThanOrEqual(2));
  });

  it('reads the session again after a change to one’s own roles (what the studio shows depends on them)', async () => {
    const calls = renderPage('en', { [`PATCH /api/users/${admin.user.id}`]: (c) => ok({ ...users[0], ...(c.body as object) }) });
    await screen.findByText('you', {}, slow);
    const sessionReads = () => sent(calls, 'GET', '/api/session').length;
    const before = sessionReads();
    await act(async () => { fireEvent.mouseDown(within(userRow('boss@shop.example')).getByRole('combobox')); });
    const option = await waitFor(() => {
      const found = [...document.querySelectorAll<HTMLElement>('.ant-select-item-option')].find((o) => o.textContent === 'Growth');
      if (!found) throw new Error('no Growth option yet');
      return found;
    }, slow);
    await act(async () => { fireEvent.click(option); });
    await waitFor(() => expect(sent(calls, 'PATCH', `/api/users/${admin.user.id}`).map((c) => c.body)).toEqual([{ roles: ['admin', 'growth'] }]), slow);
    await waitFor(() => expect(sessionReads()).toBe(before + 1), slow);
  });

  it('sets a new password for a user, checked for length first', async () => {
    const calls = renderPage('en', { 'PATCH /api/users/u-mei': () => ok(users[1]) });
    await waitFor(() => expect(userRow('mei@shop.example')).toBeTruthy(), slow);
    await act(async () => { fireEvent.click(within(userRow('mei@shop.example')).getByTestId('user-reset-password')); });
    expect(await screen.findByText('New password for mei@shop.example', {}, slow)).toBeTruthy();
    type('user-new-password', 'short');
    await act(async () => { fireEvent.click(screen.getByRole('button', { name: 'Save' })); });
    expect(await screen.findByText('The password needs at least 10 characters.', {}, slow)).toBeTruthy();
    type('user-new-password', 'a brand new password');
    await act(async () => { fireEvent.click(screen.getByRole('button', { name: 'Save' })); });
    await waitFor(() => expect(sent(calls, 'PATCH', '/api/users/u-mei').map((c) => c.body)).toEqual([{ password: 'a brand new password' }]));
    expect(await screen.findByText('Set a new password for mei@shop.example.', {}, slow)).toBeTruthy();
  });

  it('lists the keys with kind, roles and state, never the key itself', async () => {
    renderPage('zh-CN');
    await waitFor(() => expect(keyRow('nightly batch')).toBeTruthy(), slow);
    const state = (name: string) => within(keyRow(name)).getByTestId('key-status').getAttribute('data-state');
    expect(['nightly batch', 'shop front', 'old script', 'trial'].map(state)).toEqual(['active', 'active', 'revoked', 'expired']);
    expect(within(keyRow('shop front')).getByText('店铺前台')).toBeTruthy();
    expect(within(keyRow('nightly batch')).getByText('设计师')).toBeTruthy();
    expect(within(keyRow('old script')).queryByTestId('key-revoke')).toBeNull();
    // Only the key's first characters, to tell keys apart, and who made it.
    expect(within(keyRow('nightly batch')).getByText('sf_abc123…')).toBeTruthy();
    expect(within(keyRow('nightly batch')).getByText('boss@shop.example')).toBeTruthy();
  });

  it('creates an automation key and shows it once, with a copy button', async () => {
    const writeText = vi.fn(async () => {});
    vi.stubGlobal('navigator', { ...navigator, clipboard: { writeText } });
    const secret = 'sf_0123456789abcdefghijklmnopqrstuvwxyzABCDEFG';
    const calls = renderPage('zh-CN', {
      'POST /api/api-keys': (c) => ({ status: 201, body: { id: 'k9', key: secret, expiresAt: null, ...(c.body as object) } }),
    });
    // The page is shown once the session is known (the studio's guard); here, wait for it to mark the admin's row.
    await screen.findByText('你', {}, slow);
    await act(async () => { fireEvent.click(screen.getByTestId('key-add')); });
    await screen.findByTestId('key-add-form', {}, slow);
    type('key-add-name', '  CLI on the build box ');
    await act(async () => { fireEvent.click(within(screen.getByTestId('key-add-roles')).getByText('运营')); });
    const before = Date.now();
    await act(async () => { fireEvent.click(screen.getByTestId('key-add-submit')); });
    await waitFor(() => expect(sent(calls, 'POST', '/api/api-keys')).toHaveLength(1));
    const post = sent(calls, 'POST', '/api/api-keys')[0]!;
    const body = post.body as { name: string; kind: string; roles: string[]; expiresAt: string };
    expect(body).toMatchObject({ name: 'CLI on the build box', kind: 'automation', roles: ['designer', 'operator'] });
    // The default expiry: 90 days from now.
    expect(Date.parse(body.expiresAt) - before).toBeGreaterThanOrEqual(90 * 86_400_000 - 1000);
    expect(Date.parse(body.expiresAt) - before).toBeLessThan(90 * 86_400_000 + 60_000);
    expect(post.headers.get('x-csrf-token')).toBe(admin.csrfToken);

    const reveal = await screen.findByTestId('key-reveal', {}, slow);
    expect(within(reveal).getByTestId('key-secret').textContent).toBe(secret);
    expect(reveal.textContent).toContain('密钥只显示这一次');
    await act(async () => { fireEvent.click(within(reveal).getByTestId('key-copy')); });
    expect(writeText).toHaveBeenCalledWith(secret);
    expect(within(reveal).getByTestId('key-copy').textContent).toBe('已复制');
    await act(async () => { fireEvent.click(screen.getByTestId('key-reveal-done')); });
    await waitFor(() => expect(screen.queryByText(secret)).toBeNull());
  });

  it('creates a storefront key without roles, never expiring', async () => {
    const calls = renderPage('en', {
      'POST /api/api-keys': (c) => ({ status: 201, body: { id: 'k9', key: 'sf_storefront0123456789abcdefghijklmnopqrstuv', roles: [], expiresAt: null, ...(c.body as object) } }),
    });
    await act(async () => { fireEvent.click(await screen.findByTestId('key-add', {}, slow)); });
    await screen.findByTestId('key-add-form', {}, slow);
    type('key-add-name', 'shop front 2');
    await act(async () => { fireEvent.click(within(screen.getByTestId('key-add-kind')).getByText('Storefront')); });
    expect(await screen.findByText('Calls only the storefront endpoints (/serve, /events) and nothing else.', {}, slow)).toBeTruthy();
    expect(screen.queryByTestId('key-add-roles')).toBeNull();
    await act(async () => { fireEvent.mouseDown(within(screen.getByTestId('key-add-form')).getAllByRole('combobox').at(-1)!); });
    const never = await waitFor(() => {
      const found = [...document.querySelectorAll<HTMLElement>('.ant-select-item-option')].find((o) => o.textContent === 'Never');
      if (!found) throw new Error('no Never option yet');
      return found;
    });
    await act(async () => { fireEvent.click(never); });
    await act(async () => { fireEvent.click(screen.getByTestId('key-add-submit')); });
    await waitFor(() => expect(sent(calls, 'POST', '/api/api-keys')).toHaveLength(1));
    expect(sent(calls, 'POST', '/api/api-keys')[0]!.body).toEqual({ name: 'shop front 2', kind: 'storefront' });
    expect(await screen.findByTestId('key-reveal', {}, slow)).toBeTruthy();
  });

  it('revokes a key after asking', async () => {
    const calls = renderPage('en', { 'DELETE /api/api-keys/k1': () => ({ status: 204 }) });
    await waitFor(() => expect(keyRow('nightly batch')).toBeTruthy(), slow);
    await act(async () => { fireEvent.click(within(keyRow('nightly batch')).getByTestId('key-revoke')); });
    expect(await screen.findByText('Revoke the key “nightly batch”? Whatever uses it loses access at once, for good.', {}, slow)).toBeTruthy();
    await act(async () => { fireEvent.click(screen.getByTestId('key-revoke-confirm')); });
    await waitFor(() => expect(sent(calls, 'DELETE', '/api/api-keys/k1')).toHaveLength(1));
    expect(sent(calls, 'DELETE', '/api/api-keys/k1')[0]!.headers.get('x-csrf-token')).toBe(admin.csrfToken);
    expect(await screen.findByText('Revoked the key “nightly batch”.', {}, slow)).toBeTruthy();
  });
});
