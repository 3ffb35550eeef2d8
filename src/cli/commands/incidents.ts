import type { Command } from 'commander';
import { INCIDENT_KINDS } from '../../incident/kinds.ts';
import type { AssessOptions, ExportOptions, FilterOpts, ListOptions } from '../actions/incidents.ts';

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
 * --min-fatalities N --dataset D --precise --cell L/X/Y --triggers WHAT. Bad flags exit 2 with one line.
 * What they do is in ../actions/incidents.ts, loaded when one of them runs.
 */

const actions = () => import('../actions/incidents.ts');

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

export function register(program: Command): void {
  const incidents = program.command('incidents').description('Read the incident store: count, list, show, export; recompute assessments.');

  withFilters(incidents.command('count').description('How many incidents match the filters.'))
    .option('--json', 'print {"count": N} only')
    .action(async (o: FilterOpts) => (await actions()).count(o));

  withFilters(incidents.command('list').description('Matching incidents, newest first (a page at a time, or --all).'))
    .option('--limit <n>', 'incidents per page (1–1000)', '50')
    .option('--cursor <cursor>', 'continue after the page that printed this cursor')
    .option('--all', 'every match (streamed)')
    .option('--json', 'one incident record per line (JSON lines)')
    .action(async (o: ListOptions) => (await actions()).list(o));

  incidents
    .command('show')
    .description('One incident, with its raw reports.')
    .argument('<id>', 'incident id, e.g. ucdp_ged:235799')
    .option('--db <path|url>', 'SQLite file or postgres:// URL')
    .option('--json', 'the stored record as JSON')
    .action(async (id: string, o: { db?: string; json?: boolean }) => (await actions()).show(id, o));

  withFilters(incidents.command('export').description('Stream matching incidents as CSV or GeoJSON (RFC 7946).'))
    .option('--format <format>', 'csv or geojson', 'csv')
    .option('--out <file>', 'write here (default: stdout)')
    .action(async (o: ExportOptions) => (await actions()).exportMatches(o));

  withFilters(incidents.command('assess').description("Recompute each incident's assessment summary (triggered charter/article pairs) against the charters, as of the incident's date."))
    .option('--charters <dir>', 'charter folder (default ./charters, else the shipped ones)')
    .option('--json', 'print the summary as JSON')
    .action(async (o: AssessOptions) => (await actions()).reassess(o));
}
