import { languages, useI18n, type Language } from '../i18n/i18n.ts';

/** Each language names itself, so a person who cannot read the current one still finds theirs. */
const languageNames: Record<Language, string> = { 'zh-CN': '中文', en: 'English' };

export function LanguageSwitch() {
  const { language, setLanguage, t } = useI18n();
  return (
    <div className="segmented" role="group" aria-label={t('header.language')} data-testid="language-switch">
      {languages.map((option) => (
        <button
          key={option}
          type="button"
          lang={option}
          aria-pressed={option === language}
          className="segmented-option"
          onClick={() => setLanguage(option)}
          data-testid={`language-${option}`}
        >
          {languageNames[option]}
        </button>
      ))}
    </div>
  );
}
