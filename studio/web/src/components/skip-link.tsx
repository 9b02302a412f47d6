import { useI18n } from '../i18n/i18n.ts';

/** The first tab stop: keyboard users jump past the header to the steps. */
export function SkipLink() {
  const { t } = useI18n();
  return <a className="skip-link" href="#main">{t('app.skipToContent')}</a>;
}
