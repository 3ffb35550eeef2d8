import type { TraceItem } from '../charter/engine.ts';
import type { DECISION_RULES, OBLIGATION_ACTIONS, ProvisionType, Text } from '../charter/schema.ts';
import type { Incident } from '../incident/incident.ts';

/**
 * The collective-response case: what Foedus keeps from the moment a secretariat
 * officer opens it on a triggered provision to its closure. Plain JSON (the store
 * keeps it as one document, the ledger hashes its steps); every time is an ISO 8601
 * UTC string; every party is an ISO 3166-1 alpha-3 code.
 *
 * The words follow the treaty and EMAC / EDXL-RM: a *request* for assistance, a
 * *pledge* (EMAC's offer, Sahana's commit), its *acceptance* (binding, EMAC's signed
 * REQ-A), a *deployment* (Sahana's transit / fulfil), the *shortfall*.
 */

export const CASE_STATES = ['opened', 'consultation', 'decided', 'active', 'standing_down', 'closed', 'declined', 'withdrawn'] as const;
export type CaseState = (typeof CASE_STATES)[number];
/** States a case never leaves. */
export const FINAL_STATES: ReadonlySet<CaseState> = new Set<CaseState>(['closed', 'declined', 'withdrawn']);

export const CAPABILITIES = ['troops', 'air_support', 'isr', 'medevac', 'logistics', 'intelligence_sharing', 'funding', 'equipment', 'other'] as const;
export type Capability = (typeof CAPABILITIES)[number];

export const PRIORITIES = ['critical', 'high', 'medium', 'low'] as const;
export type Priority = (typeof PRIORITIES)[number];

/** A party's position under a collective rule (unanimity, consensus, majority, two thirds, or a rule not established). */
export const STANCES = ['support', 'oppose', 'abstain'] as const;
/** A party's own decision where the charter leaves it to each party (national_discretion, e.g. NATO art. 5). */
export const NATIONAL_DECISIONS = ['act', 'not_act'] as const;
export type PositionValue = (typeof STANCES)[number] | (typeof NATIONAL_DECISIONS)[number];

export type DecisionRule = (typeof DECISION_RULES)[number];

export const OBLIGATION_KINDS = ['acknowledge', 'state_position', 'answer_request'] as const;
export type ObligationKind = (typeof OBLIGATION_KINDS)[number];

/**
 * offered: awaiting the requesting side; accepted: binding; declined: by the requesting side;
 * withdrawn: by the pledging party (dishonoured when it had been accepted); lapsed: never
 * answered before the request closed or the case stood down; released: accepted, then the
 * requesting side closed the request before full delivery (no fault of the party); void:
 * the case was withdrawn (opened in error).
 */
export const PLEDGE_STATES = ['offered', 'accepted', 'declined', 'withdrawn', 'lapsed', 'released', 'void'] as const;
export type PledgeState = (typeof PLEDGE_STATES)[number];

/** In this order; a report may skip forward (preparing → on_site) but never go back. */
export const DEPLOYMENT_STATES = ['preparing', 'in_transit', 'on_site', 'withdrawn'] as const;
export type DeploymentState = (typeof DEPLOYMENT_STATES)[number];

/** Who took a step: a username (or `cli:<os user>`), and the party a liaison acts for. */
export interface ActorRef {
  username: string;
  party: string | null;
}

/** What every step receives: who, and when (the clock is the caller's, so tests control it). */
export interface StepContext {
  actor: ActorRef;
  now: Date;
}

/** The provision the case applies, copied at opening; it never changes if the charter file does. */
export interface CaseProvision {
  charter: string;
  charterVersion: string;
  article: string;
  provision: string;
  type: ProvisionType;
  summary: Text;
  /** False only for an exercise opened on a provision the assessment did not trigger. */
  triggered: boolean;
  /** The party the provision protects (the one that may request assistance); null when the provision names none. */
  beneficiary: string | null;
  obligated: string[];
  obligation: { action: (typeof OBLIGATION_ACTIONS)[number]; armed_force: string; individually_or_collectively: boolean; summary: Text };
  decision: { rule: DecisionRule; body: Text | null; summary: Text };
  deadline: { value: string | null; text: Text };
  /** The day the engine assessed the incident on, and its trace (empty for an untriggered exercise provision). */
  assessedAt: string;
  trace: TraceItem[];
}

export interface DeadlineHours {
  acknowledge: number;
  statePosition: number;
  answerRequest: number;
}

export interface Transition {
  from: CaseState | null;
  to: CaseState;
  at: string;
  by: string;
  reason: string;
}

export interface Position {
  party: string;
  value: PositionValue;
  statement: string | null;
  recordedAt: string;
  recordedBy: string;
}

export interface CaseDecision {
  rule: DecisionRule;
  outcome: 'act' | 'no_action';
  /** Parties bound to act: every obligated party under a collective rule, those that chose to act under national discretion. */
  acting: string[];
  /** The positions the decision was taken on (the last one of each party). */
  positions: Position[];
  explanation: Text;
  at: string;
  by: string;
  reason: string;
}

