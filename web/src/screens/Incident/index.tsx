import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../../api/client.ts';
import { isCoarse, type Assessment, type CharterSummary, type HistoryEntry, type IncidentRecord } from '../../api/types.ts';
import { LedgerHistory } from '../../components/LedgerHistory.tsx';
import { AssessmentView } from '../../components/AssessmentView.tsx';
import { OpenCase } from '../../components/OpenCase.tsx';
import { ErrorBox } from '../../components/ErrorBox.tsx';
import { canRecord, useAuth } from '../../lib/auth.tsx';
import { countryName } from '../../lib/countries.ts';
import { day, num, stamp, text } from '../../lib/format.ts';
import { useLive } from '../../lib/live.ts';
import { href } from '../../lib/router.ts';
import { currentLang } from '../../i18n/index.ts';
import './styles.css';

/** "en" → "anglais" in French, "English" in English. */
function languageName(code: string, lang: string): string {
  try { return new Intl.DisplayNames([lang], { type: 'language' }).of(code) ?? code; } catch { return code; }
}

let chartersCache: Promise<CharterSummary[]> | null = null;
/** The charter list changes only with a new release: fetched once per page. */
export function useCharters(): CharterSummary[] {
  const [list, setList] = useState<CharterSummary[]>([]);
  useEffect(() => {
    chartersCache ??= api.charters().catch((e: unknown) => { chartersCache = null; throw e; });
    chartersCache.then(setList, () => setList([]));
  }, []);
  return list;
}

function History({ id, version }: { id: string; version: number }) {
  const { t } = useTranslation('components');
  const [entries, setEntries] = useState<HistoryEntry[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    let live = true;
    api.history(id).then((h) => live && setEntries(h), (e: unknown) => live && setError(e));
    return () => { live = false; };
  }, [id, version]);
  return (
    <section className="history" data-testid="history">
      <h3>{t('history.title')}</h3>
      <ErrorBox error={error} />
      {entries && entries.length === 0 && <p className="muted">{t('history.empty')}</p>}
      {entries && entries.length > 0 && <div className="table-wrap"><LedgerHistory entries={entries} /></div>}
    </section>
  );
}

/** The secretariat's correction of a record: notes, place name, fatalities. Edits carry the version read. */
function EditIncident({ rec, onSaved, onReload }: { rec: IncidentRecord; onSaved: (r: IncidentRecord) => void; onReload: () => void }) {
  const { t } = useTranslation('incident');
  const [open, setOpen] = useState(false);
  // The version the officer started from: a change that lands meanwhile (live feed) must not be overwritten silently.
  const [base, setBase] = useState(rec.version);
  const [notes, setNotes] = useState(rec.notes ?? '');
  const [placeName, setPlaceName] = useState(rec.placeName ?? '');
  const [fatalities, setFatalities] = useState(rec.incident.fatalities === undefined ? '' : String(rec.incident.fatalities));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [conflict, setConflict] = useState<{ currentVersion: number; updatedBy: string | null; updatedAt: string } | null>(null);

  async function save(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setConflict(null);
    try {
      const incident = { ...rec.incident };
      if (fatalities.trim() === '') delete incident.fatalities;
      else incident.fatalities = Number(fatalities);
      const saved = await api.patchIncident(rec.id, { version: base, incident, notes: notes.trim() || null, placeName: placeName.trim() || null });
      setOpen(false);
      onSaved(saved);
    } catch (err) {
      if (err instanceof ApiError && err.status === 409) setConflict(err.details as { currentVersion: number; updatedBy: string | null; updatedAt: string });
      else setError(err);
    } finally {
      setBusy(false);
    }
  }

  if (!open) return <button type="button" onClick={() => { setBase(rec.version); setOpen(true); }} data-testid="edit-incident">{t('edit')}</button>;
  return (
    <form className="edit-incident" onSubmit={save} data-testid="edit-form">
      <h3>{t('editTitle', { version: base })}</h3>
      {rec.version > base && !conflict && <p className="notice" role="status" data-testid="changed-meanwhile">{t('changedMeanwhile', { version: rec.version })}</p>}
      <label><span>{t('placeName')}</span><input name="edit-place" value={placeName} onChange={(e) => setPlaceName(e.target.value)} /></label>
      <label><span>{t('fatalitiesBest')}</span><input name="edit-fatalities" type="number" min={0} step={1} value={fatalities} onChange={(e) => setFatalities(e.target.value)} /></label>
      <label><span>{t('notes')}</span><textarea name="edit-notes" rows={3} value={notes} onChange={(e) => setNotes(e.target.value)} /></label>
      {conflict && (
        <div className="error-box" role="alert" data-testid="version-conflict">
          <p>{t('conflict', { version: conflict.currentVersion, who: conflict.updatedBy?.replace(/^user:/, '') ?? t('anImport'), when: stamp(conflict.updatedAt) })}</p>
          <button type="button" onClick={() => { setBase(conflict.currentVersion); setConflict(null); onReload(); }}>{t('reload')}</button>
        </div>
      )}
      <ErrorBox error={error} />
      <div className="row">
        <button type="submit" className="primary" disabled={busy}>{t('save')}</button>
        <button type="button" className="quiet" onClick={() => setOpen(false)}>{t('cancel')}</button>
      </div>
    </form>
  );
}

