import type { Incident, IncidentKind, PerpetratorType, TargetType } from '../incident/incident.ts';
import { INCIDENT_KINDS, PERPETRATOR_TYPES, TARGET_TYPES } from '../incident/incident.ts';
import { dayNumber, formatDay, OPEN_END } from './dates.ts';
import { compileRegion, regionHit, type CompiledRegion, type RegionHit } from './geo.ts';
import { KIND_LABEL, PERPETRATOR_LABEL, SENTENCES, TARGET_LABEL, art, listParties, partyName, type Sentences } from './i18n.ts';
import { Membership, intervalAt, notPartyReason, suspensionAt } from './membership.ts';
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
  targetTypes: Set<string> | null;
  deployedAbroad: boolean;
  label: Text;
  articleRef: Record<Lang, string>;
}

interface ProvisionTexts {
  kind: Record<string, string>;
  perp: Record<string, string>;
  target: Record<string, string>;
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
  kinds: Set<string>;
  perpTypes: Set<string>;
  targetTypes: Set<string>;
  perpState: 'any' | 'party' | 'not_party' | 'outside_backer';
  beneficiary: 'target' | 'location' | 'none';
  clauses: ClauseC[];
  request: { required: boolean; by: 'beneficiary' | 'any_party'; articleRef: Record<Lang, string> };
  obligated: 'other_parties' | 'all_parties' | 'perpetrator';
  assistsAgainstPerpetrator: boolean;
  t: Record<Lang, ProvisionTexts>;
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
}

export interface CompiledCharters {
  readonly charters: readonly CharterC[];
}

const LANGS: Lang[] = ['en', 'fr'];
const EMPTY: TraceItem[] = [];

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
    targetTypes: w.target_types ? new Set(w.target_types) : null,
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
    const kind: Record<string, string> = {};
    for (const k of INCIDENT_KINDS) kind[k] = kinds.has(k) ? S.kindHeld(KIND_LABEL[lang][k], a) : S.kindFailed(KIND_LABEL[lang][k], a, orList(kindLabels, lang));
    const perp: Record<string, string> = {};
    for (const k of PERPETRATOR_TYPES) perp[k] = perpTypes.has(k) ? S.perpHeld(PERPETRATOR_LABEL[lang][k], a) : S.perpFailed(PERPETRATOR_LABEL[lang][k], a, orList(perpLabels, lang));
    const target: Record<string, string> = {};
    for (const k of TARGET_TYPES) target[k] = targetTypes.has(k) ? S.targetHeld(TARGET_LABEL[lang][k], a) : S.targetFailed(TARGET_LABEL[lang][k], a, orList(targetLabels, lang));
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
    kinds,
    perpTypes,
    targetTypes,
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
}

function item(condition: string, held: boolean, detail: string): TraceItem {
  return { condition, held, detail };
}

