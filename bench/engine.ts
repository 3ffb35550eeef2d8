/**
 * Assessment-engine benchmark: `npx tsx bench/engine.ts` (TZ=UTC).
 *
 * Input: every event of the real UCDP GED Sahel data
 * (../shared/data/ucdp_ged_sahel/raw/*.csv beside the repository, or FOEDUS_UCDP_DIR;
 * data/ucdp of the repository when neither is there), mapped to
 * engine incidents with src/incident/ucdp (the importer's own mapper).
 *
 * In the same run:
 *  1. Foedus `assess()` against all shipped charters, traces on, repeated to
 *     at least 1,000,000 assessments;
 *  2. the same with traces off, and with the AES charter only (like for like
 *     with 3 and 4);
 *  3. the AES arts. 4/5/6 triggers written as json-rules-engine rules (the
 *     JS rules engine a team would otherwise reach for), over the same incidents;
 *  4. a hand-written TypeScript predicate for the same three articles (the
 *     ceiling): trigger decisions, beneficiary and obligated parties.
 * It checks that 1, 3 and 4 agree on every incident before printing rates.
 */
import { createReadStream, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Engine } from 'json-rules-engine';
import { assess, compileCharters, type Assessment } from '../src/charter/engine.ts';
import { loadCharters } from '../src/charter/loader.ts';
import type { Incident } from '../src/incident/incident.ts';
import { isRowError, mapUcdpRow } from '../src/incident/ucdp/mapper.ts';
import { readUcdpCsv } from '../src/incident/ucdp/wire.ts';
import { generatedIncidents } from './engine-incidents.ts';


const TARGET = Number(process.env.FOEDUS_BENCH_ASSESSMENTS ?? 1_000_000);
const JRE_TARGET = Number(process.env.FOEDUS_BENCH_JRE ?? 20_000);
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SHARED = join(ROOT, '../shared/data/ucdp_ged_sahel/raw');
const DATA = process.env.FOEDUS_UCDP_DIR ?? (existsSync(SHARED) ? SHARED : join(ROOT, 'data/ucdp'));

async function loadIncidents(): Promise<Incident[]> {
  if (!existsSync(DATA)) throw new Error(`UCDP data not found at ${DATA} (set FOEDUS_UCDP_DIR)`);
  const out: Incident[] = [];
  let rejected = 0;
  const now = '2026-01-01T00:00:00.000Z';
  for (const f of readdirSync(DATA).filter((x) => x.endsWith('.csv')).sort()) {
    for await (const l of readUcdpCsv(createReadStream(join(DATA, f)), f)) {
      if (l.error) { rejected++; continue; }
      const r = mapUcdpRow(l.row, l.line, now);
      if (isRowError(r)) rejected++;
      else out.push(r.incident);
    }
  }
  console.log(`incidents: ${out.length.toLocaleString('en')} UCDP events mapped from ${DATA} (${rejected} rows rejected by the mapper)`);
  return out;
}

// ---- the AES triggers, by hand (the ceiling) ----------------------------------------------
const AES_FROM = '2023-09-16';
const AES_PARTIES = ['BFA', 'MLI', 'NER'];
const isAes = (c: string | undefined) => c === 'BFA' || c === 'MLI' || c === 'NER';
const K6 = new Set(['armed_attack', 'terrorist_attack', 'border_incursion', 'blockade']);

interface HandResult { article: string; beneficiary: string; obligated: string[] }

function handWritten(i: Incident): HandResult[] {
  const out: HandResult[] = [];
  if (i.date < AES_FROM) return out;
  const loc = i.location.country;
  const tgt = i.target.country ?? (i.target.type === 'territory' ? loc : undefined);
  const perp = i.perpetrator.type === 'state' ? i.perpetrator.country : undefined;
  // art. 4: terrorism by a non-state armed group in the common space
  if ((i.kind === 'terrorist_attack' || i.kind === 'armed_attack') && i.perpetrator.type === 'non_state_armed_group' && isAes(loc)) {
    out.push({ article: '4', beneficiary: loc!, obligated: AES_PARTIES.filter((p) => p !== perp) });
  }
  // art. 5: armed rebellion by a rebel group on a party's territory
  if ((i.kind === 'armed_rebellion' || i.kind === 'armed_attack') && i.perpetrator.type === 'rebel_group' && isAes(loc)) {
    out.push({ article: '5', beneficiary: loc!, obligated: AES_PARTIES.filter((p) => p !== perp) });
  }
  // art. 6 with the art. 7 extensions
  if (K6.has(i.kind) && isAes(tgt)) {
    const place = loc === tgt || (i.target.type === 'armed_forces' && i.target.deployed_abroad === true) || i.target.type === 'vessel_or_aircraft';
    if (place) out.push({ article: '6', beneficiary: tgt!, obligated: AES_PARTIES.filter((p) => p !== tgt && p !== perp) });
  }
  return out;
}

