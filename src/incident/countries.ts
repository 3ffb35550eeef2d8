import { createRequire } from 'node:module';

// i18n-iso-countries is CommonJS and loads its locales by require().
const require = createRequire(import.meta.url);
const countries = require('i18n-iso-countries') as {
  getAlpha3Codes(): Record<string, string>;
  getName(code: string, lang: string): string | undefined;
  alpha3ToNumeric(code: string): string | undefined;
  numericToAlpha3(code: string | number): string | undefined;
  registerLocale(locale: unknown): void;
};
countries.registerLocale(require('i18n-iso-countries/langs/en.json'));
countries.registerLocale(require('i18n-iso-countries/langs/fr.json'));

/** The ISO 3166-1 alpha-3 codes, upper case: a Set lookup instead of the library's per-call checks (every request's validation asks). */
const ISO3 = new Set(Object.keys(countries.getAlpha3Codes()));

/** True when `code` is an ISO 3166-1 alpha-3 code (upper case). */
export function isIso3(code: string): boolean {
  return ISO3.has(code);
}

/** The country's short name in French or English ("Niger", "Côte d'Ivoire"); the code itself when unknown. */
export function countryName(code: string, lang: 'fr' | 'en' = 'en'): string {
  return countries.getName(code, lang) ?? code;
}

/** ISO 3166-1 numeric code as used by world-atlas ("466" for MLI). */
export function iso3ToNumeric(code: string): string | undefined {
  return countries.alpha3ToNumeric(code);
}

export function numericToIso3(numeric: string | number): string | undefined {
  return countries.numericToAlpha3(numeric);
}
