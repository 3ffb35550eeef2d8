import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client.ts';
import type { ImportJob } from '../../api/types.ts';
import { ErrorBox, ServerText } from '../../components/ErrorBox.tsx';
import { canRecord, useAuth } from '../../lib/auth.tsx';
import { num } from '../../lib/format.ts';
import { useLive } from '../../lib/live.ts';
import { currentLang } from '../../i18n/index.ts';
import './styles.css';

const FORMATS = ['', 'ucdp', 'acled', 'geojson', 'incident'] as const;

/** Upload a UCDP, ACLED, GeoJSON or incident file; follow the job live; read what was refused, row by row. */
export function Import() {
  const { t } = useTranslation('import');
  const tc = useTranslation('common').t;
  const lang = currentLang();
  const { user } = useAuth();
  const [file, setFile] = useState<File | null>(null);
  const [format, setFormat] = useState<string>('');
  const [job, setJob] = useState<ImportJob | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const poll = useRef<number | null>(null);

  const refresh = useCallback(async (id: string) => {
    try {
      const j = await api.importJob(id);
      setJob(j);
      if (j.status === 'done' || j.status === 'failed' || j.status === 'interrupted') {
        if (poll.current) window.clearInterval(poll.current);
        poll.current = null;
      }
    } catch (e) {
      setError(e);
    }
  }, []);

  useEffect(() => () => { if (poll.current) window.clearInterval(poll.current); }, []);
  const onLive = useCallback((d: unknown) => {
    const data = d as { id?: string; jobId?: string } | null;
    const id = data?.id ?? data?.jobId;
    if (job && id === job.id) void refresh(job.id);
  }, [job, refresh]);
  useLive('import.progress', onLive);
  useLive('import.done', onLive);
  useLive('import.failed', onLive);

  if (!canRecord(user)) {
    return <main id="main" tabIndex={-1} className="page"><h1>{t('title')}</h1><p role="alert">{tc('forbidden')}</p></main>;
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!file) return;
    setBusy(true);
    setError(null);
    setJob(null);
    try {
      const j = await api.startImport(file, format || undefined);
      void refresh(j.id);
      // The live feed pushes progress; polling once a second covers a feed that is down or behind a proxy.
      if (poll.current) window.clearInterval(poll.current);
      poll.current = window.setInterval(() => { void refresh(j.id); }, 1000);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  const s = job?.summary ?? null;
  const counts = s ?? job?.progress ?? null;
  return (
    <main id="main" tabIndex={-1} className="page import">
      <h1>{t('title')}</h1>
      <p className="muted">{t('intro')}</p>
      <form onSubmit={submit} className="row">
        <label className="grow"><span>{t('file')}</span>
          <input type="file" name="file" accept=".csv,.json,.geojson,.txt" required onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
        </label>
        <label><span>{t('format')}</span>
          <select name="format" value={format} onChange={(e) => setFormat(e.target.value)}>
            {FORMATS.map((k) => <option key={k} value={k}>{t(`fmt.${k || 'auto'}`)}</option>)}
          </select>
        </label>
        <button type="submit" className="primary" disabled={!file || busy}>{t('submit')}</button>
      </form>
      <ErrorBox error={error} />
      {job && (
        <section className="job" data-testid="import-job" aria-live="polite">
          <h2>{t('job', { id: job.id })}</h2>
          <p>{t(`status.${job.status}`, { defaultValue: job.status })}</p>
          <p className="muted small">{job.file}{job.format ? ` · ${job.format}` : ''}</p>
          {(job.status === 'queued' || job.status === 'running') && <progress aria-label={t(`status.${job.status}`)} />}
          {job.progress && job.status === 'running' && <p className="muted">{t('rowsRead', { n: num(job.progress.rows, lang) })}</p>}
          {job.error && <p className="field-error" role="alert"><ServerText message={job.error.message} /> <code>{job.error.code}</code></p>}
          {counts && (
            <dl className="summary">
              <div><dt>{t('imported')}</dt><dd>{num(counts.imported, lang)}</dd></div>
              <div><dt>{t('updated')}</dt><dd>{num(counts.updated, lang)}</dd></div>
              <div><dt>{t('unchanged')}</dt><dd>{num(counts.unchanged, lang)}</dd></div>
              <div className={counts.conflicts ? 'warn' : ''}><dt>{t('conflicts')}</dt><dd>{num(counts.conflicts, lang)}</dd></div>
              <div className={counts.rejected ? 'bad' : ''}><dt>{t('rejected')}</dt><dd>{num(counts.rejected, lang)}</dd></div>
            </dl>
          )}
          {s && s.conflictIds.length > 0 && (
            <div data-testid="conflicts">
              <p>{t('conflictsExplained')}</p>
              <ul>{s.conflictIds.map((id) => <li key={id}><a href={`#/incidents/${encodeURIComponent(id)}`}>{id}</a></li>)}</ul>
            </div>
          )}
          {s && s.rejections.length > 0 && (
            <table className="table compact" data-testid="rejected">
              <caption>{t('rejectedRows')}{s.rejectionsTruncated && <span className="muted"> — {t('truncated', { n: s.rejections.length })}</span>}</caption>
              <thead><tr><th>{t('line')}</th><th>{t('column')}</th><th>{t('reason')}</th></tr></thead>
              <tbody>
                {s.rejections.map((r, i) => <tr key={i}><td>{s.file}:{r.line}</td><td><code>{r.column ?? '—'}</code></td><td><ServerText message={r.reason} /></td></tr>)}
              </tbody>
            </table>
          )}
        </section>
      )}
    </main>
  );
}
