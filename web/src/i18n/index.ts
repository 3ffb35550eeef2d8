import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import type { Lang } from '../api/types.ts';

/**
 * Strings live beside each screen (screens/<Screen>/i18n.json, components/i18n.json),
 * one namespace per file, French and English side by side (after IFRC GO).
 * `test/web/i18n.test.ts` checks that every key exists in both languages.
 */
export interface I18nFile { namespace: string; fr: Record<string, string>; en: Record<string, string> }

const files = import.meta.glob<I18nFile>(['../screens/*/i18n.json', '../components/i18n.json', './common.json'], { eager: true, import: 'default' });

const resources: Record<Lang, Record<string, Record<string, string>>> = { fr: {}, en: {} };
for (const f of Object.values(files)) {
  resources.fr[f.namespace] = f.fr;
  resources.en[f.namespace] = f.en;
}

const STORAGE_KEY = 'foedus.lang';

/** French when chosen before, or when the browser prefers French over English; English otherwise. */
export function initialLanguage(): Lang {
  const saved = window.localStorage.getItem(STORAGE_KEY);
  if (saved === 'fr' || saved === 'en') return saved;
  for (const l of navigator.languages ?? [navigator.language]) {
    const base = l.toLowerCase().slice(0, 2);
    if (base === 'fr') return 'fr';
    if (base === 'en') return 'en';
  }
  return 'en';
}

export function setLanguage(lang: Lang): void {
  window.localStorage.setItem(STORAGE_KEY, lang);
  document.documentElement.lang = lang;
  void i18next.changeLanguage(lang);
}

export function currentLang(): Lang {
  return i18next.language === 'fr' ? 'fr' : 'en';
}

const lang = initialLanguage();
document.documentElement.lang = lang;
void i18next.use(initReactI18next).init({
  resources,
  lng: lang,
  fallbackLng: 'en',
  defaultNS: 'common',
  ns: Object.keys(resources.en),
  interpolation: { escapeValue: false },
  returnNull: false,
});

export default i18next;
