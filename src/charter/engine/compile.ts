import { INCIDENT_KINDS, PERPETRATOR_TYPES, TARGET_TYPES } from '../../incident/incident.ts';
import { dayNumber, formatDay, OPEN_END } from '../dates.ts';
import { compileRegion, type CompiledRegion } from '../geo.ts';
import { KIND_LABEL, PERPETRATOR_LABEL, SENTENCES, TARGET_LABEL, art } from '../i18n.ts';
import { Membership } from '../membership.ts';
import type { Charter, Lang, Provision, Scope, Text } from '../schema.ts';
import type { DeadlineOut, DecisionOut, ObligationOut } from './types.ts';

/**
 * A charter compiled once for the engine: incident kinds, perpetrator and target
 * types as bit masks, days as integers (membership as integer day ranges, regions
 * with bounding boxes), and every sentence that depends only on the charter
 * written out per language. Nothing here depends on an incident, so a compiled
 * set is read, never changed, by every assessment.
 */

export const KIND_BIT: Readonly<Record<string, number>> = Object.fromEntries(INCIDENT_KINDS.map((k, i) => [k, 1 << i]));
export const PERP_BIT: Readonly<Record<string, number>> = Object.fromEntries(PERPETRATOR_TYPES.map((k, i) => [k, 1 << i]));
export const TARGET_BIT: Readonly<Record<string, number>> = Object.fromEntries(TARGET_TYPES.map((k, i) => [k, 1 << i]));

function mask(bits: Readonly<Record<string, number>>, values: readonly string[]): number {
  let m = 0;
  for (const v of values) m |= bits[v]!;
  return m;
}

/** A sentence of a check that reads one incident field: whether it held, and what it says. */
export interface Sentence {
  readonly held: boolean;
  readonly detail: string;
}

export interface ClauseC {
  readonly scope: Scope;
  readonly regions: readonly CompiledRegion[];
  /** Bit mask of the target types the clause applies to (0: all). */
  readonly targetMask: number;
  readonly deployedAbroad: boolean;
  readonly label: Text;
  readonly articleRef: Readonly<Record<Lang, string>>;
}

/** A provision's texts in one language. */
export interface ProvisionTexts {
  readonly kind: Readonly<Record<string, Sentence>>;
  readonly perp: Readonly<Record<string, Sentence>>;
  readonly target: Readonly<Record<string, Sentence>>;
  readonly obligation: Readonly<ObligationOut>;
  readonly decision: Readonly<DecisionOut>;
  readonly deadline: Readonly<DeadlineOut>;
  /** How the obligated parties are chosen, as said in the 'obligated' sentence. */
  readonly rule: string;
}

export interface ProvisionC {
  readonly charter: CharterC;
  readonly article: string;
  readonly id: string;
  readonly kindMask: number;
  readonly perpMask: number;
  readonly targetMask: number;
  readonly perpState: 'any' | 'party' | 'not_party' | 'outside_backer';
  readonly beneficiary: 'target' | 'location' | 'none';
  readonly clauses: readonly ClauseC[];
  readonly request: { readonly required: boolean; readonly by: 'beneficiary' | 'any_party'; readonly articleRef: Readonly<Record<Lang, string>> };
  readonly obligated: 'other_parties' | 'all_parties' | 'perpetrator';
  /** Whether the obligated parties assist against the perpetrator (what a conflict between charters is about). */
  readonly assistsAgainstPerpetrator: boolean;
  readonly t: Readonly<Record<Lang, ProvisionTexts>>;
}

export interface CharterC {
  readonly id: string;
  readonly name: Readonly<Record<Lang, string>>;
  readonly from: number;
  readonly until: number;
  readonly fromText: Readonly<Record<Lang, string>>;
  readonly untilText: Readonly<Record<Lang, string>>;
  readonly membership: Membership;
  readonly regions: readonly CompiledRegion[];
  readonly provisions: readonly ProvisionC[];
  /** The article that binds the parties to one another, named in conflict reports. */
  readonly bondArticle: string;
  readonly bondText: Readonly<Record<Lang, string>>;
}

export interface CompiledCharters {
  /** By id, so that results do not depend on the order the charters were given in. */
  readonly charters: readonly CharterC[];
}

function byLang<T>(f: (lang: Lang) => T): Record<Lang, T> {
  return { en: f('en'), fr: f('fr') };
}

