import { z } from 'zod';
import { DECISION_RULES, OBLIGATION_ACTIONS, PROVISION_TYPES } from '../../charter/schema.ts';
import {
  CAPABILITIES, CASE_STATES, DEPLOYMENT_STATES, NATIONAL_DECISIONS, OBLIGATION_KINDS, PLEDGE_STATES, PRIORITIES, STANCES,
  type Case,
} from '../../response/model.ts';
import { OBLIGATION_STATUSES } from '../../response/obligations.ts';
import { caseView as view } from '../../response/view.ts';
import { CASE_EVENT_TYPES } from '../../response/step-result.ts';
import { Incident } from './schemas.ts';

/**
 * The API's view of a case (src/response/model.ts), named in the OpenAPI document.
 * The answer serializer drops what a schema does not name, so every field of the
 * model is here; `status` of an obligation, `honour` of a pledge and `shortfall`
 * of a request are computed from the clock when the case is read.
 */

const text = z.object({ en: z.string(), fr: z.string() });
const at = z.string().describe('ISO 8601 instant (UTC)');
const ended = z.object({ at, by: z.string(), reason: z.string() }).nullable();

const Obligation = z.object({
  id: z.string(),
  party: z.string(),
  kind: z.enum(OBLIGATION_KINDS),
  request: z.string().nullable(),
  arisenAt: at,
  due: at,
  dueChanges: z.array(z.object({ from: at, to: at, at, by: z.string(), reason: z.string() })),
  metAt: at.nullable(),
  metBy: z.string().nullable(),
  metHow: z.string().nullable(),
  ended: z.object({ at, as: z.enum(['unmet', 'void']), reason: z.string() }).nullable(),
  status: z.enum(OBLIGATION_STATUSES).describe('From the clock when read: pending, overdue, met, met_late, unmet, void'),
}).meta({ id: 'Obligation' });

const Position = z.object({
  party: z.string(),
  value: z.enum([...STANCES, ...NATIONAL_DECISIONS]),
  statement: z.string().nullable(),
  recordedAt: at,
  recordedBy: z.string(),
});

const Where = z.object({ lat: z.number().optional(), lon: z.number().optional(), area: z.string().nullable().optional() });

const Request = z.object({
  id: z.string(),
  party: z.string(),
  capability: z.enum(CAPABILITIES),
  quantity: z.number(),
  unit: z.string(),
  where: Where,
  from: at,
  until: at.nullable(),
  priority: z.enum(PRIORITIES),
  text: z.string().nullable(),
  postedAt: at,
  postedBy: z.string(),
  state: z.enum(['open', 'closed']),
  closed: ended,
  shortfall: z.object({
    unit: z.string(),
    requested: z.number(),
    acceptedOutstanding: z.number().describe('Accepted pledges not yet delivered'),
    delivered: z.number().describe('Deployments that reached the site'),
    shortfall: z.number().describe('requested − delivered − accepted outstanding, never below 0'),
    pledges: z.array(z.string()),
    deployments: z.array(z.string()),
  }),
}).meta({ id: 'AssistanceRequest' });

const Pledge = z.object({
  id: z.string(),
  request: z.string(),
  party: z.string(),
  quantity: z.number(),
  capability: z.enum(CAPABILITIES),
  availableFrom: at,
  conditions: z.string().nullable(),
  offeredAt: at,
  offeredBy: z.string(),
  state: z.enum(PLEDGE_STATES),
  accepted: z.object({ at, by: z.string(), reason: z.string().nullable() }).nullable(),
  ended,
  honour: z.enum(['honoured', 'partly_honoured', 'dishonoured', 'released', 'outstanding']).nullable().describe('Accepted pledges only'),
}).meta({ id: 'Pledge' });

