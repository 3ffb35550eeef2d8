import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../database.ts';
import type { Migration } from './migration.ts';

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
 * SQLite: like version 3, no function call and no upsert in a trigger (either would make every
 * incident write keep a statement journal): the year is `cast(date as integer)` and the month is
 * counted by comparing the date with 'YYYY-02' … 'YYYY-12'. PostgreSQL: one statement-level
 * trigger per operation over the transition tables, grouped, as for `incident_cells`.
 */
export const incidentTallies: Migration = {
  version: 14,
  name: 'incident tallies per day, area-month and cell-month',
  up: async (db: Kysely<any>, dialect: Dialect) => {
    for (const s of dialect === 'sqlite' ? sqliteStatements() : postgresStatements()) await sql.raw(s).execute(db);
  },
};

/** One tally: its table, its key columns and how each is computed from a row, and which rows it counts. */
interface Tally {
  table: string;
  keys: Array<{ col: string; sqlite: (r: string) => string; postgres: (r: string) => string; nullable?: boolean }>;
  /** Rows outside the tally (SQL over the row), or none. */
  only?: (r: string) => string;
}

/** YYYYMM without a function call: the year by cast, the month by 11 comparisons with the year's own text. */
function sqliteMonth(r: string): string {
  const y = `cast(${r}.date as integer)`;
  const year = `(case when ${y} >= 1000 then '' when ${y} >= 100 then '0' when ${y} >= 10 then '00' else '000' end || ${y})`;
  const later = Array.from({ length: 11 }, (_, k) => `(${r}.date >= ${year} || '-${String(k + 2).padStart(2, '0')}')`);
  return `(${y} * 100 + 1 + ${later.join(' + ')})`;
}

const pgMonth = (r: string) => `(substr(${r}.date, 1, 4)::int * 100 + substr(${r}.date, 6, 2)::int)`;

const TALLIES: Tally[] = [
  { table: 'incident_days', keys: [{ col: 'date', sqlite: (r) => `${r}.date`, postgres: (r) => `${r}.date` }] },
  {
    table: 'incident_area_months',
    keys: [
      { col: 'month', sqlite: sqliteMonth, postgres: pgMonth },
      { col: 'country', sqlite: (r) => `${r}.country`, postgres: (r) => `${r}.country`, nullable: true },
      { col: 'admin1', sqlite: (r) => `coalesce(${r}.admin1_derived, ${r}.admin1)`, postgres: (r) => `coalesce(${r}.admin1_derived, ${r}.admin1)`, nullable: true },
    ],
  },
  {
    table: 'incident_cell_months',
    keys: [
      { col: 'cell', sqlite: (r) => `${r}.morton >> 24`, postgres: (r) => `${r}.morton >> 24` },
      { col: 'month', sqlite: sqliteMonth, postgres: pgMonth },
    ],
    only: (r) => `${r}.morton is not null`,
  },
];

const fatalities = (r: string) => `coalesce(${r}.fatalities_best, 0)`;

function sqliteTriggerSteps(t: Tally): { add: string; remove: string } {
  const match = (r: string) => t.keys.map((k) => `${k.col} ${k.nullable ? 'is' : '='} ${k.sqlite(r)}`).join(' and ');
  const only = (r: string) => (t.only ? `${t.only(r)} and ` : '');
  const cols = t.keys.map((k) => k.col).join(', ');
  const addMissing = `insert or fail into ${t.table} (${cols}, n, fatalities)
      select ${t.keys.map((k) => k.sqlite('new')).join(', ')}, 0, 0
      where ${only('new')}not exists (select 1 from ${t.table} where ${match('new')});`;
  const addNew = `update or fail ${t.table} set n = n + 1, fatalities = fatalities + ${fatalities('new')} where ${only('new')}${match('new')};`;
  const removeOld = `update or fail ${t.table} set n = n - 1, fatalities = fatalities - ${fatalities('old')} where ${only('old')}${match('old')};`;
  return { add: `${addMissing}\n    ${addNew}`, remove: removeOld };
}

