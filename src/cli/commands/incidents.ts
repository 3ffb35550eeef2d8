import { createWriteStream, renameSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { Command } from 'commander';
import { InputError } from '../../errors.ts';
import { assess, compileCharters, triggeredArticles } from '../../charter/engine.ts';
import { loadCharters } from '../../charter/loader.ts';
import { INCIDENT_KINDS } from '../../incident/incident.ts';
import type { IncidentRecord } from '../../incident/record.ts';
import { isCoarse, parseFilterText, type FilterText, type IncidentFilter } from '../../store/incidents/index.ts';
import { ATTRIBUTION, exportChunks, type ExportFormat, type ExportSummary } from '../../store/incidents/export.ts';
import { withStore } from '../store.ts';
import { chartersDir } from './charters.ts';

/**
 * `foedus incidents count|list|show|export|assess`: read the incident store.
 *
 *   foedus incidents count [filters] [--json]            → {"count": N}
 *   foedus incidents list [filters] [--limit N] [--cursor C] [--all] [--json]
 *   foedus incidents show ID [--json]
 *   foedus incidents export [filters] [--format csv|geojson] [--out FILE]
 *   foedus incidents assess [filters] [--charters DIR] [--json]
 *
 * Filters: --bbox minLon,minLat,maxLon,maxLat --from DATE --to DATE
 * --country ISO3[,ISO3] --kind K[,K] --admin1 NAME --actor TEXT --q TEXT
 * --min-fatalities N --dataset D --precise. Bad flags exit 2 with one line.
 */

interface FilterOpts {
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

function withFilters(cmd: Command): Command {
  return cmd
    .option('--db <path|url>', 'SQLite file or postgres:// URL (default: FOEDUS_DATABASE_URL, FOEDUS_DB, ./foedus.db)')
    .option('--bbox <minLon,minLat,maxLon,maxLat>', 'only incidents inside this box (edges included)')
    .option('--from <date>', 'first day, YYYY-MM-DD')
    .option('--to <date>', 'last day, YYYY-MM-DD')
    .option('--country <iso3>', 'ISO 3166-1 alpha-3 code(s), comma-separated')
    .option('--kind <kind>', `incident kind(s), comma-separated: ${INCIDENT_KINDS.join(', ')}`)
    .option('--admin1 <name>', 'admin-1 name, as the source gives it or as derived from the boundaries')
    .option('--actor <text>', 'an actor whose name contains this text')
    .option('--q <text>', 'full text over notes, place and actors (every word, as a prefix)')
    .option('--min-fatalities <n>', 'best fatality estimate at least n')
    .option('--dataset <name>', 'source dataset(s): ucdp_ged, acled, geojson, incident_json, manual')
    .option('--precise', 'leave out incidents placed only at an area or country centroid')
    .option('--cell <level/x/y>', 'only the incidents of one map cluster, as GET /api/v1/incidents/clusters names its cell')
    .option('--triggers <what>', 'only incidents whose stored assessment triggers: any, a charter (aes-2023) or an article (aes-2023/6); comma-separated');
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

// ------------------------------------------------------------------ commands

export function register(program: Command): void {
  const incidents = program.command('incidents').description('Read the incident store: count, list, show, export; recompute assessments.');

  withFilters(incidents.command('count').description('How many incidents match the filters.'))
    .option('--json', 'print {"count": N} only')
    .action(async (o: FilterOpts) => {
      const filter = filterFromFlags(o);
      const n = await withStore(o.db, (s) => s.incidents.count(filter));
      process.stdout.write(o.json ? `${JSON.stringify({ count: n })}\n` : `${n.toLocaleString('en')} incident${n === 1 ? '' : 's'}\n`);
    });

  withFilters(incidents.command('list').description('Matching incidents, newest first (a page at a time, or --all).'))
    .option('--limit <n>', 'incidents per page (1–1000)', '50')
    .option('--cursor <cursor>', 'continue after the page that printed this cursor')
    .option('--all', 'every match (streamed)')
    .option('--json', 'one incident record per line (JSON lines)')
    .action(async (o: FilterOpts & { limit: string; cursor?: string; all?: boolean }) => {
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
    });

  incidents
    .command('show')
    .description('One incident, with its raw reports.')
    .argument('<id>', 'incident id, e.g. ucdp_ged:235799')
    .option('--db <path|url>', 'SQLite file or postgres:// URL')
    .option('--json', 'the stored record as JSON')
    .action(async (id: string, o: { db?: string; json?: boolean }) => {
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
    });

  withFilters(incidents.command('export').description('Stream matching incidents as CSV or GeoJSON (RFC 7946).'))
    .option('--format <format>', 'csv or geojson', 'csv')
    .option('--out <file>', 'write here (default: stdout)')
    .action(async (o: FilterOpts & { format: string; out?: string }) => {
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
    });

  withFilters(incidents.command('assess').description("Recompute each incident's assessment summary (triggered charter/article pairs) against the charters, as of the incident's date."))
    .option('--charters <dir>', 'charter folder (default ./charters, else the shipped ones)')
    .option('--json', 'print the summary as JSON')
    .action(async (o: FilterOpts & { charters?: string }) => {
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
    });
}
