import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client.ts';
import type { Assessment } from '../../api/types.ts';
import { AssessmentView } from '../../components/AssessmentView.tsx';
import { DateInput } from '../../components/DateInput.tsx';
import { ErrorBox } from '../../components/ErrorBox.tsx';
import { IncidentFields, draftErrors, draftToIncident, emptyDraft, type IncidentDraft } from '../../components/IncidentForm.tsx';
import { today } from '../../lib/format.ts';
import { currentLang } from '../../i18n/index.ts';
import { useCharters } from '../Incident/index.tsx';
import './styles.css';

/** "What would this event have triggered on that date, under each treaty?" Nothing is recorded. */
export function WhatIf() {
  const { t } = useTranslation('whatif');
  const lang = currentLang();
  const charters = useCharters();
  const [draft, setDraft] = useState<IncidentDraft>(() => emptyDraft(today()));
  const [at, setAt] = useState('');
  const [showErrors, setShowErrors] = useState(false);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<Assessment | null>(null);
  const [error, setError] = useState<unknown>(null);
  const errors = draftErrors(draft);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setShowErrors(true);
    if (Object.keys(errors).length > 0) return;
    setBusy(true);
    setError(null);
    try {
      setResult(await api.assess(draftToIncident(draft), at || undefined, lang));
    } catch (err) {
      setError(err);
      setResult(null);
    } finally {
      setBusy(false);
    }
  }

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
        </section>
      )}
    </main>
  );
}
