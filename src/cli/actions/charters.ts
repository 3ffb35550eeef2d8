import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { InputError } from '../../errors.ts';
import { dayNumber, formatDay } from '../../charter/dates.ts';
import { partyName } from '../../charter/i18n.ts';
import { checkCharterDir, formatProblem, isRealDate, loadCharters } from '../../charter/loader.ts';
import { Membership, suspensionAt } from '../../charter/membership.ts';
import { charterJsonSchema, type Charter, type Lang } from '../../charter/schema.ts';

/**
 * What `foedus charters list | show | validate | schema` do (declared in
 * ../commands/charters.ts, which loads this module only when one of them runs).
 *
 * Charters are read from --charters DIR, else ./charters when the current
 * directory has one, else the charters shipped with Foedus.
 */

const SHIPPED = fileURLToPath(new URL('../../../charters', import.meta.url));

export function chartersDir(dir?: string): string {
  if (dir) return dir;
  return existsSync('charters') ? 'charters' : SHIPPED;
}

export function parseLang(v: string | undefined): Lang {
  if (v === undefined || v === 'en' || v === 'fr') return v ?? 'en';
  throw new InputError(`--lang "${v}" is not supported; use fr or en`, { code: 'bad_lang' });
}

export function parseAt(v: string | undefined, flag = '--at'): string | undefined {
  if (v === undefined) return undefined;
  if (!isRealDate(v)) throw new InputError(`${flag} "${v}" is not a real calendar day; write it YYYY-MM-DD (e.g. 2023-09-16)`, { code: 'bad_date' });
  return v;
}

function today(): string {
  return new Date().toISOString().slice(0, 10);
}

function findCharter(charters: Charter[], id: string): Charter {
  const c = charters.find((x) => x.id === id);
  if (!c) throw new InputError(`unknown charter id "${id}"; known: ${charters.map((x) => x.id).join(', ')} (see \`foedus charters list\`)`, { code: 'unknown_charter' });
  return c;
}

export function showCharter(c: Charter, at: string, lang: Lang): string {
  const day = dayNumber(at);
  const m = new Membership(c);
  const fr = lang === 'fr';
  const lines: string[] = [];
  const inForce = at >= c.in_force.from && (c.in_force.until === null || at <= c.in_force.until);
  lines.push(`${c.title[lang]}`);
  lines.push(`  id ${c.id}, version ${c.version}`);
  lines.push(`  ${fr ? 'signé le' : 'signed'} ${formatDay(dayNumber(c.signed.date), lang)}, ${c.signed.place}`);
  lines.push(`  ${fr ? 'en vigueur' : 'in force'}: ${c.in_force.from} → ${c.in_force.until ?? '…'}${inForce ? '' : fr ? ` (PAS en vigueur le ${at})` : ` (NOT in force on ${at})`}`);
  lines.push(`  ${fr ? 'dépositaire' : 'depositary'}: ${c.depositary.name[lang]}`);
  const parties = m.inForce(day);
  lines.push('');
  lines.push(fr ? `Parties le ${formatDay(day, lang)} (${parties.length}) :` : `Parties on ${formatDay(day, lang)} (${parties.length}):`);
  for (const code of parties) {
    const p = m.parties.get(code)!;
    const s = suspensionAt(p, day);
    const sus = s >= 0 ? (fr ? `  [SUSPENDU depuis le ${p.susFromIso[s]} : ${p.susScope[s]!.fr} — toujours lié]` : `  [SUSPENDED since ${p.susFromIso[s]} from ${p.susScope[s]!.en} — still bound]`) : '';
    const interval = c.parties.find((x) => x.country === code)!.membership.find((x) => x.joined <= at && (x.left === null || at < x.left))!;
    lines.push(`  ${partyName(code, lang).padEnd(34)} ${fr ? 'depuis' : 'since'} ${interval.joined}${sus}`);
  }
  const notNow = m.codes.filter((x) => !parties.includes(x));
  if (notNow.length > 0) lines.push(`  ${fr ? 'non parties ce jour-là' : 'not parties that day'}: ${notNow.join(', ')}`);
  lines.push('');
  lines.push(fr ? 'Articles :' : 'Articles:');
  for (const a of c.articles) {
    const num = a.number_established ? `art. ${a.number}` : `(${fr ? 'numéro inconnu' : 'number unknown'})`;
    lines.push(`  ${num.padEnd(14)} ${a.title[lang]}${a.confidence === 'verified' ? '' : ` [${a.confidence}]`}`);
    for (const p of a.provisions) lines.push(`  ${''.padEnd(14)}   → ${p.id} (${p.type}): ${p.summary[lang]}`);
  }
  const nDoubts = countDoubts(c);
  if (nDoubts > 0) lines.push('', fr ? `${nDoubts} doute(s) consigné(s) dans le fichier (champs doubts).` : `${nDoubts} recorded doubt(s) in the file (doubts fields).`);
  return `${lines.join('\n')}\n`;
}

function countDoubts(x: unknown): number {
  if (Array.isArray(x)) return x.reduce((n: number, y) => n + countDoubts(y), 0);
  if (x && typeof x === 'object') {
    let n = 0;
    for (const [k, v] of Object.entries(x)) n += k === 'doubts' && Array.isArray(v) ? v.length + countDoubts(v) : countDoubts(v);
    return n;
  }
  return 0;
}

export interface ListOptions { charters?: string; json?: boolean; lang?: string }
export interface ShowOptions { at?: string; charters?: string; lang?: string; json?: boolean }

export function list(opts: ListOptions): void {
  const lang = parseLang(opts.lang);
  const charters = loadCharters(chartersDir(opts.charters));
  const day = dayNumber(today());
  const rows = charters.map((c) => ({
    id: c.id,
    version: c.version,
    title: c.title[lang],
    signed: c.signed.date,
    in_force_from: c.in_force.from,
    in_force_until: c.in_force.until,
    parties_today: new Membership(c).inForce(day).length,
    articles: c.articles.length,
    provisions: c.articles.reduce((n, a) => n + a.provisions.length, 0),
  }));
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return;
  }
  for (const r of rows) {
    process.stdout.write(`${r.id.padEnd(24)} v${r.version.padEnd(7)} ${r.in_force_from} → ${(r.in_force_until ?? '…').padEnd(10)} ${String(r.parties_today).padStart(3)} ${lang === 'fr' ? 'parties' : 'parties'}  ${r.provisions} provision(s)  ${r.title}\n`);
  }
}

export function show(id: string, opts: ShowOptions): void {
  const lang = parseLang(opts.lang);
  const at = parseAt(opts.at) ?? today();
  const c = findCharter(loadCharters(chartersDir(opts.charters)), id);
  if (opts.json) {
    const m = new Membership(c);
    process.stdout.write(`${JSON.stringify({ at, parties_in_force: m.inForce(dayNumber(at)), charter: c }, null, 2)}\n`);
    return;
  }
  process.stdout.write(showCharter(c, at, lang));
}

export function validate(dir: string | undefined): void {
  const d = chartersDir(dir);
  const { charters, problems } = checkCharterDir(d);
  if (problems.length > 0) {
    for (const p of problems) process.stderr.write(`${formatProblem(p)}\n`);
    process.exitCode = 2;
    return;
  }
  if (charters.length === 0) throw new InputError('no charter files (*.yaml) found', { where: d, code: 'charters_dir' });
  process.stdout.write(`${charters.length} charter(s) valid: ${charters.map((c) => `${c.id} v${c.version}`).join(', ')}\n`);
}

export function schema(): void {
  process.stdout.write(`${JSON.stringify(charterJsonSchema(), null, 2)}\n`);
}