// ---- the same triggers in json-rules-engine -----------------------------------------------
function jreEngine(): Engine {
  const engine = new Engine([], { allowUndefinedFacts: true });
  engine.addRule({
    name: 'aes-2023/4', event: { type: '4' },
    conditions: { all: [
      { fact: 'date', operator: 'greaterThanInclusive', value: Date.parse(AES_FROM) },
      { fact: 'kind', operator: 'in', value: ['terrorist_attack', 'armed_attack'] },
      { fact: 'perpetratorType', operator: 'equal', value: 'non_state_armed_group' },
      { fact: 'locationCountry', operator: 'in', value: AES_PARTIES },
    ] },
  });
  engine.addRule({
    name: 'aes-2023/5', event: { type: '5' },
    conditions: { all: [
      { fact: 'date', operator: 'greaterThanInclusive', value: Date.parse(AES_FROM) },
      { fact: 'kind', operator: 'in', value: ['armed_rebellion', 'armed_attack'] },
      { fact: 'perpetratorType', operator: 'equal', value: 'rebel_group' },
      { fact: 'locationCountry', operator: 'in', value: AES_PARTIES },
    ] },
  });
  engine.addRule({
    name: 'aes-2023/6', event: { type: '6' },
    conditions: { all: [
      { fact: 'date', operator: 'greaterThanInclusive', value: Date.parse(AES_FROM) },
      { fact: 'kind', operator: 'in', value: [...K6] },
      { fact: 'targetCountry', operator: 'in', value: AES_PARTIES },
      { any: [
        { fact: 'locationCountry', operator: 'equal', value: { fact: 'targetCountry' } },
        { all: [{ fact: 'targetType', operator: 'equal', value: 'armed_forces' }, { fact: 'deployedAbroad', operator: 'equal', value: true }] },
        { fact: 'targetType', operator: 'equal', value: 'vessel_or_aircraft' },
      ] },
    ] },
  });
  return engine;
}

function facts(i: Incident): Record<string, unknown> {
  return {
    date: Date.parse(i.date),
    kind: i.kind,
    perpetratorType: i.perpetrator.type,
    locationCountry: i.location.country ?? null,
    targetCountry: i.target.country ?? (i.target.type === 'territory' ? i.location.country ?? null : null),
    targetType: i.target.type,
    deployedAbroad: i.target.deployed_abroad === true,
  };
}

// ---- helpers --------------------------------------------------------------------------------
const fmt = (x: number) => Math.round(x).toLocaleString('en');
function aesKey(r: Assessment): string {
  return r.triggered.filter((t) => t.charter === 'aes-2023' && t.article !== '8').map((t) => `${t.article}:${t.beneficiary}:${t.obligated.join(',')}`).join('|');
}

/** Best of ROUNDS runs (the machine is shared: the best run is the least disturbed one). */
const ROUNDS = Number(process.env.FOEDUS_BENCH_ROUNDS ?? 3);
function best(incidents: Incident[], target: number, f: (i: Incident) => number): { n: number; ms: number; check: number } {
  let b = timeLoop(incidents, target, f);
  for (let r = 1; r < ROUNDS; r++) {
    const x = timeLoop(incidents, target, f);
    if (x.ms < b.ms) b = x;
  }
  return b;
}

function timeLoop(incidents: Incident[], target: number, f: (i: Incident) => number): { n: number; ms: number; check: number } {
  let n = 0;
  let check = 0;
  const t0 = process.hrtime.bigint();
  while (n < target) {
    for (let k = 0; k < incidents.length; k++) check += f(incidents[k]!);
    n += incidents.length;
  }
  return { n, ms: Number(process.hrtime.bigint() - t0) / 1e6, check };
}

/** FOEDUS_BENCH_GENERATED=N: N distinct generated incidents (engine-incidents.ts) instead of the UCDP events repeated. */
const GENERATED = Number(process.env.FOEDUS_BENCH_GENERATED ?? 0);

function generated(n: number): Incident[] {
  const incidents = generatedIncidents(n);
  const distinct = new Set(incidents.map((i) => JSON.stringify(i))).size;
  console.log(`incidents: ${n.toLocaleString('en')} generated, ${distinct.toLocaleString('en')} distinct`);
  return incidents;
}

