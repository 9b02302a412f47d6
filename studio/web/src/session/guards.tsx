import type { ReactNode } from 'react';
import { Link, Navigate, useLocation } from 'react-router';
import { Button, Spin } from 'antd';
import { pageRoutes } from '../app/routes.tsx';
import { ErrorNotice } from '../components/error-notice.tsx';
import { describeError } from '../i18n/error-message.ts';
import { useI18n } from '../i18n/i18n.ts';
import { useSession, type StudioAccess } from './session.tsx';

/** The login page's path. */
export const loginPath = '/login';

/** The login page, remembering where the person was going (`?next=`), unless that was the start page. */
export function loginUrl(next: string): string {
  return next === '/' || next === '' ? loginPath : `${loginPath}?next=${encodeURIComponent(next)}`;
}

/**
 * Where to go after logging in: `next` when it is a path of this studio, else the start page. A `next` that
 * names another site (`//evil.example`, `https://…`) is ignored, so a crafted login link cannot send a
 * person elsewhere with their fresh session.
 */
export function safeNext(next: string | null): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\') || next.startsWith(loginPath)) return '/';
  return next;
}

/** Renders the studio for a signed-in person; anyone else goes to the login page, keeping where they were going. */
export function RequireSession({ children }: { children: ReactNode }) {
  const session = useSession();
  const location = useLocation();
  const { t } = useI18n();
  if (session.status === 'loading') {
    return <div className="page-loading" role="status" aria-label={t('session.loading')}><Spin /></div>;
  }
  if (session.status === 'error') {
    return (
      <main id="main" className="session-problem" tabIndex={-1} data-testid="session-error">
        <p>{t('session.loadFailed')}</p>
        <ErrorNotice error={describeError(session.error, t)} />
        <Button onClick={session.reload}>{t('session.retry')}</Button>
      </main>
    );
  }
  // After 退出登录 / Log out, the login page is a fresh start; otherwise it brings the person back here.
  if (session.status === 'anonymous') return <Navigate to={session.loggedOut ? loginPath : loginUrl(location.pathname + location.search + location.hash)} replace />;
  return children;
}

/**
 * Renders a page the signed-in person's roles allow, else the polite 403 page. The start page is the one
 * exception: someone who cannot create jobs (growth) is taken to the first page they may open instead.
 */
export function RequireAccess({ access, path, children }: { access: StudioAccess; path: string; children: ReactNode }) {
  const { allows } = useSession();
  if (allows(access)) return children;
  if (path === '/') {
    const first = pageRoutes.find((r) => allows(r.access));
    if (first) return <Navigate to={first.path} replace />;
  }
  return <ForbiddenPage />;
}

/** A direct link to a page the person may not open: says so, and why, without a dead end. */
export function ForbiddenPage() {
  const { t } = useI18n();
  const { user, allows } = useSession();
  const roles = (user?.roles ?? []).map((r) => t(`role.${r}`)).join(t('common.listSeparator'));
  const home = pageRoutes.find((r) => allows(r.access));
  return (
    <main id="main" className="workspace workspace-single forbidden-page" tabIndex={-1} data-testid="forbidden-page">
      <div className="forbidden-card">
        <p className="forbidden-code" aria-hidden="true">403</p>
        <h1 className="page-title">{t('forbidden.title')}</h1>
        <p>{home ? t('forbidden.body', { roles }) : t('forbidden.noPages', { roles })}</p>
        {home && <Link className="button button-primary" to={home.path} data-testid="forbidden-home">{t('forbidden.home')}</Link>}
      </div>
    </main>
  );
}
