/**
 * The SQL of the tallies kept on write (versions 14 and 16): each tally's fill from the stored
 * incidents and the triggers that keep it, generated from one description so that the fill and the
 * triggers agree. Version 14 wrote the first tallies; version 16 adds sums to the cell-month tally
 * and recreates the triggers with them. What version 14 generates must never change (it already
 * ran on existing databases): a tally without `sums` gives exactly its SQL.
 *
 * SQLite: like version 3, no function call and no upsert in a trigger (either would make every
 * incident write keep a statement journal): the year is `cast(date as integer)` and the month is
 * counted by comparing the date with 'YYYY-02' … 'YYYY-12'. PostgreSQL: one statement-level
 * trigger per operation over the transition tables, grouped, as for `incident_cells`.
 */

/** One tally: its table, its key columns and how each is computed from a row, and which rows it counts. */
export interface Tally {
  table: string;
  keys: Array<{ col: string; sqlite: (r: string) => string; postgres: (r: string) => string; nullable?: boolean }>;
  /** Rows outside the tally (SQL over the row), or none. */
  only?: (r: string) => string;
  /** Sums kept besides n and fatalities: the tally's column and the incidents' column it adds up (never null in the tally's rows). */
  sums?: Array<{ col: string; of: string }>;
}

/** YYYYMM without a function call: the year by cast, the month by 11 comparisons with the year's own text. */
function sqliteMonth(r: string): string {
  const y = `cast(${r}.date as integer)`;
  const year = `(case when ${y} >= 1000 then '' when ${y} >= 100 then '0' when ${y} >= 10 then '00' else '000' end || ${y})`;
  const later = Array.from({ length: 11 }, (_, k) => `(${r}.date >= ${year} || '-${String(k + 2).padStart(2, '0')}')`);
  return `(${y} * 100 + 1 + ${later.join(' + ')})`;
}

const pgMonth = (r: string) => `(substr(${r}.date, 1, 4)::int * 100 + substr(${r}.date, 6, 2)::int)`;

