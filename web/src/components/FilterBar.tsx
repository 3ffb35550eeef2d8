import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { INCIDENT_KINDS, type IncidentFilters } from '../api/types.ts';
import { CountrySelect } from './CountrySelect.tsx';

/** Date range, kind, country (and full text when `search`): applied as they change. */
export function FilterBar({ value, onChange, search }: { value: IncidentFilters; onChange: (f: IncidentFilters) => void; search?: boolean }) {
  const { t } = useTranslation('components');
  const tc = useTranslation('common').t;
  const [q, setQ] = useState(value.q ?? '');
  useEffect(() => {
    if ((value.q ?? '') === q) return;
    const h = window.setTimeout(() => onChange({ ...value, q }), 350);
    return () => window.clearTimeout(h);
  }, [q, value, onChange]);
  const set = (patch: Partial<IncidentFilters>) => onChange({ ...value, ...patch });
  return (
    <form className="filters" role="search" aria-label={t('filters.label')} onSubmit={(e) => { e.preventDefault(); onChange({ ...value, q }); }}>
      <label>
        <span>{t('filters.from')}</span>
        <input type="date" name="from" value={value.from ?? ''} max={value.to || undefined} onChange={(e) => set({ from: e.target.value })} />
      </label>
      <label>
        <span>{t('filters.to')}</span>
        <input type="date" name="to" value={value.to ?? ''} min={value.from || undefined} onChange={(e) => set({ to: e.target.value })} />
      </label>
      <label>
        <span>{t('filters.kind')}</span>
        <select name="kind" value={value.kind ?? ''} onChange={(e) => set({ kind: e.target.value })}>
          <option value="">{t('filters.anyKind')}</option>
          {INCIDENT_KINDS.map((k) => <option key={k} value={k}>{tc(`kind.${k}`)}</option>)}
        </select>
      </label>
      <label>
        <span>{t('filters.country')}</span>
        <CountrySelect id="filter-country" value={value.country ?? ''} onChange={(v) => set({ country: v })} emptyLabel={t('filters.anyCountry')} />
      </label>
      {search && (
        <label className="grow">
          <span>{t('filters.q')}</span>
          <input type="search" name="q" value={q} placeholder={t('filters.qPlaceholder')} onChange={(e) => setQ(e.target.value)} />
        </label>
      )}
      <button type="button" className="quiet" onClick={() => { setQ(''); onChange({}); }}>{t('filters.reset')}</button>
    </form>
  );
}