function sqliteStatements(): string[] {
  const out = [
    `drop index incidents_cells`,
    `create index incidents_cells on incidents (morton, lat, lon, date, coarse, fatalities_best)`,
    `create table incident_days (date text primary key, n integer not null, fatalities integer not null) without rowid`,
    // Country and admin-1 may be null: a rowid table, looked up with IS through this index.
    `create table incident_area_months (month integer not null, country text, admin1 text, n integer not null, fatalities integer not null)`,
    `create index incident_area_months_key on incident_area_months (month, country, admin1)`,
    `create table incident_cell_months (cell integer not null, month integer not null, n integer not null, fatalities integer not null, primary key (cell, month)) without rowid`,
  ];
  for (const t of TALLIES) {
    const cols = t.keys.map((k) => k.col).join(', ');
    // The same expressions as the triggers', so the fill and the triggers agree.
    const keys = t.keys.map((k) => k.sqlite('i')).join(', ');
    out.push(`insert into ${t.table} (${cols}, n, fatalities)
      select ${keys}, count(*), sum(${fatalities('i')}) from incidents i ${t.only ? `where ${t.only('i')}` : ''} group by ${t.keys.map((_, k) => k + 1).join(', ')}`);
  }
  const steps = TALLIES.map(sqliteTriggerSteps);
  out.push(
    `create trigger incidents_tallies_insert after insert on incidents begin
    ${steps.map((s) => s.add).join('\n    ')}
  end`,
    `create trigger incidents_tallies_delete after delete on incidents begin
    ${steps.map((s) => s.remove).join('\n    ')}
  end`,
    `create trigger incidents_tallies_update after update of date, fatalities_best, morton, country, admin1, admin1_derived on incidents begin
    ${steps.map((s) => `${s.remove}\n    ${s.add}`).join('\n    ')}
  end`,
  );
  return out;
}

function postgresStatements(): string[] {
  const upserts = (source: string) =>
    TALLIES.map((t) => {
      const cols = t.keys.map((k) => k.col).join(', ');
      const set = `n = ${t.table}.n + excluded.n, fatalities = ${t.table}.fatalities + excluded.fatalities`;
      const keyed = `select ${t.keys.map((k) => `${k.postgres('x')} as ${k.col}`).join(', ')}, x.d, x.f from (${source}) x ${t.only ? `where ${t.only('x')}` : ''}`;
      return `insert into ${t.table} (${cols}, n, fatalities)
        select ${cols}, sum(d), sum(f) from (${keyed}) k group by ${cols} having sum(d) <> 0 or sum(f) <> 0
        on conflict (${cols}) do update set ${set};`;
    }).join('\n      ');
  const rows = (table: string, sign: string) => `select date, country, admin1, admin1_derived, morton, ${sign}1 as d, ${sign}coalesce(fatalities_best, 0) as f from ${table}`;
  const fill = TALLIES.map((t) => {
    const cols = t.keys.map((k) => k.col).join(', ');
    return `insert into ${t.table} (${cols}, n, fatalities)
      select ${t.keys.map((k) => k.postgres('i')).join(', ')}, count(*), sum(${fatalities('i')}) from incidents i ${t.only ? `where ${t.only('i')}` : ''} group by ${t.keys.map((_, k) => k + 1).join(', ')}`;
  });
  return [
    `drop index incidents_cells`,
    `create index incidents_cells on incidents (morton) include (lat, lon, date, coarse, id, fatalities_best)`,
    `create table incident_days (date text primary key, n bigint not null, fatalities bigint not null)`,
    `create table incident_area_months (month integer not null, country text, admin1 text, n bigint not null, fatalities bigint not null,
      constraint incident_area_months_key unique nulls not distinct (month, country, admin1))`,
    `create table incident_cell_months (cell bigint not null, month integer not null, n bigint not null, fatalities bigint not null, primary key (cell, month))`,
    ...fill,
    `create function incidents_tallies_delta() returns trigger language plpgsql as $$
    begin
      if tg_op = 'INSERT' then
      ${upserts(rows('new_rows', ''))}
      elsif tg_op = 'DELETE' then
      ${upserts(rows('old_rows', '-'))}
      else
      ${upserts(`${rows('new_rows', '')} union all ${rows('old_rows', '-')}`)}
      end if;
      return null;
    end $$`,
    `create trigger incidents_tallies_insert after insert on incidents referencing new table as new_rows for each statement execute function incidents_tallies_delta()`,
    `create trigger incidents_tallies_update after update on incidents referencing old table as old_rows new table as new_rows for each statement execute function incidents_tallies_delta()`,
    `create trigger incidents_tallies_delete after delete on incidents referencing old table as old_rows for each statement execute function incidents_tallies_delta()`,
  ];
}