export interface Obligation {
  /** "O1", "O2", … in the case. */
  id: string;
  party: string;
  kind: ObligationKind;
  /** answer_request: the request to answer. */
  request: string | null;
  arisenAt: string;
  due: string;
  /** Every change of the due time by the secretariat. */
  dueChanges: Array<{ from: string; to: string; at: string; by: string; reason: string }>;
  metAt: string | null;
  metBy: string | null;
  /** How it was met, in words for the record: "position: support", "pledge P2", "answer: cannot". */
  metHow: string | null;
  /** Set when it can no longer be met: `unmet` (the moment passed) or `void` (the case was withdrawn, the request closed before it was due). */
  ended: { at: string; as: 'unmet' | 'void'; reason: string } | null;
}

export type Where = { lat: number; lon: number; area?: string | null } | { area: string; lat?: undefined; lon?: undefined };

export interface AssistanceRequest {
  /** "R1", "R2", … */
  id: string;
  /** The requesting party: the beneficiary. */
  party: string;
  capability: Capability;
  quantity: number;
  unit: string;
  where: Where;
  from: string;
  until: string | null;
  priority: Priority;
  text: string | null;
  postedAt: string;
  postedBy: string;
  state: 'open' | 'closed';
  closed: { at: string; by: string; reason: string } | null;
}

/** A party's answer that it cannot pledge to a request (meets its answer obligation). */
export interface RequestAnswer {
  request: string;
  party: string;
  reason: string;
  at: string;
  by: string;
}

export interface Pledge {
  /** "P1", "P2", … */
  id: string;
  request: string;
  party: string;
  /** In the request's unit. */
  quantity: number;
  capability: Capability;
  availableFrom: string;
  conditions: string | null;
  offeredAt: string;
  offeredBy: string;
  state: PledgeState;
  /** When and by whom it was accepted (kept after a withdrawal: it was binding from then). */
  accepted: { at: string; by: string; reason: string | null } | null;
  /** Declined, withdrawn, lapsed, released or voided. */
  ended: { at: string; by: string; reason: string } | null;
}

export interface DeploymentReport {
  status: DeploymentState;
  /** When it happened (reported), not after the report itself. */
  at: string;
  reportedAt: string;
  by: string;
  quantity: number;
  personnel: number | null;
  note: string | null;
}

export interface Deployment {
  /** "D1", "D2", … */
  id: string;
  pledge: string;
  request: string;
  party: string;
  status: DeploymentState;
  /** In the request's unit (e.g. 1 company). */
  quantity: number;
  /** Number of people, when it is a force. */
  personnel: number | null;
  /** Whether it has been on site (what counts as delivered). */
  reachedSite: boolean;
  history: DeploymentReport[];
}

export interface CaseIncident {
  /** The stored incident's id; null for a hypothetical incident (the What-if input). */
  id: string | null;
  hypothetical: boolean;
  /** The incident as the engine read it when the case was opened. */
  snapshot: Incident;
}

export interface Case {
  /** Given by the store (0 before it is stored). */
  id: number;
  /** 1 when opened, +1 at every step (optimistic locking: a step sent with a stale version is refused). */
  version: number;
  exercise: boolean;
  state: CaseState;
  incident: CaseIncident;
  provision: CaseProvision;
  /** Parties whose position the decision rule needs. */
  consulted: string[];
  deadlines: DeadlineHours & { basis: Text };
  openedAt: string;
  openedBy: string;
  updatedAt: string;
  updatedBy: string;
  transitions: Transition[];
  /** Every position recorded, in order (a party may restate its position during consultation; the last one counts). */
  positions: Position[];
  decision: CaseDecision | null;
  obligations: Obligation[];
  requests: AssistanceRequest[];
  answers: RequestAnswer[];
  pledges: Pledge[];
  deployments: Deployment[];
  /** Next number of each item id. */
  next: { obligation: number; request: number; pledge: number; deployment: number };
}

/** Every party the case concerns: the beneficiary and the obligated, sorted. */
export function caseParties(c: Pick<Case, 'provision' | 'consulted'>): string[] {
  const s = new Set<string>([...c.provision.obligated, ...c.consulted]);
  if (c.provision.beneficiary) s.add(c.provision.beneficiary);
  return [...s].sort();
}

/** What the store lists: the case without its items. */
export interface CaseSummary {
  id: number;
  version: number;
  exercise: boolean;
  state: CaseState;
  incidentId: string | null;
  charter: string;
  article: string;
  provision: string;
  beneficiary: string | null;
  parties: string[];
  openedAt: string;
  updatedAt: string;
}

export function summarise(c: Case): CaseSummary {
  return {
    id: c.id,
    version: c.version,
    exercise: c.exercise,
    state: c.state,
    incidentId: c.incident.id,
    charter: c.provision.charter,
    article: c.provision.article,
    provision: c.provision.provision,
    beneficiary: c.provision.beneficiary,
    parties: caseParties(c),
    openedAt: c.openedAt,
    updatedAt: c.updatedAt,
  };
}
