import { writeFileSync } from 'node:fs';
import { InputError } from '../../errors.ts';
import { isIso3 } from '../../incident/countries.ts';
import { CASE_STATES, type CaseState } from '../../response/model.ts';
import { caseView } from '../../response/view.ts';
import { caseText } from '../../response/report/text.ts';
import { exportCase } from '../../response/report/export.ts';
import { partyCompliance } from '../../response/compliance.ts';
import { isRealDate } from '../../incident/incident.ts';
import { withStore } from '../store.ts';

/** What `foedus cases …` and `foedus compliance` do (declared, with their options, in ../commands/cases.ts and compliance.ts). */

export interface Common {
  db?: string;
  json?: boolean;
  lang?: string;
}
export type ListOptions = Common & { state?: string; party?: string; exercise?: boolean; real?: boolean; limit: string };
export type ExportOptions = Common & { format: string; out?: string };
export type ComplianceOptions = { db?: string; party: string; from: string; to: string; lang: string; json?: boolean };

function lang(value: string | undefined): 'fr' | 'en' {
  if (value === undefined || value === 'en' || value === 'fr') return value ?? 'en';
  throw new InputError(`--lang "${value}" must be fr or en`);
}

function caseId(value: string): number {
  if (!/^[1-9]\d{0,12}$/.test(value)) throw new InputError(`case id "${value}" must be a whole number such as 12`);
  return Number(value);
}

export async function list(o: ListOptions): Promise<void> {
  if (o.state && !(CASE_STATES as readonly string[]).includes(o.state)) throw new InputError(`--state "${o.state}" must be one of ${CASE_STATES.join(', ')}`);
  if (o.party && !isIso3(o.party)) throw new InputError(`--party "${o.party}" must be an ISO 3166-1 alpha-3 code such as MLI`);
  if (o.exercise && o.real) throw new InputError('--exercise and --real exclude each other');
  if (!/^[1-9]\d{0,5}$/.test(o.limit)) throw new InputError(`--limit "${o.limit}" must be a whole number from 1`);
  const found = await withStore(o.db, (store) =>
    store.cases.list({ state: o.state as CaseState | undefined, party: o.party, exercise: o.exercise ? true : o.real ? false : undefined, limit: Number(o.limit) }),
  );
  if (o.json) {
    process.stdout.write(`${JSON.stringify({ cases: found })}\n`);
    return;
  }
  if (found.length === 0) {
    process.stdout.write('No case matches.\n');
    return;
  }
  for (const c of found) {
    const mark = c.exercise ? ' [EXERCISE]' : '';
    process.stdout.write(`${String(c.id).padStart(5)}  ${c.state.padEnd(13)} ${c.charter} art. ${c.article} for ${c.beneficiary ?? '—'} (${c.parties.join(', ')})  opened ${c.openedAt.slice(0, 16)}Z${mark}\n`);
  }
}

export async function show(idText: string, o: Common): Promise<void> {
  const id = caseId(idText);
  const l = lang(o.lang);
  const c = await withStore(o.db, (store) => store.cases.get(id));
  if (!c) throw new InputError(`case ${id} not found (foedus cases list shows the cases)`);
  const view = caseView(c, new Date());
  process.stdout.write(o.json ? `${JSON.stringify(view)}\n` : caseText(view, l));
}

export async function exportOne(idText: string, o: ExportOptions): Promise<void> {
  const id = caseId(idText);
  const l = lang(o.lang);
  if (o.format !== 'json' && o.format !== 'html') throw new InputError(`--format "${o.format}" must be json or html`);
  const out = await withStore(o.db, async (store) => {
    const c = await store.cases.get(id);
    if (!c) throw new InputError(`case ${id} not found (foedus cases list shows the cases)`);
    const notes = (await store.cases.notes(id)).filter((n) => !n.restricted);
    return exportCase(c, notes, { format: o.format as 'json' | 'html', lang: l, now: new Date() });
  });
  if (o.out) writeFileSync(o.out, out);
  else process.stdout.write(out);
}

export async function compliance(o: ComplianceOptions): Promise<void> {
  if (!isIso3(o.party)) throw new InputError(`--party "${o.party}" must be an ISO 3166-1 alpha-3 code such as MLI`);
  for (const [flag, v] of [['--from', o.from], ['--to', o.to]] as const) if (!isRealDate(v)) throw new InputError(`${flag} "${v}" must be a real day YYYY-MM-DD`);
  if (o.to < o.from) throw new InputError(`--to ${o.to} is before --from ${o.from}`);
  const l = lang(o.lang);
  const cases = await withStore(o.db, (store) => store.cases.documents({ party: o.party }));
  const r = partyCompliance(o.party, cases, { from: new Date(`${o.from}T00:00:00Z`), to: new Date(Date.parse(`${o.to}T00:00:00Z`) + 86_400_000) }, new Date());
  if (o.json) {
    process.stdout.write(`${JSON.stringify(r)}\n`);
    return;
  }
  process.stdout.write(`${r.scope[l]}\n${r.text[l]}\n`);
  const items = (label: string, found: Array<{ case: number; id: string }>) => {
    if (found.length) process.stdout.write(`  ${label}: ${found.map((i) => `case ${i.case} ${i.id}`).join(', ')}\n`);
  };
  items('met late', r.obligations.metLate.items);
  items('unmet', r.obligations.unmet.items);
  items('overdue', r.obligations.overdue.items);
  items('dishonoured', r.pledges.dishonoured.items);
  items('partly honoured', r.pledges.partlyHonoured.items);
}
