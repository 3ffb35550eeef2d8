import { useState, type FormEvent } from 'react';
import type { Incident } from '../api/types.ts';
import { today } from '../lib/format.ts';
import { draftErrors, draftToIncident, emptyDraft, type IncidentDraft } from './IncidentForm.tsx';

/**
 * The incident form's state and its submit, shared by the screens that send an incident
 * (Record, What-if): the draft, its errors (shown once a submit was tried), nothing sent
 * while they stand (`record`: the checks of a recorded incident, e.g. no future date), then `send` with the incident; its failure is kept for the ErrorBox.
 */
export function useIncidentSubmit(opts: { record?: boolean }, send: (incident: Incident) => Promise<void>) {
  const [draft, setDraft] = useState<IncidentDraft>(() => emptyDraft(today()));
  const [showErrors, setShowErrors] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const errors = draftErrors(draft, opts);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setShowErrors(true);
    if (Object.keys(errors).length > 0) return;
    setBusy(true);
    setError(null);
    try {
      await send(draftToIncident(draft));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return { draft, setDraft, errors, showErrors, busy, error, submit };
}
