import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../database.ts';
import type { Migration } from './migration.ts';

/**
 * Version 3: SQLite's `incident_cells` triggers rewritten so that writing an
 * incident needs no statement journal. Same summary, same values.
 *
 * SQLite keeps a statement journal (a copy of every page a statement changes,
 * spilled to a temporary file past 64 KiB) for a statement that both writes
 * several rows (here: the incident and, through the trigger, its cell) and
 * may abort half-way. The version 1 triggers made every incident insert such
 * a statement: the upsert (`on conflict … do update`) and the `substr()` call
 * each count as "may abort" whatever the conflict policy. About 15 page
 * copies per incident, and each statement journal also made FTS5 flush its
 * pending terms to disk (a savepoint per statement): half of the native
 * insert time of an import.
 *
 * The triggers below use no function call (`cast(date as integer)` reads the
 * year: the longest integer prefix of 'YYYY-MM-DD') and no upsert (insert the
 * cell if missing, then update it), with the `or fail` policy: nothing in
 * them can abort half-way, so the writer's `insert or fail` / `update or fail`
 * statements run without a statement journal. Atomicity is unchanged: every
 * write runs inside a transaction or savepoint that is rolled back whole on
 * any error. PostgreSQL keeps its statement-level triggers (nothing to do).
 */
export const cellsTriggersNoStatementJournal: Migration = {
  version: 3,
  name: 'incident cells triggers without statement journal',
  up: async (db: Kysely<any>, dialect: Dialect) => {
    if (dialect !== 'sqlite') return;
    for (const s of SQLITE) await sql.raw(s).execute(db);
  },
};

const CELL = (r: 'new' | 'old') => `${r}.morton >> 24`;
const YEAR = (r: 'new' | 'old') => `cast(${r}.date as integer)`;
const ADD_MISSING_CELL = `insert or fail into incident_cells (cell, year, n, sum_lat, sum_lon, coarse)
    select ${CELL('new')}, ${YEAR('new')}, 0, 0, 0, 0
    where new.morton is not null and not exists (select 1 from incident_cells where cell = ${CELL('new')} and year = ${YEAR('new')});`;
const ADD_NEW = `update or fail incident_cells set n = n + 1, sum_lat = sum_lat + new.lat, sum_lon = sum_lon + new.lon, coarse = coarse + new.coarse
    where new.morton is not null and cell = ${CELL('new')} and year = ${YEAR('new')};`;
const REMOVE_OLD = `update or fail incident_cells set n = n - 1, sum_lat = sum_lat - old.lat, sum_lon = sum_lon - old.lon, coarse = coarse - old.coarse
    where old.morton is not null and cell = ${CELL('old')} and year = ${YEAR('old')};`;

const SQLITE = [
  `drop trigger incidents_cells_insert`,
  `drop trigger incidents_cells_delete`,
  `drop trigger incidents_cells_update`,
  `create trigger incidents_cells_insert after insert on incidents when new.morton is not null begin
    ${ADD_MISSING_CELL}
    ${ADD_NEW}
  end`,
  `create trigger incidents_cells_delete after delete on incidents when old.morton is not null begin
    ${REMOVE_OLD}
  end`,
  `create trigger incidents_cells_update after update of morton, lat, lon, date, coarse on incidents begin
    ${REMOVE_OLD}
    ${ADD_MISSING_CELL}
    ${ADD_NEW}
  end`,
];
