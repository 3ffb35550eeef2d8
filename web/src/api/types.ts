// Wire shapes of the Foedus API (/api/v1). When the server serves its
// OpenAPI document, `node web/scripts/gen-api.ts` writes schema.d.ts from it;
// these names stay the UI's vocabulary. Optional fields are the ones a server
// may add without breaking the UI.

export type Lang = 'fr' | 'en';
export type Role = 'secretariat' | 'liaison' | 'observer' | 'admin';

export interface User { username: string; role: Role; party?: string | null }
export interface Session { user: User; csrfToken: string }

export const INCIDENT_KINDS = [
  'armed_attack', 'terrorist_attack', 'armed_rebellion', 'border_incursion',
  'blockade', 'threat', 'coup', 'civil_unrest', 'other',
] as const;
export const PERPETRATOR_TYPES = ['state', 'non_state_armed_group', 'rebel_group', 'unknown'] as const;
export const TARGET_TYPES = ['territory', 'armed_forces', 'vessel_or_aircraft', 'civilians', 'government', 'infrastructure'] as const;
export const LOCATION_PRECISIONS = ['exact', 'near', 'admin2', 'admin1', 'country', 'water_or_air', 'unknown'] as const;
export type IncidentKind = (typeof INCIDENT_KINDS)[number];
export type PerpetratorType = (typeof PERPETRATOR_TYPES)[number];
export type TargetType = (typeof TARGET_TYPES)[number];
export type LocationPrecision = (typeof LOCATION_PRECISIONS)[number];

/** Precisions that place an event at an area's centroid: never drawn or read as a point. */
export function isCoarse(p: string | null | undefined): boolean {
  return p !== 'exact' && p !== 'near';
}

export interface Incident {
  id?: string;
  date: string;
  kind: IncidentKind;
  location: { country?: string; lat?: number; lon?: number };
  perpetrator: { type: PerpetratorType; country?: string; name?: string };
  target: { type: TargetType; country?: string; deployed_abroad?: boolean };
  fatalities?: number;
  assistance_requested_by?: string[];
}

export interface Actor { name: string; role: string; inter?: number | null; country?: string | null }

export interface IncidentRecord {
  id: string;
  incident: Incident;
  source: { dataset: string; id: string | null; eventType: string | null; subEventType?: string | null };
  actors: Actor[];
  admin1: string | null;
  admin2: string | null;
  admin1Derived?: string | null;
  placeName: string | null;
  locationPrecision: LocationPrecision;
  sourcePrecision?: { where?: number | null; date?: number | null };
  dateEnd?: string | null;
  datePrecision?: string;
  fatalities: { best: number | null; low: number | null; high: number | null };
  notes: string | null;
  sources: string[];
  textLang?: string | null;
  assessment: string[] | null;
  version: number;
  createdAt?: string;
  updatedAt?: string;
  updatedBy?: string | null;
}

export interface Page<T> { items: T[]; nextCursor: string | null }

export interface Cluster {
  lat: number;
  lon: number;
  count: number;
  /** Set when the cluster is one incident. */
  id?: string | null;
  precision?: LocationPrecision | null;
  /** How many of the cluster's incidents are coarse (centroid-placed), when the server says. */
  coarse?: number | null;
  expansionZoom?: number | null;
}
export interface ClusterResponse { clusters: Cluster[]; total: number; coarse?: number | null; withoutLocation?: number | null }
export interface TimelineBucket { period: string; count: number; fatalities: number }
export interface AreaCount { key: string; name: string; count: number; fatalities: number }

export interface LocalText { fr: string; en: string }
export interface CharterSummary {
  id: string;
  title: LocalText;
  signed: string | null;
  inForce: { from: string | null; until: string | null };
}
export interface Article {
  number: string | number;
  title: LocalText;
  summary: LocalText;
  provisions?: Array<{ id?: string; type: string } & Record<string, unknown>>;
}
export interface PartyInForce {
  party: string;
  joined?: string | null;
  left?: string | null;
  suspended?: boolean;
  suspendedFrom?: string | null;
  suspendedUntil?: string | null;
  status?: string;
}
export interface CharterDetail extends CharterSummary {
  at?: string;
  articles: Article[];
  parties: PartyInForce[];
  depositary?: string | null;
}

export interface TraceStep { condition: string; held: boolean; detail?: string | null }
export interface Triggered {
  charter: string;
  article: string | number;
  provision: string;
  beneficiary: string | null;
  obligated: string[];
  obligation: string | Record<string, unknown>;
  decision: string | Record<string, unknown>;
  deadline: string | Record<string, unknown> | null;
  trace: TraceStep[];
}
export interface NotTriggered { charter: string; article: string | number; provision: string; trace: TraceStep[] }
export interface Conflict { parties: string[]; between: Array<{ charter: string; article: string | number }>; explanation: string }
export interface Assessment { at: string; triggered: Triggered[]; not_triggered: NotTriggered[]; conflicts: Conflict[] }

export interface LedgerEntry {
  seq?: number;
  sequence?: number;
  at?: string;
  time?: string;
  actor: string | null;
  action: string;
  target?: string;
  payload?: unknown;
  hash?: string;
}

export interface RejectedRow { line?: number | null; column?: string | null; reason: string; field?: string | null }
export interface ImportSummary {
  imported: number;
  updated: number;
  unchanged: number;
  rejected: number | RejectedRow[];
  rejectedRows?: RejectedRow[];
  errors?: RejectedRow[];
}
export interface ImportJob {
  id: string;
  status: 'queued' | 'running' | 'done' | 'failed' | string;
  progress?: { rows?: number; bytes?: number; totalBytes?: number; fraction?: number } | number | null;
  summary?: ImportSummary | null;
  error?: { code?: string; message: string } | null;
  filename?: string;
  format?: string;
}

export interface IncidentFilters {
  from?: string;
  to?: string;
  kind?: string;
  country?: string;
  q?: string;
}