function orList(items: string[], lang: Lang): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} ${lang === 'fr' ? 'ou' : 'or'} ${items[items.length - 1]}`;
}

/** For each value of a taxonomy, the sentence of the check "is it one the provision covers?". */
function sentences(values: readonly string[], covered: readonly string[], label: Record<string, string>, held: (l: string) => string, failed: (l: string, list: string) => string, lang: Lang): Record<string, Sentence> {
  const set = new Set(covered);
  const list = orList(covered.map((c) => label[c]!), lang);
  const out: Record<string, Sentence> = {};
  for (const v of values) out[v] = set.has(v) ? { held: true, detail: held(label[v]!) } : { held: false, detail: failed(label[v]!, list) };
  return out;
}

function compileProvision(ch: CharterC, regions: readonly CompiledRegion[], articleNumber: string, p: Provision): ProvisionC {
  const regionById = new Map(regions.map((r) => [r.id, r]));
  const clauses: ClauseC[] = p.trigger.where.map((w) => ({
    scope: w.scope,
    regions: w.regions.map((id) => regionById.get(id)!),
    targetMask: w.target_types ? mask(TARGET_BIT, w.target_types) : 0,
    deployedAbroad: w.deployed_abroad === true,
    label: w.label,
    articleRef: byLang((l) => art(w.source_article, l)),
  }));
  const t = byLang<ProvisionTexts>((lang) => {
    const S = SENTENCES[lang];
    const a = art(articleNumber, lang);
    return {
      kind: sentences(INCIDENT_KINDS, p.trigger.kinds, KIND_LABEL[lang], (l) => S.kindHeld(l, a), (l, list) => S.kindFailed(l, a, list), lang),
      perp: sentences(PERPETRATOR_TYPES, p.trigger.perpetrator_types, PERPETRATOR_LABEL[lang], (l) => S.perpHeld(l, a), (l, list) => S.perpFailed(l, a, list), lang),
      target: sentences(TARGET_TYPES, p.trigger.target_types, TARGET_LABEL[lang], (l) => S.targetHeld(l, a), (l, list) => S.targetFailed(l, a, list), lang),
      obligation: {
        action: p.obligation.action,
        armed_force: p.obligation.armed_force,
        individually_or_collectively: p.obligation.individually_or_collectively,
        summary: p.obligation.summary[lang],
      },
      decision: { rule: p.decision.rule, body: p.decision.body ? p.decision.body[lang] : null, summary: p.decision.summary[lang] },
      deadline: { value: p.deadline.value, text: p.deadline.text[lang] },
      rule: p.obligated === 'other_parties' ? S.ruleOther : p.obligated === 'all_parties' ? S.ruleAll : S.rulePerp,
    };
  });
  return {
    charter: ch,
    article: articleNumber,
    id: p.id,
    kindMask: mask(KIND_BIT, p.trigger.kinds),
    perpMask: mask(PERP_BIT, p.trigger.perpetrator_types),
    targetMask: mask(TARGET_BIT, p.trigger.target_types),
    perpState: p.trigger.perpetrator_state,
    beneficiary: p.trigger.beneficiary,
    clauses,
    request: {
      required: p.trigger.request.required,
      by: p.trigger.request.by,
      articleRef: byLang((l) => art(p.trigger.request.source_article ?? articleNumber, l)),
    },
    obligated: p.obligated,
    assistsAgainstPerpetrator: p.obligation.action === 'assist' && p.obligated !== 'perpetrator',
    t,
  };
}

/** The article binding the parties to one another: the first of these kinds of provision the charter has. */
function bondOf(c: Charter): { article: string; title: Text } {
  for (const type of ['non_aggression', 'collective_defence', 'assistance_on_request', 'defence_cooperation'] as const) {
    const a = c.articles.find((x) => x.provisions.some((p) => p.type === type));
    if (a) return { article: a.number, title: a.title };
  }
  const first = c.articles[0]!;
  return { article: first.number, title: first.title };
}

function compileCharter(c: Charter): CharterC {
  const from = dayNumber(c.in_force.from);
  const until = c.in_force.until ? dayNumber(c.in_force.until) : OPEN_END;
  const title = c.short_title ?? c.title;
  const bond = bondOf(c);
  const regions = c.regions.map(compileRegion);
  const provisions: ProvisionC[] = [];
  const ch: CharterC = {
    id: c.id,
    name: byLang((l) => title[l]),
    from,
    until,
    fromText: byLang((l) => formatDay(from, l)),
    untilText: byLang((l) => (until === OPEN_END ? '' : formatDay(until, l))),
    membership: new Membership(c),
    regions,
    provisions,
    bondArticle: bond.article,
    bondText: byLang((l) => `${art(bond.article, l)}, ${bond.title[l]}`),
  };
  for (const a of c.articles) for (const p of a.provisions) provisions.push(compileProvision(ch, regions, a.number, p));
  return ch;
}

const compiledOnce = new WeakMap<readonly Charter[], CompiledCharters>();

/** Compiles charters for assess(), once per array of charters (later calls with the same array reuse it). */
export function compileCharters(charters: readonly Charter[]): CompiledCharters {
  let c = compiledOnce.get(charters);
  if (!c) {
    const sorted = [...charters].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    c = { charters: sorted.map(compileCharter) };
    compiledOnce.set(charters, c);
  }
  return c;
}
