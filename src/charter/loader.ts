import { readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { LineCounter, parseDocument, isMap, isSeq, isScalar, isPair, type Document, type Node } from 'yaml';
import type { z } from 'zod';
import { InputError } from '../errors.ts';
import { isIso3 } from '../incident/countries.ts';
import { isRealDate } from '../incident/incident.ts';
import { charterSchema, type Charter } from './schema.ts';

/**
 * Reads charter files. This is the only part of src/charter that touches the
 * file system; the engine receives already-loaded charters.
 *
 * Every problem is reported as `<file>:<line>: <path.inside> — <reason>`:
 * the zod issue path is mapped back to a line of the YAML with the `yaml`
 * package's node ranges. Checks beyond the schema: unknown ISO3 codes,
 * overlapping membership intervals, suspensions outside membership,
 * duplicate article / provision / region ids, unknown region references,
 * open rings, and days that do not exist.
 */

export interface CharterProblem {
  file: string;
  line: number;
  path: string;
  reason: string;
}

export function formatProblem(p: CharterProblem): string {
  return `${p.file}:${p.line}: ${p.path} — ${p.reason}`;
}

/** Thrown when one or more charter files are invalid; `problems` lists each. */
export class CharterError extends InputError {
  readonly problems: CharterProblem[];
  constructor(problems: CharterProblem[]) {
    const first = problems[0];
    const head = first ? formatProblem(first) : 'invalid charter';
    super(problems.length > 1 ? `${head} (and ${problems.length - 1} more problem(s); run \`foedus charters validate\`)` : head, {
      code: 'invalid_charter',
    });
    this.name = 'CharterError';
    this.problems = problems;
  }
}

type PathItem = string | number;

export function formatCharterPath(path: readonly PathItem[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out ? `.${p}` : p;
  }
  return out || '(top level)';
}

/**
 * The line (1-based) of the deepest YAML node found along `path`: the key's
 * line for a map entry, the item's first line for a sequence item. A path
 * that goes further than the file (a missing field) stops at its parent.
 */
function lineOf(doc: Document, lc: LineCounter, path: readonly PathItem[]): number {
  let node: unknown = doc.contents;
  let offset = (doc.contents as Node | null)?.range?.[0] ?? 0;
  for (const key of path) {
    if (isMap(node)) {
      const pair = node.items.find((it) => isPair(it) && isScalar(it.key) && String(it.key.value) === String(key));
      if (!pair) break;
      const k = pair.key as Node;
      if (k.range) offset = k.range[0];
      node = pair.value;
    } else if (isSeq(node) && typeof key === 'number') {
      const item = node.items[key] as Node | undefined;
      if (!item) break;
      node = item;
      if (item.range) offset = item.range[0];
    } else break;
  }
  return lc.linePos(offset).line;
}

function zodPath(path: readonly PropertyKey[]): PathItem[] {
  return path.map((p) => (typeof p === 'number' ? p : String(p)));
}

/** Parses and validates one charter file's text. Throws CharterError. */
export function parseCharter(textIn: string, file: string): Charter {
  const lc = new LineCounter();
  const doc = parseDocument(textIn, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new CharterError(
      doc.errors.map((e) => ({
        file,
        line: e.linePos?.[0]?.line ?? lc.linePos(e.pos[0]).line,
        path: '(yaml)',
        reason: e.message.split('\n')[0] ?? e.message,
      })),
    );
  }
  const data: unknown = doc.toJS();
  const parsed = charterSchema.safeParse(data);
  if (!parsed.success) {
    throw new CharterError(parsed.error.issues.map((i) => issueToProblem(i, doc, lc, file)));
  }
  const problems = crossCheck(parsed.data).map((c) => ({
    file,
    line: lineOf(doc, lc, c.path),
    path: formatCharterPath(c.path),
    reason: c.reason,
  }));
  const stem = basename(file).replace(/\.ya?ml$/, '');
  if (file !== '<text>' && stem !== parsed.data.id) {
    problems.unshift({ file, line: lineOf(doc, lc, ['id']), path: 'id', reason: `the id "${parsed.data.id}" must match the file name "${stem}.yaml"` });
  }
  if (problems.length > 0) throw new CharterError(problems);
  return parsed.data;
}

function issueToProblem(i: z.core.$ZodIssue, doc: Document, lc: LineCounter, file: string): CharterProblem {
  const path = zodPath(i.path);
  if (i.code === 'unrecognized_keys') {
    const key = i.keys[0] ?? '';
    return {
      file,
      line: lineOf(doc, lc, [...path, key]),
      path: formatCharterPath([...path, key]),
      reason: `unknown field${i.keys.length > 1 ? 's' : ''} ${i.keys.map((k) => `"${k}"`).join(', ')}; remove it or check the spelling (see charters/schema.json)`,
    };
  }
  let reason = i.message;
  if (i.code === 'invalid_type' && /received undefined/.test(i.message)) reason = `missing required field (${i.expected} expected)`;
  return { file, line: lineOf(doc, lc, path), path: formatCharterPath(path), reason };
}

interface Check {
  path: PathItem[];
  reason: string;
}

/** Checks the schema cannot express. Returns problems with their paths. */
export function crossCheck(c: Charter): Check[] {
  const out: Check[] = [];
  const iso = (code: string, path: PathItem[]) => {
    if (!isIso3(code)) out.push({ path, reason: `"${code}" is not an ISO 3166-1 alpha-3 country code` });
  };
  const order = (a: string, b: string | null | undefined, path: PathItem[], what: string) => {
    if (b && b < a) out.push({ path, reason: `${what}: ${b} is before ${a}` });
  };
  if (c.depositary.country) iso(c.depositary.country, ['depositary', 'country']);
  if (c.in_force.until) order(c.in_force.from, c.in_force.until, ['in_force', 'until'], 'the charter would end before it started');
  if (c.in_force.from < c.signed.date) out.push({ path: ['in_force', 'from'], reason: `entry into force (${c.in_force.from}) is before signature (${c.signed.date})` });

  const seenParties = new Map<string, number>();
  c.parties.forEach((p, pi) => {
    iso(p.country, ['parties', pi, 'country']);
    const prev = seenParties.get(p.country);
    if (prev !== undefined) out.push({ path: ['parties', pi, 'country'], reason: `${p.country} is listed twice (also parties[${prev}]); put all its intervals under one entry` });
    seenParties.set(p.country, pi);
    const ms = p.membership;
    ms.forEach((m, mi) => {
      if (m.left && m.left <= m.joined) out.push({ path: ['parties', pi, 'membership', mi, 'left'], reason: `left (${m.left}) must be after joined (${m.joined})` });
      if (m.joined < c.in_force.from) out.push({ path: ['parties', pi, 'membership', mi, 'joined'], reason: `joined (${m.joined}) is before the charter entered into force (${c.in_force.from})` });
      if (mi > 0) {
        const before = ms[mi - 1]!;
        if (before.left === null || before.left > m.joined) {
          out.push({ path: ['parties', pi, 'membership', mi, 'joined'], reason: `membership intervals overlap: this one starts ${m.joined} but the previous one ${before.left ? `lasts until ${before.left}` : 'never ends (left: null)'}` });
        }
      }
    });
    p.suspensions.forEach((s, si) => {
      if (s.to && s.to <= s.from) out.push({ path: ['parties', pi, 'suspensions', si, 'to'], reason: `to (${s.to}) must be after from (${s.from})` });
      const inside = ms.some((m) => m.joined <= s.from && (m.left === null || (s.from < m.left && (s.to === null || s.to <= m.left))));
      if (!inside) out.push({ path: ['parties', pi, 'suspensions', si, 'from'], reason: `suspension ${s.from} → ${s.to ?? 'open'} is not inside a membership interval of ${p.country}` });
    });
  });

  const regionIds = new Set<string>();
  c.regions.forEach((r, ri) => {
    if (regionIds.has(r.id)) out.push({ path: ['regions', ri, 'id'], reason: `duplicate region id "${r.id}"` });
    regionIds.add(r.id);
    r.countries.forEach((k, ki) => iso(k, ['regions', ri, 'countries', ki]));
    r.presumed_for.forEach((k, ki) => iso(k, ['regions', ri, 'presumed_for', ki]));
    if (r.counts_as_territory_of) iso(r.counts_as_territory_of, ['regions', ri, 'counts_as_territory_of']);
    if (r.valid_from && r.valid_until) order(r.valid_from, r.valid_until, ['regions', ri, 'valid_until'], 'region validity ends before it starts');
    if (!r.geometry && r.countries.length === 0) out.push({ path: ['regions', ri], reason: 'a region needs a geometry or a list of countries' });
    const polys = r.geometry ? (r.geometry.type === 'Polygon' ? [r.geometry.coordinates] : r.geometry.coordinates) : [];
    polys.forEach((poly, polyI) =>
      poly.forEach((ringCoords, ringI) => {
        const a = ringCoords[0]!;
        const b = ringCoords[ringCoords.length - 1]!;
        if (a[0] !== b[0] || a[1] !== b[1]) {
          const path: PathItem[] = r.geometry!.type === 'Polygon' ? ['regions', ri, 'geometry', 'coordinates', ringI] : ['regions', ri, 'geometry', 'coordinates', polyI, ringI];
          out.push({ path, reason: 'the ring is not closed: its last position must repeat the first' });
        }
      }),
    );
  });

  const articleNumbers = new Map<string, number>();
  const provisionIds = new Map<string, string>();
  c.articles.forEach((a, ai) => {
    if (articleNumbers.has(a.number)) out.push({ path: ['articles', ai, 'number'], reason: `duplicate article number "${a.number}" (also articles[${articleNumbers.get(a.number)}])` });
    articleNumbers.set(a.number, ai);
    a.provisions.forEach((p, pi) => {
      const base: PathItem[] = ['articles', ai, 'provisions', pi];
      const prev = provisionIds.get(p.id);
      if (prev) out.push({ path: [...base, 'id'], reason: `duplicate provision id "${p.id}" (also in article ${prev})` });
      provisionIds.set(p.id, a.number);
      p.trigger.where.forEach((w, wi) => {
        w.regions.forEach((rid, rj) => {
          if (!regionIds.has(rid)) out.push({ path: [...base, 'trigger', 'where', wi, 'regions', rj], reason: `unknown region "${rid}" (declare it under regions:)` });
        });
        if (w.scope === 'regions' && w.regions.length === 0) out.push({ path: [...base, 'trigger', 'where', wi, 'regions'], reason: 'scope "regions" needs at least one region' });
      });
      if (p.deadline.value === null && !p.deadline.text) out.push({ path: [...base, 'deadline'], reason: 'a null deadline needs a text saying why' });
    });
  });
  for (const a of c.articles) {
    for (const p of a.provisions) {
      for (const w of p.trigger.where) {
        if (w.source_article && !articleNumbers.has(w.source_article)) {
          // The clause may cite an article that is not encoded; that is allowed but must exist in the file.
          const ai = c.articles.indexOf(a);
          const pi = a.provisions.indexOf(p);
          out.push({ path: ['articles', ai, 'provisions', pi, 'trigger', 'where', p.trigger.where.indexOf(w), 'source_article'], reason: `article "${w.source_article}" is not in this charter's articles` });
        }
      }
      if (!articleNumbers.has(p.source_article)) {
        out.push({ path: ['articles', c.articles.indexOf(a), 'provisions', a.provisions.indexOf(p), 'source_article'], reason: `article "${p.source_article}" is not in this charter's articles` });
      }
    }
  }
  return out;
}

/** Reads one charter file. */
export function loadCharterFile(file: string, displayName = file): Charter {
  let textIn: string;
  try {
    textIn = readFileSync(file, 'utf8');
  } catch (err) {
    throw new InputError(`cannot read charter file: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, { where: displayName, code: 'charter_unreadable' });
  }
  return parseCharter(textIn, displayName);
}

export function charterFiles(dir: string): string[] {
  let entries: string[];
  try {
    if (!statSync(dir).isDirectory()) throw new Error('not a directory');
    entries = readdirSync(dir);
  } catch {
    throw new InputError(`charters directory not found or not a directory; pass --charters DIR`, { where: dir, code: 'charters_dir' });
  }
  return entries.filter((f) => /\.ya?ml$/.test(f)).sort().map((f) => join(dir, f));
}

export interface LoadResult {
  charters: Charter[];
  problems: CharterProblem[];
}

/** Reads every charters/*.yaml, collecting problems of every file instead of stopping at the first. */
export function checkCharterDir(dir: string): LoadResult {
  const charters: Charter[] = [];
  const problems: CharterProblem[] = [];
  const ids = new Map<string, string>();
  for (const file of charterFiles(dir)) {
    const shown = relative(process.cwd(), file) || file;
    try {
      const c = loadCharterFile(file, shown);
      const other = ids.get(c.id);
      if (other) problems.push({ file: shown, line: 1, path: 'id', reason: `charter id "${c.id}" is also used by ${other}` });
      ids.set(c.id, shown);
      charters.push(c);
    } catch (err) {
      if (err instanceof CharterError) problems.push(...err.problems);
      else if (err instanceof InputError) problems.push({ file: shown, line: 1, path: '(file)', reason: err.message });
      else throw err;
    }
  }
  charters.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { charters, problems };
}

/** Loads every charter of a directory; throws CharterError on the first invalid file set. */
export function loadCharters(dir: string): Charter[] {
  const { charters, problems } = checkCharterDir(dir);
  if (problems.length > 0) throw new CharterError(problems);
  if (charters.length === 0) throw new InputError('no charter files (*.yaml) found', { where: dir, code: 'charters_dir' });
  return charters;
}

/** True for a real YYYY-MM-DD day; re-exported for the CLI's --at. */
export { isRealDate };
