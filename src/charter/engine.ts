import type { Incident, IncidentKind, PerpetratorType, TargetType } from '../incident/incident.ts';
import { INCIDENT_KINDS, PERPETRATOR_TYPES, TARGET_TYPES } from '../incident/incident.ts';
import { dayNumber, formatDay, OPEN_END } from './dates.ts';
import { compileRegion, regionHit, type CompiledRegion, type RegionHit } from './geo.ts';
import { KIND_LABEL, PERPETRATOR_LABEL, SENTENCES, TARGET_LABEL, art, listParties, partyName, type Sentences } from './i18n.ts';
import { Membership, intervalAt, notPartyReason, statusCode, suspensionAt } from './membership.ts';
import type { Charter, Lang, Provision, Scope, Text } from './schema.ts';

/**
 * The assessment engine: pure and deterministic. `assess(incident, charters,
 * at?)` reads membership, suspension and validity on the incident's day (or
 * `at`), day-exact, and returns every provision, triggered or not, with the
 * conditions that held or failed, plus the conflicts between charters.
 *
 * Charters are compiled once (membership as integer day ranges, regions with
 * bounding boxes, trace sentences that depend only on the charter
 * precomputed per language) and the compiled form is cached per charters
 * array, so repeated calls with the same array pay nothing for it.
 *
 * Conditions are evaluated in a fixed order and a provision's trace stops at
 * the first condition that failed: the trace lists what held, then why it is
 * not triggered.
 */

export interface TraceItem {
  condition: string;
  held: boolean;
  detail: string;
}

export interface ObligationOut {
  action: string;
  armed_force: string;
  individually_or_collectively: boolean;
  summary: string;
}
export interface DecisionOut {
  rule: string;
  body: string | null;
  summary: string;
}
export interface DeadlineOut {
  value: string | null;
  text: string;
}

export interface TriggeredProvision {
  charter: string;
  article: string;
  provision: string;
  beneficiary: string | null;
  obligated: string[];
  obligation: ObligationOut;
  decision: DecisionOut;
  deadline: DeadlineOut;
  trace: TraceItem[];
}

export interface NotTriggeredProvision {
  charter: string;
  article: string;
  provision: string;
  trace: TraceItem[];
}

export interface Conflict {
  parties: string[];
  between: { charter: string; article: string }[];
  explanation: string;
}

export interface Assessment {
  at: string;
  triggered: TriggeredProvision[];
  not_triggered: NotTriggeredProvision[];
  conflicts: Conflict[];
}

export interface AssessOptions {
  /** Language of the trace sentences and texts (default en). */
  lang?: Lang;
  /** false: skip the trace sentences (each trace is []); for throughput measurements. */
  trace?: boolean;
}

interface ClauseC {
  scope: Scope;
  regions: CompiledRegion[];
  /** Bit mask of the target types the clause applies to (0: all). */
  targetMask: number;
  /** Sentences of clauses that held, by place (they do not depend on the day). */
  heldItems: Record<Lang, Map<string, TraceItem>>;
  deployedAbroad: boolean;
  label: Text;
  articleRef: Record<Lang, string>;
}

interface ProvisionTexts {
  /** Trace items that depend only on the provision and one incident field: built once, shared (frozen). */
  kind: Record<string, TraceItem>;
  perp: Record<string, TraceItem>;
  target: Record<string, TraceItem>;
  obligation: ObligationOut;
  decision: DecisionOut;
  deadline: DeadlineOut;
  articleRef: string;
  rule: string;
}

interface ProvisionC {
  charter: CharterC;
  article: string;
  id: string;
  kindMask: number;
  perpMask: number;
  targetMask: number;
  perpState: 'any' | 'party' | 'not_party' | 'outside_backer';
  beneficiary: 'target' | 'location' | 'none';
  clauses: ClauseC[];
  request: { required: boolean; by: 'beneficiary' | 'any_party'; articleRef: Record<Lang, string> };
  obligated: 'other_parties' | 'all_parties' | 'perpetrator';
  assistsAgainstPerpetrator: boolean;
  t: Record<Lang, ProvisionTexts>;
  /** The not-triggered result when traces are off: always the same, so built once (frozen). */
  silentMiss: NotTriggeredProvision;
  /** Obligated lists and their trace items, by parties-in-force list (interned), then beneficiary|perpetrator. */
  obligCache: Map<number, Map<string, Map<string, ObligEntry>>>;
}

