import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { currentLang } from '../i18n/index.ts';
import { dateLocale } from '../lib/format.ts';

type Part = 'day' | 'month' | 'year';

/** The order of day, month and year in a locale ("fr-FR" → day, month, year; "en-US" → month, day, year). */
function orderOf(locale: string): Part[] {
  const parts = new Intl.DateTimeFormat(locale, { day: '2-digit', month: '2-digit', year: 'numeric', timeZone: 'UTC' }).formatToParts(new Date(Date.UTC(2023, 10, 22)));
  return parts.filter((p) => p.type === 'day' || p.type === 'month' || p.type === 'year').map((p) => p.type as Part);
}

function real(y: number, m: number, d: number): string | null {
  const dt = new Date(Date.UTC(y, m - 1, d));
  if (dt.getUTCFullYear() !== y || dt.getUTCMonth() !== m - 1 || dt.getUTCDate() !== d) return null;
  return dt.toISOString().slice(0, 10);
}

/** Typed text → ISO day: the locale's order (15/10/2023, 10/15/2023) or ISO itself (2023-10-15); null when it is no real day. */
export function parseDay(text: string, order: Part[]): string | null {
  const s = text.trim();
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(s);
  if (iso) return real(Number(iso[1]), Number(iso[2]), Number(iso[3]));
  const nums = s.split(/[/.\-\s]+/).filter(Boolean);
  if (nums.length !== 3 || nums.some((n) => !/^\d+$/.test(n))) return null;
  const v: Record<Part, number> = { day: 0, month: 0, year: 0 };
  order.forEach((p, i) => { v[p] = Number(nums[i]); });
  if (String(v.year).length !== 4) return null;
  return real(v.year, v.month, v.day);
}

function show(iso: string, order: Part[]): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) return iso;
  const v: Record<Part, string> = { year: m[1]!, month: m[2]!, day: m[3]! };
  return order.map((p) => v[p]).join('/');
}

/** The pattern a date field expects in the UI language ("jj/mm/aaaa", "dd/mm/yyyy", "mm/dd/yyyy"). */
export function useDatePattern(): string {
  const { t } = useTranslation('components');
  const lang = currentLang();
  return useMemo(() => orderOf(dateLocale(lang)).map((p) => t(`date.${p}`)).join('/'), [lang, t]);
}

/**
 * A day typed in the user's locale (15/10/2023 in French and British English, 10/15/2023 in American).
 * The browser's own date field writes the day in the operating system's order, whatever the page's
 * language (a French page showed mm/dd/yyyy): this one follows the UI. ISO (2023-10-15) is accepted too.
 * `onChange` gets the ISO day, '' when emptied, or the text as typed when it is not a real day (the form says so).
 */
export function DateInput({ id, name, value, onChange, invalid, describedBy, required }: {
  id?: string; name: string; value: string; onChange: (v: string) => void; invalid?: boolean; describedBy?: string; required?: boolean;
}) {
  const lang = currentLang();
  const order = useMemo(() => orderOf(dateLocale(lang)), [lang]);
  const [text, setText] = useState(() => show(value, order));
  // A value set from outside (a timeline month, a reset) or a language switch rewrites the field.
  useEffect(() => {
    setText((cur) => (parseDay(cur, order) === value && cur !== '' ? cur : show(value, order)));
  }, [value, order]);
  const pattern = useDatePattern();
  const bad = text.trim() !== '' && parseDay(text, order) === null;
  return (
    <input id={id} type="text" name={name} inputMode="numeric" autoComplete="off" value={text} placeholder={pattern} required={required}
      aria-invalid={invalid || bad || undefined} aria-describedby={describedBy} data-pattern={pattern}
      onChange={(e) => {
        const s = e.target.value;
        setText(s);
        if (s.trim() === '') onChange('');
        else onChange(parseDay(s, order) ?? s);
      }}
      onBlur={() => { const iso = parseDay(text, order); if (iso) setText(show(iso, order)); }} />
  );
}