/** One incident: what the source says, what the charters make of it, and who changed it. */
export function IncidentView({ id, compact }: { id: string; compact?: boolean }) {
  const { t } = useTranslation('incident');
  const tc = useTranslation('common').t;
  const lang = currentLang();
  const charters = useCharters();
  const [rec, setRec] = useState<IncidentRecord | null>(null);
  const [assessment, setAssessment] = useState<Assessment | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [assessError, setAssessError] = useState<unknown>(null);
  const { user } = useAuth();

  const load = useCallback(() => {
    let live = true;
    setError(null);
    api.incident(id).then((r) => { if (live) setRec(r); }, (e: unknown) => { if (live) setError(e); });
    return () => { live = false; };
  }, [id]);
  useEffect(() => { setRec(null); setAssessment(null); return load(); }, [load]);
  useLive('incident.updated', useCallback((d: unknown) => {
    const data = d as { id?: string } | null;
    if (data?.id === id) load();
  }, [id, load]));

  useEffect(() => {
    if (!rec) return;
    let live = true;
    setAssessError(null);
    api.assess(rec.incident, undefined, lang).then((a) => live && setAssessment(a), (e: unknown) => live && setAssessError(e));
    return () => { live = false; };
  }, [rec, lang]);

  // The page keeps its one h1 while the record loads or fails.
  const Title = compact ? 'h2' : 'h1';
  if (error) return <>{!compact && <h1>{t('title')}</h1>}<ErrorBox error={error} onRetry={load} /></>;
  if (!rec) return <>{!compact && <h1>{t('title')}</h1>}<p className="muted">{tc('loading')}</p></>;
  const inc = rec.incident;
  const coarse = isCoarse(rec.locationPrecision);
  const place = [rec.placeName, rec.admin2, rec.admin1 ?? rec.admin1Derived, countryName(inc.location.country, lang)].filter(Boolean).join(', ');
  return (
    <article className={`incident${compact ? ' compact' : ''}`} data-testid="incident" data-id={rec.id}>
      <header className="incident-head">
        <p className="eyebrow">{tc(`kind.${inc.kind}`)} · {day(inc.date)}{rec.dateEnd && rec.dateEnd !== inc.date ? ` → ${day(rec.dateEnd)}` : ''}</p>
        <Title>{place || rec.id}</Title>
        {compact && <a href={href('incidents', rec.id)} className="small">{t('openPage')}</a>}
        {!compact && <button type="button" className="quiet no-print print-button" onClick={() => window.print()}>{t('print')}</button>}
      </header>
      <dl className="facts" data-testid="incident-facts">
        <dt>{t('date')}</dt><dd>{day(inc.date)}{rec.datePrecision && rec.datePrecision !== 'day' && <span className="muted"> ({t('datePrecision', { p: rec.datePrecision })})</span>}</dd>
        <dt>{t('kind')}</dt><dd>{tc(`kind.${inc.kind}`)}{rec.source.eventType && <span className="muted"> — {t('sourceType')} {t(`sourceEventType.${rec.source.eventType}`, { defaultValue: rec.source.eventType })}{rec.source.subEventType ? ` / ${rec.source.subEventType}` : ''}</span>}</dd>
        <dt>{t('place')}</dt>
        <dd>
          {place || '—'}
          {inc.location.lat !== undefined && inc.location.lon !== undefined && <span className="muted"> ({inc.location.lat.toFixed(4)}, {inc.location.lon.toFixed(4)})</span>}
          <br />
          <span className={`precision ${coarse ? 'coarse' : 'exact'}`} data-testid="precision">{coarse ? '◌ ' : '● '}{tc(`precision.${rec.locationPrecision}`)}</span>
        </dd>
        <dt>{t('perpetrator')}</dt><dd>{tc(`perp.${inc.perpetrator.type}`)}{inc.perpetrator.country ? ` — ${countryName(inc.perpetrator.country, lang)}` : ''}{inc.perpetrator.name ? ` — ${inc.perpetrator.name}` : ''}</dd>
        <dt>{t('target')}</dt><dd>{tc(`target.${inc.target.type}`)}{inc.target.country ? ` — ${countryName(inc.target.country, lang)}` : ''}{inc.target.deployed_abroad ? ` (${t('deployedAbroad')})` : ''}</dd>
        <dt>{t('actors')}</dt>
        <dd>
          {rec.actors.length === 0 ? '—' : (
            <ul className="actors">
              {rec.actors.map((a, i) => <li key={i}><span className="role-tag" title={a.role}>{t(`actorRole.${a.role}`, { defaultValue: a.role.replace(/_/g, ' ') })}</span> {a.name}{a.country ? ` (${countryName(a.country, lang)})` : ''}</li>)}
            </ul>
          )}
          <span className="muted small">{t('actorsNote')}</span>
        </dd>
        <dt>{t('fatalities')}</dt>
        <dd data-testid="fatalities">
          <strong>{num(rec.fatalities.best ?? inc.fatalities ?? null, lang)}</strong>
          <span className="muted"> {t('bestLowHigh', { low: num(rec.fatalities.low, lang), high: num(rec.fatalities.high, lang) })}</span>
        </dd>
        <dt>{t('source')}</dt>
        <dd>
          {t(`dataset.${rec.source.dataset}`)}{rec.source.id && rec.source.dataset !== 'manual' ? ` #${rec.source.id}` : ''}
          {rec.sources.length > 0 && <ul className="sources">{rec.sources.map((s, i) => <li key={i}>{s}</li>)}</ul>}
        </dd>
        {rec.notes && (<><dt>{t('notes')}</dt><dd lang={rec.textLang ?? undefined}>{rec.notes}{rec.textLang && rec.textLang !== lang && <span className="muted small"> [{t('writtenIn', { lang: languageName(rec.textLang, lang) })}]</span>}</dd></>)}
        <dt>{t('record')}</dt><dd className="muted small">{rec.id} · v{rec.version}{rec.updatedAt ? ` · ${stamp(rec.updatedAt)}` : ''}</dd>
      </dl>
      {canRecord(user) && <EditIncident key={rec.id} rec={rec} onSaved={setRec} onReload={load} />}
      <section className="incident-assessment">
        <h3>{t('assessment')}</h3>
        <ErrorBox error={assessError} />
        {!assessment && !assessError && <p className="muted">{tc('loading')}</p>}
        {assessment && <AssessmentView assessment={assessment} charters={charters} />}
        {assessment && canRecord(user) && <OpenCase assessment={assessment} incidentId={rec.id} />}
        {rec.assessment && <p className="muted small">{t('stored', { list: text(rec.assessment, lang) })}</p>}
      </section>
      <History id={rec.id} version={rec.version} />
    </article>
  );
}

/** On paper every folded part (the conditions, the provisions not triggered) is opened, then folded back. */
function useOpenDetailsForPrint(): void {
  useEffect(() => {
    let opened: HTMLDetailsElement[] = [];
    const before = () => {
      opened = [...document.querySelectorAll<HTMLDetailsElement>('main details:not([open])')];
      for (const d of opened) d.open = true;
    };
    const after = () => { for (const d of opened) d.open = false; opened = []; };
    window.addEventListener('beforeprint', before);
    window.addEventListener('afterprint', after);
    return () => { window.removeEventListener('beforeprint', before); window.removeEventListener('afterprint', after); };
  }, []);
}

export function IncidentPage({ id }: { id: string }) {
  useOpenDetailsForPrint();
  return <main id="main" tabIndex={-1} className="page incident-page"><IncidentView id={id} /></main>;
}
