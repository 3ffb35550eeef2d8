import { createWriteStream, renameSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { InputError } from '../../errors.ts';
import { assess, compileCharters, triggeredArticles } from '../../charter/engine.ts';
import { loadCharters } from '../../charter/loader.ts';
import type { IncidentRecord } from '../../incident/record.ts';
import { isCoarse, parseFilterText, type FilterText, type IncidentFilter } from '../../store/incidents/index.ts';
import { ATTRIBUTION, exportChunks, type ExportFormat, type ExportSummary } from '../../store/incidents/export.ts';
import { withStore } from '../store.ts';
import { chartersDir } from './charters.ts';

/**
 * What `foedus incidents count|list|show|export|assess` do (declared, with their flags,
 * in ../commands/incidents.ts): read the incident store, or recompute its assessments.
 * Filter flags are checked by the API's own parser before the store opens.
 */

export interface FilterOpts {
  db?: string;
  bbox?: string;
  from?: string;
  to?: string;
  country?: string;
  kind?: string;
  admin1?: string;
  actor?: string;
  q?: string;
  minFatalities?: string;
  dataset?: string;
  precise?: boolean;
  cell?: string;
  triggers?: string;
  json?: boolean;
}

/** The flag each filter field comes from, to name it in errors. */
const FLAGS: Record<keyof FilterText, string> = {
  bbox: '--bbox', from: '--from', to: '--to', kind: '--kind', country: '--country', admin1: '--admin1', actor: '--actor', q: '--q',
  minFatalities: '--min-fatalities', dataset: '--dataset', precision: '--precise', cell: '--cell', triggers: '--triggers',
};

/** Flags → IncidentFilter, checked by the same parser as the API's query (src/store/incidents/filter.ts), before the store opens. */
export function filterFromFlags(o: FilterOpts): IncidentFilter {
  const { db: _db, json: _json, precise, ...text } = o;
  return parseFilterText({ ...text, ...(precise ? { precision: 'precise' } : {}) }, (field) => FLAGS[field]);
}

/** Writes honouring backpressure, so exports stream in constant memory. */
async function write(out: Writable, s: string): Promise<void> {
  if (!out.write(s)) await once(out, 'drain');
}

/** A reader that stopped reading (`… | head`) ends the output, not the command. */
async function toClosedPipe(fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EPIPE') return;
    throw err;
  }
}

function pad(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s.padEnd(n);
}

function tableRow(r: IncidentRecord): string {
  const i = r.incident;
  const where = [i.location.country ?? '—', r.admin1Derived ?? r.admin1 ?? ''].filter(Boolean).join(' ');
  const prec = isCoarse(r.locationPrecision) ? `${r.locationPrecision}*` : r.locationPrecision;
  const fat = r.fatalities.best ?? i.fatalities;
  return [pad(i.date, 10), pad(r.id, 24), pad(i.kind, 17), pad(where, 22), pad(fat === undefined || fat === null ? '?' : String(fat), 5), pad(prec, 9), r.placeName ?? ''].join('  ');
}

const TABLE_HEAD = [pad('date', 10), pad('id', 24), pad('kind', 17), pad('where', 22), pad('dead', 5), pad('precision', 9), 'place name'].join('  ');

export type ListOptions = FilterOpts & { limit: string; cursor?: string; all?: boolean };
export type ExportOptions = FilterOpts & { format: string; out?: string };
export type AssessOptions = FilterOpts & { charters?: string };

export async function count(o: FilterOpts): Promise<void> {
  const filter = filterFromFlags(o);
  const n = await withStore(o.db, (s) => s.incidents.count(filter));
  process.stdout.write(o.json ? `${JSON.stringify({ count: n })}\n` : `${n.toLocaleString('en')} incident${n === 1 ? '' : 's'}\n`);
}

