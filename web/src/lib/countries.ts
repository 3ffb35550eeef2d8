import countries from 'i18n-iso-countries';
import en from 'i18n-iso-countries/langs/en.json' with { type: 'json' };
import fr from 'i18n-iso-countries/langs/fr.json' with { type: 'json' };
import type { Lang } from '../api/types.ts';

countries.registerLocale(en);
countries.registerLocale(fr);

/** The member states of the Alliance of Sahel States. */
export const AES = ['MLI', 'BFA', 'NER'] as const;
/** Countries offered first in pickers: the AES and their neighbours. */
export const REGION = ['MLI', 'BFA', 'NER', 'DZA', 'BEN', 'CIV', 'GHA', 'GIN', 'LBY', 'MRT', 'NGA', 'SEN', 'TCD', 'TGO', 'CMR', 'FRA', 'USA'] as const;

const displayNames: Partial<Record<Lang, Intl.DisplayNames>> = {};

/** A country's short name in the UI language ("Niger", "Côte d’Ivoire", "Gambia"); the code when unknown. */
export function countryName(code: string | null | undefined, lang: Lang): string {
  if (!code) return '—';
  const a2 = countries.alpha3ToAlpha2(code);
  if (a2) {
    try {
      const dn = (displayNames[lang] ??= new Intl.DisplayNames([lang], { type: 'region' }));
      const name = dn.of(a2);
      if (name && name !== a2) return name;
    } catch {
      // Older browsers without Intl.DisplayNames: the package's names below.
    }
  }
  return countries.getName(code, lang) ?? code;
}

export function isIso3(code: string): boolean {
  return /^[A-Z]{3}$/.test(code) && countries.isValid(code);
}

export function numericToIso3(n: string | number): string | undefined {
  return countries.numericToAlpha3(n);
}

/** Every ISO3 code, sorted by name in the UI language. */
export function allCountries(lang: Lang): Array<{ code: string; name: string }> {
  const names = countries.getNames(lang, { select: 'official' });
  return Object.keys(names)
    .map((a2) => countries.alpha2ToAlpha3(a2))
    .filter((c): c is string => !!c)
    .map((code) => ({ code, name: countryName(code, lang) }))
    .sort((a, b) => a.name.localeCompare(b.name, lang));
}
