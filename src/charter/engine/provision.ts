import { dayNumber, formatDay } from '../dates.ts';
import { listParties, partyName } from '../i18n.ts';
import { intervalAt, notPartyReason, suspensionAt } from '../membership.ts';
import type { CharterC, ProvisionC } from './compile.ts';
import type { Facts } from './facts.ts';
import { placeCondition } from './place.ts';
import type { TraceItem, TriggeredProvision } from './types.ts';

/**
 * One provision of a charter in force, against one incident: its conditions in a
 * fixed order (kind, perpetrator type, target type, beneficiary, perpetrator state,
 * place, request). Each condition evaluated is written to the trace (when one is
 * kept); the first that fails ends the evaluation, so a trace lists what held, then
 * why the provision is not triggered.
 */

/** Who the triggered provision is for and against. */
export interface Hit {
  beneficiary: string | null;
  perp: string | undefined;
}

function item(condition: string, held: boolean, detail: string): TraceItem {
  return { condition, held, detail };
}

/** Whether `code` is a party on the day (and suspended), in words. */
function partyDetail(f: Facts, ch: CharterC, code: string): string {
  const p = ch.membership.parties.get(code);
  const i = p ? intervalAt(p, f.day) : -1;
  const { S, lang } = f;
  const who = partyName(code, lang);
  const name = ch.name[lang];
  if (p && i >= 0) {
    let d = S.partyOn(who, name, formatDay(p.joined[i]!, lang));
    const s = suspensionAt(p, f.day);
    if (s >= 0) d += S.suspended(who, p.susScope[s]![lang], formatDay(p.susFrom[s]!, lang));
    return d;
  }
  const r = notPartyReason(p, f.day);
  return r.kind === 'later' ? S.notPartyLater(who, name, formatDay(dayNumber(r.joined), lang))
    : r.kind === 'left' ? S.notPartyLeft(who, name, formatDay(dayNumber(r.left), lang))
    : S.notPartyNever(who, name);
}

/** The perpetrator-state condition: null when the provision sets none to check, else whether it held and why. */
function perpetratorCondition(f: Facts, p: ProvisionC, beneficiary: string | null, perp: string | undefined): TraceItem | null {
  const { S, lang } = f;
  const ch = p.charter;
  const perpIsParty = perp !== undefined && ch.membership.isParty(perp, f.day);
  switch (p.perpState) {
    case 'any':
      return perpIsParty ? item('perpetrator_state', true, S.perpIsParty(partyName(perp, lang))) : null;
    case 'not_party':
      if (perp === undefined) return item('perpetrator_state', true, S.perpNoState());
      return perpIsParty ? item('perpetrator_state', false, S.perpMustNotBeParty(partyName(perp, lang))) : item('perpetrator_state', true, S.perpNotParty(partyName(perp, lang)));
    case 'party':
      if (perp === undefined) return item('perpetrator_state', false, S.perpNoState());
      if (perp === beneficiary) return item('perpetrator_state', false, S.perpSameAsTarget(partyName(perp, lang)));
      return perpIsParty ? item('perpetrator_state', true, partyDetail(f, ch, perp)) : item('perpetrator_state', false, S.perpMustBeParty(partyName(perp, lang)));
    case 'outside_backer': {
      const backer = f.perpCountry;
      const ok = backer !== undefined && backer !== beneficiary;
      return item('outside_support', ok, ok ? S.backerHeld(partyName(backer, lang), beneficiary ? partyName(beneficiary, lang) : '—') : S.backerFailed());
    }
  }
}

/** The request condition (when the provision needs one): who asked for assistance. */
function requestCondition(f: Facts, p: ProvisionC, beneficiary: string | null): TraceItem {
  const { S, lang } = f;
  const a = p.request.articleRef[lang];
  const asked = f.requested;
  if (p.request.by === 'beneficiary') {
    const ok = beneficiary !== null && asked !== undefined && asked.includes(beneficiary);
    return item('request', ok, ok ? S.requestHeld(partyName(beneficiary!, lang), a) : S.requestFailed(beneficiary ? partyName(beneficiary, lang) : '—', a));
  }
  const asker = asked?.find((c) => p.charter.membership.isParty(c, f.day));
  return item('request', asker !== undefined, asker !== undefined ? S.requestAnyHeld(partyName(asker, lang), a) : S.requestAnyFailed(a));
}