interface ObligEntry {
  obligated: string[];
  items: Record<Lang, TraceItem[] | undefined>;
}

const KIND_BIT: Record<string, number> = Object.fromEntries(INCIDENT_KINDS.map((k, i) => [k, 1 << i]));
const PERP_BIT: Record<string, number> = Object.fromEntries(PERPETRATOR_TYPES.map((k, i) => [k, 1 << i]));
const TARGET_BIT: Record<string, number> = Object.fromEntries(TARGET_TYPES.map((k, i) => [k, 1 << i]));
function mask(bits: Record<string, number>, values: readonly string[]): number {
  let m = 0;
  for (const v of values) m |= bits[v]!;
  return m;
}

interface CharterC {
  id: string;
  name: Record<Lang, string>;
  from: number;
  until: number;
  fromText: Record<Lang, string>;
  untilText: Record<Lang, string>;
  membership: Membership;
  regions: CompiledRegion[];
  provisions: ProvisionC[];
  /** The article that binds the parties to one another, for conflict reports. */
  bondArticle: string;
  bondText: Record<Lang, string>;
  /** in_force trace items per day (they depend on the day only). */
  inForceItems: Record<Lang, Map<number, TraceItem>>;
  /** Sentences about a state's status (code → variant * 100000 + status → item); they do not depend on the day itself. */
  statusItems: Record<Lang, Map<string, Map<number, TraceItem>>>;
}

export interface CompiledCharters {
  readonly charters: readonly CharterC[];
}

const LANGS: Lang[] = ['en', 'fr'];
/** The trace of every result when traces are off (frozen, shared). */
const EMPTY = Object.freeze([]) as unknown as TraceItem[];

function byLang<T>(f: (lang: Lang) => T): Record<Lang, T> {
  return { en: f('en'), fr: f('fr') };
}

