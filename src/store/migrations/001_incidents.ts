import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../database.ts';
import type { Migration } from './migration.ts';

/**
 * Version 1: the incident store.
 *
 * `incidents` keeps the whole record as JSON (`record`) plus the columns the
 * queries filter, sort and group on, denormalised from it. `incident_reports`
 * keeps every raw report folded into an incident (appended, never rewritten).
 *
 * Coordinates are stored quantised to 1e-6 degree (about 10 cm); `lat_e6`
 * style integers in the SQLite R*Tree and the doubles in the table then agree
 * exactly, so every query path sees the same bbox edges. `morton` is the
 * Z-order code of the point in Web Mercator at level 22 (2^22 cells per axis):
 * a map cell at any coarser level is one contiguous range of it, which is how
 * clusters are counted from an index range per cell.
 *
 * `incident_cells` is a summary kept by triggers: incidents per (Web Mercator
 * cell at level 10, about 39 km at the equator; year), with their coordinate
 * sums. Cluster queries over large viewports read it instead of every row
 * (only the cells on the viewport's edge go back to the rows).
 *
 * SQLite: `rid INTEGER PRIMARY KEY` (a stable rowid: R*Tree and FTS5 refer to
 * it), an R*Tree over (lon, lat, day) in microdegrees and days since
 * 1970-01-01, and a contentless FTS5 table over notes, place and actor names.
 * PostgreSQL: a GiST index on point(lon, lat) (core PostgreSQL, no PostGIS)
 * and a GIN index on a generated tsvector.
 */
export const incidentsMigration: Migration = {
  version: 1,
  name: 'incidents',
  up: async (db: Kysely<any>, dialect: Dialect) => {
    const statements = dialect === 'sqlite' ? SQLITE : POSTGRES;
    for (const s of statements) await sql.raw(s).execute(db);
  },
};

const SQLITE = [
  `create table incidents (
    rid integer primary key,
    id text not null unique,
    date text not null,
    date_end text,
    kind text not null,
    country text,
    admin1 text,
    admin1_derived text,
    lat real,
    lon real,
    morton integer,
    location_precision text not null,
    coarse integer not null,
    perpetrator_type text,
    target_type text,
    fatalities_best integer,
    fatalities_low integer,
    fatalities_high integer,
    dataset text not null,
    source_id text,
    source_timestamp integer,
    actors_text text not null default '',
    record text not null,
    content_hash text not null,
    version integer not null,
    created_at text not null,
    updated_at text not null,
    updated_by text,
    assessment text
  )`,
  // Paging order; lon/lat let a date-ordered walk test the box from the index alone.
  `create index incidents_date on incidents (date desc, id, lon, lat)`,
  `create index incidents_country on incidents (country, date)`,
  `create index incidents_kind on incidents (kind, date)`,
  // Covering index for cluster counts: one range of morton per map cell, bbox/date/precision checked in the index.
  `create index incidents_cells on incidents (morton, lat, lon, date, coarse)`,
  `create virtual table incidents_rtree using rtree_i32(rid, min_lon, max_lon, min_lat, max_lat, min_day, max_day)`,
  `create virtual table incidents_fts using fts5(body, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 2')`,
  `create table incident_reports (
    rid integer primary key,
    incident_id text not null references incidents (id) on delete cascade,
    dataset text not null,
    source_id text,
    source_timestamp integer,
    imported_at text not null,
    raw text not null
  )`,
  `create index incident_reports_incident on incident_reports (incident_id, rid)`,
  `create table incident_cells (
    cell integer not null,
    year integer not null,
    n integer not null,
    sum_lat real not null,
    sum_lon real not null,
    coarse integer not null,
    primary key (cell, year)
  ) without rowid`,
  `create trigger incidents_cells_insert after insert on incidents when new.morton is not null begin
    insert into incident_cells (cell, year, n, sum_lat, sum_lon, coarse)
    values (new.morton >> 24, cast(substr(new.date, 1, 4) as integer), 1, new.lat, new.lon, new.coarse)
    on conflict (cell, year) do update set n = n + 1, sum_lat = sum_lat + excluded.sum_lat, sum_lon = sum_lon + excluded.sum_lon, coarse = coarse + excluded.coarse;
  end`,
  `create trigger incidents_cells_delete after delete on incidents when old.morton is not null begin
    update incident_cells set n = n - 1, sum_lat = sum_lat - old.lat, sum_lon = sum_lon - old.lon, coarse = coarse - old.coarse
    where cell = old.morton >> 24 and year = cast(substr(old.date, 1, 4) as integer);
  end`,
  `create trigger incidents_cells_update after update of morton, lat, lon, date, coarse on incidents begin
    update incident_cells set n = n - 1, sum_lat = sum_lat - old.lat, sum_lon = sum_lon - old.lon, coarse = coarse - old.coarse
    where old.morton is not null and cell = old.morton >> 24 and year = cast(substr(old.date, 1, 4) as integer);
    insert into incident_cells (cell, year, n, sum_lat, sum_lon, coarse)
    select new.morton >> 24, cast(substr(new.date, 1, 4) as integer), 1, new.lat, new.lon, new.coarse where new.morton is not null
    on conflict (cell, year) do update set n = n + 1, sum_lat = sum_lat + excluded.sum_lat, sum_lon = sum_lon + excluded.sum_lon, coarse = coarse + excluded.coarse;
  end`,
];