/**
 * Evaluates the provision; returns who it is for when triggered, null when not.
 * Every condition evaluated goes onto `trace`.
 */
export function checkProvision(f: Facts, p: ProvisionC, trace: TraceItem[]): Hit | null {
  const t = p.t[f.lang];
  const ch = p.charter;
  for (const [condition, s, bit, m] of [
    ['kind', t.kind[f.kind]!, f.kindBit, p.kindMask],
    ['perpetrator_type', t.perp[f.perpType]!, f.perpBit, p.perpMask],
    ['target_type', t.target[f.targetType]!, f.targetBit, p.targetMask],
  ] as const) {
    trace.push(item(condition, s.held, s.detail));
    if ((m & bit) === 0) return null;
  }

  // Beneficiary: the party hit, or the party on whose territory it happened.
  let beneficiary: string | null = null;
  if (p.beneficiary !== 'none') {
    const code = p.beneficiary === 'target' ? f.targetCountry : f.locCountry;
    if (code === undefined) {
      trace.push(item('beneficiary_party', false, p.beneficiary === 'target' ? f.S.noTargetCountry() : f.S.noLocationCountry()));
      return null;
    }
    const ok = ch.membership.isParty(code, f.day);
    trace.push(item('beneficiary_party', ok, partyDetail(f, ch, code)));
    if (!ok) return null;
    beneficiary = code;
  }

  const perp = f.perpType === 'state' ? f.perpCountry : undefined;
  const perpItem = perpetratorCondition(f, p, beneficiary, perp);
  if (perpItem) {
    trace.push(perpItem);
    if (!perpItem.held) return null;
  }

  const place = placeCondition(f, p, beneficiary);
  trace.push(item('place', place.held, place.detail));
  if (!place.held) return null;

  if (p.request.required) {
    const req = requestCondition(f, p, beneficiary);
    trace.push(req);
    if (!req.held) return null;
  }
  return { beneficiary, perp };
}

/** Who is obligated: the parties in force that day (suspended ones included), never the perpetrator. */
export function obligatedParties(f: Facts, p: ProvisionC, hit: Hit): string[] {
  if (p.obligated === 'perpetrator') return hit.perp !== undefined ? [hit.perp] : [];
  const skipBeneficiary = p.obligated === 'other_parties';
  return p.charter.membership.inForce(f.day).filter((code) => code !== hit.perp && !(skipBeneficiary && code === hit.beneficiary));
}

/** The triggered provision: who is obligated, what to do, how it is decided and by when; its trace ends with who is obligated. */
export function triggeredResult(f: Facts, p: ProvisionC, hit: Hit, trace: TraceItem[] | null): TriggeredProvision {
  const t = p.t[f.lang];
  const obligated = obligatedParties(f, p, hit);
  if (trace) {
    trace.push(item('obligated', true, f.S.obligated(listParties(obligated, f.lang), t.rule)));
    for (const code of obligated) {
      const party = p.charter.membership.parties.get(code)!;
      const s = suspensionAt(party, f.day);
      if (s >= 0) trace.push(item('suspension', true, f.S.obligatedSuspended(partyName(code, f.lang), formatDay(party.susFrom[s]!, f.lang), party.susScope[s]![f.lang])));
    }
  }
  return {
    charter: p.charter.id,
    article: p.article,
    provision: p.id,
    beneficiary: hit.beneficiary,
    obligated,
    obligation: { ...t.obligation },
    decision: { ...t.decision },
    deadline: { ...t.deadline },
    trace: trace ?? [],
  };
}