function partyStatus(ctx: Ctx, ch: CharterC, code: string): { held: boolean; detail: string } {
  const p = ch.membership.parties.get(code);
  const i = p ? intervalAt(p, ctx.day) : -1;
  if (!ctx.tracing) return { held: i >= 0, detail: '' };
  const S = ctx.S;
  const who = partyName(code, ctx.lang);
  if (p && i >= 0) {
    let d = S.partyOn(who, ch.name[ctx.lang], ctx.on, formatDay(p.joined[i]!, ctx.lang));
    const s = suspensionAt(p, ctx.day);
    if (s >= 0) d += S.suspended(who, p.susScope[s]![ctx.lang], formatDay(p.susFrom[s]!, ctx.lang));
    return { held: true, detail: d };
  }
  const r = notPartyReason(p, ctx.day);
  const name = ch.name[ctx.lang];
  const detail =
    r.kind === 'later' ? S.notPartyLater(who, name, ctx.on, formatDay(dayNumber(r.joined), ctx.lang))
    : r.kind === 'left' ? S.notPartyLeft(who, name, ctx.on, formatDay(dayNumber(r.left), ctx.lang))
    : S.notPartyNever(who, name);
  return { held: false, detail };
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

/** Evaluates one place clause. Returns null when the clause does not apply to this target. */
function evalClause(ctx: Ctx, p: ProvisionC, c: ClauseC, beneficiary: string | null): { held: boolean; detail: string } | null {
  if (c.targetTypes !== null && !c.targetTypes.has(ctx.targetType)) return null;
  if (c.deployedAbroad && !ctx.abroad) return null;
  const lang = ctx.lang;
  const S = ctx.S;
  const a = c.articleRef[lang];
  const tr = ctx.tracing;
  switch (c.scope) {
    case 'anywhere':
      return { held: true, detail: tr ? S.whereAnywhere(c.label[lang], a) : '' };
    case 'alliance_territory': {
      const ok = ctx.locCountry !== undefined && p.charter.membership.isParty(ctx.locCountry, ctx.day);
      if (!tr) return { held: ok, detail: '' };
      return { held: ok, detail: ok ? S.whereAlliance(placeText(ctx), c.label[lang], a) : S.whereNotAlliance(placeText(ctx), a) };
    }
    case 'party_territory': {
      const bene = beneficiary ?? ctx.locCountry;
      if (bene === undefined) return { held: false, detail: tr ? S.noLocationCountry() : '' };
      // Territory: the location's country, or a region that counted as the party's territory that day.
      let territoryHow = '';
      let own = ctx.locCountry === bene;
      if (!own) {
        for (const r of p.charter.regions) {
          if (r.territoryOf === bene && regionHit(r, ctx.day, ctx.locCountry, ctx.lon, ctx.lat) !== null) {
            own = true;
            if (tr) territoryHow = S.territoryOf(r.name[lang], partyName(bene, lang));
            break;
          }
        }
      }
      if (!own) return { held: false, detail: tr ? S.whereNotOwnTerritory(partyName(bene, lang), placeText(ctx), a) : '' };
      if (c.regions.length === 0) {
        return { held: true, detail: tr ? S.whereOwnTerritory(partyName(bene, lang), territoryHow || c.label[lang], a) : '' };
      }
      for (const r of c.regions) {
        const hit = regionHit(r, ctx.day, ctx.locCountry, ctx.lon, ctx.lat);
        if (hit !== null) {
          if (!tr) return { held: true, detail: '' };
          return { held: true, detail: `${S.whereOwnTerritory(partyName(bene, lang), territoryHow || c.label[lang], a)} ${S.whereRegion(r.name[lang], hitText(ctx, hit), a)}` };
        }
      }
      if (!tr) return { held: false, detail: '' };
      return { held: false, detail: `${S.whereOwnTerritory(partyName(bene, lang), c.label[lang], a)} ${S.whereNotRegion(regionList(c, lang), a)}${placeSuffix(ctx)}` };
    }
    case 'regions': {
      for (const r of c.regions) {
        const hit = regionHit(r, ctx.day, ctx.locCountry, ctx.lon, ctx.lat);
        if (hit !== null) return { held: true, detail: tr ? S.whereRegion(r.name[lang], hitText(ctx, hit), a) : '' };
      }
      return { held: false, detail: tr ? S.whereNotRegion(regionList(c, lang), a) + placeSuffix(ctx) : '' };
    }
  }
}

function placeSuffix(ctx: Ctx): string {
  return ` — ${placeText(ctx)}`;
}

function regionList(c: ClauseC, lang: Lang): string {
  return c.regions.map((r) => (lang === 'fr' ? `« ${r.name.fr} »` : r.name.en)).join(', ');
}

type Outcome = { triggered: true; result: TriggeredProvision } | { triggered: false; result: NotTriggeredProvision };

function evalProvision(ctx: Ctx, p: ProvisionC, inForce: TraceItem | null, inForceHeld: boolean): Outcome {
  const lang = ctx.lang;
  const t = p.t[lang];
  const ch = p.charter;
  const tr = ctx.tracing;
  const trace: TraceItem[] = tr ? [] : EMPTY;
  const fail = (): Outcome => ({ triggered: false, result: { charter: ch.id, article: p.article, provision: p.id, trace } });

  if (tr) trace.push(inForce!);
  if (!inForceHeld) return fail();

  let ok = p.kinds.has(ctx.kind);
  if (tr) trace.push(item('kind', ok, t.kind[ctx.kind]!));
  if (!ok) return fail();

  ok = p.perpTypes.has(ctx.perpType);
  if (tr) trace.push(item('perpetrator_type', ok, t.perp[ctx.perpType]!));
  if (!ok) return fail();

  ok = p.targetTypes.has(ctx.targetType);
  if (tr) trace.push(item('target_type', ok, t.target[ctx.targetType]!));
  if (!ok) return fail();

  // Beneficiary: the party hit, or the party on whose territory it happened.
  let beneficiary: string | null = null;
  if (p.beneficiary !== 'none') {
    const code = p.beneficiary === 'target' ? ctx.targetCountry : ctx.locCountry;
    if (code === undefined) {
      if (tr) trace.push(item('beneficiary_party', false, p.beneficiary === 'target' ? ctx.S.noTargetCountry() : ctx.S.noLocationCountry()));
      return fail();
    }
    const st = partyStatus(ctx, ch, code);
    if (tr) trace.push(item('beneficiary_party', st.held, st.detail));
    if (!st.held) return fail();
    beneficiary = code;
  }

  // The perpetrator state.
  const perp = ctx.perpType === 'state' ? ctx.perpCountry : undefined;
  const perpIsParty = perp !== undefined && ch.membership.isParty(perp, ctx.day);
  switch (p.perpState) {
    case 'any':
      if (tr && perpIsParty) trace.push(item('perpetrator_state', true, ctx.S.perpIsParty(partyName(perp, lang), ctx.on)));
      break;
    case 'not_party':
      if (tr) trace.push(item('perpetrator_state', !perpIsParty, perp === undefined ? ctx.S.perpNoState() : perpIsParty ? ctx.S.perpMustNotBeParty(partyName(perp, lang), ctx.on) : ctx.S.perpNotParty(partyName(perp, lang), ctx.on)));
      if (perpIsParty) return fail();
      break;
    case 'party': {
      if (perp === undefined) {
        if (tr) trace.push(item('perpetrator_state', false, ctx.S.perpNoState()));
        return fail();
      }
      if (perp === beneficiary) {
        if (tr) trace.push(item('perpetrator_state', false, ctx.S.perpSameAsTarget(partyName(perp, lang))));
        return fail();
      }
      if (!perpIsParty) {
        if (tr) trace.push(item('perpetrator_state', false, ctx.S.perpMustBeParty(partyName(perp, lang), ctx.on)));
        return fail();
      }
      if (tr) trace.push(item('perpetrator_state', true, partyStatus(ctx, ch, perp).detail));
      break;
    }
    case 'outside_backer': {
      const backer = ctx.perpCountry;
      const held = backer !== undefined && backer !== beneficiary;
      if (tr) trace.push(item('outside_support', held, held ? ctx.S.backerHeld(partyName(backer, lang), beneficiary ? partyName(beneficiary, lang) : '—') : ctx.S.backerFailed()));
      if (!held) return fail();
      break;
    }
  }

  // Place.
  let placeHeld = false;
  let placeDetail = '';
  const failures: string[] = [];
  let applicable = 0;
  for (const c of p.clauses) {
    const r = evalClause(ctx, p, c, beneficiary);
    if (r === null) continue;
    applicable++;
    if (r.held) {
      placeHeld = true;
      placeDetail = r.detail;
      break;
    }
    if (tr) failures.push(r.detail);
  }
  if (tr) {
    if (!placeHeld && applicable === 0) {
      placeDetail = p.clauses.map((c) => ctx.S.whereClauseNotApplicable(c.label[lang], c.articleRef[lang])).join(' ');
    } else if (!placeHeld) placeDetail = failures.join(' ');
    trace.push(item('place', placeHeld, placeDetail));
  }
  if (!placeHeld) return fail();

  // Request.
  if (p.request.required) {
    const a = p.request.articleRef[lang];
    if (p.request.by === 'beneficiary') {
      const held = beneficiary !== null && ctx.requested !== undefined && ctx.requested.includes(beneficiary);
      if (tr) trace.push(item('request', held, held ? ctx.S.requestHeld(partyName(beneficiary!, lang), a) : ctx.S.requestFailed(beneficiary ? partyName(beneficiary, lang) : '—', a)));
      if (!held) return fail();
    } else {
      const asker = ctx.requested?.find((c) => ch.membership.isParty(c, ctx.day));
      if (tr) trace.push(item('request', asker !== undefined, asker !== undefined ? ctx.S.requestAnyHeld(partyName(asker, lang), a) : ctx.S.requestAnyFailed(a)));
      if (asker === undefined) return fail();
    }
  }

  // Who is obligated.
  let obligated: string[];
  if (p.obligated === 'perpetrator') obligated = perp !== undefined ? [perp] : [];
  else {
    const inForceParties = ch.membership.inForce(ctx.day);
    obligated = [];
    for (const code of inForceParties) {
      if (code === perp) continue;
      if (p.obligated === 'other_parties' && code === beneficiary) continue;
      obligated.push(code);
    }
  }
  if (tr) {
    trace.push(item('obligated', true, ctx.S.obligated(ctx.on, listParties(obligated, lang), t.rule)));
    for (const code of obligated) {
      const party = ch.membership.parties.get(code)!;
      const s = suspensionAt(party, ctx.day);
      if (s >= 0) trace.push(item('suspension', true, ctx.S.obligatedSuspended(partyName(code, lang), formatDay(party.susFrom[s]!, lang), party.susScope[s]![lang])));
    }
  }
  return {
    triggered: true,
    result: {
      charter: ch.id,
      article: p.article,
      provision: p.id,
      beneficiary,
      obligated,
      obligation: t.obligation,
      decision: t.decision,
      deadline: t.deadline,
      trace,
    },
  };
}

/**
 * Assesses one normalised incident against charters. Pure: no I/O, no clock;
 * the same input gives the same output, in the same order (charters by id,
 * then articles and provisions in the order of the text).
 */
export function assess(
  incident: Incident,
  charters: readonly Charter[] | CompiledCharters,
  at?: string,
  options: AssessOptions = {},
): Assessment {
  const compiled = isCompiled(charters) ? charters : compileCharters(charters);
  const lang: Lang = options.lang ?? 'en';
  const tracing = options.trace !== false;
  const atDay = at ?? incident.date;
  const day = dayNumber(atDay);
  const target = incident.target;
  const loc = incident.location;
  const ctx: Ctx = {
    day,
    on: tracing ? formatDay(day, lang) : '',
    lang,
    S: SENTENCES[lang],
    tracing,
    kind: incident.kind,
    perpType: incident.perpetrator.type,
    perpCountry: incident.perpetrator.country,
    targetType: target.type,
    targetCountry: target.country ?? (target.type === 'territory' ? loc.country : undefined),
    locCountry: loc.country,
    lat: loc.lat,
    lon: loc.lon,
    abroad: target.deployed_abroad === true,
    requested: incident.assistance_requested_by,
  };

  const triggered: TriggeredProvision[] = [];
  const notTriggered: NotTriggeredProvision[] = [];
  for (const ch of compiled.charters) {
    const held = day >= ch.from && day <= ch.until;
    let inForce: TraceItem | null = null;
    if (tracing) {
      const S = ctx.S;
      const detail = held ? S.inForce(ch.name[lang], ctx.on, ch.fromText[lang])
        : day < ch.from ? S.notYet(ch.name[lang], ctx.on, ch.fromText[lang])
        : S.ended(ch.name[lang], ctx.on, ch.untilText[lang]);
      inForce = item('in_force', held, detail);
    }
    for (const p of ch.provisions) {
      const o = evalProvision(ctx, p, inForce, held);
      if (o.triggered) triggered.push(o.result);
      else notTriggered.push(o.result);
    }
  }

  return { at: atDay, triggered, not_triggered: notTriggered, conflicts: findConflicts(ctx, compiled, triggered) };
}

/**
 * A party obligated to assist against a perpetrator state that is bound to
 * it, that same day, by another charter in force.
 */
function findConflicts(ctx: Ctx, compiled: CompiledCharters, triggered: TriggeredProvision[]): Conflict[] {
  const perp = ctx.perpType === 'state' ? ctx.perpCountry : undefined;
  if (perp === undefined || triggered.length === 0) return [];
  const out: Conflict[] = [];
  const seen = new Set<string>();
  const byId = new Map(compiled.charters.map((c) => [c.id, c]));
  for (const t of triggered) {
    const ch = byId.get(t.charter)!;
    const p = ch.provisions.find((x) => x.id === t.provision)!;
    if (!p.assistsAgainstPerpetrator) continue;
    for (const party of t.obligated) {
      for (const other of compiled.charters) {
        if (other === ch || ctx.day < other.from || ctx.day > other.until) continue;
        if (!other.membership.isParty(party, ctx.day) || !other.membership.isParty(perp, ctx.day)) continue;
        const key = `${party}|${t.charter}|${t.article}|${other.id}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const lang = ctx.lang;
        out.push({
          parties: [party, perp].sort(),
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
  out.sort((a, b) => {
    const ka = `${a.parties.join(',')}|${a.between[0]!.charter}|${a.between[0]!.article}|${a.between[1]!.charter}`;
    const kb = `${b.parties.join(',')}|${b.between[0]!.charter}|${b.between[0]!.article}|${b.between[1]!.charter}`;
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
  return out;
}

export { LANGS };
