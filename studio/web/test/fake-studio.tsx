import type { ReactNode } from 'react';
import { render } from '@testing-library/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { App as AntApp } from 'antd';
import { MemoryRouter, useLocation } from 'react-router';
import { vi } from 'vitest';
import type { Role, SessionAnswer } from '@shotfarm/shared';
import { rememberCsrfToken } from '../src/api/client.ts';
import { createI18n, I18nProvider, type Language } from '../src/i18n/i18n.ts';
import { SessionProvider } from '../src/session/session.tsx';

/** One recorded request to the fake API. */
export interface FakeCall {
  method: string;
  path: string;
  headers: Headers;
  body: unknown;
}

export interface FakeAnswer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}
type Handler = (call: FakeCall) => FakeAnswer | Promise<FakeAnswer>;

export const ok = (body: unknown): FakeAnswer => ({ status: 200, body });
export const fail = (status: number, code: string, extra: { details?: unknown; headers?: Record<string, string> } = {}): FakeAnswer =>
  ({ status, body: { code, message: `the server says ${code}`, ...(extra.details !== undefined ? { details: extra.details } : {}) }, headers: extra.headers });

/**
 * A fake `fetch` answering `METHOD /path` (query included) from `routes`; unknown routes answer the API's coded 404.
 * Every call is recorded with its headers and parsed JSON body, so tests can check the CSRF header and what was sent.
 */
export function fakeApi(routes: Record<string, Handler>): FakeCall[] {
  const calls: FakeCall[] = [];
  vi.stubGlobal('fetch', vi.fn(async (input: string, init: RequestInit = {}) => {
    const method = init.method ?? 'GET';
    const call: FakeCall = {
      method, path: input, headers: new Headers(init.headers),
      body: typeof init.body === 'string' ? JSON.parse(init.body) as unknown : undefined,
    };
    calls.push(call);
    const handler = routes[`${method} ${input}`];
    const answer = handler ? await handler(call) : fail(404, 'SF_ROUTE_NOT_FOUND');
    return new Response(answer.body === undefined ? null : JSON.stringify(answer.body), {
      status: answer.status, headers: { 'content-type': 'application/json', ...answer.headers },
    });
  }));
  return calls;
}

/** A session answer for someone holding `roles`. */
export function sessionOf(roles: Role[], email = `${roles.join('-')}@shop.example`): SessionAnswer {
  return { user: { id: `user-${roles.join('-')}`, email, roles }, csrfToken: `csrf-${roles.join('-')}` };
}

/** Shows the router's current location, so tests can see where a redirect went. */
function Where() {
  const location = useLocation();
  return <output data-testid="where">{location.pathname + location.search}</output>;
}

/** Renders `ui` as the studio does: query client, language, antd's App, a router at `path`, the session. */
export function renderStudio(ui: ReactNode, { path = '/', language = 'zh-CN' }: { path?: string; language?: Language } = {}) {
  rememberCsrfToken(null); // the token is module state in the client: no test inherits another's
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(
    <QueryClientProvider client={client}>
      <I18nProvider instance={createI18n(language)}>
        <AntApp>
          <MemoryRouter initialEntries={[path]}>
            <SessionProvider>
              {ui}
              <Where />
            </SessionProvider>
          </MemoryRouter>
        </AntApp>
      </I18nProvider>
    </QueryClientProvider>,
  );
}
