import type { Lang } from './schema.ts';

/**
 * Day arithmetic for day-exact membership: a day is an integer (days since
 * 1970-01-01, UTC), so comparisons in the engine are integer comparisons.
 */

const MS_PER_DAY = 86_400_000;

/** Days since 1970-01-01 for a YYYY-MM-DD string already known to be valid. */
export function dayNumber(s: string): number {
  // '0' is 48: 48 * 1111 = 53328, 48 * 11 = 528.
  const y = s.charCodeAt(0) * 1000 + s.charCodeAt(1) * 100 + s.charCodeAt(2) * 10 + s.charCodeAt(3) - 53328;
  const m = s.charCodeAt(5) * 10 + s.charCodeAt(6) - 528;
  const d = s.charCodeAt(8) * 10 + s.charCodeAt(9) - 528;
  // Days from the civil calendar (H. Hinnant's algorithm): integer arithmetic only
  // (truncating divisions: every operand is ≥ 0 except yy in January–February of year 0).
  const yy = m <= 2 ? y - 1 : y;
  const era = yy >= 0 ? (yy / 400) | 0 : Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = (((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) | 0) + d - 1;
  return era * 146097 + yoe * 365 + ((yoe / 4) | 0) - ((yoe / 100) | 0) + doy - 719468;
}

export function dayString(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

/** Far-future sentinel for open-ended intervals. */
export const OPEN_END = 2_147_483_647;

const MONTHS: Record<Lang, string[]> = {
  en: ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'],
  fr: ['janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'septembre', 'octobre', 'novembre', 'décembre'],
};

const cache: Record<Lang, Map<number, string>> = { en: new Map(), fr: new Map() };

/** "16 September 2023" / "16 septembre 2023" (1er for the first of the month in French). */
export function formatDay(day: number, lang: Lang): string {
  const c = cache[lang];
  let s = c.get(day);
  if (s === undefined) {
    const d = new Date(day * MS_PER_DAY);
    const dd = d.getUTCDate();
    s = `${lang === 'fr' && dd === 1 ? '1er' : dd} ${MONTHS[lang][d.getUTCMonth()]} ${d.getUTCFullYear()}`;
    if (c.size > 50_000) c.clear();
    c.set(day, s);
  }
  return s;
}
