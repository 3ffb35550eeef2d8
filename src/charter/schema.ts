import { z } from 'zod';
import { INCIDENT_KINDS, PERPETRATOR_TYPES, TARGET_TYPES, isRealDate } from '../incident/incident.ts';

/**
 * The charter file format (charters/*.yaml). Every field is documented with
 * `.describe()`; charters/schema.json is generated from this module by
 * `foedus charters schema` so editors can validate the YAML as it is typed.
 *
 * Conventions
 * - Dates are calendar days `YYYY-MM-DD` (UTC, day-exact). A start day is
 *   inclusive. `in_force.until` is the LAST day in force (inclusive);
 *   membership `left` and suspension `to` are the FIRST day on which the
 *   state is no longer a party / no longer suspended (the day a withdrawal
 *   or a lifting "took effect").
 * - Facts the sources do not settle carry `doubts` next to them, each with
 *   its confidence and its source, so the file never claims more than the
 *   research established.
 */

export const DATE_PATTERN = '^\\d{4}-\\d{2}-\\d{2}$';

export const date = z
  .string()
  .regex(new RegExp(DATE_PATTERN), 'a date must be written YYYY-MM-DD')
  .refine(isRealDate, { message: 'this calendar day does not exist' })
  .describe('A calendar day, YYYY-MM-DD (UTC).');

export const iso3 = z
  .string()
  .regex(/^[A-Z]{3}$/, 'a country is written as an ISO 3166-1 alpha-3 code in capitals (e.g. MLI, BFA, NER)')
  .describe('ISO 3166-1 alpha-3 country code (e.g. MLI, BFA, NER).');

export const text = z
  .strictObject({
    fr: z.string().min(1).describe('French text.'),
    en: z.string().min(1).describe('English text.'),
  })
  .describe('A text in French and English.');

export const sourceRef = z
  .string()
  .min(3)
  .describe('Where the fact was read: an address (URL without scheme is fine) or a bibliographic reference.');

export const CONFIDENCES = ['verified', 'partial', 'unverified', 'unknown'] as const;

export const doubt = z
  .strictObject({
    about: z.string().min(1).describe('Which fact the doubt concerns (e.g. "joined", "article number", "deadline").'),
    confidence: z
      .enum(CONFIDENCES)
      .describe('verified: read in a source; partial: press summaries only or sources disagree; unverified: general knowledge, not read; unknown: not established at all.'),
    note: z.string().min(1).describe('What is uncertain and what was encoded instead.'),
    source: sourceRef.optional().describe('The source of the doubt or of the partial fact.'),
  })
  .describe('A recorded doubt about a fact encoded next to it.');

const doubts = z.array(doubt).default([]).describe('Doubts about the facts of this object; empty when everything is verified.');

export const source = z
  .strictObject({
    url: sourceRef.describe('Address of the source.'),
    supports: z.string().min(1).describe('What this source supports (which facts were read there).'),
  })
  .describe('A source consulted for the charter.');

export const membership = z
  .strictObject({
    joined: date.describe('First day the state is a party (deposit of its instrument, or entry into force for original parties). Inclusive.'),
    left: date.nullable().default(null).describe('Day its withdrawal took effect: from this day on it is no longer a party. null while still a party.'),
    source: sourceRef.describe('Source of these dates.'),
    doubts,
  })
  .describe('One continuous interval of membership.');

export const suspension = z
  .strictObject({
    from: date.describe('First day of the suspension (inclusive).'),
    to: date.nullable().default(null).describe('Day the suspension was lifted (no longer suspended on that day); null if never lifted while a party.'),
    scope: text.describe('What the state is suspended from (e.g. "all decision-making bodies"). A suspension never releases a party from its treaty obligations: the engine keeps suspended parties among the obligated and says so.'),
    decided_by: z.string().min(1).optional().describe('The body that decided the suspension.'),
    source: sourceRef,
    doubts,
  })
  .describe('A dated change of status that is not a loss of membership.');

