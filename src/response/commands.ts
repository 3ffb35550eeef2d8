import { z } from 'zod';
import { isIso3 } from '../incident/countries.ts';
import { CAPABILITIES, DEPLOYMENT_STATES, NATIONAL_DECISIONS, PRIORITIES, STANCES } from './model.ts';

/**
 * The steps a case can take, as zod schemas: `apply` (steps.ts) parses its
 * command with `caseCommand`, and the API can use the same schemas for its
 * bodies and its OpenAPI document. Times are ISO 8601 (with an offset or Z)
 * or a calendar day YYYY-MM-DD (midnight UTC); they are normalised to ISO UTC.
 * Who may take each step is not decided here but in src/server/policy.ts
 * (`caseStepResource` says which resource, action and party a step concerns).
 */

const party = z.string().refine(isIso3, { message: 'a party is an ISO 3166-1 alpha-3 code in capitals (e.g. MLI, BFA, NER)' });
/** Required on transitions and undoing steps; emptiness is refused by the step with a message in both languages. */
const reason = z.string().max(4000);
const freeText = z.string().max(10_000).nullable().optional();
const itemId = (prefix: string, what: string) =>
  z.string().regex(new RegExp(`^${prefix}\\d+$`), `a ${what} id looks like ${prefix}1`);

export const instant = z
  .union([z.iso.datetime({ offset: true }), z.iso.date()])
  .transform((s) => new Date(s.length === 10 ? `${s}T00:00:00Z` : s).toISOString())
  .describe('An instant: ISO 8601 with Z or an offset (2026-03-01T08:00:00Z), or a day YYYY-MM-DD (midnight UTC).');

const quantity = z.number().positive('a quantity is more than 0').max(1e12).describe('In the request\'s unit.');

export const where = z
  .union([
    z.strictObject({
      lat: z.number().min(-90).max(90),
      lon: z.number().min(-180).max(180),
      area: z.string().min(1).max(500).nullable().optional().describe('The admin area, for readers.'),
    }),
    z.strictObject({ area: z.string().min(1).max(500).describe('An admin area (e.g. "Tillabéri region") when no point is given.') }),
  ])
  .describe('Where the assistance is needed: a point (lat/lon, WGS 84) or an admin area.');

export const deadlineOverrides = z
  .strictObject({
    acknowledge: z.number().int().min(1).max(8760).optional(),
    statePosition: z.number().int().min(1).max(8760).optional(),
    answerRequest: z.number().int().min(1).max(8760).optional(),
  })
  .describe('Hours, overriding the charter\'s response defaults on this case.');

export const caseCommand = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('start_consultation'), reason }),
  z.strictObject({
    type: z.literal('record_position'),
    party,
    value: z.enum([...STANCES, ...NATIONAL_DECISIONS]).describe('support / oppose / abstain under a collective rule; act / not_act where each party decides its own action.'),
    statement: freeText,
  }),
  z.strictObject({
    type: z.literal('record_decision'),
    reason,
    outcome: z.enum(['act', 'no_action']).optional().describe('Only when the charter\'s rule is not established: the outcome the parties reached.'),
  }),
  z.strictObject({ type: z.literal('activate'), reason }),
  z.strictObject({ type: z.literal('stand_down'), reason }),
  z.strictObject({ type: z.literal('close'), reason }),
  z.strictObject({ type: z.literal('withdraw'), reason }),
  z.strictObject({ type: z.literal('acknowledge'), party }),
  z.strictObject({ type: z.literal('set_due'), obligation: itemId('O', 'obligation'), due: instant, reason }),
  z.strictObject({ type: z.literal('set_deadlines'), deadlines: deadlineOverrides, reason }),
  z.strictObject({
    type: z.literal('post_request'),
    capability: z.enum(CAPABILITIES),
    quantity,
    unit: z.string().min(1).max(100).describe('e.g. "company", "aircraft", "XOF", "sorties"'),
    where,
    from: instant,
    until: instant.nullable().optional(),
    priority: z.enum(PRIORITIES),
    text: freeText,
  }),
  z.strictObject({ type: z.literal('close_request'), request: itemId('R', 'request'), reason }),
  z.strictObject({ type: z.literal('answer_request'), request: itemId('R', 'request'), party, reason }),
  z.strictObject({
    type: z.literal('pledge'),
    request: itemId('R', 'request'),
    party,
    quantity,
    capability: z.enum(CAPABILITIES).optional().describe('Defaults to the request\'s.'),
    availableFrom: instant,
    conditions: freeText,
  }),
  z.strictObject({ type: z.literal('accept_pledge'), pledge: itemId('P', 'pledge'), reason: reason.nullable().optional() }),
  z.strictObject({ type: z.literal('decline_pledge'), pledge: itemId('P', 'pledge'), reason }),
  z.strictObject({ type: z.literal('withdraw_pledge'), pledge: itemId('P', 'pledge'), reason: reason.nullable().optional() }),
  z.strictObject({
    type: z.literal('report_deployment'),
    pledge: itemId('P', 'pledge'),
    status: z.enum(DEPLOYMENT_STATES).exclude(['withdrawn']),
    at: instant,
    quantity,
    personnel: z.number().int().min(0).nullable().optional(),
    note: freeText,
  }),
  z.strictObject({
    type: z.literal('update_deployment'),
    deployment: itemId('D', 'deployment'),
    status: z.enum(DEPLOYMENT_STATES),
    at: instant,
    personnel: z.number().int().min(0).nullable().optional(),
    note: freeText,
  }),
]);

/** A step as given (before normalisation). */
export type CaseCommandInput = z.input<typeof caseCommand>;
/** A step after parsing (times normalised). */
export type CaseCommand = z.output<typeof caseCommand>;
export type CaseCommandType = CaseCommand['type'];
export const CASE_COMMAND_TYPES = caseCommand.options.map((o) => o.shape.type.value) as CaseCommandType[];

/** What opening a case needs besides the incident, its assessment and the charter (the API's body). */
export const openCaseOptions = z.strictObject({
  charter: z.string().min(1).describe('Charter id, e.g. aes-2023.'),
  provision: z.string().min(1).describe('Provision id in that charter, e.g. 6.collective_defence.'),
  exercise: z.boolean().default(false),
  reason,
  deadlines: deadlineOverrides.optional(),
  beneficiary: party.optional().describe('Exercises on a provision the assessment does not trigger: the party to protect (default: the target\'s country).'),
});
export type OpenCaseOptions = z.input<typeof openCaseOptions>;
