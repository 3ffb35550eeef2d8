import type { IncidentKind, PerpetratorType } from '../incident.ts';
import type { DatePrecision, LocationPrecision } from '../record.ts';
import { countryIso3FromName } from '../names.ts';

/**
 * ACLED → Foedus taxonomy: the ONE table, documented in
 * docs/taxonomy-acled.md. Source: the ACLED codebook (6 event types, 25
 * sub-event types, inter codes 1–8; anchors.md §3.5).
 *
 * ACLED's actor1/actor2 do NOT say who attacked whom. A perpetrator is
 * derived only where the sub-event type and the inter codes leave one
 * possibility (e.g. violence against civilians with exactly one
 * non-civilian actor); otherwise it is `unknown`. Column order is never read.
 */

/** Inter codes (codebook): the numeric code and the text label exports may carry instead. */
export const INTER_LABELS: Record<number, string> = {
  1: 'State forces', 2: 'Rebel groups', 3: 'Political militias', 4: 'Identity militias',
  5: 'Rioters', 6: 'Protesters', 7: 'Civilians', 8: 'External/Other forces',
};

const interByText = new Map<string, number>();
for (const [code, label] of Object.entries(INTER_LABELS)) {
  const k = label.toLowerCase();
  interByText.set(k, Number(code));
  interByText.set(k.replace(/s$/, ''), Number(code)); // "Rebel group", "State force"
}
interByText.set('protestors', 6);
interByText.set('protestor', 6);
interByText.set('external/other force', 8);
interByText.set('other forces', 8);
interByText.set('external forces', 8);

/**
 * Parse an inter code: "1".."8" or the codebook's label ("State forces").
 * '' and "0" mean no such actor → null. Anything else → undefined (invalid).
 */
export function parseInter(v: string): number | null | undefined {
  const t = v.trim();
  if (t === '' || t === '0') return null;
  if (/^[1-8]$/.test(t)) return Number(t);
  return interByText.get(t.toLowerCase().replace(/\s+/g, ' '));
}