export const party = z
  .strictObject({
    country: iso3,
    membership: z.array(membership).min(1).describe('Membership intervals in date order; they may not overlap.'),
    suspensions: z.array(suspension).default([]).describe('Suspensions, each inside a membership interval.'),
    notes: text.optional().describe('Anything a reader should know about this party (e.g. a predecessor state).'),
  })
  .describe('A state party with its dated membership and status.');

const position = z
  .tuple([z.number().min(-180).max(180), z.number().min(-90).max(90)])
  .describe('[longitude, latitude] in degrees (WGS 84).');
const ring = z.array(position).min(4).describe('A closed linear ring: the first and last positions are equal.');

export const geometry = z
  .discriminatedUnion('type', [
    z.strictObject({ type: z.literal('Polygon'), coordinates: z.array(ring).min(1) }),
    z.strictObject({ type: z.literal('MultiPolygon'), coordinates: z.array(z.array(ring).min(1)).min(1) }),
  ])
  .describe('A GeoJSON Polygon or MultiPolygon (RFC 7946); the first ring of a polygon is its outline, further rings are holes.');

export const region = z
  .strictObject({
    id: z.string().regex(/^[a-z0-9_]+$/, 'a region id is lower case letters, digits and _').describe('Identifier used by provisions.'),
    name: text,
    geometry: geometry.optional().describe('The area, drawn as GeoJSON. Coordinates given in an incident are tested against it.'),
    countries: z.array(iso3).default([]).describe('States whose whole territory belongs to the region (tested on the incident location\'s country, no coordinates needed).'),
    presumed_for: z.array(iso3).default([]).describe('When an incident gives no coordinates, the territory of these states is PRESUMED inside the region; the trace says so.'),
    counts_as_territory_of: iso3.optional().describe('A place inside the region counts as the territory of this party (e.g. the Algerian departments of France) while the region is valid.'),
    valid_from: date.optional().describe('First day the region counts (inclusive).'),
    valid_until: date.optional().describe('Last day the region counts (inclusive).'),
    source: sourceRef,
    doubts,
  })
  .describe('A named geographic area used by a treaty (e.g. the North Atlantic Treaty art. 6 area).');

export const PROVISION_TYPES = [
  'collective_defence', 'assistance_on_request', 'consultation', 'counter_terrorism',
  'rebellion_assistance', 'non_aggression', 'conflict_settlement', 'defence_cooperation',
] as const;
export type ProvisionType = (typeof PROVISION_TYPES)[number];

export const SCOPES = ['party_territory', 'alliance_territory', 'regions', 'anywhere'] as const;
export type Scope = (typeof SCOPES)[number];

export const whereClause = z
  .strictObject({
    label: text.describe('Short name of the clause for traces (e.g. "territory of the party hit").'),
    scope: z
      .enum(SCOPES)
      .describe('party_territory: on the territory of the party hit (the beneficiary); alliance_territory: on the territory of any party in force; regions: inside one of `regions`; anywhere: no place condition.'),
    regions: z.array(z.string()).default([]).describe('Region ids; with party_territory the place must ALSO be inside one of them; with regions it must be inside one of them.'),
    target_types: z.array(z.enum(TARGET_TYPES)).optional().describe('The clause applies only to these target types (all when absent).'),
    deployed_abroad: z.boolean().optional().describe('When true, the clause applies only to forces deployed outside their own territory (incident target.deployed_abroad).'),
    source_article: z.string().min(1).describe('The article that sets this clause (e.g. "7" for the AES extension of art. 6).'),
  })
  .describe('One place clause; the trigger\'s place condition holds when any applicable clause holds.');

