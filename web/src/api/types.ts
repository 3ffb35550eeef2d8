// The UI's names for the API's shapes. Every wire type comes from schema.d.ts,
// which web/scripts/gen-api.ts generates from the server's OpenAPI document
// (/api/v1/openapi.json): regenerate it when the API changes, never edit it.
import type { components, paths } from './schema.d.ts';

type Schemas = components['schemas'];
/** The JSON body of a path's response for a method and status. */
export type Json<P extends keyof paths, M extends 'get' | 'post' | 'patch', S extends number = 200> =
  paths[P][M] extends { responses: infer R }
    ? R extends Record<S, { content: { 'application/json': infer B } }> ? B : never
    : never;

export type Lang = 'fr' | 'en';
export type LedgerCheckpoint = Schemas['LedgerCheckpoint'];
export type CheckpointCheck = Json<'/api/v1/ledger/checkpoints/check', 'post'>;
export type User = Schemas['SignedInUser'];
export type Role = User['role'];
export type Session = Json<'/api/v1/auth/login', 'post'>;

export type Incident = Schemas['Incident'];
export type IncidentKind = Incident['kind'];
export type PerpetratorType = Incident['perpetrator']['type'];
export type TargetType = Incident['target']['type'];
export type IncidentRecord = Schemas['IncidentRecord'];
export type IncidentCreate = Schemas['IncidentCreate'];
export type IncidentPatch = Schemas['IncidentPatch'];
export type LocationPrecision = IncidentRecord['locationPrecision'];
export type Actor = Schemas['Actor'];

export const INCIDENT_KINDS: readonly IncidentKind[] = [
  'armed_attack', 'terrorist_attack', 'armed_rebellion', 'border_incursion',
  'blockade', 'threat', 'coup', 'civil_unrest', 'other',
];
export const PERPETRATOR_TYPES: readonly PerpetratorType[] = ['state', 'non_state_armed_group', 'rebel_group', 'unknown'];
export const TARGET_TYPES: readonly TargetType[] = ['territory', 'armed_forces', 'vessel_or_aircraft', 'civilians', 'government', 'infrastructure'];

/** Precisions that place an event at an area's centroid: never drawn or read as a point. */
export function isCoarse(p: string | null | undefined): boolean {
  return p !== 'exact' && p !== 'near';
}

export type Page = Json<'/api/v1/incidents', 'get'>;
export type ClusterResponse = Json<'/api/v1/incidents/clusters', 'get'>;
export type Cluster = ClusterResponse['clusters'][number];
export type TimelineBucket = Json<'/api/v1/incidents/timeline', 'get'>['buckets'][number];
export type AreaCount = Json<'/api/v1/incidents/by-area', 'get'>['areas'][number];

export type LocalText = { fr: string; en: string };
export type CharterSummary = Schemas['CharterSummary'];
export type CharterDetail = Schemas['CharterDetail'];
export type PartyAtDate = Schemas['PartyAtDate'];
/**
 * An article as written in charters/*.yaml. The API hands the charter file over
 * as an open object, so this one shape is read from the charter schema, not from OpenAPI.
 */
export interface CharterArticle {
  number: string;
  title: LocalText;
  summary: LocalText;
  confidence?: string;
  provisions?: Array<{ id?: string; type: string }>;
  doubts?: unknown[];
}

export type Assessment = Schemas['Assessment'];
export type Triggered = Assessment['triggered'][number];
export type NotTriggered = Assessment['not_triggered'][number];
export type TraceStep = Triggered['trace'][number];
export type Conflict = Assessment['conflicts'][number];

export type LedgerEntry = Schemas['LedgerEntry'];
export type FieldChange = Schemas['FieldChange'];
export type HistoryEntry = Schemas['HistoryEntry'];
export type LedgerPage = Json<'/api/v1/ledger', 'get'>;
export type LedgerVerification = Json<'/api/v1/ledger/verify', 'get'>;
export type AccountUser = Schemas['User'];
export type ApiToken = Schemas['ApiToken'];
export type Webhook = Schemas['Webhook'];
export type WebhookDelivery = Schemas['WebhookDelivery'];
export type WebhookEventName = Exclude<Webhook['events'][number], '*'>;
export type IssuedToken = Json<'/api/v1/users/{username}/tokens', 'post', 201>;
export type NewAccount = { username: string; role: Role; party?: string | null; password: string; mustChangePassword?: boolean };
export type Place = Schemas['Place'];
export type ImportJob = Schemas['ImportJob'];
export type ImportStarted = Json<'/api/v1/imports', 'post', 202>;
export type Rejection = NonNullable<ImportJob['summary']>['rejections'][number];

/** What the map and the list filter on (query parameters of /api/v1/incidents…). */
export interface IncidentFilters {
  from?: string;
  to?: string;
  kind?: string;
  country?: string;
  q?: string;
  /** What the stored assessment triggers: 'any', a charter id ('aes-2023') or an article ('aes-2023/6'). */
  triggers?: string;
}

// Collective-response cases.
export type Case = Schemas['Case'];
export type CaseSummary = Schemas['CaseSummary'];
export type CaseState = Case['state'];
export type CaseObligation = Case['obligations'][number];
export type CaseRequest = Case['requests'][number];
export type CasePledge = Case['pledges'][number];
export type CaseDeployment = Case['deployments'][number];
export type CaseNote = Schemas['CaseNote'];
export type CaseStepBody = Schemas['CaseStep'];
export type CaseStep = CaseStepBody['step'];
export type OpenCase = Schemas['OpenCase'];
export type PartyCompliance = Schemas['PartyCompliance'];
export type PeriodCompliance = Schemas['PeriodCompliance'];
export type InboxItem = Schemas['InboxItem'];
export const CASE_STATES: readonly CaseState[] = ['opened', 'consultation', 'decided', 'active', 'standing_down', 'closed', 'declined', 'withdrawn'];
export const CAPABILITIES: readonly CaseRequest['capability'][] = ['troops', 'air_support', 'isr', 'medevac', 'logistics', 'intelligence_sharing', 'funding', 'equipment', 'other'];
