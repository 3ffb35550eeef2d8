import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import copyStreams from 'pg-copy-streams';
import type { IncidentRow, PreparedRecord } from './rows.ts';
import type { UpsertResult } from './types.ts';

/**
 * PostgreSQL write path: the batch is copied (COPY FROM STDIN, text format)
 * into a temporary staging table on the transaction's own client, then one
 * INSERT … ON CONFLICT statement inserts the new incidents, updates the
 * changed ones (content hash differs and, for stamped sources, the stamp is
 * newer) and appends their raw reports. Race-free against concurrent
 * importers: the decision is taken row by row under the conflict lock.
 */

export const PG_COLUMNS = [
  'id', 'date', 'date_end', 'kind', 'country', 'admin1', 'admin1_derived', 'lat', 'lon', 'morton', 'location_precision', 'coarse',
  'perpetrator_type', 'target_type', 'fatalities_best', 'fatalities_low', 'fatalities_high', 'dataset', 'source_id', 'source_timestamp',
  'actors_text', 'record', 'content_hash',
] as const satisfies readonly (keyof IncidentRow)[];

const STAGE_COLUMNS = [...PG_COLUMNS, 'search_text', 'reports'];

const STAGE_DDL = `create temporary table if not exists incidents_stage (
  id text, date text, date_end text, kind text, country text, admin1 text, admin1_derived text,
  lat double precision, lon double precision, morton bigint, location_precision text, coarse smallint,
  perpetrator_type text, target_type text, fatalities_best integer, fatalities_low integer, fatalities_high integer,
  dataset text, source_id text, source_timestamp bigint, actors_text text, record jsonb, content_hash text,
  search_text text, reports jsonb
)`;

const UPDATE_SET = PG_COLUMNS.filter((c) => c !== 'id')
  .map((c) => `${c} = excluded.${c}`)
  .concat(['search_text = excluded.search_text'])
  .join(', ');

const UPSERT = `
with up as (
  insert into incidents as i (${PG_COLUMNS.join(', ')}, search_text, version, created_at, updated_at, updated_by, assessment)
  select ${PG_COLUMNS.join(', ')}, search_text, 1, $1, $1, $2, null from incidents_stage
  on conflict (id) do update set ${UPDATE_SET}, version = i.version + 1, updated_at = excluded.updated_at, updated_by = excluded.updated_by, assessment = null
  where i.content_hash <> excluded.content_hash
    and (excluded.source_timestamp is null or i.source_timestamp is null or excluded.source_timestamp > i.source_timestamp)
    and i.corrected_at is null
  returning i.id, (i.xmax = 0) as inserted
), conflict as (
  -- Corrected by hand and changed at the source: left as corrected (the statement's snapshot sees it as it was).
  -- fresh: the source's row was not kept beside the record since its correction; kept once per correction
  -- (stamped now), so a later re-import of the same row changes nothing.
  select s.id, exists (
    select 1 from jsonb_array_elements(s.reports) e(r)
    where not exists (select 1 from incident_reports x where x.incident_id = s.id and x.dataset = e.r->>'dataset'
      and x.raw = coalesce(e.r->'raw', '{}'::jsonb) and x.imported_at >= i.corrected_at)
  ) as fresh
  from incidents_stage s join incidents i on i.id = s.id
  where i.corrected_at is not null and i.content_hash <> s.content_hash
    and (s.source_timestamp is null or i.source_timestamp is null or s.source_timestamp > i.source_timestamp)
), touched as (
  select id, inserted, false as conflict, true as fresh from up
  union all select id, false, true, fresh from conflict
), rep as (
  insert into incident_reports (incident_id, dataset, source_id, source_timestamp, imported_at, raw)
  select s.id, e.r->>'dataset', e.r->>'source_id', (e.r->>'source_timestamp')::bigint,
    case when t.conflict then $1 else coalesce(e.r->>'imported_at', $1) end, coalesce(e.r->'raw', '{}'::jsonb)
  from touched t join incidents_stage s on s.id = t.id
  cross join lateral jsonb_array_elements(s.reports) with ordinality as e(r, ord)
  where t.fresh
  order by s.id, e.ord
)
select id, inserted, conflict, fresh from touched`;

