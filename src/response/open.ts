import type { Assessment } from '../charter/engine.ts';
import { compileParty, intervalAt, suspensionAt } from '../charter/membership.ts';
import { dayNumber } from '../charter/dates.ts';
import { art } from '../charter/i18n.ts';
import type { Charter, Provision } from '../charter/schema.ts';
import type { Incident } from '../incident/incident.ts';
import { openCaseOptions, type OpenCaseOptions } from './commands.ts';
import { consultedParties } from './decision.ts';
import type { Case, CaseProvision, StepContext } from './model.ts';
import { addObligation } from './obligations.ts';
import { refuse, requireReason } from './refusal.ts';
import { event, parseOrRefuse, type StepResult } from './step-result.ts';

/**
 * Opening a case: a secretariat officer takes an incident and one provision its
 * assessment triggered. Beneficiary, obligated parties, decision rule and deadline
 * texts are copied from the engine's result and the charter (with its id and
 * version), so the case keeps them even if the charter file changes later.
 * A provision the assessment does not trigger is refused, unless the case is an
 * exercise (then the beneficiary is the target's country or the one given).
 */

export interface OpenCaseInput {
  /** The stored incident's id, or null for a hypothetical incident (exercises only). */
  incidentId: string | null;
  incident: Incident;
  charter: Charter;
  /** The engine's assessment of the incident (English texts, with traces). */
  assessment: Assessment;
  options: OpenCaseOptions;
}

export function findProvision(charter: Charter, id: string): { provision: Provision; article: string } | null {
  for (const a of charter.articles) {
    const p = a.provisions.find((x) => x.id === id);
    if (p) return { provision: p, article: a.number };
  }
  return null;
}

/** Parties in force (member and not suspended) on the day, other than `except`. */
function partiesInForce(charter: Charter, day: string, except: string | null): string[] {
  const d = dayNumber(day);
  return charter.parties
    .map(compileParty)
    .filter((p) => intervalAt(p, d) >= 0 && suspensionAt(p, d) < 0 && p.code !== except)
    .map((p) => p.code)
    .sort();
}

export function openCase(input: OpenCaseInput, ctx: StepContext): StepResult {
  const opts = parseOrRefuse(openCaseOptions, input.options);
  const reason = requireReason(opts.reason, { en: 'Opening a case', fr: "L'ouverture d'un dossier" });
  const { charter, incident } = input;
  if (opts.charter !== charter.id) refuse('charter_mismatch', 400, `The charter given (${opts.charter}) is not ${charter.id}.`, `La charte donnée (${opts.charter}) n'est pas ${charter.id}.`);
  const found = findProvision(charter, opts.provision);
  if (!found) {
    refuse('unknown_provision', 404, `Charter ${charter.id} has no provision ${opts.provision}.`, `La charte ${charter.id} n'a pas de disposition ${opts.provision}.`);
  }
  if (input.incidentId === null && !opts.exercise) {
    refuse('hypothetical_needs_exercise', 400, 'A case on a hypothetical incident must be an exercise (set exercise: true).', "Un dossier sur un incident hypothétique doit être un exercice (exercise: true).");
  }
  const { provision, article } = found;
  const hit = input.assessment.triggered.find((t) => t.charter === charter.id && t.provision === provision.id);
  let beneficiary: string | null;
  let obligated: string[];
  if (hit) {
    beneficiary = hit.beneficiary;
    obligated = [...hit.obligated].sort();
  } else {
    if (!opts.exercise) {
      const failed = input.assessment.not_triggered.find((t) => t.charter === charter.id && t.provision === provision.id)?.trace.find((t) => !t.held);
      // The engine's sentence ends with its own full stop.
      const why = failed ? failed.detail.replace(/\.$/, '') : '';
      refuse(
        'provision_not_triggered',
        409,
        `The assessment of this incident on ${input.assessment.at} does not trigger ${charter.id} ${art(article, 'en')} (${provision.id})${failed ? `: ${why}` : ''}. Open an exercise instead if this is a drill.`,
        `L'évaluation de cet incident au ${input.assessment.at} ne déclenche pas ${charter.id} ${art(article, 'fr')} (${provision.id})${failed ? ` : ${why}` : ''}. Ouvrez plutôt un exercice s'il s'agit d'un entraînement.`,
        { assessedAt: input.assessment.at, failed: failed?.condition ?? null },
      );
    }
    beneficiary = opts.beneficiary ?? incident.target.country ?? incident.location.country ?? null;
    obligated = provision.obligated === 'all_parties' ? partiesInForce(charter, incident.date, null) : partiesInForce(charter, incident.date, beneficiary);
  }
  if (obligated.length === 0) {
    refuse('no_obligated_party', 409, `No party is obliged under ${provision.id} for this incident: there is no one to consult.`, `Aucune partie n'est obligée au titre de ${provision.id} pour cet incident : personne à consulter.`);
  }

  const copied: CaseProvision = {
    charter: charter.id,
    charterVersion: charter.version,
    article,
    provision: provision.id,
    type: provision.type,
    summary: provision.summary,
    triggered: Boolean(hit),
    beneficiary,
    obligated,
    obligation: {
      action: provision.obligation.action,
      armed_force: provision.obligation.armed_force,
      individually_or_collectively: provision.obligation.individually_or_collectively,
      summary: provision.obligation.summary,
    },
    decision: { rule: provision.decision.rule, body: provision.decision.body, summary: provision.decision.summary },
    deadline: { value: provision.deadline.value, text: provision.deadline.text },
    assessedAt: input.assessment.at,
    trace: hit?.trace ?? [],
  };
  const d = charter.response;
  const at = ctx.now.toISOString();
  const c: Case = {
    id: 0,
    version: 1,
    exercise: opts.exercise,
    state: 'opened',
    incident: { id: input.incidentId, hypothetical: input.incidentId === null, snapshot: incident },
    provision: copied,
    consulted: consultedParties(provision.decision.rule, beneficiary, obligated),
    deadlines: {
      acknowledge: opts.deadlines?.acknowledge ?? d.acknowledge_within_hours,
      statePosition: opts.deadlines?.statePosition ?? d.position_within_hours,
      answerRequest: opts.deadlines?.answerRequest ?? d.answer_request_within_hours,
      basis: opts.deadlines ? { en: `Set on this case; ${d.basis.en}`, fr: `Fixés pour ce dossier ; ${d.basis.fr}` } : d.basis,
    },
    openedAt: at,
    openedBy: ctx.actor.username,
    updatedAt: at,
    updatedBy: ctx.actor.username,
    transitions: [{ from: null, to: 'opened', at, by: ctx.actor.username, reason }],
    positions: [],
    decision: null,
    obligations: [],
    requests: [],
    answers: [],
    pledges: [],
    deployments: [],
    next: { obligation: 1, request: 1, pledge: 1, deployment: 1 },
  };
  for (const p of obligated) addObligation(c, p, 'acknowledge', null, at, c.deadlines.acknowledge);
  return {
    case: c,
    events: [
      event('case.opened', {
        en: `Case opened on ${charter.id} ${art(article, 'en')}${opts.exercise ? ' (exercise)' : ''}.`,
        fr: `Dossier ouvert au titre de ${charter.id}, ${art(article, 'fr')}${opts.exercise ? ' (exercice)' : ''}.`,
      }, { state: 'opened', beneficiary, obligated }, 'activation'),
    ],
  };
}