export async function list(o: ListOptions): Promise<void> {
  const filter = filterFromFlags(o);
  const limit = Number(o.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new InputError(`--limit "${o.limit}" must be a whole number from 1 to 1000`, { code: 'bad_flag' });
  await toClosedPipe(() => withStore(o.db, async (s) => {
    const out = process.stdout;
    const print = (r: IncidentRecord) => write(out, o.json ? `${JSON.stringify(r)}\n` : `${tableRow(r)}\n`);
    if (!o.json) await write(out, `${TABLE_HEAD}\n`);
    let shown = 0;
    let coarse = 0;
    let next: string | null = null;
    if (o.all) {
      for await (const r of s.incidents.iterate(filter)) {
        await print(r);
        shown++;
        if (isCoarse(r.locationPrecision)) coarse++;
      }
    } else {
      const page = await s.incidents.query(filter, { limit, cursor: o.cursor ?? null });
      for (const r of page.items) {
        await print(r);
        shown++;
        if (isCoarse(r.locationPrecision)) coarse++;
      }
      next = page.nextCursor;
    }
    if (!o.json) {
      if (coarse) process.stderr.write(`* ${coarse} placed only at an admin-area or country centroid (not an exact point)\n`);
      process.stderr.write(next ? `${shown} shown; more: --cursor ${next}\n` : `${shown} shown\n`);
    }
  }));
}

export async function show(id: string, o: { db?: string; json?: boolean }): Promise<void> {
  const r = await withStore(o.db, (s) => s.incidents.get(id));
  if (!r) throw new InputError(`no incident with id "${id}" (list ids with \`foedus incidents list\`)`, { code: 'not_found' });
  if (o.json) {
    process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
    return;
  }
  const i = r.incident;
  const lines = [
    `${r.id}  (version ${r.version}, updated ${r.updatedAt})`,
    `  date        ${i.date}${r.dateEnd && r.dateEnd !== i.date ? ` – ${r.dateEnd}` : ''} (${r.datePrecision})`,
    `  kind        ${i.kind}   source: ${[r.source.eventType, r.source.subEventType].filter(Boolean).join(' / ') || '—'}`,
    `  where       ${[r.placeName, r.admin2, r.admin1, i.location.country].filter(Boolean).join(', ')}${r.admin1Derived ? ` [boundaries: ${r.admin1Derived}]` : ''}`,
    `  point       ${i.location.lat !== undefined ? `${i.location.lat}, ${i.location.lon}` : 'none'}  precision: ${r.locationPrecision}${isCoarse(r.locationPrecision) ? ' (area/country centroid: not an exact point)' : ''}`,
    `  perpetrator ${i.perpetrator.type}${i.perpetrator.name ? ` (${i.perpetrator.name})` : ''}${i.perpetrator.country ? ` ${i.perpetrator.country}` : ''}`,
    `  target      ${i.target.type}${i.target.country ? ` ${i.target.country}` : ''}`,
    `  fatalities  best ${r.fatalities.best ?? '?'} (low ${r.fatalities.low ?? '?'}, high ${r.fatalities.high ?? '?'})`,
    `  actors      ${r.actors.map((a) => `${a.name} [${a.role}${a.inter ? ` inter ${a.inter}` : ''}]`).join('; ') || '—'}`,
    `  notes       ${r.notes ?? '—'}`,
    `  assessment  ${r.assessment === null ? 'not assessed (run `foedus incidents assess`)' : r.assessment.length ? r.assessment.join(', ') : 'nothing triggered'}`,
    `  reports     ${r.reports.length}: ${r.reports.map((p) => `${p.dataset}${p.sourceId ? `:${p.sourceId}` : ''} (${p.importedAt})`).join(', ')}`,
  ];
  if (ATTRIBUTION[r.source.dataset]) lines.push(`  credit      ${ATTRIBUTION[r.source.dataset]}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

export async function exportMatches(o: ExportOptions): Promise<void> {
  const filter = filterFromFlags(o);
  if (o.format !== 'csv' && o.format !== 'geojson') throw new InputError(`--format "${o.format}" is not supported; use csv or geojson`, { code: 'bad_flag' });
  const part = o.out ? `${o.out}.part` : null;
  const out: Writable = part ? createWriteStream(part) : process.stdout;
  if (part) await once(out, 'open').catch((err: NodeJS.ErrnoException) => {
    throw new InputError(`cannot write ${o.out}: ${err.code ?? err.message}`, { code: 'bad_flag' });
  });
  const summary: ExportSummary = { count: 0, credit: [] };
  try {
    await withStore(o.db, async (s) => {
      for await (const chunk of exportChunks(s.incidents.iterate(filter), o.format as ExportFormat, summary)) await write(out, chunk);
    });
    if (part) {
      out.end();
      await once(out, 'finish');
      renameSync(part, o.out!);
    }
  } catch (err) {
    if (part) {
      out.destroy();
      rmSync(part, { force: true });
    }
    if ((err as NodeJS.ErrnoException).code === 'EPIPE') return;
    throw err;
  }
  const { count: n, credit } = summary;
  process.stderr.write(`exported ${n} incident${n === 1 ? '' : 's'}${o.out ? ` to ${o.out}` : ''}${credit.length ? `; data: ${credit.join('; ')}` : ''}\n`);
}

export async function reassess(o: AssessOptions): Promise<void> {
  const filter = filterFromFlags(o);
  const compiled = compileCharters(loadCharters(chartersDir(o.charters)));
  const summary = await withStore(o.db, async (s) => {
    let assessed = 0, changed = 0, triggering = 0;
    let batch: { id: string; assessment: string[] }[] = [];
    const flush = async () => {
      if (batch.length) await s.incidents.setAssessments(batch);
      batch = [];
    };
    for await (const r of s.incidents.iterate(filter, { withReports: false })) {
      const result = assess(r.incident, compiled, undefined, { trace: false });
      const pairs = triggeredArticles(result);
      assessed++;
      if (pairs.length) triggering++;
      if (JSON.stringify(pairs) !== JSON.stringify(r.assessment)) {
        changed++;
        batch.push({ id: r.id, assessment: pairs });
        if (batch.length >= 500) await flush();
      }
    }
    await flush();
    return { assessed, changed, triggering };
  });
  process.stdout.write(
    o.json
      ? `${JSON.stringify(summary)}\n`
      : `assessed ${summary.assessed} incident(s): ${summary.triggering} trigger at least one article; ${summary.changed} summary(ies) changed\n`,
  );
}