const POSTGRES = [
  `create table incidents (
    id text primary key,
    date text not null,
    date_end text,
    kind text not null,
    country text,
    admin1 text,
    admin1_derived text,
    lat double precision,
    lon double precision,
    morton bigint,
    location_precision text not null,
    coarse smallint not null,
    perpetrator_type text,
    target_type text,
    fatalities_best integer,
    fatalities_low integer,
    fatalities_high integer,
    dataset text not null,
    source_id text,
    source_timestamp bigint,
    actors_text text not null default '',
    search_text text not null default '',
    search tsvector generated always as (to_tsvector('simple', search_text)) stored,
    record jsonb not null,
    content_hash text not null,
    version integer not null,
    created_at text not null,
    updated_at text not null,
    updated_by text,
    assessment jsonb
  )`,
  // Paging order; lon/lat let a date-ordered walk (and counts over short windows) test the box from the index alone.
  `create index incidents_date on incidents (date desc, id) include (lon, lat)`,
  `create index incidents_country on incidents (country, date)`,
  `create index incidents_kind on incidents (kind, date)`,
  `create index incidents_point on incidents using gist (point(lon, lat))`,
  `create index incidents_cells on incidents (morton) include (lat, lon, date, coarse, id)`,
  `create index incidents_search on incidents using gin (search)`,
  `create table incident_reports (
    seq bigserial primary key,
    incident_id text not null references incidents (id) on delete cascade,
    dataset text not null,
    source_id text,
    source_timestamp bigint,
    imported_at text not null,
    raw jsonb not null
  )`,
  `create index incident_reports_incident on incident_reports (incident_id, seq)`,
  `create table incident_cells (
    cell bigint not null,
    year integer not null,
    n bigint not null,
    sum_lat double precision not null,
    sum_lon double precision not null,
    coarse bigint not null,
    primary key (cell, year)
  )`,
  // Statement-level triggers with transition tables: one grouped upsert per statement, not one per row.
  `create function incidents_cells_delta() returns trigger language plpgsql as $$
  begin
    if tg_op = 'INSERT' then
      insert into incident_cells (cell, year, n, sum_lat, sum_lon, coarse)
      select morton >> 24, substr(date, 1, 4)::int, count(*), sum(lat), sum(lon), sum(coarse) from new_rows where morton is not null group by 1, 2
      on conflict (cell, year) do update set n = incident_cells.n + excluded.n, sum_lat = incident_cells.sum_lat + excluded.sum_lat,
        sum_lon = incident_cells.sum_lon + excluded.sum_lon, coarse = incident_cells.coarse + excluded.coarse;
    elsif tg_op = 'DELETE' then
      insert into incident_cells (cell, year, n, sum_lat, sum_lon, coarse)
      select morton >> 24, substr(date, 1, 4)::int, -count(*), -sum(lat), -sum(lon), -sum(coarse) from old_rows where morton is not null group by 1, 2
      on conflict (cell, year) do update set n = incident_cells.n + excluded.n, sum_lat = incident_cells.sum_lat + excluded.sum_lat,
        sum_lon = incident_cells.sum_lon + excluded.sum_lon, coarse = incident_cells.coarse + excluded.coarse;
    else
      insert into incident_cells (cell, year, n, sum_lat, sum_lon, coarse)
      select cell, year, sum(d), sum(la), sum(lo), sum(co) from (
        select morton >> 24 as cell, substr(date, 1, 4)::int as year, 1 as d, lat as la, lon as lo, coarse as co from new_rows where morton is not null
        union all
        select morton >> 24, substr(date, 1, 4)::int, -1, -lat, -lon, -coarse from old_rows where morton is not null
      ) x group by cell, year
      having sum(d) <> 0 or sum(la) <> 0 or sum(lo) <> 0 or sum(co) <> 0
      on conflict (cell, year) do update set n = incident_cells.n + excluded.n, sum_lat = incident_cells.sum_lat + excluded.sum_lat,
        sum_lon = incident_cells.sum_lon + excluded.sum_lon, coarse = incident_cells.coarse + excluded.coarse;
    end if;
    return null;
  end $$`,
  `create trigger incidents_cells_insert after insert on incidents referencing new table as new_rows for each statement execute function incidents_cells_delta()`,
  `create trigger incidents_cells_update after update on incidents referencing old table as old_rows new table as new_rows for each statement execute function incidents_cells_delta()`,
  `create trigger incidents_cells_delete after delete on incidents referencing old table as old_rows for each statement execute function incidents_cells_delta()`,
];
