import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../database.ts';
import type { Migration } from './migration.ts';
import { statementTriggers } from './tally-sql.ts';

/**
 * Version 17: `incident_trigger_cells`, how many incidents trigger each charter and each
 * "charter/article" pair, per (Web Mercator cell at level 10, year), like `incident_cells` counts
 * them all. The map coloured by a charter's articles reads it for the cells wholly inside a large
 * viewport and the whole years of its window instead of every row's assessment (a Sahel-wide
 * viewport read the whole heap at a million incidents: 3–6 s).
 *
 * The keys of an incident are the pairs of its assessment and the charter of each (the text before
 * the first '/'): an incident counts once under a charter however many of its articles it
 * triggers, as the `triggers=<charter>` filter counts it. Incidents without a place (no morton) or
 * not yet assessed (null) count under nothing. Rows that fall to zero stay (n = 0).
 *
 * Kept by triggers on insert, delete and update (of assessment, morton or date), in the incident
 * write's own statement, and filled from the incidents already stored.
 * PostgreSQL: one statement-level trigger per operation over the transition tables, one grouped
 * upsert, as for the other tallies.
 * SQLite: row triggers reading the assessment with json_each. Parsing it needs function calls,
 * which make a statement keep a statement journal (see version 3), so there is no insert trigger:
 * every insert stores a null assessment (sqlite-writer.ts), which counts under nothing, and imports
 * stay as fast as before. A fresh import is inserts only; the update trigger fires for a statement
 * that sets the assessment, the place or the date, the delete trigger for deletes.
 */
export const triggerCells: Migration = {
  version: 17,
  name: 'incidents triggering each charter and article per cell and year',
  up: async (db: Kysely<any>, dialect: Dialect) => {
    for (const s of dialect === 'sqlite' ? SQLITE : POSTGRES) await sql.raw(s).execute(db);
  },
};

// ------------------------------------------------------------ SQLite

const cell = (r: string) => `${r}.morton >> 24`;
const year = (r: string) => `cast(${r}.date as integer)`;
const charterOf = (v: string) => `substr(${v}, 1, instr(${v}, '/') - 1)`;

/** The distinct keys of row `r`'s assessment (none when it is null). */
const keys = (r: string) => `select value as key from json_each(${r}.assessment)
      union select ${charterOf('value')} from json_each(${r}.assessment) where instr(value, '/') > 0`;

/** Counts row `r` under its keys: adds the missing tally rows, then counts (no upsert, like version 14). */
const add = (r: string) => `insert or fail into incident_trigger_cells (key, cell, year, n)
      select k.key, ${cell(r)}, ${year(r)}, 0 from (${keys(r)}) k
      where ${r}.morton is not null and not exists (select 1 from incident_trigger_cells t where t.key = k.key and t.cell = ${cell(r)} and t.year = ${year(r)});
    update or fail incident_trigger_cells set n = n + 1
      where ${r}.morton is not null and cell = ${cell(r)} and year = ${year(r)} and key in (${keys(r)});`;

const remove = (r: string) => `update or fail incident_trigger_cells set n = n - 1
      where ${r}.morton is not null and cell = ${cell(r)} and year = ${year(r)} and key in (${keys(r)});`;

const SQLITE = [
  `create table incident_trigger_cells (key text not null, cell integer not null, year integer not null, n integer not null, primary key (key, cell, year)) without rowid`,
  // One row per (incident, key) (the union drops an incident's repeated keys), counted per (key, cell, year).
  `insert into incident_trigger_cells (key, cell, year, n)
    select key, cell, year, count(*) from (
      select i.rid, j.value as key, ${cell('i')} as cell, ${year('i')} as year from incidents i, json_each(i.assessment) j where i.morton is not null
      union select i.rid, ${charterOf('j.value')}, ${cell('i')}, ${year('i')} from incidents i, json_each(i.assessment) j where i.morton is not null and instr(j.value, '/') > 0
    ) group by key, cell, year`,
  `create trigger incidents_trigger_cells_delete after delete on incidents when old.assessment is not null and old.morton is not null begin
    ${remove('old')}
  end`,
  `create trigger incidents_trigger_cells_update after update of assessment, morton, date on incidents
    when old.assessment is not null or new.assessment is not null begin
    ${remove('old')}
    ${add('new')}
  end`,
];

// ------------------------------------------------------------ PostgreSQL

/** Upserts the signed counts of `source` (rows with morton, date, assessment and d = ±1) under their keys. */
const upsert = (source: string) => `insert into incident_trigger_cells (key, cell, year, n)
      select k.key, x.morton >> 24, substr(x.date, 1, 4)::int, sum(x.d) from (${source}) x
      cross join lateral (
        select e as key from jsonb_array_elements_text(x.assessment) e
        union select split_part(e, '/', 1) from jsonb_array_elements_text(x.assessment) e where strpos(e, '/') > 0
      ) k
      group by 1, 2, 3 having sum(x.d) <> 0
      on conflict (key, cell, year) do update set n = incident_trigger_cells.n + excluded.n;`;

const rows = (table: string, sign: string) => `select morton, date, assessment, ${sign}1 as d from ${table} where assessment is not null and morton is not null`;

const POSTGRES = [
  `create table incident_trigger_cells (key text not null, cell bigint not null, year integer not null, n bigint not null, primary key (key, cell, year))`,
  upsert(rows('incidents', '')),
  ...statementTriggers('incidents_trigger_cells', upsert, rows),
];
