import { Suspense } from 'react';
import { NavLink, Outlet } from 'react-router';
import { Spin } from 'antd';
import { AppHeader } from '../components/app-header.tsx';
import { SkipLink } from '../components/skip-link.tsx';
import { useI18n } from '../i18n/i18n.ts';
import { useSession } from '../session/session.tsx';
import { pageRoutes } from './routes.tsx';

/** Header, the navigation to the pages the signed-in person's roles allow, and the current page. */
export function AppLayout() {
  const { t } = useI18n();
  const { allows } = useSession();
  return (
    <>
      <SkipLink />
      <AppHeader />
      <nav className="page-nav" aria-label={t('nav.label')}>
        {pageRoutes.filter((r) => allows(r.access)).map((r) => (
          <NavLink key={r.path} to={r.path} end={r.path === '/'} className="page-nav-link" data-testid={`nav-${r.label.slice(4)}`}>
            {t(r.label)}
          </NavLink>
        ))}
      </nav>
      <Suspense fallback={<div className="page-loading"><Spin /></div>}>
        <Outlet />
      </Suspense>
    </>
  );
}