async function main(): Promise<void> {
  const incidents = GENERATED > 0 ? generated(GENERATED) : await loadIncidents();
  const charters = loadCharters(join(ROOT, 'charters'));
  const all = compileCharters(charters);
  const aesOnly = compileCharters(charters.filter((c) => c.id === 'aes-2023'));
  const engine = jreEngine();

  // Agreement on every incident before timing anything.
  let agree = 0;
  let triggeredAes = 0;
  const jreAll = new Map<number, string>();
  for (let k = 0; k < incidents.length; k++) {
    const { events } = await engine.run(facts(incidents[k]!));
    jreAll.set(k, events.map((e) => e.type).sort().join(','));
  }
  for (let k = 0; k < incidents.length; k++) {
    const i = incidents[k]!;
    const eng = aesKey(assess(i, all));
    const hand = handWritten(i).map((h) => `${h.article}:${h.beneficiary}:${h.obligated.join(',')}`).join('|');
    const engArticles = eng === '' ? '' : eng.split('|').map((x) => x.split(':')[0]).sort().join(',');
    if (eng === hand && engArticles === jreAll.get(k)) agree++;
    else if (agree + 1 === k + 1) console.log(`disagreement on incident ${k}: engine "${eng}" hand "${hand}" jre "${jreAll.get(k)}"`, JSON.stringify(i));
    if (eng !== '') triggeredAes++;
  }
  console.log(`agreement on AES arts. 4/5/6 (articles, beneficiary, obligated): ${agree}/${incidents.length} incidents; ${triggeredAes} trigger at least one of them`);

  // Warm-up (JIT) for each contender.
  timeLoop(incidents, 50_000, (i) => assess(i, all).triggered.length);
  timeLoop(incidents, 50_000, (i) => assess(i, all, undefined, { trace: false }).triggered.length);
  timeLoop(incidents, 50_000, (i) => assess(i, aesOnly, undefined, { trace: false }).triggered.length);
  timeLoop(incidents, 200_000, (i) => handWritten(i).length);

  const on = best(incidents, TARGET, (i) => assess(i, all).triggered.length);
  const off = best(incidents, TARGET, (i) => assess(i, all, undefined, { trace: false }).triggered.length);
  const aesOff = best(incidents, TARGET, (i) => assess(i, aesOnly, undefined, { trace: false }).triggered.length);
  const aesOn = best(incidents, TARGET, (i) => assess(i, aesOnly).triggered.length);
  const hand = best(incidents, TARGET * 5, (i) => handWritten(i).length);

  // json-rules-engine: best of ROUNDS runs of JRE_TARGET assessments.
  let jreN = 0;
  let jreMs = Infinity;
  let jreCheck = 0;
  for (let r = 0; r < ROUNDS; r++) {
    let n = 0;
    const j0 = process.hrtime.bigint();
    while (n < JRE_TARGET) {
      for (const i of incidents) {
        const { events } = await engine.run(facts(i));
        jreCheck += events.length;
        if (++n >= JRE_TARGET) break;
      }
    }
    const ms = Number(process.hrtime.bigint() - j0) / 1e6;
    if (ms < jreMs) { jreMs = ms; jreN = n; }
  }

  const rate = (x: { n: number; ms: number }) => (x.n / x.ms) * 1000;
  const jreRate = (jreN / jreMs) * 1000;
  const rows: [string, number, number, number][] = [
    ['Foedus assess(), 4 charters (10 provisions), traces on', on.n, on.ms, rate(on)],
    ['Foedus assess(), 4 charters, traces off', off.n, off.ms, rate(off)],
    ['Foedus assess(), aes-2023 only (arts. 4, 5, 6+7, 8), traces on', aesOn.n, aesOn.ms, rate(aesOn)],
    ['Foedus assess(), aes-2023 only, traces off', aesOff.n, aesOff.ms, rate(aesOff)],
    ['json-rules-engine 7.3.1, AES arts. 4/5/6 (engine.run per incident)', jreN, jreMs, jreRate],
    ['hand-written TypeScript predicate, AES arts. 4/5/6', hand.n, hand.ms, rate(hand)],
  ];
  console.log('');
  console.log('| contender | assessments | time (ms) | assessments/s |');
  console.log('|---|---:|---:|---:|');
  for (const [name, n, ms, r] of rows) console.log(`| ${name} | ${fmt(n)} | ${fmt(ms)} | ${fmt(r)} |`);
  console.log('');
  console.log(`traces on, 4 charters vs json-rules-engine (3 rules): ${(rate(on) / jreRate).toFixed(0)}×`);
  console.log(`traces off, aes-2023 vs hand-written predicate:        ${((rate(aesOff) / rate(hand)) * 100).toFixed(1)} %`);
  console.log(`traces off, 4 charters vs hand-written predicate:      ${((rate(off) / rate(hand)) * 100).toFixed(1)} %`);
  console.log(`(checksums ${on.check} ${off.check} ${aesOff.check} ${aesOn.check} ${hand.check} ${jreCheck})`);
  console.log(`node ${process.version}, ${incidents.length} incidents, best of ${ROUNDS} rounds; load average ${(await import('node:os')).loadavg().map((x) => x.toFixed(1)).join(' ')}`);
}

await main();
