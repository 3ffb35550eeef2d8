import type { Lang } from './schema.ts';

/**
 * Day arithmetic for day-exact membership: a day is an integer (days since
 * 1970-01-01, UTC), so comparisons in the engine are integer comparisons.
 */

const MS_PER_DAY = 86_400_000;

/** Days since 1970-01-01 for a YYYY-MM-DD string already known to be valid. */
export function dayNumber(s: string): number {
  const y = (s.charCodeAt(0) - 48) * 1000 + (s.charCodeAt(1) - 48) * 100 + (s.charCodeAt(2) - 48) * 10 + (s.charCodeAt(3) - 48);
  const m = (s.charCodeAt(5) - 48) * 10 + (s.charCodeAt(6) - 48);
  const d = (s.charCodeAt(8) - 48) * 10 + (s.charCodeAt(9) - 48);
  // Days from the civil calendar (H. Hinnant's algorithm): integer arithmetic only.
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
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
