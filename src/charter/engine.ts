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
  /** Index of the provision in its charter. */
  index: number;
  /** 1 << (index in the compiled set), or 0 past the 30th provision (see notTriggeredSilent). */
  bit: number;
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
  /** The triggered result when traces are off: the same for every incident with this entry (frozen). */
  silent: Record<Lang, TriggeredProvision | undefined>;
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
  /** Bit mask of the incident kinds any of its provisions covers. */
  kindUnion: number;
  /** The article that binds the parties to one another, for conflict reports. */
  bondArticle: string;
  bondText: Record<Lang, string>;
  /** Per language and day: the in_force item and the not-triggered results already built that day. */
  days: Record<Lang, Map<number, DayC>>;
  /** Caches shared by the charters of one compiled set. */
  caches: SetCaches;
  /** Sentences about a state's status (code → variant * 100000 + status → item); they do not depend on the day itself. */
  statusItems: Record<Lang, Map<string, Map<number, TraceItem>>>;
}

/**
 * One charter on one day, in one language. Everything in a not-triggered
 * trace depends on the day only through the in_force sentence (which names
 * the day) and the parties' status that day; the rest depends on a few
 * incident facts, encoded as a small integer (see `check`). So a
 * not-triggered result is built once per (provision, day, language, failure
 * code), frozen, and shared by every incident that fails the same way.
 */
interface DayC {
  held: boolean;
  inForce: TraceItem;
  /** When the charter is not in force that day: each provision's not-triggered result. */
  off: readonly NotTriggeredProvision[] | null;
  /** By provision index: not-triggered results by failure code. */
  misses: (Map<number, NotTriggeredProvision> | undefined)[];
  /** By provision index: the last few triggered results, shared by incidents whose traces have the same items. */
  hits: (TriggeredProvision[] | undefined)[];
}

/**
 * The results of incident classes, by perpetrator country index, then class
 * key (see `classify`); null when the class needs the full evaluation. Traces
 * on: classes that trigger nothing and fail every provision on a check that
 * reads the class only. Traces off: classes whose evaluation read nothing
 * but the class (no coordinates, no request) and gave no conflict.
 */
/** The lists of an incident class whose assessment depends on its class only (no conflicts). */
interface Known {
  triggered: TriggeredProvision[];
  not_triggered: NotTriggeredProvision[];
}

interface ClassTable {
  byPerp: (Map<number, Known | null> | undefined)[];
  /** Traces on: the not_triggered list of the day when no charter is in force. */
  off: readonly NotTriggeredProvision[] | null;
}

interface SetCaches {
  /** How many results and lists the caches below and the charters' day caches hold. */
  results: number;
  charters: CharterC[];
  /** Traces on: per language and day. */
  classDays: Record<Lang, Map<number, ClassTable>>;
  /** Traces off: per language (triggered results carry texts) and epoch (the results are then the same every day of an epoch). */
  classEpochs: Record<Lang, ClassTable[]>;
}

export interface CompiledCharters {
  readonly charters: readonly CharterC[];
  /** Every provision, in result order. */
  readonly provisions: readonly ProvisionC[];
  /** Traces off: the not_triggered list by bit mask of the provisions triggered (frozen lists). */
  readonly silentLists: Map<number, readonly NotTriggeredProvision[]>;
  readonly allSilent: readonly NotTriggeredProvision[];
  /**
   * First days of the epochs: the days on which a charter enters into or
   * ceases to be in force, a membership or suspension begins or ends, or a
   * region becomes or ceases to be valid. Within an epoch, which provisions
   * an incident can trigger, and for whom, does not change.
   */
  readonly epochStarts: readonly number[];
  readonly caches: SetCaches;
}

const LANGS: Lang[] = ['en', 'fr'];
/** The trace of every result when traces are off (frozen, shared). */
const EMPTY = Object.freeze([]) as unknown as TraceItem[];
const NO_TRIGGERED = Object.freeze([]) as unknown as TriggeredProvision[];
const NO_CONFLICTS = Object.freeze([]) as unknown as Conflict[];
/** Results held by the day caches of one compiled set before they are emptied (about 200 bytes each). */
const DAY_CACHE_RESULTS = 100_000;

function byLang<T>(f: (lang: Lang) => T): Record<Lang, T> {
  return { en: f('en'), fr: f('fr') };
}

