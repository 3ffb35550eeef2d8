import { countryName } from '../incident/countries.ts';
import type { IncidentKind, PerpetratorType, TargetType } from '../incident/incident.ts';
import type { Lang } from './schema.ts';

/**
 * Trace sentences in English and French. Each function receives already
 * formatted pieces (names, dates) so the engine can precompute most of them
 * when it compiles a charter. Sentences name the parties and the dates: they
 * are read by a duty officer, not a programmer.
 */

const names: Record<Lang, Map<string, string>> = { en: new Map(), fr: new Map() };

/** "Mali (MLI)". Cached. */
export function partyName(code: string, lang: Lang): string {
  const m = names[lang];
  let s = m.get(code);
  if (s === undefined) {
    s = `${countryName(code, lang)} (${code})`;
    m.set(code, s);
  }
  return s;
}

export function listParties(codes: readonly string[], lang: Lang): string {
  if (codes.length === 0) return lang === 'fr' ? 'aucune partie' : 'no party';
  return codes.map((c) => partyName(c, lang)).join(', ');
}

export const KIND_LABEL: Record<Lang, Record<IncidentKind, string>> = {
  en: {
    armed_attack: 'an armed attack', terrorist_attack: 'a terrorist attack', armed_rebellion: 'an armed rebellion',
    border_incursion: 'a border incursion', blockade: 'a blockade', threat: 'a threat of force', coup: 'a coup',
    civil_unrest: 'civil unrest', other: 'another kind of event',
  },
  fr: {
    armed_attack: 'une attaque armée', terrorist_attack: 'une attaque terroriste', armed_rebellion: 'une rébellion armée',
    border_incursion: 'une incursion frontalière', blockade: 'un blocus', threat: 'une menace de recours à la force',
    coup: "un coup d'État", civil_unrest: 'des troubles civils', other: "un autre type d'événement",
  },
};

export const PERPETRATOR_LABEL: Record<Lang, Record<PerpetratorType, string>> = {
  en: { state: 'a state', non_state_armed_group: 'a non-state armed group', rebel_group: 'a rebel group', unknown: 'an unidentified perpetrator' },
  fr: { state: 'un État', non_state_armed_group: 'un groupe armé non étatique', rebel_group: 'un groupe rebelle', unknown: 'un auteur non identifié' },
};

export const TARGET_LABEL: Record<Lang, Record<TargetType, string>> = {
  en: { territory: 'territory', armed_forces: 'armed forces', vessel_or_aircraft: 'a ship or aircraft', civilians: 'civilians', government: 'the government', infrastructure: 'infrastructure' },
  fr: { territory: 'le territoire', armed_forces: 'des forces armées', vessel_or_aircraft: 'un navire ou un aéronef', civilians: 'des civils', government: 'le gouvernement', infrastructure: 'des infrastructures' },
};

export function art(n: string, lang: Lang): string {
  return lang === 'fr' ? `art. ${n}` : `art. ${n}`;
}

