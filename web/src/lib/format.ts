import { currentLang } from '../i18n/index.ts';

/**
 * The locale dates are written in: the browser's own when it speaks the UI's language
 * (en-US, fr-CA keep their customs), else the language's usual one (fr-FR, en-GB).
 */
export function dateLocale(lang: string = currentLang()): string {
  const pref = (typeof navigator !== 'undefined' ? navigator.languages ?? [navigator.language] : []).find((l) => l.toLowerCase().startsWith(lang));
  return pref ?? (lang === 'fr' ? 'fr-FR' : 'en-GB');
}

const dayFormats = new Map<string, Intl.DateTimeFormat>();
/**
 * A day in the user's locale with the month in words ("15 oct. 2023", "15 Oct 2023", "Oct 15, 2023"):
 * never 10/11/2023, which a French and an American reader take for different days. Days are calendar
 * days of the source (UTC), so they are formatted in UTC.
 */
export function day(s: string | null | undefined, lang: string = currentLang()): string {
  if (!s) return '—';
  const d = new Date(`${s.slice(0, 10)}T00:00:00Z`);
  if (Number.isNaN(d.getTime())) return s;
  const loc = dateLocale(lang);
  let f = dayFormats.get(loc);
  if (!f) { f = new Intl.DateTimeFormat(loc, { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' }); dayFormats.set(loc, f); }
  return f.format(d);
}

/** A day spelled out for a form's confirmation ("mardi 15 octobre 2023"). */
export function longDay(s: string, lang: string = currentLang()): string {
  const d = new Date(`${s.slice(0, 10)}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s) || Number.isNaN(d.getTime())) return '';
  return new Intl.DateTimeFormat(dateLocale(lang), { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(d);
}

/** A timestamp in the user's locale, in UTC and said so ("28 nov. 2026, 04:20 UTC"). */
export function stamp(s: string | null | undefined, lang: string = currentLang()): string {
  if (!s) return '—';
  const d = new Date(s);
  if (Number.isNaN(d.getTime())) return s;
  const time = new Intl.DateTimeFormat(dateLocale(lang), { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: 'UTC' }).format(d);
  return `${day(d.toISOString(), lang)}, ${time} UTC`;
}

export function num(n: number | null | undefined, lang: string): string {
  if (n === null || n === undefined) return '—';
  return new Intl.NumberFormat(lang === 'fr' ? 'fr-FR' : 'en-GB').format(n);
}

/** Today as YYYY-MM-DD (UTC). */
export function today(): string {
  return new Date().toISOString().slice(0, 10);
}

/** Any of the API's structured or plain values as one readable line. */
export function text(v: unknown, lang: string): string {
  if (v === null || v === undefined || v === '') return '—';
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return v.map((x) => text(x, lang)).join(', ');
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (typeof o[lang] === 'string') return o[lang] as string;
    if (typeof o.text === 'string') return o.text;
    if (typeof o.description === 'string') return o.description;
    return Object.entries(o)
      .filter(([, x]) => x !== null && x !== undefined && x !== '')
      .map(([k, x]) => `${k}: ${text(x, lang)}`)
      .join(' · ');
  }
  return String(v);
}