export const trigger = z
  .strictObject({
    kinds: z.array(z.enum(INCIDENT_KINDS)).min(1).describe('Incident kinds covered.'),
    perpetrator_types: z.array(z.enum(PERPETRATOR_TYPES)).min(1).describe('Perpetrator types covered.'),
    perpetrator_state: z
      .enum(['any', 'party', 'not_party', 'outside_backer'])
      .default('any')
      .describe('any: no condition; party: the perpetrator must be a state party in force (non-aggression); not_party: it must not be one; outside_backer: the incident must name a state (perpetrator.country) other than the one hit, read as outside support.'),
    target_types: z.array(z.enum(TARGET_TYPES)).min(1).describe('Target types covered.'),
    beneficiary: z
      .enum(['target', 'location', 'none'])
      .describe('Who the provision protects: target = the state hit (target.country, else the location\'s country for a territory target) must be a party in force; location = the party on whose territory it happened; none.'),
    where: z.array(whereClause).min(1).describe('Place clauses (alternatives).'),
    request: z
      .strictObject({
        required: z.boolean().describe('Whether a request for assistance must have been made.'),
        by: z.enum(['beneficiary', 'any_party']).default('beneficiary').describe('Who must have asked (incident assistance_requested_by).'),
        source_article: z.string().optional().describe('Article that sets the request requirement.'),
        doubts,
      })
      .default({ required: false, by: 'beneficiary', doubts: [] })
      .describe('Whether the provision only applies on request.'),
  })
  .describe('When the provision applies.');

export const OBLIGATION_ACTIONS = ['assist', 'consult', 'notify', 'refrain', 'cooperate', 'mediate'] as const;
export const obligation = z
  .strictObject({
    action: z.enum(OBLIGATION_ACTIONS).describe('What the obligated parties must do.'),
    armed_force: z.enum(['allowed', 'not_allowed', 'not_stated']).describe('Whether the text allows armed force as a means.'),
    individually_or_collectively: z.boolean().default(false).describe('The text lets parties act individually or collectively.'),
    summary: text.describe('The obligation in a sentence.'),
  })
  .describe('What the obligated parties owe.');

export const DECISION_RULES = ['unanimity', 'consensus', 'majority', 'two_thirds', 'national_discretion', 'not_established'] as const;
export const decision = z
  .strictObject({
    rule: z.enum(DECISION_RULES).describe('How the response is decided; national_discretion = each party decides its own action; not_established = the text is not known on this point.'),
    body: text.nullable().default(null).describe('The body that decides, when named.'),
    summary: text.describe('The decision rule in a sentence.'),
    source: sourceRef.nullable().default(null).describe('Where the rule was read.'),
    doubts,
  })
  .describe('The decision rule.');

export const deadline = z
  .strictObject({
    value: z.string().nullable().describe('Deadline as the text sets it ("forthwith", "P6M"), or null when the text sets none.'),
    text: text.describe('The deadline in words; when value is null, why there is none.'),
  })
  .describe('The deadline the text sets, or null with the reason.');

export const provision = z
  .strictObject({
    id: z.string().regex(/^[a-z0-9_.-]+$/, 'a provision id is lower case letters, digits, ".", "_" and "-"').describe('Identifier, unique in the charter (e.g. "6.collective_defence").'),
    type: z.enum(PROVISION_TYPES).describe('Kind of undertaking.'),
    summary: text.describe('What the provision does, in a sentence.'),
    trigger,
    obligated: z
      .enum(['other_parties', 'all_parties', 'perpetrator'])
      .describe('other_parties: every party in force except the beneficiary; all_parties: every party in force; perpetrator: the party that broke the undertaking. The perpetrator state is never among those obligated to act against it.'),
    obligation,
    decision,
    deadline,
    source_article: z.string().min(1).describe('The article this provision encodes.'),
    confidence: z.enum(CONFIDENCES).describe('Confidence in the encoded text.'),
    doubts,
  })
  .describe('An operative provision of an article.');

