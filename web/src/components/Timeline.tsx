import { useTranslation } from 'react-i18next';
import type { TimelineBucket } from '../api/types.ts';
import { num } from '../lib/format.ts';
import { currentLang } from '../i18n/index.ts';

/** Months without incidents as empty bars, so the time axis is linear. */
function continuous(buckets: TimelineBucket[]): TimelineBucket[] {
  if (buckets.length < 2) return buckets;
  const byMonth = new Map(buckets.map((b) => [b.period.slice(0, 7), b]));
  const first = buckets[0]!.period.slice(0, 7);
  const last = buckets[buckets.length - 1]!.period.slice(0, 7);
  let [y, m] = first.split('-').map(Number) as [number, number];
  const out: TimelineBucket[] = [];
  for (let guard = 0; guard < 2400; guard++) {
    const key = `${y}-${String(m).padStart(2, '0')}`;
    out.push(byMonth.get(key) ?? { period: key, count: 0, fatalities: 0 });
    if (key >= last) break;
    m += 1;
    if (m > 12) { m = 1; y += 1; }
  }
  return out;
}

/** Incidents per month as bars; a bar is a button that narrows the date filter to its month. */
export function Timeline({ buckets, onPick, loading }: {
  buckets: TimelineBucket[]; onPick?: (period: string) => void; loading?: boolean;
}) {
  const { t } = useTranslation('components');
  const lang = currentLang();
  buckets = continuous(buckets);
  const max = Math.max(1, ...buckets.map((b) => b.count));
  const total = buckets.reduce((s, b) => s + b.count, 0);
  const years = buckets.length / 12;
  const yearStep = Math.max(1, Math.ceil(years / 12));
  const tick = (period: string, i: number): string => {
    if (buckets.length <= 24) return i % 2 === 0 ? period.slice(0, 7) : '';
    const y = Number(period.slice(0, 4));
    return period.slice(5, 7) === '01' && y % yearStep === 0 ? String(y) : '';
  };
  return (
    <figure className="timeline" aria-busy={loading}>
      <figcaption>
        {t('timeline.caption', { total: num(total, lang) })}
        {buckets.length > 0 && <span className="muted"> · {buckets[0]?.period.slice(0, 7)} – {buckets[buckets.length - 1]?.period.slice(0, 7)}</span>}
      </figcaption>
      {buckets.length === 0 ? <p className="muted">{loading ? t('timeline.loading') : t('timeline.empty')}</p> : (
        <div className="timeline-bars" role="list" data-testid="timeline">
          {buckets.map((b, i) => (
            <div key={b.period} className="timeline-col" role="listitem">
              <button type="button" className="bar" style={{ height: `${Math.max(2, (b.count / max) * 100)}%` }}
                title={t('timeline.bar', { period: b.period.slice(0, 7), count: b.count, fatalities: b.fatalities })}
                aria-label={t('timeline.bar', { period: b.period.slice(0, 7), count: b.count, fatalities: b.fatalities })}
                onClick={() => onPick?.(b.period)} />
              <span className="tick" aria-hidden="true">{tick(b.period, i)}</span>
            </div>
          ))}
        </div>
      )}
    </figure>
  );
}
