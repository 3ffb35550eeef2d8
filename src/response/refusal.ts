import { partyName } from '../charter/i18n.ts';
import type { Lang, Text } from '../charter/schema.ts';
import { InputError } from '../errors.ts';

/**
 * A step refused by a guard of the case. It says which guard failed in words a
 * duty officer understands, in English (`message`) and French (`fr`), with a
 * stable `code` and the HTTP status the API should answer:
 * - 409: the step conflicts with the case as it is (wrong state, positions missing,
 *   already done) — try again once the case has moved;
 * - 404: the step names an item the case does not have (request R9, pledge P4);
 * - 400: the step itself is malformed (a quantity of 0, a reason left empty).
 *
 * It is an InputError, so the CLI prints it on one line and exits 2, and an
 * unmapped API route still answers 4xx; routes should answer
 * `HttpError(err.status, err.code, err.text(lang), err.details)`.
 */
export class CaseRefused extends InputError {
  readonly status: 400 | 404 | 409;
  readonly fr: string;
  readonly details: Record<string, unknown> | undefined;
  constructor(code: string, status: 400 | 404 | 409, text: Text, details?: Record<string, unknown>) {
    super(text.en, { code });
    this.name = 'CaseRefused';
    this.status = status;
    this.fr = text.fr;
    this.details = details;
  }

  text(lang: Lang): string {
    return lang === 'fr' ? this.fr : this.message;
  }
}

export function refuse(code: string, status: 400 | 404 | 409, en: string, fr: string, details?: Record<string, unknown>): never {
  throw new CaseRefused(code, status, { en, fr }, details);
}

/** "Burkina Faso (BFA) and Mali (MLI)" / "le Burkina Faso (BFA) et le Mali (MLI)" without articles: "Burkina Faso (BFA) et Mali (MLI)". */
export function parties(codes: readonly string[], lang: Lang): string {
  const names = codes.map((c) => partyName(c, lang));
  if (names.length <= 1) return names[0] ?? (lang === 'fr' ? 'aucune partie' : 'no party');
  return `${names.slice(0, -1).join(', ')} ${lang === 'fr' ? 'et' : 'and'} ${names.at(-1)}`;
}

export function both(f: (lang: Lang) => string): Text {
  return { en: f('en'), fr: f('fr') };
}

/** State names for messages. */
export const STATE_WORDS: Record<Lang, Record<string, string>> = {
  en: {
    opened: 'opened', consultation: 'in consultation', decided: 'decided', active: 'active', standing_down: 'standing down',
    closed: 'closed', declined: 'declined', withdrawn: 'withdrawn',
  },
  fr: {
    opened: 'ouvert', consultation: 'en consultation', decided: 'décidé', active: 'actif', standing_down: 'en désengagement',
    closed: 'clos', declined: 'refusé', withdrawn: 'retiré',
  },
};

/** Refuses unless the case is in one of `states`; `what` names the step in both languages. */
export function requireState(caseId: number, state: string, states: readonly string[], what: Text): void {
  if (states.includes(state)) return;
  const list = (lang: Lang) => states.map((s) => STATE_WORDS[lang][s] ?? s).join(lang === 'fr' ? ' ou ' : ' or ');
  refuse(
    'case_state',
    409,
    `${what.en} needs the case ${list('en')}; case ${caseId} is ${STATE_WORDS.en[state] ?? state}.`,
    `${what.fr} exige que le dossier soit ${list('fr')} ; le dossier ${caseId} est ${STATE_WORDS.fr[state] ?? state}.`,
    { state, allowed: [...states] },
  );
}

/** A reason is required on every transition and on the steps that undo something. */
export function requireReason(reason: string | null | undefined, what: Text): string {
  const r = (reason ?? '').trim();
  if (r === '') refuse('reason_required', 400, `${what.en} needs a reason.`, `${what.fr} exige un motif.`);
  return r;
}
