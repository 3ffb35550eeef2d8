/**
 * The closed vocabularies of the incident format, in a module of their own with no
 * dependency, so that what only names them (the CLI's --help) need not load the zod
 * schemas of ./incident.ts, which re-exports them.
 */

export const INCIDENT_KINDS = [
  'armed_attack', 'terrorist_attack', 'armed_rebellion', 'border_incursion',
  'blockade', 'threat', 'coup', 'civil_unrest', 'other',
] as const;
export const PERPETRATOR_TYPES = ['state', 'non_state_armed_group', 'rebel_group', 'unknown'] as const;
export const TARGET_TYPES = [
  'territory', 'armed_forces', 'vessel_or_aircraft', 'civilians', 'government', 'infrastructure',
] as const;

export type IncidentKind = (typeof INCIDENT_KINDS)[number];
export type PerpetratorType = (typeof PERPETRATOR_TYPES)[number];
export type TargetType = (typeof TARGET_TYPES)[number];
