import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../../api/client.ts';
import { ErrorBox } from '../../components/ErrorBox.tsx';
import { IncidentFields, draftErrors, draftToIncident, emptyDraft, type IncidentDraft } from '../../components/IncidentForm.tsx';
import { canRecord, useAuth } from '../../lib/auth.tsx';
import { today } from '../../lib/format.ts';
import { navigate } from '../../lib/router.ts';
import './styles.css';

/** A duty officer's manual report. Only the secretariat sees this screen; the server refuses anyone else anyway. */
export function Record() {
  const { t } = useTranslation('record');
  const tc = useTranslation('common').t;
  const { user } = useAuth();
  const [draft, setDraft] = useState<IncidentDraft>(() => emptyDraft(today()));
  const [notes, setNotes] = useState('');
  const [showErrors, setShowErrors] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const errors = draftErrors(draft);

  if (!canRecord(user)) {
    return <main id="main" tabIndex={-1} className="page"><h1>{t('title')}</h1><p role="alert">{tc('forbidden')}</p></main>;
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    setShowErrors(true);
    if (Object.keys(errors).length > 0) return;
    setBusy(true);
    setError(null);
    try {
      const rec = await api.createIncident(draftToIncident(draft), notes.trim() || undefined);
      navigate(`/incidents/${encodeURIComponent(rec.id)}`);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  const details = error instanceof ApiError && Array.isArray((error.details as { issues?: unknown })?.issues)
    ? (error.details as { issues: Array<{ path?: unknown; message: string }> }).issues : null;

  return (
    <main id="main" tabIndex={-1} className="page record">
      <h1>{t('title')}</h1>
      <p className="muted">{t('intro')}</p>
      <form onSubmit={submit} noValidate>
        <IncidentFields draft={draft} onChange={setDraft} errors={errors} showErrors={showErrors} />
        <fieldset>
          <legend>{t('notes')}</legend>
          <textarea name="notes" rows={4} maxLength={10000} value={notes} onChange={(e) => setNotes(e.target.value)} placeholder={t('notesPlaceholder')} />
        </fieldset>
        <ErrorBox error={error} />
        {details && <ul className="field-error">{details.map((d, i) => <li key={i}><code>{Array.isArray(d.path) ? d.path.join('.') : String(d.path ?? '')}</code> {d.message}</li>)}</ul>}
        <div className="row submit-row">
          <button type="submit" className="primary" disabled={busy}>{busy ? t('saving') : t('submit')}</button>
        </div>
      </form>
    </main>
  );
}
