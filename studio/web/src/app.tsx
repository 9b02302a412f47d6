import { AppHeader } from './components/app-header.tsx';
import { SkipLink } from './components/skip-link.tsx';
import { I18nProvider } from './i18n/i18n.ts';
import { NewJobPage } from './pages/new-job-page.tsx';

export function App() {
  return (
    <I18nProvider>
      <SkipLink />
      <AppHeader />
      <NewJobPage />
    </I18nProvider>
  );
}
