import { createContext, createElement, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { en } from './en.ts';
import { zhCN, type Messages } from './zh-CN.ts';

// A stand-in for i18next until the full studio brings it: the same flat key → string objects, the same
// `{{name}}` placeholders, and `t(key, values)`, so the move is a matter of handing these objects to `init`.

/** Languages the studio speaks, by BCP 47 tag; the first is the default. */
export const languages = ['zh-CN', 'en'] as const;
export type Language = (typeof languages)[number];
export type MessageKey = keyof Messages;
export type TranslateValues = Record<string, string | number>;
export type Translate = (key: MessageKey, values?: TranslateValues) => string;

export const defaultLanguage: Language = 'zh-CN';
/** Where the chosen language is remembered between visits. */
export const languageStorageKey = 'shotfarm.language';

const catalogs: Record<Language, Messages> = { 'zh-CN': zhCN, en };

function isLanguage(value: unknown): value is Language {
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

/** Looks a key up in one language and fills its `{{name}}` placeholders. */
export function translate(language: Language, key: MessageKey, values?: TranslateValues): string {
  const template = catalogs[language][key];
  if (!values) return template;
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}

export interface I18n {
  language: Language;
  setLanguage: (language: Language) => void;
  t: Translate;
}

const I18nContext = createContext<I18n | null>(null);

/** Provides the language and `t` to the tree; keeps `<html lang>` and the title in step. */
export function I18nProvider({ children }: { children: ReactNode }) {
  const [language, setLanguageState] = useState<Language>(initialLanguage);
  const setLanguage = useCallback((next: Language) => {
    setLanguageState(next);
    try {
      globalThis.localStorage?.setItem(languageStorageKey, next);
    } catch {
      // not remembered this time; the switch itself still works
    }
  }, []);
  useEffect(() => {
    document.documentElement.lang = language;
    document.title = translate(language, 'app.name');
  }, [language]);
  const value = useMemo<I18n>(
    () => ({ language, setLanguage, t: (key, values) => translate(language, key, values) }),
    [language, setLanguage],
  );
  // createElement: this file stays .ts so the i18n folder is plain data plus one hook.
  return createElement(I18nContext.Provider, { value }, children);
}

export function useI18n(): I18n {
  const i18n = useContext(I18nContext);
  if (!i18n) throw new Error('useI18n needs an <I18nProvider> above it');
  return i18n;
}

/** Looks up a key built at run time (a preset, a scene, a stage); unknown keys come back as null. */
export function optionalKey(key: string): MessageKey | null {
  return key in zhCN ? (key as MessageKey) : null;
}
