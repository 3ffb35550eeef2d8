import type { Text } from '../charter/schema.ts';
import { missingPositions } from './decision.ts';
import { FINAL_STATES, type Case } from './model.ts';
import { isOpen, obligationStatus } from './obligations.ts';

/**
 * What waits for one user's action, across the cases given, soonest due first.
 *
 * A liaison (for its party): its open obligations (acknowledge, state a position, answer
 * a request); open requests it is bound to answer and has neither pledged to nor answered
 * (these are its answer obligations); pledges offered to its own requests, awaiting its
 * acceptance; its accepted pledges with nothing deployed yet (to report).
 * The secretariat: cases awaiting a step (start consultation, record the decision,
 * activate, close), pledges awaiting acceptance, and every overdue obligation (to chase).
 * Observers and admins act on no case: their inbox is empty.
 */

export const INBOX_KINDS = [
  'obligation', 'pledge_to_decide', 'deployment_to_report', 'case_step', 'obligation_to_chase',
] as const;
export type InboxKind = (typeof INBOX_KINDS)[number];

export interface InboxItem {
  case: number;
  exercise: boolean;
  kind: InboxKind;
  /** The party concerned (the one that must act, or whose item it is). */
  party: string | null;
  /** The obligation, pledge or case step concerned: "O3", "P2", or the step type ("record_decision"). */
  item: string;
  due: string | null;
  overdue: boolean;
  text: Text;
}

export interface InboxUser {
  role: string;
  party: string | null;
}

const KIND_WORDS: Record<string, Text> = {
  acknowledge: { en: 'acknowledge the case', fr: 'accuser réception du dossier' },
  state_position: { en: 'state its position', fr: 'donner sa position' },
  answer_request: { en: 'answer request', fr: 'répondre à la demande' },
};

function byDue(a: InboxItem, b: InboxItem): number {
  if (a.due === b.due) return a.case - b.case || a.item.localeCompare(b.item);
  if (a.due === null) return 1;
  if (b.due === null) return -1;
  return a.due.localeCompare(b.due);
}

function liaisonItems(party: string, c: Case, now: Date): InboxItem[] {
  const out: InboxItem[] = [];
  for (const o of c.obligations) {
    if (o.party !== party || !isOpen(o)) continue;
    const w = KIND_WORDS[o.kind]!;
    out.push({
      case: c.id, exercise: c.exercise, kind: 'obligation', party, item: o.id, due: o.due, overdue: obligationStatus(o, now) === 'overdue',
      text: { en: `Case ${c.id}: ${w.en}${o.request ? ` ${o.request}` : ''}`, fr: `Dossier ${c.id} : ${w.fr}${o.request ? ` ${o.request}` : ''}` },
    });
  }
  for (const p of c.pledges) {
    const r = c.requests.find((x) => x.id === p.request);
    if (p.state === 'offered' && r?.party === party && r.state === 'open') {
      out.push({
        case: c.id, exercise: c.exercise, kind: 'pledge_to_decide', party: p.party, item: p.id, due: null, overdue: false,
        text: { en: `Case ${c.id}: accept or decline pledge ${p.id} of ${p.party} (${p.quantity} ${r.unit})`, fr: `Dossier ${c.id} : accepter ou refuser l'engagement ${p.id} de ${p.party} (${p.quantity} ${r.unit})` },
      });
    }
    if (p.party === party && p.state === 'accepted' && !c.deployments.some((d) => d.pledge === p.id)) {
      out.push({
        case: c.id, exercise: c.exercise, kind: 'deployment_to_report', party, item: p.id, due: p.availableFrom, overdue: false,
        text: { en: `Case ${c.id}: report the deployment of pledge ${p.id}`, fr: `Dossier ${c.id} : déclarer le déploiement de l'engagement ${p.id}` },
      });
    }
  }
  return out;
}

const NEXT_STEP: Partial<Record<Case['state'], { step: string; text: Text }>> = {
  opened: { step: 'start_consultation', text: { en: 'start the consultation', fr: 'ouvrir la consultation' } },
  decided: { step: 'activate', text: { en: 'activate the response', fr: 'activer la réponse' } },
  standing_down: { step: 'close', text: { en: 'close the case once forces are home', fr: 'clore le dossier une fois les forces rentrées' } },
};

function secretariatItems(c: Case, now: Date): InboxItem[] {
  const out: InboxItem[] = [];
  const step = c.state === 'consultation'
    ? (missingPositions(c).length === 0 ? { step: 'record_decision', text: { en: 'record the decision (every position is in)', fr: 'enregistrer la décision (toutes les positions sont connues)' } } : null)
    : NEXT_STEP[c.state];
  if (step) out.push({ case: c.id, exercise: c.exercise, kind: 'case_step', party: null, item: step.step, due: null, overdue: false, text: { en: `Case ${c.id}: ${step.text.en}`, fr: `Dossier ${c.id} : ${step.text.fr}` } });
  for (const p of c.pledges) {
    if (p.state !== 'offered') continue;
    out.push({ case: c.id, exercise: c.exercise, kind: 'pledge_to_decide', party: p.party, item: p.id, due: null, overdue: false, text: { en: `Case ${c.id}: pledge ${p.id} of ${p.party} awaits acceptance`, fr: `Dossier ${c.id} : l'engagement ${p.id} de ${p.party} attend son acceptation` } });
  }
  for (const o of c.obligations) {
    if (obligationStatus(o, now) !== 'overdue') continue;
    const w = KIND_WORDS[o.kind]!;
    out.push({ case: c.id, exercise: c.exercise, kind: 'obligation_to_chase', party: o.party, item: o.id, due: o.due, overdue: true, text: { en: `Case ${c.id}: ${o.party} has not yet done its duty to ${w.en}${o.request ? ` ${o.request}` : ''}`, fr: `Dossier ${c.id} : ${o.party} n'a pas encore rempli son devoir de ${w.fr}${o.request ? ` ${o.request}` : ''}` } });
  }
  return out;
}

export function inbox(user: InboxUser, cases: readonly Case[], now: Date): InboxItem[] {
  const items: InboxItem[] = [];
  for (const c of cases) {
    if (FINAL_STATES.has(c.state)) continue;
    if (user.role === 'liaison' && user.party) items.push(...liaisonItems(user.party, c, now));
    else if (user.role === 'secretariat') items.push(...secretariatItems(c, now));
  }
  return items.sort(byDue);
}
