import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { LOCALES, type Locale } from '@acs/shared/api/users';
import { en } from './en';
import type { Messages } from './messages';
import { zhCN } from './zh-CN';

declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation';
    resources: { translation: Messages };
  }
}

/** Chinese is the product's default language (docs/product-rules.md#language). */
export const DEFAULT_LOCALE: Locale = 'zh-CN';

const STORAGE_KEY = 'acs.locale';

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

/** The language remembered in this browser, used until a user signs in. */
export function storedLocale(): Locale {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    return isLocale(saved) ? saved : DEFAULT_LOCALE;
  } catch {
    return DEFAULT_LOCALE;
  }
}

function rememberLocale(locale: Locale): void {
  try {
    localStorage.setItem(STORAGE_KEY, locale);
  } catch {
    // Storage disabled (private mode): the choice still applies for this page.
  }
}

export function currentLocale(): Locale {
  return isLocale(i18next.language) ? i18next.language : DEFAULT_LOCALE;
}

export async function applyLocale(locale: Locale): Promise<void> {
  rememberLocale(locale);
  if (i18next.language !== locale) await i18next.changeLanguage(locale);
}

function reflectInDocument(locale: string): void {
  document.documentElement.lang = locale;
  document.title = i18next.t('app.documentTitle');
}

export async function initI18n(): Promise<void> {
  i18next.on('languageChanged', reflectInDocument);
  await i18next.use(initReactI18next).init({
    resources: { 'zh-CN': { translation: zhCN }, en: { translation: en } },
    lng: storedLocale(),
    fallbackLng: DEFAULT_LOCALE,
    supportedLngs: [...LOCALES],
    interpolation: { escapeValue: false },
    returnNull: false,
    initAsync: false,
  });
  reflectInDocument(i18next.language);
}

// A language picked on the sign-in page is the newest wish: after sign-in it is saved
// to the user instead of being overwritten by the user's stored language.
let chosenWhileSignedOut = false;

export function noteSignedOutChoice(): void {
  chosenWhileSignedOut = true;
}

export function takeSignedOutChoice(): boolean {
  const chosen = chosenWhileSignedOut;
  chosenWhileSignedOut = false;
  return chosen;
}
