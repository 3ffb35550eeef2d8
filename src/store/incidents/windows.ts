import type { NormalFilter } from './filter.ts';

/**
 * A date window split into the periods the summaries keep: whole years (`incident_cells`), whole
 * months (the month tallies), and the days at its ends that only the rows can answer. Months are
 * the integer YYYYMM, days the text YYYY-MM-DD.
 */

/** A window's end: a day, or null for open. */
type Days = [string | null, string | null];

const pad = (n: number, w: number) => String(n).padStart(w, '0');
/** YYYYMM as YYYY-MM. */
export const monthText = (m: number) => `${pad(Math.floor(m / 100), 4)}-${pad(m % 100, 2)}`;
const lastDay = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();

/** The window split into whole years (read from the summary) and the partial years at its ends (read from rows). */
export function yearSplit(f: NormalFilter): { fullFrom: number; fullTo: number; partial: Days[] } {
  const year = (d: string) => Number(d.slice(0, 4));
  const fullFrom = f.from ? (f.from.endsWith('-01-01') ? year(f.from) : year(f.from) + 1) : -9999;
  const fullTo = f.to ? (f.to.endsWith('-12-31') ? year(f.to) : year(f.to) - 1) : 9999;
  const partial: Days[] = [];
  if (fullFrom > fullTo) partial.push([f.from, f.to]);
  else {
    if (f.from && !f.from.endsWith('-01-01')) partial.push([f.from, `${f.from.slice(0, 4)}-12-31`]);
    if (f.to && !f.to.endsWith('-12-31')) partial.push([`${f.to.slice(0, 4)}-01-01`, f.to]);
  }
  return { fullFrom, fullTo, partial };
}

/** The window split into whole months [m0, m1] (YYYYMM) and the partial months at its ends (read from rows). */
export function monthSplit(f: NormalFilter): { m0: number; m1: number; partial: Days[] } {
  const ym = (d: string) => [Number(d.slice(0, 4)), Number(d.slice(5, 7))] as const;
  let m0 = 0, m1 = 999999;
  if (f.from) {
    const [y, m] = ym(f.from);
    m0 = f.from.endsWith('-01') ? y * 100 + m : m === 12 ? (y + 1) * 100 + 1 : y * 100 + m + 1;
  }
  if (f.to) {
    const [y, m] = ym(f.to);
    m1 = Number(f.to.slice(8, 10)) === lastDay(y, m) ? y * 100 + m : m === 1 ? (y - 1) * 100 + 12 : y * 100 + m - 1;
  }
  if (m0 > m1) return { m0, m1, partial: [[f.from, f.to]] };
  const partial: Days[] = [];
  if (f.from && !f.from.endsWith('-01')) {
    const [y, m] = ym(f.from);
    partial.push([f.from, `${f.from.slice(0, 8)}${pad(lastDay(y, m), 2)}`]);
  }
  if (f.to && m1 !== Number(f.to.slice(0, 4)) * 100 + Number(f.to.slice(5, 7))) partial.push([`${f.to.slice(0, 8)}01`, f.to]);
  return { m0, m1, partial };
}

/** Whole years of `incident_cells` or whole months (YYYYMM) of `incident_cell_months`, from..to; ±9999 years, 0 and 999999 months: open. */
export type SummaryPeriod = { unit: 'year' | 'month'; from: number; to: number };

/** A period's first and last day (null: open). */
export function daysOf(p: SummaryPeriod): Days {
  if (p.unit === 'year') return [p.from > -9999 ? `${pad(p.from, 4)}-01-01` : null, p.to < 9999 ? `${pad(p.to, 4)}-12-31` : null];
  const last = Math.floor(p.to / 100);
  return [p.from > 0 ? `${monthText(p.from)}-01` : null, p.to < 999999 ? `${monthText(p.to)}-${pad(lastDay(last, p.to % 100), 2)}` : null];
}

/**
 * The window split for the cell summaries: its whole years, the whole months of the partial years at
 * its ends, and the days left at its ends (from rows). The periods are contiguous: `days` is their
 * stretch as a window (null when there are none).
 */
export function summarySplit(f: NormalFilter): { periods: SummaryPeriod[]; days: Days | null; partial: Days[] } {
  const { fullFrom, fullTo, partial: years } = yearSplit(f);
  const periods: SummaryPeriod[] = fullFrom <= fullTo ? [{ unit: 'year', from: fullFrom, to: fullTo }] : [];
  const partial: Days[] = [];
  for (const [from, to] of years) {
    const m = monthSplit({ ...f, from, to });
    if (m.m0 <= m.m1) periods.push({ unit: 'month', from: m.m0, to: m.m1 });
    partial.push(...m.partial);
  }
  if (!periods.length) return { periods, days: null, partial };
  const ends = periods.map(daysOf);
  const starts = ends.map((e) => e[0]), lasts = ends.map((e) => e[1]);
  const from = starts.includes(null) ? null : starts.sort()[0]!;
  const to = lasts.includes(null) ? null : lasts.sort().at(-1)!;
  return { periods, days: [from, to], partial };
}
