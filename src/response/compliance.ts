import type { Text } from '../charter/schema.ts';
import { caseParties, type Case, type ObligationKind } from './model.ts';
import { obligationStatus, type ObligationStatus } from './obligations.ts';
import { parties } from './refusal.ts';
import { deliveredOn, pledgeHonour, type PledgeHonour } from './shortfall.ts';

/**
 * Who honoured which obligation: per party, for one case or across cases in a period.
 * Each figure lists the items it counts, so anyone can check it by hand.
 *
 * - Obligations are counted by their status now (obligations.ts): met, met late, unmet
 *   (it ended without being met), void (it no longer applied — not held against anyone),
 *   and, while the case runs, pending and overdue (still open: overdue is listed but not
 *   counted as unmet until the moment to meet it has passed for good).
 * - Only accepted pledges are judged (an offer declined or withdrawn before acceptance
 *   bound nobody): honoured, partly honoured, dishonoured, released (the requesting side
 *   let it go), outstanding (still binding, not fully delivered).
 * - Mean time to acknowledge: over the party's acknowledgements that were made, hours
 *   from the opening to the acknowledgement.
 * - Exercises are never counted with real cases: a period's figures leave them out and
 *   name them.
 */

export interface ObligationItem {
  case: number;
  id: string;
  kind: ObligationKind;
  request: string | null;
  due: string;
  metAt: string | null;
  /** Acknowledgements: hours from the opening to the acknowledgement. */
  hours?: number;
}

export interface PledgeItem {
  case: number;
  id: string;
  request: string;
  quantity: number;
  delivered: number;
}

export interface Figure<T> {
  count: number;
  items: T[];
}

export const OBLIGATION_FIGURES = ['met', 'metLate', 'unmet', 'overdue', 'pending', 'void'] as const;
export const PLEDGE_FIGURES = ['honoured', 'partlyHonoured', 'dishonoured', 'released', 'outstanding'] as const;

export interface PartyFigures {
  party: string;
  obligations: Record<(typeof OBLIGATION_FIGURES)[number], Figure<ObligationItem>>;
  pledges: Record<(typeof PLEDGE_FIGURES)[number], Figure<PledgeItem>>;
  /** Offers never accepted (declined, withdrawn before acceptance, lapsed, void, or still offered): not judged. */
  notAccepted: Figure<PledgeItem>;
  meanTimeToAcknowledgeHours: number | null;
  acknowledgements: Figure<ObligationItem>;
  text: Text;
}

const OBLIGATION_KEY: Record<ObligationStatus, (typeof OBLIGATION_FIGURES)[number]> = {
  met: 'met', met_late: 'metLate', unmet: 'unmet', overdue: 'overdue', pending: 'pending', void: 'void',
};
const PLEDGE_KEY: Record<PledgeHonour, (typeof PLEDGE_FIGURES)[number]> = {
  honoured: 'honoured', partly_honoured: 'partlyHonoured', dishonoured: 'dishonoured', released: 'released', outstanding: 'outstanding',
};

function empty(party: string): PartyFigures {
  const fig = <T>(): Figure<T> => ({ count: 0, items: [] });
  return {
    party,
    obligations: { met: fig(), metLate: fig(), unmet: fig(), overdue: fig(), pending: fig(), void: fig() },
    pledges: { honoured: fig(), partlyHonoured: fig(), dishonoured: fig(), released: fig(), outstanding: fig() },
    notAccepted: fig(),
    meanTimeToAcknowledgeHours: null,
    acknowledgements: fig(),
    text: { en: '', fr: '' },
  };
}

function add<T>(f: Figure<T>, item: T): void {
  f.count++;
  f.items.push(item);
}

/**
 * Which of a case's items a period counts: an obligation by when it was settled (met, or
 * ended unmet or void), or by its due time while still open; a pledge by its acceptance
 * (or its offer, when never accepted).
 */
export interface Window {
  from: Date;
  to: Date;
}
const inWindow = (iso: string, w: Window | null) => !w || (Date.parse(iso) >= w.from.getTime() && Date.parse(iso) < w.to.getTime());