const Deployment = z.object({
  id: z.string(),
  pledge: z.string(),
  request: z.string(),
  party: z.string(),
  status: z.enum(DEPLOYMENT_STATES),
  quantity: z.number(),
  personnel: z.number().nullable(),
  reachedSite: z.boolean(),
  history: z.array(z.object({
    status: z.enum(DEPLOYMENT_STATES), at, reportedAt: at, by: z.string(), quantity: z.number(), personnel: z.number().nullable(), note: z.string().nullable(),
  })),
}).meta({ id: 'Deployment' });

export const CaseSchema = z.object({
  id: z.number().int(),
  version: z.number().int().describe('Send it back with the next step: a stale one is refused (409)'),
  exercise: z.boolean().describe('An exercise: never counted with real cases'),
  state: z.enum(CASE_STATES),
  parties: z.array(z.string()),
  incident: z.object({ id: z.string().nullable(), hypothetical: z.boolean(), snapshot: Incident }),
  provision: z.object({
    charter: z.string(),
    charterVersion: z.string(),
    article: z.string(),
    provision: z.string(),
    type: z.enum(PROVISION_TYPES),
    summary: text,
    triggered: z.boolean(),
    beneficiary: z.string().nullable(),
    obligated: z.array(z.string()),
    obligation: z.object({ action: z.enum(OBLIGATION_ACTIONS), armed_force: z.string(), individually_or_collectively: z.boolean(), summary: text }),
    decision: z.object({ rule: z.enum(DECISION_RULES), body: text.nullable(), summary: text }),
    deadline: z.object({ value: z.string().nullable(), text }),
    assessedAt: z.string(),
    trace: z.array(z.object({ condition: z.string(), held: z.boolean(), detail: z.string() })),
  }).describe('Copied from the charter and the assessment when the case was opened; it never changes after'),
  consulted: z.array(z.string()),
  deadlines: z.object({ acknowledge: z.number(), statePosition: z.number(), answerRequest: z.number(), basis: text }).describe('Hours'),
  openedAt: at,
  openedBy: z.string(),
  updatedAt: at,
  updatedBy: z.string(),
  transitions: z.array(z.object({ from: z.enum(CASE_STATES).nullable(), to: z.enum(CASE_STATES), at, by: z.string(), reason: z.string() })),
  positions: z.array(Position),
  decision: z.object({
    rule: z.enum(DECISION_RULES),
    outcome: z.enum(['act', 'no_action']),
    acting: z.array(z.string()),
    positions: z.array(Position),
    explanation: text,
    at,
    by: z.string(),
    reason: z.string(),
  }).nullable(),
  obligations: z.array(Obligation),
  requests: z.array(Request),
  answers: z.array(z.object({ request: z.string(), party: z.string(), reason: z.string(), at, by: z.string() })),
  pledges: z.array(Pledge),
  deployments: z.array(Deployment),
}).meta({ id: 'Case' });

export const CaseSummarySchema = z.object({
  id: z.number().int(),
  version: z.number().int(),
  exercise: z.boolean(),
  state: z.enum(CASE_STATES),
  incidentId: z.string().nullable(),
  charter: z.string(),
  article: z.string(),
  provision: z.string(),
  beneficiary: z.string().nullable(),
  parties: z.array(z.string()),
  openedAt: at,
  updatedAt: at,
}).meta({ id: 'CaseSummary' });

export const CaseEventSchema = z.object({ type: z.enum(CASE_EVENT_TYPES), text, data: z.record(z.string(), z.unknown()), alert: z.string().nullable() });

export const NoteSchema = z.object({
  id: z.number().int(),
  caseId: z.number().int(),
  party: z.string().nullable(),
  restricted: z.boolean().describe('Restricted to `party`: only that party\'s liaison, the secretariat and admins see it'),
  text: z.string(),
  at,
  by: z.string(),
}).meta({ id: 'CaseNote' });

/** The case as the API shows it, with what the clock says now. */
export function caseView(c: Case, now: Date): z.infer<typeof CaseSchema> {
  return view(c, now);
}