/** COPY text format: \N for null, backslash escapes for the four special characters; NUL cannot be stored and is dropped. */
function copyValue(v: unknown): string {
  if (v === null || v === undefined) return '\\N';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '\\N';
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return /[\\\n\r\t\0]/.test(s) ? s.replace(/[\\\n\r\t\0]/g, (m) => (m === '\\' ? '\\\\' : m === '\n' ? '\\n' : m === '\r' ? '\\r' : m === '\t' ? '\\t' : '')) : s;
}

/** JSON for a jsonb column: PostgreSQL refuses the \u0000 escape. */
export function pgJson(v: unknown): string {
  const s = JSON.stringify(v);
  return s.includes('\\u0000') ? JSON.stringify(v, (_k, x) => (typeof x === 'string' ? x.replaceAll('\0', '') : x)) : s;
}

function stageLine(p: PreparedRecord, now: string): string {
  const r = p.row;
  const vals: unknown[] = PG_COLUMNS.map((c) => r[c]);
  vals[PG_COLUMNS.indexOf('record')] = r.record.includes('\\u0000') ? pgJson(JSON.parse(r.record)) : r.record;
  vals.push(p.search);
  const reps = p.reports.map(
    (x) => `{"dataset":${JSON.stringify(x.dataset)},"source_id":${JSON.stringify(x.sourceId)},"source_timestamp":${x.sourceTimestamp ?? 'null'},"imported_at":${JSON.stringify(x.importedAt ?? now)},"raw":${x.rawJson.includes('\\u0000') ? pgJson(JSON.parse(x.rawJson)) : x.rawJson}}`,
  );
  vals.push(`[${reps.join(',')}]`);
  return vals.map(copyValue).join('\t') + '\n';
}

const NEW_COLUMNS = [...PG_COLUMNS, 'search_text', 'version', 'created_at', 'updated_at', 'updated_by'];
const REPORT_COLUMNS = ['incident_id', 'dataset', 'source_id', 'source_timestamp', 'imported_at', 'raw'];

function jsonbText(json: string): string {
  return json.includes('\\u0000') ? pgJson(JSON.parse(json)) : json;
}

async function copyInto(client: pg.PoolClient, table: string, columns: readonly string[], lines: string[]): Promise<void> {
  const chunks: string[] = [];
  for (let i = 0; i < lines.length; i += 500) chunks.push(lines.slice(i, i + 500).join(''));
  await pipeline(Readable.from(chunks), client.query(copyStreams.from(`copy ${table} (${columns.join(', ')}) from stdin`)));
}

/**
 * The common case of an import, a batch of incidents none of which is stored
 * yet: COPY straight into `incidents` and `incident_reports` (the statement
 * triggers still see every row), without the staging table, the upsert and
 * the JSON array of reports. Returns false, having changed nothing, when an
 * id is already stored or occurs twice in the batch, or when a concurrent
 * writer stored one of them meanwhile (unique violation, undone to the
 * savepoint): the caller then takes the upsert path, which decides row by row.
 */