function orList(items: string[], lang: Lang): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} ${lang === 'fr' ? 'ou' : 'or'} ${items[items.length - 1]}`;
}

function compileProvision(ch: CharterC, articleNumber: string, p: Provision): ProvisionC {
  const kinds = new Set<string>(p.trigger.kinds);
  const perpTypes = new Set<string>(p.trigger.perpetrator_types);
  const targetTypes = new Set<string>(p.trigger.target_types);
  const regionById = new Map(ch.regions.map((r) => [r.id, r]));
  const clauses: ClauseC[] = p.trigger.where.map((w) => ({
    scope: w.scope,
    regions: w.regions.map((id) => regionById.get(id)!),
    targetMask: w.target_types ? mask(TARGET_BIT, w.target_types) : 0,
    heldItems: { en: new Map(), fr: new Map() },
    deployedAbroad: w.deployed_abroad === true,
    label: w.label,
    articleRef: byLang((l) => art(w.source_article, l)),
  }));
  const t = byLang<ProvisionTexts>((lang) => {
    const S = SENTENCES[lang];
    const a = art(articleNumber, lang);
    const kindLabels = p.trigger.kinds.map((k) => KIND_LABEL[lang][k]);
    const perpLabels = p.trigger.perpetrator_types.map((k) => PERPETRATOR_LABEL[lang][k]);
    const targetLabels = p.trigger.target_types.map((k) => TARGET_LABEL[lang][k]);
    const kind: Record<string, TraceItem> = {};
    for (const k of INCIDENT_KINDS) kind[k] = frozenItem('kind', kinds.has(k), kinds.has(k) ? S.kindHeld(KIND_LABEL[lang][k], a) : S.kindFailed(KIND_LABEL[lang][k], a, orList(kindLabels, lang)));
    const perp: Record<string, TraceItem> = {};
    for (const k of PERPETRATOR_TYPES) perp[k] = frozenItem('perpetrator_type', perpTypes.has(k), perpTypes.has(k) ? S.perpHeld(PERPETRATOR_LABEL[lang][k], a) : S.perpFailed(PERPETRATOR_LABEL[lang][k], a, orList(perpLabels, lang)));
    const target: Record<string, TraceItem> = {};
    for (const k of TARGET_TYPES) target[k] = frozenItem('target_type', targetTypes.has(k), targetTypes.has(k) ? S.targetHeld(TARGET_LABEL[lang][k], a) : S.targetFailed(TARGET_LABEL[lang][k], a, orList(targetLabels, lang)));
    return {
      kind,
      perp,
      target,
      obligation: Object.freeze({
        action: p.obligation.action,
        armed_force: p.obligation.armed_force,
        individually_or_collectively: p.obligation.individually_or_collectively,
        summary: p.obligation.summary[lang],
      }),
      decision: Object.freeze({ rule: p.decision.rule, body: p.decision.body ? p.decision.body[lang] : null, summary: p.decision.summary[lang] }),
      deadline: Object.freeze({ value: p.deadline.value, text: p.deadline.text[lang] }),
      articleRef: a,
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
    silentMiss: Object.freeze({ charter: ch.id, article: articleNumber, provision: p.id, trace: EMPTY }),
    obligCache: new Map(),
  };
}

function frozenItem(condition: string, held: boolean, detail: string): TraceItem {
  return Object.freeze({ condition, held, detail });
}

function compileCharter(c: Charter): CharterC {
  const from = dayNumber(c.in_force.from);
  const until = c.in_force.until ? dayNumber(c.in_force.until) : OPEN_END;
  const title = c.short_title ?? c.title;
  let bond: { article: string; title: Text } | undefined;
  for (const type of ['non_aggression', 'collective_defence', 'assistance_on_request', 'defence_cooperation'] as const) {
    for (const a of c.articles) {
      if (!bond && a.provisions.some((p) => p.type === type)) bond = { article: a.number, title: a.title };
    }
  }
  const first = c.articles[0]!;
  bond ??= { article: first.number, title: first.title };
  const ch: CharterC = {
    id: c.id,
    name: byLang((l) => title[l]),
    from,
    until,
    fromText: byLang((l) => formatDay(from, l)),
    untilText: byLang((l) => (until === OPEN_END ? '' : formatDay(until, l))),
    membership: new Membership(c),
    regions: c.regions.map(compileRegion),
    provisions: [],
    bondArticle: bond.article,
    bondText: byLang((l) => `${art(bond.article, l)}, ${bond.title[l]}`),
    inForceItems: { en: new Map(), fr: new Map() },
    statusItems: { en: new Map(), fr: new Map() },
  };
  for (const a of c.articles) for (const p of a.provisions) ch.provisions.push(compileProvision(ch, a.number, p));
  return ch;
}

const compiledCache = new WeakMap<readonly Charter[], CompiledCharters>();

/** Compiles charters for assess(); sorted by id so results do not depend on the input order. */
export function compileCharters(charters: readonly Charter[]): CompiledCharters {
  let c = compiledCache.get(charters);
  if (!c) {
    const sorted = [...charters].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    c = { charters: sorted.map(compileCharter) };
    compiledCache.set(charters, c);
  }
  return c;
}

function isCompiled(x: readonly Charter[] | CompiledCharters): x is CompiledCharters {
  return !Array.isArray(x);
}

/** Per-assessment facts, read once from the incident. */
interface Ctx {
  day: number;
  on: string;
  lang: Lang;
  S: Sentences;
  tracing: boolean;
  kind: IncidentKind;
  perpType: PerpetratorType;
  perpCountry: string | undefined;
  targetType: TargetType;
  targetCountry: string | undefined;
  locCountry: string | undefined;
  lat: number | undefined;
  lon: number | undefined;
  abroad: boolean;
  requested: string[] | undefined;
  kindBit: number;
  perpBit: number;
  targetBit: number;
  /** Scratch: the sentence of the last place clause evaluated (tracing only). */
  detail: string;
  /** Scratch: a cached trace item for a clause that held, when there is one. */
  heldItem: TraceItem | null;
}

const CTX: Ctx = {
  day: 0, on: '', lang: 'en', S: SENTENCES.en, tracing: true, kind: 'other', perpType: 'unknown', perpCountry: undefined,
  targetType: 'territory', targetCountry: undefined, locCountry: undefined, lat: undefined, lon: undefined, abroad: false,
  requested: undefined, kindBit: 0, perpBit: 0, targetBit: 0, detail: '', heldItem: null,
};

function item(condition: string, held: boolean, detail: string): TraceItem {
  return { condition, held, detail };
}

/** The sentence saying whether `code` is a party on the day (and suspended). Tracing only. */
function partyDetail(ctx: Ctx, ch: CharterC, code: string): string {
  const p = ch.membership.parties.get(code);
  const i = p ? intervalAt(p, ctx.day) : -1;
  const S = ctx.S;
  const who = partyName(code, ctx.lang);
  const name = ch.name[ctx.lang];
  if (p && i >= 0) {
    let d = S.partyOn(who, name, formatDay(p.joined[i]!, ctx.lang));
    const s = suspensionAt(p, ctx.day);
    if (s >= 0) d += S.suspended(who, p.susScope[s]![ctx.lang], formatDay(p.susFrom[s]!, ctx.lang));
    return d;
  }
  const r = notPartyReason(p, ctx.day);
  return r.kind === 'later' ? S.notPartyLater(who, name, formatDay(dayNumber(r.joined), ctx.lang))
    : r.kind === 'left' ? S.notPartyLeft(who, name, formatDay(dayNumber(r.left), ctx.lang))
    : S.notPartyNever(who, name);
}

const V_BENEFICIARY = 0;
const V_PERP_INFO = 1;
const V_PERP_PARTY = 2;
const V_PERP_MUST = 3;
const V_PERP_NOT_PARTY = 4;
const V_PERP_MUST_NOT = 5;

/**
 * The trace item about a state's status on the day, for one of the variants
 * above. Its sentence depends on the state's status (which interval, which
 * suspension), not on the day itself, so it is built once and shared.
 */
function statusItem(ctx: Ctx, ch: CharterC, variant: number, code: string, held: boolean): TraceItem {
  const byCode = ch.statusItems[ctx.lang];
  let cache = byCode.get(code);
  if (cache === undefined) {
    cache = new Map();
    if (byCode.size > 1000) byCode.clear();
    byCode.set(code, cache);
  }
  const key = variant * 100_000 + statusCode(ch.membership.parties.get(code), ctx.day);
  let it = cache.get(key);
  if (it === undefined) {
    const S = ctx.S;
    const who = partyName(code, ctx.lang);
    let detail: string;
    let condition = 'perpetrator_state';
    switch (variant) {
      case V_BENEFICIARY: detail = partyDetail(ctx, ch, code); condition = 'beneficiary_party'; break;
      case V_PERP_INFO: detail = S.perpIsParty(who); break;
      case V_PERP_PARTY: detail = partyDetail(ctx, ch, code); break;
      case V_PERP_MUST: detail = S.perpMustBeParty(who); break;
      case V_PERP_NOT_PARTY: detail = S.perpNotParty(who); break;
      default: detail = S.perpMustNotBeParty(who);
    }
    it = frozenItem(condition, held, detail);
    cache.set(key, it);
  }
  return it;
}

function heldPlace(ctx: Ctx, c: ClauseC, key: string, detail: string): void {
  const it = frozenItem('place', true, detail);
  const cache = c.heldItems[ctx.lang];
  if (cache.size > 100_000) cache.clear();
  cache.set(key, it);
  ctx.heldItem = it;
}

function placeText(ctx: Ctx): string {
  const S = ctx.S;
  const base = ctx.locCountry ? partyName(ctx.locCountry, ctx.lang) : ctx.lat === undefined ? S.unknownPlace() : S.intlWaters();
  return ctx.lat !== undefined && ctx.lon !== undefined ? base + S.byCoordinates(ctx.lat, ctx.lon) : base;
}

function hitText(ctx: Ctx, hit: RegionHit): string {
  if (hit === 'presumed') return ctx.S.presumed(partyName(ctx.locCountry!, ctx.lang));
  if (hit === 'country') return ctx.S.countryWhole(partyName(ctx.locCountry!, ctx.lang));
  return '';
}

function regionList(c: ClauseC, lang: Lang): string {
  let out = '';
  for (const r of c.regions) out += (out ? ', ' : '') + (lang === 'fr' ? `« ${r.name.fr} »` : r.name.en);
  return out;
}

const NOT_APPLICABLE = 2;

/**
 * Evaluates one place clause: 1 held, 0 failed, NOT_APPLICABLE when the
 * clause does not apply to this target. When tracing, ctx.heldItem holds the
 * (cached) item of a clause that held and ctx.detail the sentence of one that failed.
 */
function evalClause(ctx: Ctx, p: ProvisionC, c: ClauseC, beneficiary: string | null): number {
  if (c.targetMask !== 0 && (c.targetMask & ctx.targetBit) === 0) return NOT_APPLICABLE;
  if (c.deployedAbroad && !ctx.abroad) return NOT_APPLICABLE;
  const lang = ctx.lang;
  const S = ctx.S;
  const tr = ctx.tracing;
  const a = c.articleRef[lang];
  switch (c.scope) {
    case 'anywhere':
      if (tr) {
        const it = c.heldItems[lang].get('');
        if (it !== undefined) ctx.heldItem = it;
        else heldPlace(ctx, c, '', S.whereAnywhere(c.label[lang], a));
      }
      return 1;
    case 'alliance_territory': {
      const ok = ctx.locCountry !== undefined && p.charter.membership.isParty(ctx.locCountry, ctx.day);
      if (tr) {
        if (ok) {
          const it = c.heldItems[lang].get(ctx.locCountry!);
          if (it !== undefined) ctx.heldItem = it;
          else heldPlace(ctx, c, ctx.locCountry!, S.whereAlliance(partyName(ctx.locCountry!, lang), c.label[lang], a));
        } else ctx.detail = S.whereNotAlliance(placeText(ctx), a);
      }
      return ok ? 1 : 0;
    }
    case 'party_territory': {
      const bene = beneficiary ?? ctx.locCountry;
      if (bene === undefined) {
        if (tr) ctx.detail = S.noLocationCountry();
        return 0;
      }
      // Territory: the location's country, or a region that counted as the party's territory that day.
      let territoryOf: CompiledRegion | null = null;
      let own = ctx.locCountry === bene;
      if (!own) {
        for (const r of p.charter.regions) {
          if (r.territoryOf === bene && regionHit(r, ctx.day, ctx.locCountry, ctx.lon, ctx.lat) !== null) {
            own = true;
            territoryOf = r;
            break;
          }
        }
      }
      if (!own) {
        if (tr) ctx.detail = S.whereNotOwnTerritory(partyName(bene, lang), placeText(ctx), a);
        return 0;
      }
      const how = territoryOf ? S.territoryOf(territoryOf.name[lang], partyName(bene, lang)) : c.label[lang];
      if (c.regions.length === 0) {
        if (tr) {
          const key = territoryOf ? `${bene}|${territoryOf.id}` : bene;
          const it = c.heldItems[lang].get(key);
          if (it !== undefined) ctx.heldItem = it;
          else heldPlace(ctx, c, key, S.whereOwnTerritory(partyName(bene, lang), how, a));
        }
        return 1;
      }
      for (const r of c.regions) {
        const hit = regionHit(r, ctx.day, ctx.locCountry, ctx.lon, ctx.lat);
        if (hit !== null) {
          if (tr) {
            const key = `${bene}|${ctx.locCountry}|${r.id}|${hit}|${territoryOf ? territoryOf.id : ''}`;
            const it = c.heldItems[lang].get(key);
            if (it !== undefined) ctx.heldItem = it;
            else heldPlace(ctx, c, key, `${S.whereOwnTerritory(partyName(bene, lang), how, a)} ${S.whereRegion(r.name[lang], hitText(ctx, hit), a)}`);
          }
          return 1;
        }
      }
      if (tr) ctx.detail = `${S.whereOwnTerritory(partyName(bene, lang), c.label[lang], a)} ${S.whereNotRegion(regionList(c, lang), a)} — ${placeText(ctx)}`;
      return 0;
    }
    case 'regions': {
      for (const r of c.regions) {
        const hit = regionHit(r, ctx.day, ctx.locCountry, ctx.lon, ctx.lat);
        if (hit !== null) {
          if (tr) {
            const key = `${ctx.locCountry ?? ''}|${r.id}|${hit}`;
            const it = c.heldItems[lang].get(key);
            if (it !== undefined) ctx.heldItem = it;
            else heldPlace(ctx, c, key, S.whereRegion(r.name[lang], hitText(ctx, hit), a));
          }
          return 1;
        }
      }
      if (tr) ctx.detail = `${S.whereNotRegion(regionList(c, lang), a)} — ${placeText(ctx)}`;
      return 0;
    }
  }
}

interface Sink {
  triggered: TriggeredProvision[];
  provisions: ProvisionC[];
  notTriggered: NotTriggeredProvision[];
}

function miss(sink: Sink, p: ProvisionC, trace: TraceItem[]): void {
  sink.notTriggered.push(trace === EMPTY ? p.silentMiss : { charter: p.charter.id, article: p.article, provision: p.id, trace });
}

function evalProvision(ctx: Ctx, p: ProvisionC, inForce: TraceItem | null, inForceHeld: boolean, sink: Sink): void {
  const lang = ctx.lang;
  const t = p.t[lang];
  const ch = p.charter;
  const tr = ctx.tracing;
  const S = ctx.S;
  const trace: TraceItem[] = tr ? [inForce!] : EMPTY;
  if (!inForceHeld) return miss(sink, p, trace);

  let ok = (p.kindMask & ctx.kindBit) !== 0;
  if (tr) trace.push(t.kind[ctx.kind]!);
  if (!ok) return miss(sink, p, trace);

  ok = (p.perpMask & ctx.perpBit) !== 0;
  if (tr) trace.push(t.perp[ctx.perpType]!);
  if (!ok) return miss(sink, p, trace);

  ok = (p.targetMask & ctx.targetBit) !== 0;
  if (tr) trace.push(t.target[ctx.targetType]!);
  if (!ok) return miss(sink, p, trace);

  // Beneficiary: the party hit, or the party on whose territory it happened.
  let beneficiary: string | null = null;
  if (p.beneficiary !== 'none') {
    const code = p.beneficiary === 'target' ? ctx.targetCountry : ctx.locCountry;
    if (code === undefined) {
      if (tr) trace.push(item('beneficiary_party', false, p.beneficiary === 'target' ? S.noTargetCountry() : S.noLocationCountry()));
      return miss(sink, p, trace);
    }
    ok = ch.membership.isParty(code, ctx.day);
    if (tr) trace.push(statusItem(ctx, ch, V_BENEFICIARY, code, ok));
    if (!ok) return miss(sink, p, trace);
    beneficiary = code;
  }

  // The perpetrator state.
  const perp = ctx.perpType === 'state' ? ctx.perpCountry : undefined;
  const perpIsParty = perp !== undefined && ch.membership.isParty(perp, ctx.day);
  switch (p.perpState) {
    case 'any':
      if (tr && perpIsParty) trace.push(statusItem(ctx, ch, V_PERP_INFO, perp, true));
      break;
    case 'not_party':
      if (tr) trace.push(perp === undefined ? item('perpetrator_state', true, S.perpNoState()) : statusItem(ctx, ch, perpIsParty ? V_PERP_MUST_NOT : V_PERP_NOT_PARTY, perp, !perpIsParty));
      if (perpIsParty) return miss(sink, p, trace);
      break;
    case 'party':
      if (perp === undefined) {
        if (tr) trace.push(item('perpetrator_state', false, S.perpNoState()));
        return miss(sink, p, trace);
      }
      if (perp === beneficiary) {
        if (tr) trace.push(item('perpetrator_state', false, S.perpSameAsTarget(partyName(perp, lang))));
        return miss(sink, p, trace);
      }
      if (tr) trace.push(statusItem(ctx, ch, perpIsParty ? V_PERP_PARTY : V_PERP_MUST, perp, perpIsParty));
      if (!perpIsParty) return miss(sink, p, trace);
      break;
    case 'outside_backer': {
      const backer = ctx.perpCountry;
      ok = backer !== undefined && backer !== beneficiary;
      if (tr) trace.push(item('outside_support', ok, ok ? S.backerHeld(partyName(backer!, lang), beneficiary ? partyName(beneficiary, lang) : '—') : S.backerFailed()));
      if (!ok) return miss(sink, p, trace);
      break;
    }
  }

  // Place: any applicable clause.
  let placeHeld = false;
  let failures = '';
  let applicable = 0;
  const clauses = p.clauses;
  for (let k = 0; k < clauses.length; k++) {
    const r = evalClause(ctx, p, clauses[k]!, beneficiary);
    if (r === NOT_APPLICABLE) continue;
    applicable++;
    if (r === 1) {
      placeHeld = true;
      break;
    }
    if (tr) failures += (failures ? ' ' : '') + ctx.detail;
  }
  if (tr) {
    if (placeHeld) trace.push(ctx.heldItem!);
    else if (applicable === 0) {
      let detail = '';
      for (const c of clauses) detail += (detail ? ' ' : '') + S.whereClauseNotApplicable(c.label[lang], c.articleRef[lang]);
      trace.push(item('place', false, detail));
    } else trace.push(item('place', false, failures));
  }
  if (!placeHeld) return miss(sink, p, trace);

  // Request.
  if (p.request.required) {
    const a = p.request.articleRef[lang];
    const asked = ctx.requested;
    if (p.request.by === 'beneficiary') {
      ok = beneficiary !== null && asked !== undefined && asked.includes(beneficiary);
      if (tr) trace.push(item('request', ok, ok ? S.requestHeld(partyName(beneficiary!, lang), a) : S.requestFailed(beneficiary ? partyName(beneficiary, lang) : '—', a)));
      if (!ok) return miss(sink, p, trace);
    } else {
      let asker: string | undefined;
      if (asked !== undefined) for (const c of asked) if (ch.membership.isParty(c, ctx.day)) { asker = c; break; }
      if (tr) trace.push(item('request', asker !== undefined, asker !== undefined ? S.requestAnyHeld(partyName(asker, lang), a) : S.requestAnyFailed(a)));
      if (asker === undefined) return miss(sink, p, trace);
    }
  }

  // Who is obligated: parties in force that day (suspended ones included), never the perpetrator.
  // Lists and their sentences are cached per (parties in force and their suspensions, beneficiary, perpetrator) and shared, frozen.
  // Keyed by the interned list's id: V8 hashes frozen objects slowly as Map keys.
  const listId = ch.membership.inForceId(ctx.day);
  const inForceParties = ch.membership.inForce(ctx.day);
  let byPair = p.obligCache.get(listId);
  if (byPair === undefined) {
    byPair = new Map();
    p.obligCache.set(listId, byPair);
  }
  const bKey = beneficiary ?? '';
  let byPerp = byPair.get(bKey);
  if (byPerp === undefined) {
    byPerp = new Map();
    byPair.set(bKey, byPerp);
  }
  const pKey = perp ?? '';
  let entry = byPerp.get(pKey);
  if (entry === undefined) {
    let list: string[];
    if (p.obligated === 'perpetrator') list = perp !== undefined ? [perp] : [];
    else {
      list = [];
      const skipBeneficiary = p.obligated === 'other_parties';
      for (const code of inForceParties) {
        if (code === perp || (skipBeneficiary && code === beneficiary)) continue;
        list.push(code);
      }
    }
    entry = { obligated: Object.freeze(list) as string[], items: { en: undefined, fr: undefined } };
    byPerp.set(pKey, entry);
  }
  const obligated = entry.obligated;
  if (tr) {
    let items = entry.items[lang];
    if (items === undefined) {
      items = [frozenItem('obligated', true, S.obligated(listParties(obligated, lang), t.rule))];
      for (const code of obligated) {
        const party = ch.membership.parties.get(code)!;
        const sIdx = suspensionAt(party, ctx.day);
        if (sIdx >= 0) items.push(frozenItem('suspension', true, S.obligatedSuspended(partyName(code, lang), formatDay(party.susFrom[sIdx]!, lang), party.susScope[sIdx]![lang])));
      }
      entry.items[lang] = items;
    }
    for (let k = 0; k < items.length; k++) trace.push(items[k]!);
  }
  sink.triggered.push({
    charter: ch.id,
    article: p.article,
    provision: p.id,
    beneficiary,
    obligated,
    obligation: t.obligation,
    decision: t.decision,
    deadline: t.deadline,
    trace,
  });
  sink.provisions.push(p);
}

function inForceItem(ctx: Ctx, ch: CharterC, held: boolean): TraceItem {
  const cache = ch.inForceItems[ctx.lang];
  let it = cache.get(ctx.day);
  if (it === undefined) {
    const S = ctx.S;
    const lang = ctx.lang;
    const detail = held ? S.inForce(ch.name[lang], ctx.on, ch.fromText[lang])
      : ctx.day < ch.from ? S.notYet(ch.name[lang], ctx.on, ch.fromText[lang])
      : S.ended(ch.name[lang], ctx.on, ch.untilText[lang]);
    it = frozenItem('in_force', held, detail);
    if (cache.size > 50_000) cache.clear();
    cache.set(ctx.day, it);
  }
  return it;
}

/**
 * Assesses one normalised incident against charters. Pure: no I/O, no clock;
 * the same input gives the same output, in the same order (charters by id,
 * then articles and provisions in the order of the text). Results share
 * frozen pieces (trace items, texts) between calls: treat them as read-only.
 */
export function assess(
  incident: Incident,
  charters: readonly Charter[] | CompiledCharters,
  at?: string,
  options?: AssessOptions,
): Assessment {
  const compiled = isCompiled(charters) ? charters : compileCharters(charters);
  const lang: Lang = options?.lang ?? 'en';
  const tracing = options?.trace !== false;
  const atDay = at ?? incident.date;
  const day = dayNumber(atDay);
  const target = incident.target;
  const loc = incident.location;
  // One scratch context, overwritten by each call: assess() is synchronous and
  // calls nothing that could re-enter it, so this stays pure from the outside.
  const ctx = CTX;
  ctx.day = day;
  ctx.on = tracing ? formatDay(day, lang) : '';
  ctx.lang = lang;
  ctx.S = SENTENCES[lang];
  ctx.tracing = tracing;
  ctx.kind = incident.kind;
  ctx.perpType = incident.perpetrator.type;
  ctx.perpCountry = incident.perpetrator.country;
  ctx.targetType = target.type;
  ctx.targetCountry = target.country ?? (target.type === 'territory' ? loc.country : undefined);
  ctx.locCountry = loc.country;
  ctx.lat = loc.lat;
  ctx.lon = loc.lon;
  ctx.abroad = target.deployed_abroad === true;
  ctx.requested = incident.assistance_requested_by;
  ctx.kindBit = KIND_BIT[incident.kind]!;
  ctx.perpBit = PERP_BIT[incident.perpetrator.type]!;
  ctx.targetBit = TARGET_BIT[target.type]!;
  ctx.detail = '';
  ctx.heldItem = null;

  const sink: Sink = { triggered: [], provisions: [], notTriggered: [] };
  const list = compiled.charters;
  for (let c = 0; c < list.length; c++) {
    const ch = list[c]!;
    const held = day >= ch.from && day <= ch.until;
    const inForce = tracing ? inForceItem(ctx, ch, held) : null;
    const provs = ch.provisions;
    for (let k = 0; k < provs.length; k++) evalProvision(ctx, provs[k]!, inForce, held, sink);
  }

  return { at: atDay, triggered: sink.triggered, not_triggered: sink.notTriggered, conflicts: findConflicts(ctx, compiled, sink) };
}

function conflictKey(c: Conflict): string {
  return `${c.parties.join(',')}|${c.between[0]!.charter}|${c.between[0]!.article}|${c.between[1]!.charter}`;
}

function byKey(a: Conflict, b: Conflict): number {
  const ka = conflictKey(a);
  const kb = conflictKey(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/**
 * A party obligated to assist against a perpetrator state that is bound to
 * it, that same day, by another charter in force.
 */
function findConflicts(ctx: Ctx, compiled: CompiledCharters, sink: Sink): Conflict[] {
  const perp = ctx.perpType === 'state' ? ctx.perpCountry : undefined;
  if (perp === undefined || sink.triggered.length === 0) return [];
  const out: Conflict[] = [];
  const seen = new Set<string>();
  const lang = ctx.lang;
  for (let k = 0; k < sink.triggered.length; k++) {
    const t = sink.triggered[k]!;
    const p = sink.provisions[k]!;
    if (!p.assistsAgainstPerpetrator) continue;
    const ch = p.charter;
    for (const party of t.obligated) {
      for (const other of compiled.charters) {
        if (other === ch || ctx.day < other.from || ctx.day > other.until) continue;
        if (!other.membership.isParty(party, ctx.day) || !other.membership.isParty(perp, ctx.day)) continue;
        const key = `${party}|${t.charter}|${t.article}|${other.id}`;
        if (seen.has(key)) continue;
        seen.add(key);
        out.push({
          parties: party < perp ? [party, perp] : [perp, party],
          between: [
            { charter: t.charter, article: t.article },
            { charter: other.id, article: other.bondArticle },
          ],
          explanation: ctx.S.conflict(
            partyName(party, lang), partyName(perp, lang), ctx.on || formatDay(ctx.day, lang),
            ch.name[lang], art(t.article, lang), t.beneficiary ? partyName(t.beneficiary, lang) : '—',
            other.name[lang], other.bondText[lang],
          ),
        });
      }
    }
  }
  out.sort(byKey);
  return out;
}

export { LANGS };
