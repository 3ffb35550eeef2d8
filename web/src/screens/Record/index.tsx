import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../../api/client.ts';
import { ErrorBox } from '../../components/ErrorBox.tsx';
import { IncidentFields } from '../../components/IncidentForm.tsx';
import { useIncidentSubmit } from '../../components/useIncidentSubmit.ts';
import { canRecord, useAuth } from '../../lib/auth.tsx';
import { navigate } from '../../lib/router.ts';
import { currentLang } from '../../i18n/index.ts';
import './styles.css';

/** A duty officer's manual report. Only the secretariat sees this screen; the server refuses anyone else anyway. */
export function Record() {
  const { t } = useTranslation('record');
  const tc = useTranslation('common').t;
  const { user } = useAuth();
  const [notes, setNotes] = useState('');
  const [placeName, setPlaceName] = useState('');
  const [sources, setSources] = useState('');
  const lang = currentLang();
  const { draft, setDraft, errors, showErrors, busy, error, submit } = useIncidentSubmit({ record: true }, async (incident) => {
    const rec = await api.createIncident({
      incident,
      notes: notes.trim() || null,
      placeName: placeName.trim() || null,
      textLang: lang,
      // A point typed or picked by the duty officer is a point; a country alone is a centroid.
      locationPrecision: incident.location.lat !== undefined ? 'exact' : 'country',
      ...(sources.trim() ? { sources: sources.split('\n').map((s) => s.trim()).filter(Boolean) } : {}),
    });
    navigate(`/incidents/${encodeURIComponent(rec.id)}`);
  });

  if (!canRecord(user)) {
    return <main id="main" tabIndex={-1} className="page"><h1>{t('title')}</h1><p role="alert">{tc('forbidden')}</p></main>;
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
          <legend>{t('report')}</legend>
          <div className="row">
            <label className="grow"><span>{t('placeName')}</span>
              <input type="text" name="place-name" maxLength={300} value={placeName} onChange={(e) => setPlaceName(e.target.value)} />
            </label>
          </div>
          <label><span>{t('notes')}</span>
            <textarea name="notes" rows={4} maxLength={10000} value={notes} onChange={(e) => setNotes(e.target.value)} placeholder={t('notesPlaceholder')} />
          </label>
          <label><span>{t('sources')}</span>
            <textarea name="sources" rows={2} value={sources} onChange={(e) => setSources(e.target.value)} placeholder={t('sourcesPlaceholder')} />
          </label>
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