export interface Sentences {
  inForce(charter: string, on: string, from: string): string;
  notYet(charter: string, on: string, from: string): string;
  ended(charter: string, on: string, until: string): string;
  kindHeld(kind: string, article: string): string;
  kindFailed(kind: string, article: string, covered: string): string;
  perpHeld(perp: string, article: string): string;
  perpFailed(perp: string, article: string, covered: string): string;
  targetHeld(target: string, article: string): string;
  targetFailed(target: string, article: string, covered: string): string;
  noTargetCountry(): string;
  noLocationCountry(): string;
  partyOn(who: string, charter: string, since: string): string;
  notPartyLater(who: string, charter: string, joined: string): string;
  notPartyLeft(who: string, charter: string, left: string): string;
  notPartyNever(who: string, charter: string): string;
  suspended(who: string, scope: string, since: string): string;
  perpIsParty(who: string): string;
  perpNotParty(who: string): string;
  perpMustBeParty(who: string): string;
  perpMustNotBeParty(who: string): string;
  perpNoState(): string;
  perpSameAsTarget(who: string): string;
  backerHeld(who: string, target: string): string;
  backerFailed(): string;
  sameParty(who: string): string;
  whereOwnTerritory(who: string, label: string, article: string): string;
  whereNotOwnTerritory(who: string, where: string, article: string): string;
  whereAlliance(where: string, label: string, article: string): string;
  whereNotAlliance(where: string, article: string): string;
  whereRegion(region: string, how: string, article: string): string;
  whereNotRegion(regions: string, article: string): string;
  whereAnywhere(label: string, article: string): string;
  whereClauseNotApplicable(label: string, article: string): string;
  unknownPlace(): string;
  intlWaters(): string;
  presumed(who: string): string;
  byCoordinates(lat: number, lon: number): string;
  countryWhole(who: string): string;
  territoryOf(region: string, who: string): string;
  requestHeld(who: string, article: string): string;
  requestFailed(who: string, article: string): string;
  requestAnyHeld(who: string, article: string): string;
  requestAnyFailed(article: string): string;
  obligated(who: string, rule: string): string;
  obligatedSuspended(who: string, since: string, scope: string): string;
  ruleOther: string;
  ruleAll: string;
  rulePerp: string;
  conflict(party: string, perp: string, on: string, c1: string, a1: string, beneficiary: string, c2: string, a2: string): string;
}

