import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, qs } from '../../api/client.ts';
import { isCoarse, type IncidentRecord } from '../../api/types.ts';
import { ErrorBox } from '../../components/ErrorBox.tsx';
import { FilterBar } from '../../components/FilterBar.tsx';
import { TriggerList } from '../../components/AssessmentView.tsx';
import { useCharters } from '../Incident/index.tsx';
import { clean, useFilters } from '../../lib/filters.tsx';
import { countryName } from '../../lib/countries.ts';
import { day, num } from '../../lib/format.ts';
import { href } from '../../lib/router.ts';
import { currentLang } from '../../i18n/index.ts';
import { useLive } from '../../lib/live.ts';
import './styles.css';

const PAGE = 50;

/** Every incident matching the filters and the search, newest first, a page at a time (cursor paging). */
export function Incidents({ exportPath }: { exportPath: string | null }) {
  const { t } = useTranslation('incidents');
  const tc = useTranslation('common').t;
  const lang = currentLang();
  const [filters, setFilters] = useFilters();
  const charters = useCharters();
  const [items, setItems] = useState<IncidentRecord[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [count, setCount] = useState<number | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const abort = useRef<AbortController | null>(null);

  const load = useCallback(async (cursor: string | null) => {
    abort.current?.abort();
    const ctl = new AbortController();
    abort.current = ctl;
    setLoading(true);
    setError(null);
    try {
      const f = clean(filters);
      const [page, c] = await Promise.all([
        api.incidents({ ...f, cursor, limit: PAGE }, ctl.signal),
        cursor ? Promise.resolve(null) : api.count(f, ctl.signal),
      ]);
      setItems((old) => (cursor ? [...old, ...page.items] : page.items));
      setNext(page.nextCursor);
      if (c) setCount(c.count);
    } catch (e) {
      if ((e as Error).name !== 'AbortError') setError(e);
    } finally {
      if (abort.current === ctl) setLoading(false);
    }
  }, [filters]);

  useEffect(() => { void load(null); }, [load]);
  // Live: a new or corrected incident (and, after an import, a batch) shows without a reload. Only the
  // first page is read again, and only while the reader has not paged further (no jump under the eyes).
  const paged = items.length > PAGE;
  const refresh = useCallback(() => { if (!paged) void load(null); }, [paged, load]);
  useLive('incident.created', refresh);
  useLive('incident.updated', refresh);
  useLive('import.done', refresh);
  useLive('assessments.progress', useCallback((d: unknown) => { if ((d as { state?: string } | null)?.state === 'current') refresh(); }, [refresh]));

  return (
    <main id="main" tabIndex={-1} className="page wide incidents">
      <div className="title-row">
        <h1>{t('title')}</h1>
        {count !== null && <p className="muted" data-testid="list-count">{t('count', { shown: num(items.length, lang), count: num(count, lang) })}</p>}
        {exportPath && (
          <span className="export-links" data-testid="export-links">
            <a className="button" href={`${exportPath}${qs({ ...clean(filters), format: 'csv' })}`} download>{t('exportCsv')}</a>
            <a className="button" href={`${exportPath}${qs({ ...clean(filters), format: 'geojson' })}`} download>{t('exportGeojson')}</a>
          </span>
        )}
      </div>
      <FilterBar value={filters} onChange={setFilters} search />
      <ErrorBox error={error} onRetry={() => void load(null)} />
      <div className="table-wrap">
        <table className="table" data-testid="incident-table">
          <caption className="visually-hidden">{t('title')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('date')}</th><th scope="col">{t('kind')}</th><th scope="col">{t('place')}</th>
              <th scope="col">{t('actors')}</th><th scope="col" className="num">{t('fatalities')}</th><th scope="col">{t('triggers')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((r) => (
              <tr key={r.id}>
                <td className="nowrap"><a href={href('incidents', r.id)}>{day(r.incident.date)}</a></td>
                <td>{tc(`kind.${r.incident.kind}`)}</td>
                <td>
                  {[r.placeName, r.admin1 ?? r.admin1Derived, countryName(r.incident.location.country, lang)].filter(Boolean).join(', ')}
                  {isCoarse(r.locationPrecision) && <span className="tag coarse" title={tc(`precision.${r.locationPrecision}`)}>≈ {tc('approximate')}</span>}
                </td>
                <td className="small">{r.actors.map((a) => a.name).join(' · ')}</td>
                <td className="num">{num(r.fatalities.best, lang)}</td>
                <td className="small">{r.assessment?.length ? <TriggerList pairs={r.assessment} charters={charters} /> : r.assessment === null ? <span className="muted">{t('notAssessedYet')}</span> : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {!loading && items.length === 0 && !error && <p className="muted">{t('empty')}</p>}
      <div className="pager">
        {loading && <span className="muted">{tc('loading')}</span>}
        {next && !loading && <button type="button" onClick={() => void load(next)}>{t('more', { n: PAGE })}</button>}
      </div>
    </main>
  );
}
