import { useI18n } from '../../i18n/i18n.ts';
import { ApiKeysSection } from './api-keys-section.tsx';
import { UsersSection } from './users-section.tsx';

/** 用户与密钥 / Users & keys (admin): the people who sign in to the studio, and the keys scripts and storefronts use. */
export default function UsersPage() {
  const { t } = useI18n();
  return (
    <main id="main" className="workspace workspace-single users-page" tabIndex={-1} data-testid="users-page">
      <h1 className="page-title">{t('users.title')}</h1>
      <p className="muted">{t('users.hint')}</p>
      <UsersSection />
      <ApiKeysSection />
    </main>
  );
}
