import type { Case, Obligation, ObligationKind } from './model.ts';

/**
 * Obligations of the parties in a case, and their status read from the clock:
 * nothing flags an obligation overdue but the time the caller passes in, so no
 * job has to run for the answer to be right.
 *
 * - acknowledge: each obligated party, from the opening;
 * - state_position: each consulted party, from the start of consultation;
 * - answer_request: each acting party but the requester, from the posting of a request
 *   (met by a pledge or by an answer that it cannot pledge).
 */

export const OBLIGATION_STATUSES = ['pending', 'overdue', 'met', 'met_late', 'unmet', 'void'] as const;
export type ObligationStatus = (typeof OBLIGATION_STATUSES)[number];

const HOUR = 3_600_000;

export function addHours(iso: string, hours: number): string {
  return new Date(Date.parse(iso) + hours * HOUR).toISOString();
}

/**
 * pending: not met, due later; overdue: not met, due passed, can still be met (late);
 * met / met_late: met by / after its due time; unmet: it can no longer be met (the case
 * closed or was declined, the request closed) and never was; void: it no longer applies
 * (the case was withdrawn as opened in error, or the request closed before it fell due).
 */
export function obligationStatus(o: Obligation, now: Date): ObligationStatus {
  if (o.metAt !== null) return Date.parse(o.metAt) <= Date.parse(o.due) ? 'met' : 'met_late';
  if (o.ended) return o.ended.as;
  return now.getTime() > Date.parse(o.due) ? 'overdue' : 'pending';
}

export function isOpen(o: Obligation): boolean {
  return o.metAt === null && o.ended === null;
}

export function addObligation(c: Case, party: string, kind: ObligationKind, request: string | null, arisenAt: string, hours: number): Obligation {
  const o: Obligation = {
    id: `O${c.next.obligation++}`,
    party,
    kind,
    request,
    arisenAt,
    due: addHours(arisenAt, hours),
    dueChanges: [],
    metAt: null,
    metBy: null,
    metHow: null,
    ended: null,
  };
  c.obligations.push(o);
  return o;
}

/** Marks the party's open obligation of this kind (and request) met; returns it, or null when it had none open. */
export function meet(c: Case, party: string, kind: ObligationKind, request: string | null, at: string, by: string, how: string): Obligation | null {
  const o = c.obligations.find((x) => x.party === party && x.kind === kind && x.request === request && isOpen(x));
  if (!o) return null;
  o.metAt = at;
  o.metBy = by;
  o.metHow = how;
  return o;
}

/**
 * Ends the open obligations that `which` selects. `as`:
 * - 'unmet': they can no longer be met;
 * - 'void': they no longer apply;
 * - 'void_unless_due': void if not yet due at `at`, unmet if already overdue (a request
 *   closed: whoever let its answer run late failed, the others were simply no longer asked).
 * Returns the ids ended.
 */
export function endOpen(c: Case, which: (o: Obligation) => boolean, at: string, as: 'unmet' | 'void' | 'void_unless_due', reason: string): string[] {
  const ended: string[] = [];
  for (const o of c.obligations) {
    if (!isOpen(o) || !which(o)) continue;
    const kind = as === 'void_unless_due' ? (Date.parse(at) > Date.parse(o.due) ? 'unmet' : 'void') : as;
    o.ended = { at, as: kind, reason };
    ended.push(o.id);
  }
  return ended;
}
