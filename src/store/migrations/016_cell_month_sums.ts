import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../database.ts';
import type { Migration } from './migration.ts';
import { fillStatement, postgresTriggers, sqliteTriggers, TALLIES, type Tally } from './tally-sql.ts';

/**
 * Version 16: the per-(level-10 cell, month) tally also keeps `sum_lat`, `sum_lon` and `coarse` (the
 * count of coarse rows), as `incident_cells` does per year, so the map's clusters and the count of a
 * large box can take the whole months of a window from it. Until now only whole calendar years came
 * from a summary: a window such as April to June 2022 read every row of the box (~1.8 s at 1M
 * incidents on PostgreSQL).
 *
 * The triggers are dropped and recreated from the same generator as version 14's, with the sums; on
 * SQLite the update trigger now also fires when `lat`, `lon` or `coarse` change (a move inside one
 * cell changes no key). The columns are added, then the tally refilled from the stored incidents.
 */
export const cellMonthSums: Migration = {
  version: 16,
  name: 'cell-month tally keeps coordinate sums and coarse counts',
  up: async (db: Kysely<any>, dialect: Dialect) => {
    for (const s of dialect === 'sqlite' ? sqliteStatements() : postgresStatements()) await sql.raw(s).execute(db);
  },
};

const CELL_MONTHS = 'incident_cell_months';

/** Version 14's tallies, the cell-month one with the sums. */
const WITH_SUMS: Tally[] = TALLIES.map((t) =>
  t.table === CELL_MONTHS ? { ...t, sums: [{ col: 'sum_lat', of: 'lat' }, { col: 'sum_lon', of: 'lon' }, { col: 'coarse', of: 'coarse' }] } : t,
);

function refill(dialect: Dialect): string[] {
  return [`delete from ${CELL_MONTHS}`, fillStatement(WITH_SUMS.find((t) => t.table === CELL_MONTHS)!, dialect)];
}

function sqliteStatements(): string[] {
  return [
    `drop trigger incidents_tallies_insert`,
    `drop trigger incidents_tallies_delete`,
    `drop trigger incidents_tallies_update`,
    `alter table ${CELL_MONTHS} add column sum_lat real not null default 0`,
    `alter table ${CELL_MONTHS} add column sum_lon real not null default 0`,
    `alter table ${CELL_MONTHS} add column coarse integer not null default 0`,
    ...refill('sqlite'),
    ...sqliteTriggers(WITH_SUMS),
  ];
}

function postgresStatements(): string[] {
  return [
    `drop trigger incidents_tallies_insert on incidents`,
    `drop trigger incidents_tallies_update on incidents`,
    `drop trigger incidents_tallies_delete on incidents`,
    `drop function incidents_tallies_delta()`,
    `alter table ${CELL_MONTHS} add column sum_lat double precision not null default 0, add column sum_lon double precision not null default 0,
      add column coarse bigint not null default 0`,
    ...refill('postgres'),
    ...postgresTriggers(WITH_SUMS),
  ];
}