function orList(items: string[], lang: Lang): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} ${lang === 'fr' ? 'ou' : 'or'} ${items[items.length - 1]}`;
}

function compileProvision(ch: CharterC, articleNumber: string, p: Provision, index: number): ProvisionC {
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
    index,
    bit: 0,
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

function compileCharter(c: Charter, caches: SetCaches): CharterC {
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
    kindUnion: 0,
    bondArticle: bond.article,
    bondText: byLang((l) => `${art(bond.article, l)}, ${bond.title[l]}`),
    days: { en: new Map(), fr: new Map() },
    caches,
    statusItems: { en: new Map(), fr: new Map() },
  };
  for (const a of c.articles) for (const p of a.provisions) ch.provisions.push(compileProvision(ch, a.number, p, ch.provisions.length));
  for (const p of ch.provisions) ch.kindUnion |= p.kindMask;
  return ch;
}

const compiledCache = new WeakMap<readonly Charter[], CompiledCharters>();

/** Compiles charters for assess(); sorted by id so results do not depend on the input order. */
export function compileCharters(charters: readonly Charter[]): CompiledCharters {
  let c = compiledCache.get(charters);
  if (!c) {
    const sorted = [...charters].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const caches: SetCaches = { results: 0, charters: [], classDays: { en: new Map(), fr: new Map() }, classEpochs: { en: [], fr: [] } };
    const list = sorted.map((x) => compileCharter(x, caches));
    caches.charters = list;
    const provisions = list.flatMap((x) => x.provisions);
    provisions.forEach((p, i) => { p.bit = i < 30 ? 1 << i : 0; });
    const allSilent = Object.freeze(provisions.map((p) => p.silentMiss));
    const starts = new Set<number>();
    const add = (d: number) => { if (d !== OPEN_END && d !== -OPEN_END) starts.add(d); };
    for (const ch of list) {
      add(ch.from);
      if (ch.until !== OPEN_END) add(ch.until + 1);
      for (const r of ch.regions) {
        add(r.from);
        if (r.until !== OPEN_END) add(r.until + 1);
      }
      for (const party of ch.membership.parties.values()) {
        for (const d of party.joined) add(d);
        for (const d of party.left) add(d);
        for (const d of party.susFrom) add(d);
        for (const d of party.susTo) add(d);
      }
    }
    const epochStarts = [...starts].sort((a, b) => a - b);
    c = { charters: list, provisions, silentLists: new Map([[0, allSilent]]), allSilent, epochStarts, caches };
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
  /** The day in words, for conflict explanations ('' until needed). */
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
  /** Failure codes of the kind, perpetrator-type and target-type checks (see `check`). */
  codeKind: number;
  codePerp: number;
  codeTarget: number;
  /** Scratch: the sentence of the last place clause evaluated (tracing only). */
  detail: string;
  /** Scratch: a cached trace item for a clause that held, when there is one. */
  heldItem: TraceItem | null;
  /** Scratch: the trace being built (tracing only). */
  trace: TraceItem[];
  /** Scratch: whether a check read more than the incident's class (its coordinates, who asked for assistance). */
  geo: boolean;
  /** Scratch: the beneficiary and perpetrator state of the provision just checked. */
  beneficiary: string | null;
  perp: string | undefined;
}

const CTX: Ctx = {
  day: 0, on: '', lang: 'en', S: SENTENCES.en, tracing: true, kind: 'other', perpType: 'unknown', perpCountry: undefined,
  targetType: 'territory', targetCountry: undefined, locCountry: undefined, lat: undefined, lon: undefined, abroad: false,
  requested: undefined, kindBit: 0, perpBit: 0, targetBit: 0, codeKind: 0, codePerp: 0, codeTarget: 0, detail: '',
  heldItem: null, trace: EMPTY, geo: false, beneficiary: null, perp: undefined,
};

// Index of a kind / perpetrator type / target type in the taxonomy's lists. A switch on
// the string is several times faster than a keyed property or Map lookup here; the
// check below keeps it in step with src/incident/incident.ts.
function kindIndex(k: string): number {
  switch (k) {
    case 'armed_attack': return 0;
    case 'terrorist_attack': return 1;
    case 'armed_rebellion': return 2;
    case 'border_incursion': return 3;
    case 'blockade': return 4;
    case 'threat': return 5;
    case 'coup': return 6;
    case 'civil_unrest': return 7;
    case 'other': return 8;
    default: return -1;
  }
}
function perpIndex(k: string): number {
  switch (k) {
    case 'state': return 0;
    case 'non_state_armed_group': return 1;
    case 'rebel_group': return 2;
    case 'unknown': return 3;
    default: return -1;
  }
}
function targetIndex(k: string): number {
  switch (k) {
    case 'territory': return 0;
    case 'armed_forces': return 1;
    case 'vessel_or_aircraft': return 2;
    case 'civilians': return 3;
    case 'government': return 4;
    case 'infrastructure': return 5;
    default: return -1;
  }
}
for (const [list, f] of [[INCIDENT_KINDS, kindIndex], [PERPETRATOR_TYPES, perpIndex], [TARGET_TYPES, targetIndex]] as const) {
  list.forEach((k, i) => { if (f(k) !== i) throw new Error(`engine: the index of '${k}' is out of step with the taxonomy`); });
}

/**
 * Small integers for country codes, for failure codes and class keys: 0 for
 * none, 1–255 in order of first sight; -1 once 255 are taken (those
 * incidents and failures are not cached). Three capital letters (ISO 3166-1
 * alpha-3, all that validation lets through) go through a table indexed by
 * the letters, which is several times faster than a Map lookup; anything
 * else through a Map.
 */
const COUNTRY_SLOT = new Uint8Array(26 * 26 * 26);
const COUNTRY_OTHER = new Map<string, number>();
let countriesSeen = 0;
function countryIndex(code: string | undefined): number {
  if (code === undefined) return 0;
  if (code.length === 3) {
    const a = code.charCodeAt(0) - 65;
    const b = code.charCodeAt(1) - 65;
    const c = code.charCodeAt(2) - 65;
    if (a >= 0 && a < 26 && b >= 0 && b < 26 && c >= 0 && c < 26) {
      const slot = (a * 26 + b) * 26 + c;
      const i = COUNTRY_SLOT[slot]!;
      if (i !== 0) return i;
      if (countriesSeen >= 255) return -1;
      COUNTRY_SLOT[slot] = ++countriesSeen;
      return countriesSeen;
    }
  }
  let i = COUNTRY_OTHER.get(code);
  if (i === undefined) {
    if (countriesSeen >= 255) return -1;
    i = ++countriesSeen;
    COUNTRY_OTHER.set(code, i);
  }
  return i;
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

/** regionHit on the incident's place; notes in ctx.geo when the answer came from its coordinates (not from its class). */
function regionAt(ctx: Ctx, r: CompiledRegion): RegionHit {
  if (ctx.lon !== undefined && ctx.lat !== undefined && ctx.day >= r.from && ctx.day <= r.until && !(ctx.locCountry !== undefined && r.countries.has(ctx.locCountry))) ctx.geo = true;
  return regionHit(r, ctx.day, ctx.locCountry, ctx.lon, ctx.lat);
}

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
          if (r.territoryOf === bene && regionAt(ctx, r) !== null) {
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
        const hit = regionAt(ctx, r);
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
        const hit = regionAt(ctx, r);
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

/** check(): the provision is triggered. */
const TRIGGERED = -1;
/** check(): not triggered, for a reason that depends on more than the codes below (place, request): not cached. */
const UNCACHED = -2;

const KINDS_N = INCIDENT_KINDS.length;
const PERPS_N = PERPETRATOR_TYPES.length;
/** Number of (kind, perpetrator type, target type) combinations. */
const KPT_N = KINDS_N * PERPS_N * TARGET_TYPES.length;
// Failure codes are small integers (V8 Smis, fast Map keys): stage + 8 * facts, see check().
if (8 * KPT_N * 256 * 256 >= 2 ** 30) throw new Error('engine: failure codes no longer fit in 30 bits');

/**
 * Evaluates one provision (its charter being in force) in a fixed order;
 * when `tr`, pushes onto ctx.trace what held, then the condition that failed.
 *
 * Returns TRIGGERED (ctx.beneficiary and ctx.perp set), UNCACHED, or a
 * failure code ≥ 0 that, with the provision, the day and the language,
 * determines the whole trace: the failing stage (1 kind, 2 perpetrator
 * type, 3 target type, 4 beneficiary, 5 perpetrator state or outside
 * support) plus 8 × the incident facts that stage and the ones before it
 * read (kind, perpetrator and target types, then the beneficiary's and the
 * perpetrator's countries, whose status that day the sentences state).
 */
function check(ctx: Ctx, p: ProvisionC, tr: boolean): number {
  const lang = ctx.lang;
  const t = p.t[lang];
  const ch = p.charter;
  const S = ctx.S;
  const trace = ctx.trace;
  ctx.tracing = tr;

  if (tr) trace.push(t.kind[ctx.kind]!);
  if ((p.kindMask & ctx.kindBit) === 0) return ctx.codeKind;
  if (tr) trace.push(t.perp[ctx.perpType]!);
  if ((p.perpMask & ctx.perpBit) === 0) return ctx.codePerp;
  if (tr) trace.push(t.target[ctx.targetType]!);
  if ((p.targetMask & ctx.targetBit) === 0) return ctx.codeTarget;
  const kpt = ctx.codeTarget >> 3;

  // Beneficiary: the party hit, or the party on whose territory it happened.
  let beneficiary: string | null = null;
  if (p.beneficiary !== 'none') {
    const code = p.beneficiary === 'target' ? ctx.targetCountry : ctx.locCountry;
    if (code === undefined) {
      if (tr) trace.push(frozenItem('beneficiary_party', false, p.beneficiary === 'target' ? S.noTargetCountry() : S.noLocationCountry()));
      return 4 + 8 * kpt;
    }
    const ok = ch.membership.isParty(code, ctx.day);
    if (tr) trace.push(statusItem(ctx, ch, V_BENEFICIARY, code, ok));
    if (!ok) {
      const bc = countryIndex(code);
      return bc < 0 ? UNCACHED : 4 + 8 * (kpt + KPT_N * bc);
    }
    beneficiary = code;
  }

  // The perpetrator state.
  const perp = ctx.perpType === 'state' ? ctx.perpCountry : undefined;
  const perpIsParty = perp !== undefined && ch.membership.isParty(perp, ctx.day);
  let failed = false;
  switch (p.perpState) {
    case 'any':
      if (tr && perpIsParty) trace.push(statusItem(ctx, ch, V_PERP_INFO, perp, true));
      break;
    case 'not_party':
      if (tr) trace.push(perp === undefined ? frozenItem('perpetrator_state', true, S.perpNoState()) : statusItem(ctx, ch, perpIsParty ? V_PERP_MUST_NOT : V_PERP_NOT_PARTY, perp, !perpIsParty));
      failed = perpIsParty;
      break;
    case 'party':
      if (perp === undefined) {
        if (tr) trace.push(frozenItem('perpetrator_state', false, S.perpNoState()));
        failed = true;
      } else if (perp === beneficiary) {
        if (tr) trace.push(frozenItem('perpetrator_state', false, S.perpSameAsTarget(partyName(perp, lang))));
        failed = true;
      } else {
        if (tr) trace.push(statusItem(ctx, ch, perpIsParty ? V_PERP_PARTY : V_PERP_MUST, perp, perpIsParty));
        failed = !perpIsParty;
      }
      break;
    case 'outside_backer': {
      const backer = ctx.perpCountry;
      const ok = backer !== undefined && backer !== beneficiary;
      if (tr) trace.push(frozenItem('outside_support', ok, ok ? S.backerHeld(partyName(backer, lang), beneficiary ? partyName(beneficiary, lang) : '—') : S.backerFailed()));
      failed = !ok;
      break;
    }
  }
  if (failed) {
    const bc = beneficiary === null ? 0 : countryIndex(beneficiary);
    const pc = countryIndex(ctx.perpCountry);
    return bc < 0 || pc < 0 ? UNCACHED : 5 + 8 * (kpt + KPT_N * (bc + 256 * pc));
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
      trace.push(frozenItem('place', false, detail));
    } else trace.push(frozenItem('place', false, failures));
  }
  if (!placeHeld) return UNCACHED;

  // Request.
  if (p.request.required) {
    ctx.geo = true; // reads who asked: not part of the incident's class
    const a = p.request.articleRef[lang];
    const asked = ctx.requested;
    if (p.request.by === 'beneficiary') {
      const ok = beneficiary !== null && asked !== undefined && asked.includes(beneficiary);
      if (tr) trace.push(frozenItem('request', ok, ok ? S.requestHeld(partyName(beneficiary!, lang), a) : S.requestFailed(beneficiary ? partyName(beneficiary, lang) : '—', a)));
      if (!ok) return UNCACHED;
    } else {
      let asker: string | undefined;
      if (asked !== undefined) for (const c of asked) if (ch.membership.isParty(c, ctx.day)) { asker = c; break; }
      if (tr) trace.push(frozenItem('request', asker !== undefined, asker !== undefined ? S.requestAnyHeld(partyName(asker, lang), a) : S.requestAnyFailed(a)));
      if (asker === undefined) return UNCACHED;
    }
  }
  ctx.beneficiary = beneficiary;
  ctx.perp = perp;
  return TRIGGERED;
}

/**
 * Who is obligated: parties in force that day (suspended ones included), never the perpetrator.
 * Lists, their sentences and the silent result are cached per (parties in force and their
 * suspensions, beneficiary, perpetrator) and shared, frozen. Keyed by the interned list's id:
 * V8 hashes frozen objects slowly as Map keys.
 */
function obligEntry(ctx: Ctx, p: ProvisionC): ObligEntry {
  const ch = p.charter;
  const beneficiary = ctx.beneficiary;
  const perp = ctx.perp;
  const listId = ch.membership.inForceId(ctx.day);
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
      for (const code of ch.membership.inForce(ctx.day)) {
        if (code === perp || (skipBeneficiary && code === beneficiary)) continue;
        list.push(code);
      }
    }
    entry = { obligated: Object.freeze(list) as string[], items: { en: undefined, fr: undefined }, silent: { en: undefined, fr: undefined } };
    byPerp.set(pKey, entry);
  }
  return entry;
}

/** A triggered provision with traces off: shared and frozen. */
function silentTriggered(ctx: Ctx, p: ProvisionC): TriggeredProvision {
  const entry = obligEntry(ctx, p);
  const lang = ctx.lang;
  let r = entry.silent[lang];
  if (r === undefined) {
    const t = p.t[lang];
    r = Object.freeze({
      charter: p.charter.id, article: p.article, provision: p.id, beneficiary: ctx.beneficiary, obligated: entry.obligated,
      obligation: t.obligation, decision: t.decision, deadline: t.deadline, trace: EMPTY,
    });
    entry.silent[lang] = r;
  }
  return r;
}

/** A triggered provision with its trace, frozen: the day's earlier result when its trace has the same items. */
function tracedTriggered(ctx: Ctx, p: ProvisionC, dc: DayC): TriggeredProvision {
  const trace: TraceItem[] = [dc.inForce];
  ctx.trace = trace;
  check(ctx, p, true);
  ctx.trace = EMPTY;
  const entry = obligEntry(ctx, p);
  const lang = ctx.lang;
  const obligated = entry.obligated;
  let items = entry.items[lang];
  if (items === undefined) {
    const ch = p.charter;
    items = [frozenItem('obligated', true, ctx.S.obligated(listParties(obligated, lang), p.t[lang].rule))];
    for (const code of obligated) {
      const party = ch.membership.parties.get(code)!;
      const sIdx = suspensionAt(party, ctx.day);
      if (sIdx >= 0) items.push(frozenItem('suspension', true, ctx.S.obligatedSuspended(partyName(code, lang), formatDay(party.susFrom[sIdx]!, lang), party.susScope[sIdx]![lang])));
    }
    entry.items[lang] = items;
  }
  for (let k = 0; k < items.length; k++) trace.push(items[k]!);
  // The same provision, day and language with the same beneficiary, obligated list and trace items
  // (each a shared, frozen item) is the same result: the one built before is returned, so a caller
  // that keeps what it made of a result (the server keeps its JSON) finds it again.
  let recent = dc.hits[p.index];
  if (recent === undefined) {
    recent = [];
    dc.hits[p.index] = recent;
  }
  for (let k = 0; k < recent.length; k++) {
    const r = recent[k]!;
    if (r.beneficiary === ctx.beneficiary && r.obligated === obligated && sameItems(r.trace, trace)) return r;
  }
  const t = p.t[lang];
  const r: TriggeredProvision = Object.freeze({
    charter: p.charter.id, article: p.article, provision: p.id, beneficiary: ctx.beneficiary, obligated,
    obligation: t.obligation, decision: t.decision, deadline: t.deadline, trace: Object.freeze(trace) as TraceItem[],
  });
  // A few per provision and day: traces with items made for one incident (a request, an outside backer) never match again.
  if (recent.length >= RECENT_HITS) recent.shift();
  recent.push(r);
  spend(p.charter.caches, 1);
  return r;
}

/** Triggered results kept per provision, day and language. */
const RECENT_HITS = 8;

function sameItems(a: readonly TraceItem[], b: readonly TraceItem[]): boolean {
  if (a.length !== b.length) return false;
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return false;
  return true;
}

/** A not-triggered provision with its trace: from the day's cache when its failure code has been seen that day. */
function tracedMiss(ctx: Ctx, p: ProvisionC, dc: DayC, code: number): NotTriggeredProvision {
  let m: Map<number, NotTriggeredProvision> | undefined;
  if (code >= 0) {
    m = dc.misses[p.index];
    if (m === undefined) {
      m = new Map();
      dc.misses[p.index] = m;
    }
    const hit = m.get(code);
    if (hit !== undefined) return hit;
  }
  const trace: TraceItem[] = [dc.inForce];
  ctx.trace = trace;
  check(ctx, p, true);
  ctx.trace = EMPTY;
  const r: NotTriggeredProvision = Object.freeze({ charter: p.charter.id, article: p.article, provision: p.id, trace: Object.freeze(trace) as TraceItem[] });
  if (m !== undefined) {
    m.set(code, r);
    spend(p.charter.caches, 1);
  }
  return r;
}

/** Counts results held by a compiled set's day caches; empties them all past DAY_CACHE_RESULTS (memory stays bounded). */
function spend(caches: SetCaches, n: number): void {
  caches.results += n;
  if (caches.results > DAY_CACHE_RESULTS) {
    for (const c of caches.charters) {
      c.days.en.clear();
      c.days.fr.clear();
    }
    caches.classDays.en.clear();
    caches.classDays.fr.clear();
    caches.classEpochs.en.length = 0;
    caches.classEpochs.fr.length = 0;
    caches.results = 0;
  }
}

/** The charter on `day` in `lang`: its in_force item and, when it is not in force, every provision's result. */
function dayCache(ch: CharterC, day: number, lang: Lang): DayC {
  const cache = ch.days[lang];
  let dc = cache.get(day);
  if (dc === undefined) {
    const S = SENTENCES[lang];
    const on = formatDay(day, lang);
    const held = day >= ch.from && day <= ch.until;
    const detail = held ? S.inForce(ch.name[lang], on, ch.fromText[lang])
      : day < ch.from ? S.notYet(ch.name[lang], on, ch.fromText[lang])
      : S.ended(ch.name[lang], on, ch.untilText[lang]);
    const inForce = frozenItem('in_force', held, detail);
    let off: NotTriggeredProvision[] | null = null;
    if (!held) {
      off = [];
      const trace = Object.freeze([inForce]) as TraceItem[];
      for (const p of ch.provisions) off.push(Object.freeze({ charter: ch.id, article: p.article, provision: p.id, trace }));
      Object.freeze(off);
    }
    spend(ch.caches, 1 + ch.provisions.length);
    dc = { held, inForce, off, misses: [], hits: [] };
    cache.set(day, dc);
  }
  return dc;
}

/** Reads the incident's facts into the scratch context. */
function prepare(ctx: Ctx, incident: Incident, day: number, lang: Lang): void {
  const target = incident.target;
  const loc = incident.location;
  ctx.day = day;
  ctx.on = '';
  ctx.lang = lang;
  ctx.S = SENTENCES[lang];
  ctx.tracing = false;
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
  const k = kindIndex(incident.kind);
  const pt = perpIndex(incident.perpetrator.type);
  const tt = targetIndex(target.type);
  ctx.kindBit = 1 << k;
  ctx.perpBit = 1 << pt;
  ctx.targetBit = 1 << tt;
  ctx.codeKind = 1 + 8 * k;
  ctx.codePerp = 2 + 8 * (k + KINDS_N * pt);
  ctx.codeTarget = 3 + 8 * (k + KINDS_N * (pt + PERPS_N * tt));
  ctx.detail = '';
  ctx.heldItem = null;
  ctx.trace = EMPTY;
  ctx.geo = false;
  ctx.beneficiary = null;
  ctx.perp = undefined;
}

/** Traces off: the not-triggered list, shared and frozen per set of triggered provisions. */
function silentNotTriggered(compiled: CompiledCharters, mask: number, triggered: ProvisionC[] | null): NotTriggeredProvision[] {
  if (triggered === null) return compiled.allSilent as NotTriggeredProvision[];
  const all = compiled.provisions;
  if (all.length <= 30) {
    let l = compiled.silentLists.get(mask);
    if (l === undefined) {
      const out: NotTriggeredProvision[] = [];
      for (const p of all) if ((mask & p.bit) === 0) out.push(p.silentMiss);
      l = Object.freeze(out);
      if (compiled.silentLists.size > 4096) {
        compiled.silentLists.clear();
        compiled.silentLists.set(0, compiled.allSilent);
      }
      compiled.silentLists.set(mask, l);
    }
    return l as NotTriggeredProvision[];
  }
  const out: NotTriggeredProvision[] = [];
  for (const p of all) if (!triggered.includes(p)) out.push(p.silentMiss);
  return out;
}

/** classify(): the perpetrator country's index, beside the returned class key. */
let classPerp = 0;

/**
 * The incident's class: what the checks read, except the coordinates and
 * who asked for assistance (kind, perpetrator and target types, target,
 * location and perpetrator countries, whether it has coordinates, whether
 * the target was deployed abroad). Returns a key below 2^30, with the
 * perpetrator country's index in `classPerp`, or -1 when a country has no
 * index (not cached).
 */
function classify(incident: Incident): number {
  const target = incident.target;
  const loc = incident.location;
  const k = kindIndex(incident.kind);
  const pt = perpIndex(incident.perpetrator.type);
  const tt = targetIndex(target.type);
  if (k < 0 || pt < 0 || tt < 0) return -1; // not a validated incident: never cached
  const kpt = k + KINDS_N * (pt + PERPS_N * tt);
  const lc = countryIndex(loc.country);
  const tc = target.country === undefined ? (target.type === 'territory' ? lc : 0) : target.country === loc.country ? lc : countryIndex(target.country);
  classPerp = countryIndex(incident.perpetrator.country);
  if (lc < 0 || tc < 0 || classPerp < 0) return -1;
  const place = (loc.lat !== undefined && loc.lon !== undefined ? 1 : 0) + (target.deployed_abroad === true ? 2 : 0);
  return kpt + KPT_N * (tc + 256 * (lc + 256 * place));
}

/** The epoch of `day`: how many epoch starts are on or before it. */
function epochIndex(starts: readonly number[], day: number): number {
  if (starts.length === 0 || day < starts[0]!) return 0;
  if (day >= starts[starts.length - 1]!) return starts.length;
  let lo = 0;
  let hi = starts.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (starts[mid]! <= day) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The class table of a day (traces on) or an epoch (traces off). */
function classTable(compiled: CompiledCharters, tracing: boolean, day: number, lang: Lang): ClassTable {
  const caches = compiled.caches;
  let t: ClassTable | undefined;
  if (tracing) {
    const byDay = caches.classDays[lang];
    t = byDay.get(day);
    if (t === undefined) {
      t = { byPerp: [], off: null };
      byDay.set(day, t);
    }
  } else {
    const e = epochIndex(compiled.epochStarts, day);
    const byEpoch = caches.classEpochs[lang];
    t = byEpoch[e];
    if (t === undefined) {
      t = { byPerp: [], off: null };
      byEpoch[e] = t;
    }
  }
  return t;
}

/** Traces on, no charter in force on `day`: every provision's in_force result (frozen list, per day). */
function offList(compiled: CompiledCharters, day: number, lang: Lang): NotTriggeredProvision[] {
  const t = classTable(compiled, true, day, lang);
  if (t.off === null) {
    const out: NotTriggeredProvision[] = [];
    for (const ch of compiled.charters) for (const r of dayCache(ch, day, lang).off!) out.push(r);
    t.off = Object.freeze(out);
    spend(compiled.caches, 1);
  }
  return t.off as NotTriggeredProvision[];
}

/**
 * Assesses one normalised incident against charters. Pure: no I/O, no clock;
 * the same input gives the same output, in the same order (charters by id,
 * then articles and provisions in the order of the text).
 *
 * Results are read-only. The assessment object itself is new on every call,
 * but what it holds may be shared between calls and is frozen: every
 * not-triggered and triggered result, every trace and trace item, the
 * obligated lists and texts, the empty lists, and the not_triggered list
 * when nothing is triggered (or always, with traces off). A not-triggered
 * result depends only on the provision, the day, the language and the
 * condition that failed (with the facts it read), so incidents that fail
 * the same way on the same day get the same object; incidents of the same
 * class (`classify`) that trigger nothing on the same day get the same
 * list. Copy before changing anything (e.g. structuredClone).
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
  const list = compiled.charters;

  // No charter in force that day: every provision fails on in_force, whatever the incident.
  let anyHeld = false;
  for (let c = 0; c < list.length; c++) if (day >= list[c]!.from && day <= list[c]!.until) anyHeld = true;
  if (!anyHeld) return { at: atDay, triggered: NO_TRIGGERED, not_triggered: tracing ? offList(compiled, day, lang) : compiled.allSilent as NotTriggeredProvision[], conflicts: NO_CONFLICTS };

  // An incident of a class already seen that day (epoch, traces off) that triggered nothing: the same list.
  const key = classify(incident);
  let classes: Map<number, Known | null> | undefined;
  if (key >= 0) {
    const byPerp = classTable(compiled, tracing, day, lang).byPerp;
    classes = byPerp[classPerp];
    if (classes === undefined) {
      classes = new Map();
      byPerp[classPerp] = classes;
    }
    const known = classes.get(key);
    if (known != null) return { at: atDay, triggered: known.triggered, not_triggered: known.not_triggered, conflicts: NO_CONFLICTS };
  }

  // One scratch context, overwritten by each call: assess() is synchronous and
  // calls nothing that could re-enter it, so this stays pure from the outside.
  const ctx = CTX;
  let ready = false;
  let triggered: TriggeredProvision[] | null = null;
  let provisions: ProvisionC[] | null = null;
  let mask = 0;
  // Whether every provision failed on a check that depends on the class only.
  let classOnly = true;
  const notTriggered: NotTriggeredProvision[] | null = tracing ? [] : null;
  for (let c = 0; c < list.length; c++) {
    const ch = list[c]!;
    const held = day >= ch.from && day <= ch.until;
    let dc: DayC | null = null;
    if (notTriggered !== null) {
      dc = dayCache(ch, day, lang);
      if (!held) {
        const off = dc.off!;
        for (let k = 0; k < off.length; k++) notTriggered.push(off[k]!);
        continue;
      }
    } else if (!held) continue;
    if (!ready) {
      prepare(ctx, incident, day, lang);
      ready = true;
    }
    // Traces off: a charter none of whose provisions covers this kind of incident adds nothing.
    if (dc === null && (ch.kindUnion & ctx.kindBit) === 0) continue;
    const provs = ch.provisions;
    for (let k = 0; k < provs.length; k++) {
      const p = provs[k]!;
      const code = check(ctx, p, false);
      if (code < 0) classOnly = false;
      if (code === TRIGGERED) {
        (triggered ??= []).push(dc === null ? silentTriggered(ctx, p) : tracedTriggered(ctx, p, dc));
        (provisions ??= []).push(p);
        mask |= p.bit;
      } else if (dc !== null) notTriggered!.push(tracedMiss(ctx, p, dc, code));
    }
  }
  const nt = notTriggered ?? silentNotTriggered(compiled, mask, provisions);
  const conflicts = triggered === null ? NO_CONFLICTS : findConflicts(ctx, compiled, triggered, provisions!);
  if (classes !== undefined && !classes.has(key)) {
    let known: Known | null = null;
    if (notTriggered !== null) {
      // Traces on: the day's lists when nothing is triggered (a triggered trace names the place as given).
      if (classOnly) known = { triggered: NO_TRIGGERED, not_triggered: Object.freeze(notTriggered) as NotTriggeredProvision[] };
    } else if (!ctx.geo && conflicts === NO_CONFLICTS) {
      // Traces off: the epoch's lists (conflict explanations name the day).
      known = { triggered: triggered === null ? NO_TRIGGERED : Object.freeze(triggered) as TriggeredProvision[], not_triggered: nt };
    }
    classes.set(key, known);
    spend(compiled.caches, 1);
  }
  return { at: atDay, triggered: triggered ?? NO_TRIGGERED, not_triggered: nt, conflicts };
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
function findConflicts(ctx: Ctx, compiled: CompiledCharters, triggered: TriggeredProvision[], provisions: ProvisionC[]): Conflict[] {
  const perp = ctx.perpType === 'state' ? ctx.perpCountry : undefined;
  if (perp === undefined) return NO_CONFLICTS;
  const out: Conflict[] = [];
  const seen = new Set<string>();
  const lang = ctx.lang;
  for (let k = 0; k < triggered.length; k++) {
    const t = triggered[k]!;
    const p = provisions[k]!;
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
  if (out.length === 0) return NO_CONFLICTS;
  out.sort(byKey);
  return out;
}

export { LANGS };
