import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../database.ts';
import type { Migration } from './migration.ts';
import { fillStatement, postgresTriggers, sqliteTriggers, TALLIES } from './tally-sql.ts';

/**
 * Version 14: tallies of the incidents kept on write, so that the timeline, the counts by area and
 * the count of a date window cost the same at a million incidents as at a thousand (they grouped
 * every row: ~140 ms at 120,000 incidents, ~1 s at 1M, during which a SQLite server answered no one).
 *
 * - `incident_days`: incidents and fatalities (sum of best estimates) per day. The timeline of the
 *   whole store at any interval, and any count or timeline with only a date window, read it.
 * - `incident_area_months`: the same per (country, admin-1 as the by-area route names it, month)
 *   for the counts by area; the partial months at a window's ends are read from the rows.
 * - `incident_cell_months`: the same per (Web Mercator cell at level 10, month), like
 *   `incident_cells` per year, for the map's month timeline of a large viewport: the cells wholly
 *   inside it from here, the cells on its edge and the partial months from the rows.
 *
 * The cells index (version 1) also covers the best fatality estimate now, so the rows of a viewport's
 * edge cells are read from the index alone (on PostgreSQL they were ~9,000 random heap pages for a
 * zoom-7 viewport at 120,000 incidents).
 *
 * A month is the integer YYYYMM. Kept by triggers in the incident write's own statement, so a write,
 * an import, a correction and a delete change them in the same transaction. Rows that fall to zero
 * stay (n = 0); readers skip them. Filled from the incidents already stored.
 *
 * The fills and triggers are generated in tally-sql.ts (shared with version 16, which must not
 * change what this version generates): on SQLite without a function call or an upsert in a trigger,
 * on PostgreSQL by statement-level triggers over the transition tables.
 */
export const incidentTallies: Migration = {
  version: 14,
  name: 'incident tallies per day, area-month and cell-month',
  up: async (db: Kysely<any>, dialect: Dialect) => {
    for (const s of dialect === 'sqlite' ? sqliteStatements() : postgresStatements()) await sql.raw(s).execute(db);
  },
};

function sqliteStatements(): string[] {
  return [
    `drop index incidents_cells`,
    `create index incidents_cells on incidents (morton, lat, lon, date, coarse, fatalities_best)`,
    `create table incident_days (date text primary key, n integer not null, fatalities integer not null) without rowid`,
    // Country and admin-1 may be null: a rowid table, looked up with IS through this index.
    `create table incident_area_months (month integer not null, country text, admin1 text, n integer not null, fatalities integer not null)`,
    `create index incident_area_months_key on incident_area_months (month, country, admin1)`,
    `create table incident_cell_months (cell integer not null, month integer not null, n integer not null, fatalities integer not null, primary key (cell, month)) without rowid`,
    ...TALLIES.map((t) => fillStatement(t, 'sqlite')),
    ...sqliteTriggers(TALLIES),
  ];
}

function postgresStatements(): string[] {
  return [
    `drop index incidents_cells`,
    `create index incidents_cells on incidents (morton) include (lat, lon, date, coarse, id, fatalities_best)`,
    `create table incident_days (date text primary key, n bigint not null, fatalities bigint not null)`,
    `create table incident_area_months (month integer not null, country text, admin1 text, n bigint not null, fatalities bigint not null,
      constraint incident_area_months_key unique nulls not distinct (month, country, admin1))`,
    `create table incident_cell_months (cell bigint not null, month integer not null, n bigint not null, fatalities bigint not null, primary key (cell, month))`,
    ...TALLIES.map((t) => fillStatement(t, 'postgres')),
    ...postgresTriggers(TALLIES),
  ];
}
