import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { INCIDENT_KINDS, type IncidentFilters } from '../api/types.ts';
import { CountrySelect } from './CountrySelect.tsx';
import { DateInput } from './DateInput.tsx';
import { useCharters } from '../screens/Incident/index.tsx';
import { currentLang } from '../i18n/index.ts';
import { useOperativeArticles } from '../lib/articles.ts';
import { isUnnumbered } from './AssessmentView.tsx';

/** A filter is applied only once its day is whole and real. */
const ISO = /^\d{4}-\d{2}-\d{2}$/;

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
  const charters = useCharters();
  const articles = useOperativeArticles(charters.map((c) => c.id));
  const lang = currentLang();
  return (
    <form className="filters" role="search" aria-label={t('filters.label')} onSubmit={(e) => { e.preventDefault(); onChange({ ...value, q }); }}>
      <label>
        <span>{t('filters.from')}</span>
        <DateInput name="from" value={value.from ?? ''} onChange={(v) => { if (v === '' || ISO.test(v)) set({ from: v }); }} />
      </label>
      <label>
        <span>{t('filters.to')}</span>
        <DateInput name="to" value={value.to ?? ''} onChange={(v) => { if (v === '' || ISO.test(v)) set({ to: v }); }} />
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
      <label>
        <span>{t('filters.triggers')}</span>
        <select name="triggers" value={value.triggers ?? ''} onChange={(e) => set({ triggers: e.target.value })}>
          <option value="">{t('filters.anyIncident')}</option>
          <option value="any">{t('filters.triggersAny')}</option>
          {charters.map((c) => (
            <optgroup key={c.id} label={(c.shortTitle ?? c.title)[lang]}>
              <option value={c.id}>{t('filters.triggersCharter', { charter: (c.shortTitle ?? c.title)[lang] })}</option>
              {(articles.get(c.id) ?? []).map((a) => (
                <option key={a.number} value={`${c.id}/${a.number}`}>
                  {isUnnumbered(a.number) ? a.title[lang] : `${t('assess.article', { article: a.number })} — ${a.title[lang]}`}
                </option>
              ))}
            </optgroup>
          ))}
        </select>
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
