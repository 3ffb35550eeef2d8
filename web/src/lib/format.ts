/** Dates are shown as ISO days (2023-10-15): unambiguous in French and English alike. */
export function day(s: string | null | undefined): string {
  if (!s) return '—';
  return s.slice(0, 10);
}

/** A timestamp as "2026-11-28 04:20 UTC". */
export function stamp(s: string | null | undefined): string {
  if (!s) return '—';
  const d = new Date(s);
  if (Number.isNaN(d.getTime())) return s;
  return `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
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