export const article = z
  .strictObject({
    number: z.string().min(1).describe('Article number as printed ("6", "4(b)"); when unknown, a placeholder such as "unnumbered-1" with number_established: false.'),
    number_established: z.boolean().default(true).describe('False when the sources establish the content but not the number.'),
    title: text,
    summary: text.describe('Paraphrase of the article (not a quotation).'),
    confidence: z.enum(CONFIDENCES).describe('Confidence in the paraphrase.'),
    sources: z.array(sourceRef).min(1).describe('Where the article was read.'),
    provisions: z.array(provision).default([]).describe('Operative provisions the engine assesses; none for definitions and final clauses.'),
    doubts,
  })
  .describe('An article of the charter.');

/**
 * Working deadlines of a collective-response case under this charter (src/response).
 * Treaties rarely set them in hours: these are the alliance's operating defaults, kept
 * in the charter file so they travel with its version; the secretariat may set others
 * on one case. Each obligation's due time = the moment it arises + these hours.
 */
export const RESPONSE_DEFAULTS = { acknowledge_within_hours: 24, position_within_hours: 72, answer_request_within_hours: 72 } as const;
const hours = (what: string) =>
  z.number().int('a number of whole hours').min(1).max(8760, 'at most 8760 hours (one year)').describe(what);
export const responseDefaults = z
  .strictObject({
    acknowledge_within_hours: hours('Hours an obligated party has to acknowledge a case once it is opened.'),
    position_within_hours: hours('Hours each consulted party has to state its position once consultation starts.'),
    answer_request_within_hours: hours('Hours an obligated party has to answer a request for assistance (pledge or say it cannot) once it is posted.'),
    basis: text.describe('Where these deadlines come from (an operating rule of the alliance, or a working default when the text sets none).'),
  })
  .describe('Default deadlines of the obligations in a collective-response case.');

export const charterSchema = z
  .strictObject({
    $schema: z.string().optional().describe('Path to charters/schema.json, for editors.'),
    id: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'a charter id is lower case words joined by "-" (e.g. aes-2023)').describe('Stable identifier, also the file name.'),
    version: z.string().regex(/^\d+\.\d+\.\d+$/, 'version is semantic: MAJOR.MINOR.PATCH').describe('Version of this encoding (semver).'),
    title: text,
    short_title: text.optional(),
    signed: z
      .strictObject({ date, place: z.string().min(1), source: sourceRef, doubts })
      .describe('Signature.'),
    in_force: z
      .strictObject({
        from: date.describe('First day in force (inclusive).'),
        until: date.nullable().default(null).describe('Last day in force (inclusive); null while in force.'),
        source: sourceRef,
        doubts,
      })
      .describe('Validity of the charter.'),
    depositary: z
      .strictObject({ country: iso3.nullable(), name: text, source: sourceRef, doubts })
      .describe('Depositary state or body.'),
    sources: z.array(source).min(1).describe('Sources consulted.'),
    parties: z.array(party).min(1).describe('State parties.'),
    regions: z.array(region).default([]).describe('Named regions used by provisions.'),
    articles: z.array(article).min(1).describe('Articles in the order of the text.'),
    response: responseDefaults
      .default({
        ...RESPONSE_DEFAULTS,
        basis: { fr: 'Délais de travail par défaut de Foedus ; le texte n\'en fixe aucun.', en: 'Foedus working defaults; the text sets none.' },
      })
      .describe('Default deadlines of collective-response cases under this charter (working rules, not treaty text).'),
    doubts,
  })
  .describe('A treaty encoded for Foedus.');

export type Charter = z.infer<typeof charterSchema>;
export type Party = z.infer<typeof party>;
export type Article = z.infer<typeof article>;
export type Provision = z.infer<typeof provision>;
export type Region = z.infer<typeof region>;
export type WhereClause = z.infer<typeof whereClause>;
export type Text = z.infer<typeof text>;
export type ResponseDefaults = z.infer<typeof responseDefaults>;
export type Lang = 'fr' | 'en';

/** The JSON Schema of a charter file (draft 2020-12), as committed in charters/schema.json. */
export function charterJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(charterSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return {
    ...schema,
    $id: 'https://foedus.example/charters/schema.json',
    title: 'Foedus charter file',
  };
}