/** The tallies as version 14 made them. */
export const TALLIES: Tally[] = [
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
/** `, a, b` for each sum (empty without sums, so version 14's SQL is unchanged). */
const each = (t: Tally, part: (s: { col: string; of: string }) => string) => (t.sums ?? []).map((s) => `, ${part(s)}`).join('');

/** The statement that fills a new, empty tally from the incidents already stored. */
export function fillStatement(t: Tally, dialect: 'sqlite' | 'postgres'): string {
  const cols = t.keys.map((k) => k.col).join(', ');
  // The same expressions as the triggers', so the fill and the triggers agree.
  const keys = t.keys.map((k) => (dialect === 'sqlite' ? k.sqlite('i') : k.postgres('i'))).join(', ');
  return `insert into ${t.table} (${cols}, n, fatalities${each(t, (s) => s.col)})
      select ${keys}, count(*), sum(${fatalities('i')})${each(t, (s) => `sum(i.${s.of})`)} from incidents i ${t.only ? `where ${t.only('i')}` : ''} group by ${t.keys.map((_, k) => k + 1).join(', ')}`;
}

function sqliteTriggerSteps(t: Tally): { add: string; remove: string } {
  const match = (r: string) => t.keys.map((k) => `${k.col} ${k.nullable ? 'is' : '='} ${k.sqlite(r)}`).join(' and ');
  const only = (r: string) => (t.only ? `${t.only(r)} and ` : '');
  const cols = t.keys.map((k) => k.col).join(', ');
  const addMissing = `insert or fail into ${t.table} (${cols}, n, fatalities${each(t, (s) => s.col)})
      select ${t.keys.map((k) => k.sqlite('new')).join(', ')}, 0, 0${each(t, () => '0')}
      where ${only('new')}not exists (select 1 from ${t.table} where ${match('new')});`;
  const addNew = `update or fail ${t.table} set n = n + 1, fatalities = fatalities + ${fatalities('new')}${each(t, (s) => `${s.col} = ${s.col} + new.${s.of}`)} where ${only('new')}${match('new')};`;
  const removeOld = `update or fail ${t.table} set n = n - 1, fatalities = fatalities - ${fatalities('old')}${each(t, (s) => `${s.col} = ${s.col} - old.${s.of}`)} where ${only('old')}${match('old')};`;
  return { add: `${addMissing}\n    ${addNew}`, remove: removeOld };
}

/** SQLite's three triggers keeping the tallies; an update fires them when a column a tally reads changes. */
export function sqliteTriggers(tallies: Tally[]): string[] {
  const steps = tallies.map(sqliteTriggerSteps);
  const summed = [...new Set(tallies.flatMap((t) => (t.sums ?? []).map((s) => s.of)))];
  const watched = ['date', 'fatalities_best', 'morton', 'country', 'admin1', 'admin1_derived', ...summed].join(', ');
  return [
    `create trigger incidents_tallies_insert after insert on incidents begin
    ${steps.map((s) => s.add).join('\n    ')}
  end`,
    `create trigger incidents_tallies_delete after delete on incidents begin
    ${steps.map((s) => s.remove).join('\n    ')}
  end`,
    `create trigger incidents_tallies_update after update of ${watched} on incidents begin
    ${steps.map((s) => `${s.remove}\n    ${s.add}`).join('\n    ')}
  end`,
  ];
}

/** PostgreSQL's trigger function and its three statement-level triggers (any update fires them). */
export function postgresTriggers(tallies: Tally[]): string[] {
  const sums = [...new Set(tallies.flatMap((t) => (t.sums ?? []).map((s) => s.of)))];
  const upserts = (source: string) =>
    tallies.map((t) => {
      const cols = t.keys.map((k) => k.col).join(', ');
      const set = `n = ${t.table}.n + excluded.n, fatalities = ${t.table}.fatalities + excluded.fatalities${each(t, (s) => `${s.col} = ${t.table}.${s.col} + excluded.${s.col}`)}`;
      const keyed = `select ${t.keys.map((k) => `${k.postgres('x')} as ${k.col}`).join(', ')}, x.d, x.f${each(t, (s) => `x.${s.of}`)} from (${source}) x ${t.only ? `where ${t.only('x')}` : ''}`;
      // A move inside one cell and month changes only its sums: n and fatalities add up to zero then.
      return `insert into ${t.table} (${cols}, n, fatalities${each(t, (s) => s.col)})
        select ${cols}, sum(d), sum(f)${each(t, (s) => `sum(${s.of})`)} from (${keyed}) k group by ${cols} having sum(d) <> 0 or sum(f) <> 0${(t.sums ?? []).map((s) => ` or sum(${s.of}) <> 0`).join('')}
        on conflict (${cols}) do update set ${set};`;
    }).join('\n      ');
  const rows = (table: string, sign: string) => `select date, country, admin1, admin1_derived, morton, ${sign}1 as d, ${sign}coalesce(fatalities_best, 0) as f${sums.map((c) => `, ${sign}${c} as ${c}`).join('')} from ${table}`;
  return statementTriggers('incidents_tallies', upserts, rows);
}

/**
 * A PostgreSQL trigger function `<name>_delta` and its statement-level triggers `<name>_insert`,
 * `_update` and `_delete` on incidents: `apply` gets a query of the statement's rows, each signed by
 * `rows(table, sign)` (the new rows +, the old rows −; an update gives both), and returns the SQL
 * that adds them to its tally.
 */
export function statementTriggers(name: string, apply: (source: string) => string, rows: (table: string, sign: string) => string): string[] {
  return [
    `create function ${name}_delta() returns trigger language plpgsql as $$
    begin
      if tg_op = 'INSERT' then
      ${apply(rows('new_rows', ''))}
      elsif tg_op = 'DELETE' then
      ${apply(rows('old_rows', '-'))}
      else
      ${apply(`${rows('new_rows', '')} union all ${rows('old_rows', '-')}`)}
      end if;
      return null;
    end $$`,
    `create trigger ${name}_insert after insert on incidents referencing new table as new_rows for each statement execute function ${name}_delta()`,
    `create trigger ${name}_update after update on incidents referencing old table as old_rows new table as new_rows for each statement execute function ${name}_delta()`,
    `create trigger ${name}_delete after delete on incidents referencing old table as old_rows for each statement execute function ${name}_delta()`,
  ];
}