async function copyIfAllNew(client: pg.PoolClient, prepared: PreparedRecord[], actor: string | null, now: string): Promise<boolean> {
  const ids = prepared.map((p) => p.row.id);
  if (new Set(ids).size !== ids.length) return false;
  const stored = await client.query('select 1 from incidents where id = any($1::text[]) limit 1', [ids]);
  if (stored.rowCount) return false;
  const rows: string[] = [];
  const reports: string[] = [];
  const recordAt = PG_COLUMNS.indexOf('record');
  for (const p of prepared) {
    const vals: unknown[] = PG_COLUMNS.map((c) => p.row[c]);
    vals[recordAt] = jsonbText(p.row.record);
    vals.push(p.search, 1, now, now, actor);
    rows.push(vals.map(copyValue).join('\t') + '\n');
    for (const r of p.reports) {
      reports.push([p.row.id, r.dataset, r.sourceId, r.sourceTimestamp, r.importedAt ?? now, jsonbText(r.rawJson)].map(copyValue).join('\t') + '\n');
    }
  }
  await client.query('savepoint foedus_copy_new');
  try {
    await copyInto(client, 'incidents', NEW_COLUMNS, rows);
    if (reports.length) await copyInto(client, 'incident_reports', REPORT_COLUMNS, reports);
  } catch (err) {
    if ((err as { code?: string }).code !== '23505') throw err;
    await client.query('rollback to savepoint foedus_copy_new');
    return false;
  }
  await client.query('release savepoint foedus_copy_new');
  return true;
}

/** Splits a batch into rounds where each id occurs once (ON CONFLICT cannot touch a row twice in one statement); later duplicates see the earlier ones. */
function rounds(prepared: PreparedRecord[]): PreparedRecord[][] {
  const out: PreparedRecord[][] = [];
  const seen: Map<string, number> = new Map();
  for (const p of prepared) {
    const k = (seen.get(p.row.id) ?? -1) + 1;
    seen.set(p.row.id, k);
    (out[k] ??= []).push(p);
  }
  return out;
}

export async function pgUpsertMany(client: pg.PoolClient, prepared: PreparedRecord[], actor: string | null, now: string): Promise<UpsertResult> {
  const result: UpsertResult = { imported: 0, updated: 0, unchanged: 0, conflicts: 0, ids: { imported: [], updated: [], conflicts: [], kept: [] } };
  if (await copyIfAllNew(client, prepared, actor, now)) {
    result.imported = prepared.length;
    result.ids.imported = prepared.map((p) => p.row.id);
    return result;
  }
  await client.query(STAGE_DDL);
  for (const round of rounds(prepared)) {
    await client.query('truncate incidents_stage');
    const lines = round.map((p) => stageLine(p, now));
    const chunks: string[] = [];
    for (let i = 0; i < lines.length; i += 500) chunks.push(lines.slice(i, i + 500).join(''));
    await pipeline(Readable.from(chunks), client.query(copyStreams.from(`copy incidents_stage (${STAGE_COLUMNS.join(', ')}) from stdin`)));
    const res = await client.query<{ id: string; inserted: boolean; conflict: boolean; fresh: boolean }>(UPSERT, [now, actor]);
    for (const row of res.rows) {
      if (row.conflict) {
        result.conflicts++;
        result.ids.conflicts.push(row.id);
        if (row.fresh) result.ids.kept.push(row.id);
      } else if (row.inserted) {
        result.imported++;
        result.ids.imported.push(row.id);
      } else {
        result.updated++;
        result.ids.updated.push(row.id);
      }
    }
    result.unchanged += round.length - res.rows.length;
  }
  // Keep the result in input order, as SQLite does.
  const order = new Map(prepared.map((p, i) => [p.row.id, i]));
  result.ids.imported.sort((a, b) => order.get(a)! - order.get(b)!);
  result.ids.updated.sort((a, b) => order.get(a)! - order.get(b)!);
  result.ids.conflicts.sort((a, b) => order.get(a)! - order.get(b)!);
  result.ids.kept.sort((a, b) => order.get(a)! - order.get(b)!);
  return result;
}

/** Runs `fn` on one client in a transaction: the given one (already in the caller's transaction) or a fresh one from the pool. */
export async function onClient<T>(pool: pg.Pool, client: pg.PoolClient | undefined, fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
  if (client) return fn(client);
  const c = await pool.connect();
  let broken = false;
  try {
    await c.query('begin');
    try {
      const out = await fn(c);
      await c.query('commit');
      return out;
    } catch (err) {
      await c.query('rollback').catch(() => {
        broken = true;
      });
      throw err;
    }
  } finally {
    c.release(broken ? true : undefined);
  }
}
