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
  `create index incidents_date on incidents (date desc, id)`,
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
  `create index incidents_date on incidents (date desc, id)`,
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
];