function addCase(f: PartyFigures, c: Case, now: Date, window: Window | null): void {
  for (const o of c.obligations) {
    if (o.party !== f.party || !inWindow(o.metAt ?? o.ended?.at ?? o.due, window)) continue;
    const item: ObligationItem = { case: c.id, id: o.id, kind: o.kind, request: o.request, due: o.due, metAt: o.metAt };
    add(f.obligations[OBLIGATION_KEY[obligationStatus(o, now)]], item);
    if (o.kind === 'acknowledge' && o.metAt) add(f.acknowledgements, { ...item, hours: (Date.parse(o.metAt) - Date.parse(o.arisenAt)) / 3_600_000 });
  }
  for (const p of c.pledges) {
    if (p.party !== f.party || !inWindow(p.accepted?.at ?? p.offeredAt, window)) continue;
    const item: PledgeItem = { case: c.id, id: p.id, request: p.request, quantity: p.quantity, delivered: deliveredOn(c, p.id).quantity };
    const honour = pledgeHonour(c, p);
    add(honour ? f.pledges[PLEDGE_KEY[honour]] : f.notAccepted, item);
  }
}

function finish(f: PartyFigures): PartyFigures {
  const acks = f.acknowledgements.items;
  f.meanTimeToAcknowledgeHours = acks.length ? Math.round((acks.reduce((s, a) => s + (a.hours ?? 0), 0) / acks.length) * 100) / 100 : null;
  const o = f.obligations;
  const p = f.pledges;
  const mtta = f.meanTimeToAcknowledgeHours;
  // Under an hour, minutes: "0 h" would read as instant.
  const span = mtta === null ? '—' : mtta < 1 ? `${Math.round(mtta * 60)} min` : `${mtta} h`;
  f.text = {
    en: `${f.party}: obligations ${o.met.count} met, ${o.metLate.count} met late, ${o.unmet.count} unmet${o.overdue.count ? `, ${o.overdue.count} overdue` : ''}; accepted pledges ${p.honoured.count} honoured, ${p.partlyHonoured.count} partly, ${p.dishonoured.count} dishonoured; mean time to acknowledge ${span}.`,
    fr: `${f.party} : obligations ${o.met.count} remplies, ${o.metLate.count} en retard, ${o.unmet.count} non remplies${o.overdue.count ? `, ${o.overdue.count} en souffrance` : ''} ; engagements acceptés ${p.honoured.count} honorés, ${p.partlyHonoured.count} en partie, ${p.dishonoured.count} non honorés ; délai moyen d'accusé de réception ${span}.`,
  };
  return f;
}

function itemsCounted(f: PartyFigures): number {
  return OBLIGATION_FIGURES.reduce((s, k) => s + f.obligations[k].count, 0) + PLEDGE_FIGURES.reduce((s, k) => s + f.pledges[k].count, 0) + f.notAccepted.count;
}

/** Each party of one case (exercise or not: the case's own figures). */
export function caseCompliance(c: Case, now: Date): PartyFigures[] {
  return caseParties(c).map((party) => {
    const f = empty(party);
    addCase(f, c, now, null);
    return finish(f);
  });
}

export interface PartyCompliance extends PartyFigures {
  from: string;
  to: string;
  /** The real cases counted. */
  cases: number[];
  /** Exercises concerning the party in the period, never counted. */
  excludedExercises: number[];
  /** What the figures cover, in words. */
  scope: Text;
}

/** One party across cases, counting obligations settled (or due, while open) and pledges accepted in [from, to). */
export function partyCompliance(party: string, cases: readonly Case[], window: Window, now: Date): PartyCompliance {
  const f = empty(party);
  const counted: number[] = [];
  const exercises: number[] = [];
  for (const c of cases) {
    if (!caseParties(c).includes(party)) continue;
    if (c.exercise) {
      exercises.push(c.id);
      continue;
    }
    const before = itemsCounted(f);
    addCase(f, c, now, window);
    if (itemsCounted(f) > before) counted.push(c.id);
  }
  finish(f);
  const from = window.from.toISOString();
  const to = window.to.toISOString();
  return {
    ...f,
    from,
    to,
    cases: counted,
    excludedExercises: exercises,
    scope: {
      en: `${parties([party], 'en')}, obligations settled (or due, when still open) and pledges accepted from ${from} to ${to} (end excluded), in ${counted.length} case(s); exercises not counted${exercises.length ? ` (${exercises.join(', ')})` : ''}.`,
      fr: `${parties([party], 'fr')}, obligations réglées (ou échues, si encore ouvertes) et engagements acceptés du ${from} au ${to} (fin exclue), dans ${counted.length} dossier(s) ; exercices non comptés${exercises.length ? ` (${exercises.join(', ')})` : ''}.`,
    },
  };
}