/** Jihadist groups as ACLED names them ("JNIM: Group for Support of Islam and Muslims", "Islamic State (Sahel)", …). */
const JIHADIST =
  /\b(JNIM|Islamic State|ISGS|ISWAP|IS Sahel|AQIM|Al[- ]Qa[e']?ida|Ansar(?:oul|ul|ou)? ?Islam|Ansar Dine|Ansar Eddine|MUJAO|Al[- ]Mourabitoun(?:e)?|Al[- ]Murabitun|Boko Haram|Jama'?atu Ahli|JAS|Katiba Macina|Macina Liberation Front)\b/i;

export function isJihadist(name: string): boolean {
  return JIHADIST.test(name);
}

/**
 * The state whose forces an actor is, from ACLED's naming ("Military Forces
 * of Mali (2021-)", "Police Forces of Burkina Faso (2022-) Gendarmerie",
 * "Government of Niger (2023-)"), or undefined.
 */
export function stateOfActor(name: string): string | undefined {
  const m = /\b(?:Forces|Government) of ([^()]+?)\s*(?:\(|$)/i.exec(name);
  return m ? countryIso3FromName(m[1]!) : undefined;
}

export type TargetRule =
  | 'civilians' // civilians of the event's country
  | 'government' // the event country's government
  | 'territory' // the event country's territory
  | 'infrastructure' // property in the event's country
  | 'forces_or_territory' // the armed forces of the one state whose forces are involved, else the territory
  | 'explosion'; // civilians when a civilian actor is named, else forces_or_territory

export type PerpetratorRule =
  | 'none' // never derived: the sub-event type says nothing about who acted
  | 'sole_armed' // the one non-civilian actor, when every other named actor is civilians (inter 7)
  | 'overtaker'; // the one non-state actor facing state forces (or alone), when the territory changes hands to it

export interface SubEventRule {
  kind: IncidentKind;
  /** Political violence: refined by the actors (jihadist → terrorist_attack; two states' forces → armed_attack; rebels → armed_rebellion). */
  refine: boolean;
  perpetrator: PerpetratorRule;
  target: TargetRule;
  reason: string;
}

/** event_type → sub_event_type → rule. Every one of ACLED's 25 sub-event types. */
export const ACLED_TABLE: Record<string, Record<string, SubEventRule>> = {
  Battles: {
    'Armed clash': { kind: 'other', refine: true, perpetrator: 'none', target: 'forces_or_territory', reason: 'two armed, organised sides fight; ACLED does not say who started it' },
    'Government regains territory': { kind: 'other', refine: true, perpetrator: 'none', target: 'territory', reason: "the state retakes its own territory: not an attack on it; the opponents' type refines the kind" },
    'Non-state actor overtakes territory': { kind: 'other', refine: true, perpetrator: 'overtaker', target: 'territory', reason: "a non-state group takes territory; rebels or jihadists make it a rebellion or terrorism" },
  },
  'Explosions/Remote violence': {
    'Chemical weapon': { kind: 'other', refine: true, perpetrator: 'sole_armed', target: 'explosion', reason: 'use of a chemical weapon; who used it is known only when one armed actor is named' },
    'Air/drone strike': { kind: 'other', refine: true, perpetrator: 'sole_armed', target: 'explosion', reason: "mostly a state's forces on its own territory; foreign state forces make it an armed attack" },
    'Suicide bomb': { kind: 'terrorist_attack', refine: true, perpetrator: 'sole_armed', target: 'explosion', reason: 'suicide bombing is a terrorist method (in the Sahel, of the jihadist groups)' },
    'Shelling/artillery/missile attack': { kind: 'other', refine: true, perpetrator: 'sole_armed', target: 'explosion', reason: 'indirect fire; refined by who is involved' },
    'Remote explosive/landmine/IED': { kind: 'terrorist_attack', refine: true, perpetrator: 'sole_armed', target: 'explosion', reason: 'IEDs and mines laid by (often unidentified) armed groups: the signature of the insurgency; a rebel actor makes it a rebellion' },
    Grenade: { kind: 'other', refine: true, perpetrator: 'sole_armed', target: 'explosion', reason: 'a grenade attack; refined by who is involved' },
  },
  'Violence against civilians': {
    'Sexual violence': { kind: 'other', refine: true, perpetrator: 'sole_armed', target: 'civilians', reason: 'violence against civilians; the one armed actor is the perpetrator' },
    Attack: { kind: 'other', refine: true, perpetrator: 'sole_armed', target: 'civilians', reason: 'violence against civilians; the one armed actor is the perpetrator' },
    'Abduction/forced disappearance': { kind: 'other', refine: true, perpetrator: 'sole_armed', target: 'civilians', reason: 'abduction of civilians; the one armed actor is the perpetrator' },
  },
  Protests: {
    'Peaceful protest': { kind: 'civil_unrest', refine: false, perpetrator: 'none', target: 'government', reason: 'a demonstration addressed to the authorities' },
    'Protest with intervention': { kind: 'civil_unrest', refine: false, perpetrator: 'none', target: 'government', reason: 'a demonstration the authorities dispersed' },
    'Excessive force against protesters': { kind: 'civil_unrest', refine: false, perpetrator: 'none', target: 'civilians', reason: 'lethal or excessive force on demonstrators: civilians are the victims' },
  },
  Riots: {
    'Violent demonstration': { kind: 'civil_unrest', refine: false, perpetrator: 'none', target: 'government', reason: 'a violent demonstration, usually against the authorities' },
    'Mob violence': { kind: 'civil_unrest', refine: false, perpetrator: 'none', target: 'civilians', reason: 'a mob attacking people' },
  },
  'Strategic developments': {
    Agreement: { kind: 'other', refine: false, perpetrator: 'none', target: 'government', reason: 'a ceasefire or agreement: no violence' },
    Arrests: { kind: 'other', refine: false, perpetrator: 'none', target: 'civilians', reason: 'arrests: no attack' },
    'Change to group/activity': { kind: 'other', refine: false, perpetrator: 'none', target: 'territory', reason: 'a change in a group: no attack (a coup is for a human to judge from the notes)' },
    'Disrupted weapons use': { kind: 'other', refine: false, perpetrator: 'none', target: 'territory', reason: 'an attack foiled, weapons seized or defused: nothing happened to a party' },
    'Headquarters or base established': { kind: 'other', refine: false, perpetrator: 'none', target: 'territory', reason: 'a base set up without fighting' },
    'Looting/property destruction': { kind: 'other', refine: false, perpetrator: 'none', target: 'infrastructure', reason: 'property looted or destroyed without armed clash' },
    'Non-violent transfer of territory': { kind: 'other', refine: false, perpetrator: 'none', target: 'territory', reason: 'territory changes hands without fighting' },
    Other: { kind: 'other', refine: false, perpetrator: 'none', target: 'territory', reason: 'anything else ACLED records as strategic' },
  },
};

const key = (s: string): string =>
  s.toLowerCase().replace(/protestors/g, 'protesters').replace(/[^a-z0-9]+/g, '');

const lookupTable = new Map<string, { eventType: string; subEventType: string; rule: SubEventRule }>();
const eventTypes = new Map<string, string>();
for (const [eventType, subs] of Object.entries(ACLED_TABLE)) {
  eventTypes.set(key(eventType), eventType);
  for (const [subEventType, rule] of Object.entries(subs)) lookupTable.set(`${key(eventType)}|${key(subEventType)}`, { eventType, subEventType, rule });
}

/** Canonical event type name ("Strategic Developments" → "Strategic developments"), or undefined. */
export function canonicalEventType(eventType: string): string | undefined {
  return eventTypes.get(key(eventType));
}

export function lookupSubEvent(eventType: string, subEventType: string): { eventType: string; subEventType: string; rule: SubEventRule } | undefined {
  return lookupTable.get(`${key(eventType)}|${key(subEventType)}`);
}

export interface AcledActorIn {
  name: string;
  inter: number | null;
  /** actor1/actor2 (main actors) vs assoc_actor_1/2. */
  main: boolean;
}

/** Type of a perpetrator actor by its inter code (and name, for jihadist groups and foreign states). */
export function perpetratorTypeOf(actor: AcledActorIn): { type: PerpetratorType; country?: string } {
  const state = stateOfActor(actor.name);
  switch (actor.inter) {
    case 1:
      return state ? { type: 'state', country: state } : { type: 'unknown' };
    case 2:
      return { type: isJihadist(actor.name) ? 'non_state_armed_group' : 'rebel_group' };
    case 3:
    case 4:
      return { type: 'non_state_armed_group' };
    case 8:
      return state ? { type: 'state', country: state } : { type: 'non_state_armed_group' };
    default:
      return { type: 'unknown' };
  }
}

/** The one actor the rule designates, or null when the columns leave more than one possibility. */
export function derivePerpetrator(rule: PerpetratorRule, actors: AcledActorIn[]): AcledActorIn | null {
  const main = actors.filter((a) => a.main && a.name);
  if (rule === 'sole_armed') {
    const armed = main.filter((a) => a.inter !== 7);
    const others = main.filter((a) => a.inter === 7);
    return armed.length === 1 && armed[0]!.inter !== null && armed.length + others.length === main.length ? armed[0]! : null;
  }
  if (rule === 'overtaker') {
    const nonState = main.filter((a) => a.inter !== 1 && a.inter !== 7 && a.inter !== null);
    const state = main.filter((a) => a.inter === 1);
    return nonState.length === 1 && nonState.length + state.length === main.length ? nonState[0]! : null;
  }
  return null;
}

/** Refine a political-violence kind by the actors involved (see ACLED_TABLE `refine`). */
export function refineKind(base: IncidentKind, actors: AcledActorIn[], eventCountry: string, perpetratorState: string | undefined): { kind: IncidentKind; why: string } {
  if (actors.some((a) => a.name && isJihadist(a.name))) return { kind: 'terrorist_attack', why: 'a jihadist group is involved' };
  const states = new Set(actors.filter((a) => a.inter === 1 || a.inter === 8).map((a) => stateOfActor(a.name)).filter((s): s is string => !!s));
  if (states.size >= 2) return { kind: 'armed_attack', why: "the forces of two states are involved" };
  if (perpetratorState && perpetratorState !== eventCountry) return { kind: 'armed_attack', why: "a state's forces acted on another state's territory" };
  if (actors.some((a) => a.main && a.inter === 2)) return { kind: 'armed_rebellion', why: 'a rebel group is involved' };
  return { kind: base, why: 'by sub-event type' };
}

/** geo_precision (codebook): 1 the named town; 2 near a town / small part of a region; 3 a larger region (coded to its capital). */
export const GEO_PRECISION: Record<string, LocationPrecision> = { '1': 'exact', '2': 'near', '3': 'admin1' };

/** time_precision (codebook): 1 the actual day; 2 the week (coded mid-week); 3 the month (coded mid-month). */
export const TIME_PRECISION: Record<string, DatePrecision> = { '1': 'day', '2': 'week', '3': 'month' };
