import { readFileSync } from 'node:fs';
import { InputError } from '../../errors.ts';
import { assess, type Assessment } from '../../charter/engine.ts';
import { partyName } from '../../charter/i18n.ts';
import { loadCharters } from '../../charter/loader.ts';
import type { Lang } from '../../charter/schema.ts';
import type { Incident } from '../../incident/incident.ts';
import { parseIncident } from '../../incident/validate.ts';
import { chartersDir, parseAt, parseLang } from './charters.ts';

/**
 * What `foedus assess` does (declared in ../commands/assess.ts): reads one incident
 * (JSON), validates and normalises it, assesses it against every charter and prints
 * a readable explanation, or with --json exactly the engine's result object, alone on stdout.
 */

async function readInput(file: string): Promise<string> {
  if (file === '-') {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(code === 'ENOENT' ? 'incident file not found' : `cannot read the incident file (${code ?? String(err)})`, { where: file, code: 'incident_unreadable' });
  }
}

/** The one place where CLI input becomes an engine Incident. */
export function incidentFromText(text: string, where: string): Incident {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    throw new InputError(`not valid JSON (${msg})`, { where, code: 'bad_json' });
  }
  return parseIncident(data, where);
}

type Words = Record<'triggered' | 'not' | 'conflicts' | 'none' | 'beneficiary' | 'obligated' | 'obligation' | 'decision' | 'deadline' | 'armed' | 'why' | 'assessed' | 'incident' | 'human', string>;

const KIND_WORDS: Record<Lang, Words> = {
  en: { triggered: 'TRIGGERED', not: 'NOT TRIGGERED', conflicts: 'CONFLICTS', none: '(none)', beneficiary: 'beneficiary', obligated: 'obligated', obligation: 'obligation', decision: 'decision', deadline: 'deadline', armed: 'armed force', why: 'why', assessed: 'assessed on', incident: 'Incident', human: 'The engine only reports; a human confirms before anything is done.' },
  fr: { triggered: 'DÉCLENCHÉES', not: 'NON DÉCLENCHÉES', conflicts: 'CONFLITS', none: '(aucune)', beneficiary: 'bénéficiaire', obligated: 'obligés', obligation: 'obligation', decision: 'décision', deadline: 'délai', armed: 'force armée', why: 'pourquoi', assessed: 'évalué au', incident: 'Incident', human: "Le moteur ne fait que signaler ; un humain confirme avant toute action." },
};

export function formatAssessment(incident: Incident, r: Assessment, lang: Lang): string {
  const w = KIND_WORDS[lang];
  const out: string[] = [];
  const place = incident.location.country ? partyName(incident.location.country, lang) : lang === 'fr' ? 'hors de tout État' : 'outside any state';
  out.push(`${w.incident} ${incident.id ?? ''} ${incident.date} — ${incident.kind}, ${place}${incident.target.country ? ` → ${partyName(incident.target.country, lang)}` : ''} (${w.assessed} ${r.at})`.replace('  ', ' '));
  out.push('');
  out.push(`${w.triggered} (${r.triggered.length})`);
  if (r.triggered.length === 0) out.push(`  ${w.none}`);
  for (const t of r.triggered) {
    out.push(`  ✔ ${t.charter} art. ${t.article} — ${t.provision}`);
    out.push(`      ${w.beneficiary}: ${t.beneficiary ? partyName(t.beneficiary, lang) : '—'}`);
    out.push(`      ${w.obligated}: ${t.obligated.length ? t.obligated.map((c) => partyName(c, lang)).join(', ') : w.none}`);
    out.push(`      ${w.obligation}: ${t.obligation.action} (${w.armed}: ${t.obligation.armed_force}) — ${t.obligation.summary}`);
    out.push(`      ${w.decision}: ${t.decision.rule}${t.decision.body ? ` (${t.decision.body})` : ''} — ${t.decision.summary}`);
    out.push(`      ${w.deadline}: ${t.deadline.value ? `${t.deadline.value} — ` : ''}${t.deadline.text}`);
    out.push(`      ${w.why}:`);
    for (const i of t.trace) out.push(`        ${i.held ? '✔' : '✘'} ${i.detail}`);
  }
  out.push('');
  out.push(`${w.not} (${r.not_triggered.length})`);
  for (const n of r.not_triggered) {
    const last = n.trace[n.trace.length - 1];
    out.push(`  ✘ ${n.charter} art. ${n.article} — ${n.provision}: ${last ? last.detail : ''}`);
  }
  out.push('');
  out.push(`${w.conflicts} (${r.conflicts.length})`);
  if (r.conflicts.length === 0) out.push(`  ${w.none}`);
  for (const c of r.conflicts) out.push(`  ! ${c.explanation}`);
  out.push('');
  out.push(w.human);
  return `${out.join('\n')}\n`;
}

export interface AssessOptions { incident?: string; at?: string; charters?: string; json?: boolean; lang?: string }

export async function run(opts: AssessOptions): Promise<void> {
  if (!opts.incident) throw new InputError('missing --incident FILE (or --incident - to read stdin)', { code: 'missing_incident' });
  const lang = parseLang(opts.lang);
  const at = parseAt(opts.at);
  const charters = loadCharters(chartersDir(opts.charters));
  const where = opts.incident === '-' ? '<stdin>' : opts.incident;
  const incident = incidentFromText(await readInput(opts.incident), where);
  const result = assess(incident, charters, at, { lang });
  if (opts.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  else process.stdout.write(formatAssessment(incident, result, lang));
}
