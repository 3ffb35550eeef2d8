import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.ts';
import type { Assessment, CaseSummary, Incident } from '../api/types.ts';
import { navigate, href } from '../lib/router.ts';
import { ErrorBox } from './ErrorBox.tsx';
import '../screens/Cases/styles.css';
import '../screens/Case/styles.css';

/**
 * Opening a response case from an assessment (the secretariat only): one form per
 * triggered provision, with the reason the record keeps. On a stored incident it opens a
 * real case (or, ticked, an exercise); on a What-if incident, an exercise only. The cases
 * already open on this incident are listed first, so nobody opens the same one twice.
 */
export function OpenCase({ assessment, incidentId, incident }: { assessment: Assessment; incidentId?: string; incident?: Incident }) {
  const { t } = useTranslation('components');
  const tcs = useTranslation('cases').t;
  const [reason, setReason] = useState('');
  const [exercise, setExercise] = useState(!incidentId);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [existing, setExisting] = useState<CaseSummary[]>([]);
  useEffect(() => {
    if (incidentId) api.cases({ incident: incidentId }).then(setExisting, () => undefined);
  }, [incidentId]);
  if (assessment.triggered.length === 0) return null;

  async function open(e: FormEvent, charter: string, provision: string) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const c = await api.openCase({ charter, provision, reason, exercise, ...(incidentId ? { incidentId } : { incident: incident! }) });
      navigate(`/cases/${c.id}`);
    } catch (err) { setError(err); } finally { setBusy(false); }
  }

  return (
    <section className="open-case card" data-testid="open-case" aria-labelledby="open-case-title">
      <h3 id="open-case-title">{incidentId ? t('openCase.title') : t('openCase.exerciseTitle')}</h3>
      {existing.length > 0 && (
        <p data-testid="existing-cases">{t('openCase.existing')}{' '}
          {existing.map((c, i) => <span key={c.id}>{i > 0 && ', '}<a href={href('cases', String(c.id))}>{tcs('caseN', { id: c.id })}</a> ({tcs(`state.${c.state}`)}{c.exercise ? `, ${tcs('exercise')}` : ''})</span>)}
        </p>
      )}
      <label className="grow"><span>{t('openCase.reason')}</span>
        <input name="case-reason" value={reason} onChange={(e) => setReason(e.target.value)} required placeholder={t('openCase.reasonHint')} />
      </label>
      {incidentId && <label className="check"><input type="checkbox" checked={exercise} onChange={(e) => setExercise(e.target.checked)} /> {t('openCase.asExercise')}</label>}
      <ul>
        {assessment.triggered.map((p) => (
          <li key={`${p.charter}/${p.provision}`}>
            <form onSubmit={(e) => void open(e, p.charter, p.provision)}>
              <button type="submit" className="primary" disabled={busy || reason.trim() === ''} data-provision={p.provision}>
                {exercise ? t('openCase.startExercise', { charter: p.charter, article: p.article }) : t('openCase.open', { charter: p.charter, article: p.article })}
              </button>
            </form>
          </li>
        ))}
      </ul>
      <ErrorBox error={error} />
    </section>
  );
}
