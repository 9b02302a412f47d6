import { createElement, useCallback, useEffect, useMemo, type ReactNode } from 'react';
import i18next, { type i18n as I18nInstance } from 'i18next';
import { I18nextProvider, initReactI18next, useTranslation } from 'react-i18next';
import { en } from './en.ts';
import { zhCN, type Messages } from './zh-CN.ts';

/** Languages the studio speaks, by BCP 47 tag; the first is the default. */
export const languages = ['zh-CN', 'en'] as const;
export type Language = (typeof languages)[number];
export type MessageKey = keyof Messages;
export type TranslateValues = Record<string, string | number>;
export type Translate = (key: MessageKey, values?: TranslateValues) => string;

export const defaultLanguage: Language = 'zh-CN';
/** Where the chosen language is remembered between visits. */
export const languageStorageKey = 'shotfarm.language';

export function isLanguage(value: unknown): value is Language {
  return (languages as readonly unknown[]).includes(value);
}

/** The remembered language, else the default: designers in China share machines set to English too. */
export function initialLanguage(): Language {
  try {
    const stored = globalThis.localStorage?.getItem(languageStorageKey);
    return isLanguage(stored) ? stored : defaultLanguage;
  } catch {
    return defaultLanguage; // storage can be blocked (privacy mode); the default still works
  }
}

/**
 * A fresh i18next instance with both catalogs (flat keys, so `.` is not a nesting separator). One per app
 * (and per component test), never the global singleton, so tests cannot leak a language into each other.
 */
export function createI18n(language: Language = initialLanguage()): I18nInstance {
  const instance = i18next.createInstance();
  void instance.use(initReactI18next).init({
    lng: language,
    fallbackLng: defaultLanguage,
    supportedLngs: [...languages],
    resources: { 'zh-CN': { translation: zhCN }, en: { translation: en } },
    keySeparator: false,
    nsSeparator: false,
    interpolation: { escapeValue: false }, // React escapes
    initAsync: false,
    returnNull: false,
  });
  return instance;
}

/** Looks a key up in one language and fills its `{{name}}` placeholders (for code outside React). */
export function translate(language: Language, key: MessageKey, values?: TranslateValues): string {
  return translator.getFixedT(language)(key, values ?? {});
}
const translator = createI18n(defaultLanguage);

export interface I18n {
  language: Language;
  setLanguage: (language: Language) => void;
  t: Translate;
}

/** Provides i18next to the tree; keeps `<html lang>` and the title in step with the language. */
export function I18nProvider({ children, instance }: { children: ReactNode; instance?: I18nInstance }) {
  const i18n = useMemo(() => instance ?? createI18n(), [instance]);
  // createElement: this file stays .ts so the i18n folder is plain data plus one hook.
  return createElement(I18nextProvider, { i18n }, createElement(DocumentLanguage), children);
}

function DocumentLanguage() {
  const { language, t } = useI18n();
  useEffect(() => {
    document.documentElement.lang = language;
    document.title = t('app.name');
  }, [language, t]);
  return null;
}

/** The language, a typed `t`, and a switch that is remembered in localStorage. */
export function useI18n(): I18n {
  const { t: rawT, i18n } = useTranslation();
  const language: Language = isLanguage(i18n.language) ? i18n.language : defaultLanguage;
  const setLanguage = useCallback((next: Language) => {
    void i18n.changeLanguage(next);
    try {
      globalThis.localStorage?.setItem(languageStorageKey, next);
    } catch {
      // not remembered this time; the switch itself still works
    }
  }, [i18n]);
  // rawT changes identity with the language, so memoising on it keeps consumers' effects honest.
  const t = useCallback<Translate>((key, values) => rawT(key, values ?? {}), [rawT]);
  return { language, setLanguage, t };
}

/** Looks up a key built at run time (a preset, a scene, a stage); unknown keys come back as null. */
export function optionalKey(key: string): MessageKey | null {
  return key in zhCN ? (key as MessageKey) : null;
}
