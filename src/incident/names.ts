import { createRequire } from 'node:module';

/**
 * Country names as conflict datasets spell them (UCDP, ACLED) → ISO 3166-1
 * alpha-3. i18n-iso-countries knows the ISO names and common aliases; the
 * table covers what it misses and the datasets' own spellings.
 */

const require = createRequire(import.meta.url);
const countries = require('i18n-iso-countries') as { getAlpha3Code(name: string, lang: string): string | undefined };

const DATASET_NAMES: Record<string, string> = {
  // UCDP (historical names in parentheses are UCDP's)
  'Ivory Coast': 'CIV', 'DR Congo (Zaire)': 'COD', Congo: 'COG', 'Russia (Soviet Union)': 'RUS', 'Yemen (North Yemen)': 'YEM',
  'Serbia (Yugoslavia)': 'SRB', 'Cambodia (Kampuchea)': 'KHM', 'Myanmar (Burma)': 'MMR', 'Zimbabwe (Rhodesia)': 'ZWE',
  'Madagascar (Malagasy)': 'MDG', 'Bosnia-Herzegovina': 'BIH', 'Macedonia, FYR': 'MKD', 'Kingdom of eSwatini (Swaziland)': 'SWZ',
  'Vietnam (North Vietnam)': 'VNM', 'United States of America': 'USA', Gambia: 'GMB', 'Guinea-Bissau': 'GNB', 'Cape Verde': 'CPV',
  // ACLED
  'Democratic Republic of Congo': 'COD', 'Republic of Congo': 'COG', eSwatini: 'SWZ', Syria: 'SYR', Laos: 'LAO', Moldova: 'MDA',
  Micronesia: 'FSM', Brunei: 'BRN', Macedonia: 'MKD', 'North Macedonia': 'MKD', 'Caribbean Netherlands': 'BES', Curacao: 'CUW',
  'Vatican City': 'VAT', 'East Timor': 'TLS', Burma: 'MMR', Kosovo: 'XKX',
};

const cache = new Map<string, string | undefined>();

/** "Mali", "Ivory Coast", "Democratic Republic of Congo", "the United States" → ISO3, or undefined. */
export function countryIso3FromName(name: string): string | undefined {
  const n = name.trim().replace(/^the\s+/i, '');
  if (!n) return undefined;
  // getAlpha3Code scans every country's names: memoise (a million-row import asks the same few names).
  if (cache.has(n)) return cache.get(n);
  const iso =
    DATASET_NAMES[n] ?? countries.getAlpha3Code(n, 'en') ?? countries.getAlpha3Code(n.replace(/\s*\(.*\)\s*$/, ''), 'en');
  if (cache.size < 10_000) cache.set(n, iso);
  return iso;
}
