import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client.ts';
import type { Assessment, Incident } from '../../api/types.ts';
import { AssessmentView } from '../../components/AssessmentView.tsx';
import { OpenCase } from '../../components/OpenCase.tsx';
import { canRecord, useAuth } from '../../lib/auth.tsx';
import { DateInput } from '../../components/DateInput.tsx';
import { ErrorBox } from '../../components/ErrorBox.tsx';
import { IncidentFields } from '../../components/IncidentForm.tsx';
import { useIncidentSubmit } from '../../components/useIncidentSubmit.ts';
import { currentLang } from '../../i18n/index.ts';
import { useCharters } from '../Incident/index.tsx';
import './styles.css';

/** "What would this event have triggered on that date, under each treaty?" Nothing is recorded. */
export function WhatIf() {
  const { t } = useTranslation('whatif');
  const lang = currentLang();
  const charters = useCharters();
  const [at, setAt] = useState('');
  const { user } = useAuth();
  const [result, setResult] = useState<Assessment | null>(null);
  const [assessed, setAssessed] = useState<Incident | null>(null);
  const { draft, setDraft, errors, showErrors, busy, error, submit } = useIncidentSubmit({}, async (incident) => {
    try {
      setResult(await api.assess(incident, at || undefined, lang));
      setAssessed(incident);
    } catch (err) {
      setResult(null); // no answer from another incident under this one's error
      throw err;
    }
  });

  return (
    <main id="main" tabIndex={-1} className="page whatif">
      <h1>{t('title')}</h1>
      <p className="muted">{t('intro')}</p>
      <form onSubmit={submit} noValidate className="whatif-form">
        <IncidentFields draft={draft} onChange={setDraft} errors={errors} showErrors={showErrors} />
        <div className="row submit-row">
          <label><span>{t('at')}</span>
            <DateInput name="at" value={at} onChange={setAt} />
            <span className="hint">{t('atHint')}</span>
          </label>
          <button type="submit" className="primary" disabled={busy}>{busy ? t('assessing') : t('submit')}</button>
        </div>
      </form>
      <ErrorBox error={error} />
      {result && (
        <section className="whatif-result" aria-live="polite">
          <h2>{t('result')}</h2>
          <AssessmentView assessment={result} charters={charters} columns />
          {canRecord(user) && assessed && <OpenCase assessment={result} incident={assessed} />}
        </section>
      )}
    </main>
  );
}
