import { useTranslation } from 'react-i18next';
import type { TimelineBucket } from '../api/types.ts';
import { num } from '../lib/format.ts';
import { currentLang } from '../i18n/index.ts';

/** Incidents per month as bars; a bar is a button that narrows the date filter to its month. */
export function Timeline({ buckets, onPick, loading }: {
  buckets: TimelineBucket[]; onPick?: (period: string) => void; loading?: boolean;
}) {
  const { t } = useTranslation('components');
  const lang = currentLang();
  const max = Math.max(1, ...buckets.map((b) => b.count));
  const total = buckets.reduce((s, b) => s + b.count, 0);
  const every = Math.max(1, Math.ceil(buckets.length / 12));
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
              <span className="tick" aria-hidden="true">{i % every === 0 ? b.period.slice(0, 7) : ''}</span>
            </div>
          ))}
        </div>
      )}
    </figure>
  );
}
