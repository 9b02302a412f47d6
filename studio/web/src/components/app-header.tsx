import { useI18n } from '../i18n/i18n.ts';
import { LanguageSwitch } from './language-switch.tsx';
import { UserMenu } from './user-menu.tsx';
import { BrandMark } from './brand-mark.tsx';

export function AppHeader() {
  const { t } = useI18n();
  return (
    <header className="app-header">
      <div className="app-header-inner">
        <a className="brand" href="/" aria-label={t('app.name')}>
          <BrandMark />
        </a>
        <span className="brand-tagline">{t('app.tagline')}</span>
        <nav className="app-nav">
          <a className="nav-link" href="/docs" target="_blank" rel="noopener" data-testid="docs-link">
            {t('header.docs')}
            <span className="visually-hidden">{t('common.opensInNewTab')}</span>
            <svg className="icon-external" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
              <path d="M6 3H3v10h10v-3M9 3h4v4M13 3L7 9" fill="none" stroke="currentColor" strokeWidth="1.5" />
            </svg>
          </a>
          <LanguageSwitch />
          <UserMenu />
        </nav>
      </div>
    </header>
  );
}
