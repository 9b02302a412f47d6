import { useState } from 'react';
import { BrowserRouter, Route, Routes } from 'react-router';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { App as AntApp, ConfigProvider } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import { AppLayout } from './app/app-layout.tsx';
import { pageRoutes } from './app/routes.tsx';
import { I18nProvider, useI18n } from './i18n/i18n.ts';
import LoginPage from './pages/login/login-page.tsx';
import { loginPath, RequireAccess, RequireSession } from './session/guards.tsx';
import { SessionProvider } from './session/session.tsx';

/** Retries are for a flaky network; a coded 4xx answer will not change on retry. */
const queryRetries = 2;
/** Matches styles.css `--accent`, so antd controls and the studio's own parts are one colour. */
const accent = '#2350b8';

function createQueryClient(): QueryClient {
  return new QueryClient({ defaultOptions: { queries: { retry: queryRetries, refetchOnWindowFocus: false, staleTime: 5_000 } } });
}

/** antd follows the studio's language (its date pickers, pagination, empty states). */
function Themed({ children }: { children: React.ReactNode }) {
  const { language } = useI18n();
  return (
    // autoInsertSpace off: antd would write two-character Chinese buttons as "对 比", "通 过".
    <ConfigProvider locale={language === 'en' ? enUS : zhCN} theme={{ token: { colorPrimary: accent, borderRadius: 6, fontSize: 14 } }} componentSize="middle"
      button={{ autoInsertSpace: false }}>
      <AntApp>{children}</AntApp>
    </ConfigProvider>
  );
}

export function App() {
  const [queryClient] = useState(createQueryClient);
  return (
    <I18nProvider>
      <QueryClientProvider client={queryClient}>
        <Themed>
          <BrowserRouter>
            <SessionProvider>
              <StudioRoutes />
            </SessionProvider>
          </BrowserRouter>
        </Themed>
      </QueryClientProvider>
    </I18nProvider>
  );
}

/**
 * The login page, open to anyone; every other page only for a signed-in person whose roles allow it (the 403
 * page otherwise). Inside a router and a `SessionProvider`.
 */
export function StudioRoutes() {
  return (
    <Routes>
      <Route path={loginPath} element={<LoginPage />} />
      <Route element={<RequireSession><AppLayout /></RequireSession>}>
        {pageRoutes.map(({ path, access, Page }) => (
          <Route key={path} path={path} element={<RequireAccess access={access} path={path}><Page /></RequireAccess>} />
        ))}
        <Route path="*" element={<NotFound />} />
      </Route>
    </Routes>
  );
}

function NotFound() {
  const { t } = useI18n();
  return <main id="main" className="workspace" tabIndex={-1}><p className="empty-state">{t('error.SF_OBJECT_NOT_FOUND')}</p></main>;
}