export const SENTENCES: Record<Lang, Sentences> = {
  en: {
    inForce: (c, on, from) => `The ${c} is in force on ${on} (since ${from}).`,
    notYet: (c, on, from) => `The ${c} is not in force on ${on}: it entered into force on ${from}.`,
    ended: (c, on, until) => `The ${c} is not in force on ${on}: it ceased to apply after ${until}.`,
    kindHeld: (k, a) => `The incident is ${k}, which ${a} covers.`,
    kindFailed: (k, a, cov) => `The incident is ${k}; ${a} covers only ${cov}.`,
    perpHeld: (p, a) => `The perpetrator is ${p}, which ${a} covers.`,
    perpFailed: (p, a, cov) => `The perpetrator is ${p}; ${a} covers only ${cov}.`,
    targetHeld: (t, a) => `The target is ${t}, which ${a} covers.`,
    targetFailed: (t, a, cov) => `The target is ${t}; ${a} covers only ${cov}.`,
    noTargetCountry: () => 'The incident does not say which state was hit (target.country); add it to assess this provision.',
    noLocationCountry: () => 'The incident took place outside any state (international waters or airspace, or no country given).',
    partyOn: (w, c, since) => `${w} is a party to the ${c} that day (party since ${since}).`,
    notPartyLater: (w, c, j) => `${w} is not yet a party to the ${c} that day: it became a party on ${j}.`,
    notPartyLeft: (w, c, l) => `${w} is no longer a party to the ${c} that day: its withdrawal took effect on ${l}.`,
    notPartyNever: (w, c) => `${w} is not a party to the ${c}.`,
    suspended: (w, scope, since) => ` It is suspended from ${scope} since ${since}; a suspension does not release it from the treaty.`,
    perpIsParty: (w) => `The perpetrator, ${w}, is itself a party that day; it is not among those obligated.`,
    perpNotParty: (w) => `The perpetrator, ${w}, is not a party that day.`,
    perpMustBeParty: (w) => `The perpetrator, ${w}, is not a party that day; this undertaking binds parties only.`,
    perpMustNotBeParty: (w) => `The perpetrator, ${w}, is a party that day; this provision concerns outside aggression.`,
    perpNoState: () => 'The incident names no perpetrator state (perpetrator.country).',
    perpSameAsTarget: (w) => `${w} is both perpetrator and target; the undertaking concerns force against another party.`,
    backerHeld: (w, t) => `The incident names ${w} behind the perpetrators, a state other than ${t}: read as support from outside.`,
    backerFailed: () => 'The incident names no outside state behind the perpetrators (perpetrator.country): a purely internal conflict is not covered.',
    sameParty: (w) => `${w} attacked its own territory or forces.`,
    whereOwnTerritory: (w, label, a) => `It took place on the territory of ${w} (${label}, ${a}).`,
    whereNotOwnTerritory: (w, where, a) => `It did not take place on the territory of ${w} (${where}) as ${a} requires.`,
    whereAlliance: (where, label, a) => `It took place in ${where}, within the ${label} (${a}).`,
    whereNotAlliance: (where, a) => `It took place in ${where}, outside the territory of the parties in force (${a}).`,
    whereRegion: (r, how, a) => `The place is inside ${r}${how} (${a}).`,
    whereNotRegion: (rs, a) => `The place is outside ${rs} (${a}).`,
    whereAnywhere: (label, a) => `Place: ${label} (${a}).`,
    whereClauseNotApplicable: (label, a) => `The clause "${label}" (${a}) does not apply to this target.`,
    unknownPlace: () => 'the place is unknown',
    intlWaters: () => 'international waters or airspace',
    presumed: (w) => `, presumed from its country ${w} since the incident gives no coordinates (give lat/lon to be exact)`,
    byCoordinates: (lat, lon) => ` (coordinates ${lat}, ${lon})`,
    countryWhole: (w) => `, as the whole territory of ${w} is`,
    territoryOf: (r, w) => `${r}, which counted as territory of ${w}`,
    requestHeld: (w, a) => `${w} has requested assistance (${a}).`,
    requestFailed: (w, a) => `${w} has not requested assistance; ${a} requires its request (incident assistance_requested_by).`,
    requestAnyHeld: (w, a) => `${w} asked for consultation (${a}).`,
    requestAnyFailed: (a) => `No party has asked for consultation (${a}; incident assistance_requested_by).`,
    obligated: (w, rule) => `Obligated: ${w} (${rule}).`,
    obligatedSuspended: (w, since, scope) => `${w} is suspended from ${scope} since ${since} but remains bound.`,
    ruleOther: 'the other parties in force that day, never the perpetrator',
    ruleAll: 'all parties in force that day, never the perpetrator',
    rulePerp: 'the party that used or threatened force',
    conflict: (p, perp, on, c1, a1, b, c2, a2) =>
      `On ${on}, ${p} is obligated under the ${c1}, ${a1}, to assist ${b} against ${perp}, while ${p} and ${perp} are both parties to the ${c2} (${a2}).`,
  },
  fr: {
    inForce: (c, on, from) => `${c} : en vigueur le ${on} (depuis le ${from}).`,
    notYet: (c, on, from) => `${c} : pas en vigueur le ${on} ; entrée en vigueur le ${from}.`,
    ended: (c, on, until) => `${c} : plus en vigueur le ${on} ; applicable jusqu'au ${until}.`,
    kindHeld: (k, a) => `L'incident est ${k}, cas couvert par l'${a}.`,
    kindFailed: (k, a, cov) => `L'incident est ${k} ; l'${a} ne couvre que : ${cov}.`,
    perpHeld: (p, a) => `L'auteur est ${p}, cas couvert par l'${a}.`,
    perpFailed: (p, a, cov) => `L'auteur est ${p} ; l'${a} ne couvre que : ${cov}.`,
    targetHeld: (t, a) => `La cible est ${t}, cas couvert par l'${a}.`,
    targetFailed: (t, a, cov) => `La cible est ${t} ; l'${a} ne couvre que : ${cov}.`,
    noTargetCountry: () => "L'incident n'indique pas l'État touché (target.country) ; ajoutez-le pour évaluer cette disposition.",
    noLocationCountry: () => "L'incident s'est produit hors de tout État (eaux ou espace aérien internationaux, ou pays non indiqué).",
    partyOn: (w, c, since) => `${w} : partie ce jour-là (depuis le ${since}) — ${c}.`,
    notPartyLater: (w, c, j) => `${w} : pas encore partie ce jour-là ; partie à compter du ${j} — ${c}.`,
    notPartyLeft: (w, c, l) => `${w} : n'est plus partie ce jour-là ; son retrait a pris effet le ${l} — ${c}.`,
    notPartyNever: (w, c) => `${w} : n'est pas partie — ${c}.`,
    suspended: (w, scope, since) => ` Suspendu de ${scope} depuis le ${since} ; une suspension ne le délie pas du traité.`,
    perpIsParty: (w) => `L'auteur, ${w}, est lui-même partie ce jour-là ; il ne figure pas parmi les obligés.`,
    perpNotParty: (w) => `L'auteur, ${w}, n'est pas partie ce jour-là.`,
    perpMustBeParty: (w) => `L'auteur, ${w}, n'est pas partie ce jour-là ; cet engagement ne lie que les parties.`,
    perpMustNotBeParty: (w) => `L'auteur, ${w}, est partie ce jour-là ; cette disposition vise une agression extérieure.`,
    perpNoState: () => "L'incident ne nomme aucun État auteur (perpetrator.country).",
    perpSameAsTarget: (w) => `${w} est à la fois auteur et cible ; l'engagement vise la force contre une autre partie.`,
    backerHeld: (w, t) => `L'incident désigne ${w} derrière les auteurs, un État autre que ${t} : lu comme un soutien extérieur.`,
    backerFailed: () => "L'incident ne désigne aucun État extérieur derrière les auteurs (perpetrator.country) : un conflit purement interne n'est pas couvert.",
    sameParty: (w) => `${w} a attaqué son propre territoire ou ses propres forces.`,
    whereOwnTerritory: (w, label, a) => `Les faits ont eu lieu sur le territoire de ${w} (${label}, ${a}).`,
    whereNotOwnTerritory: (w, where, a) => `Les faits n'ont pas eu lieu sur le territoire de ${w} (${where}) comme l'exige l'${a}.`,
    whereAlliance: (where, label, a) => `Les faits ont eu lieu en ${where}, dans l'${label} (${a}).`,
    whereNotAlliance: (where, a) => `Les faits ont eu lieu en ${where}, hors du territoire des parties en vigueur (${a}).`,
    whereRegion: (r, how, a) => `Le lieu est dans la zone « ${r} »${how} (${a}).`,
    whereNotRegion: (rs, a) => `Le lieu est hors des zones ${rs} (${a}).`,
    whereAnywhere: (label, a) => `Lieu : ${label} (${a}).`,
    whereClauseNotApplicable: (label, a) => `La clause « ${label} » (${a}) ne s'applique pas à cette cible.`,
    unknownPlace: () => 'lieu inconnu',
    intlWaters: () => 'eaux ou espace aérien internationaux',
    presumed: (w) => `, présumé d'après le pays ${w} faute de coordonnées (indiquez lat/lon pour être exact)`,
    byCoordinates: (lat, lon) => ` (coordonnées ${lat}, ${lon})`,
    countryWhole: (w) => `, comme tout le territoire de ${w}`,
    territoryOf: (r, w) => `${r}, compté comme territoire de ${w}`,
    requestHeld: (w, a) => `${w} a demandé assistance (${a}).`,
    requestFailed: (w, a) => `${w} n'a pas demandé assistance ; l'${a} exige sa demande (assistance_requested_by).`,
    requestAnyHeld: (w, a) => `${w} a demandé des consultations (${a}).`,
    requestAnyFailed: (a) => `Aucune partie n'a demandé de consultations (${a} ; assistance_requested_by).`,
    obligated: (w, rule) => `Obligés : ${w} (${rule}).`,
    obligatedSuspended: (w, since, scope) => `${w} : suspendu de ${scope} depuis le ${since}, mais toujours lié.`,
    ruleOther: "les autres parties en vigueur ce jour-là, jamais l'auteur",
    ruleAll: "toutes les parties en vigueur ce jour-là, jamais l'auteur",
    rulePerp: 'la partie qui a employé ou menacé d’employer la force',
    conflict: (p, perp, on, c1, a1, b, c2, a2) =>
      `Le ${on}, ${p} doit assister ${b} contre ${perp} au titre de l'${a1} (${c1}), alors que ${p} et ${perp} sont tous deux parties au même instrument : ${c2} (${a2}).`,
  },
};
