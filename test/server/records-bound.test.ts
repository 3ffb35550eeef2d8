import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UCDP_COLUMNS } from '../../src/incident/ucdp/wire.ts';
import { runImport } from '../../src/import/index.ts';
import type { RecordFinding } from '../../src/ledger/records.ts';
import { closeDatabase, openDatabase, type StoreConfig } from '../../src/store/database.ts';
import { makeRecord } from '../../src/store/incidents/fixtures.ts';
import { DIALECTS, openTestStore } from '../../src/store/testing.ts';
import { csvLine, realRows } from '../import/fixtures.ts';
import { startTestServer, type TestServer } from './helpers.ts';
import { Readable } from 'node:stream';
import { foedus } from '../cli/run-foedus.ts';

/**
 * Issue 18: records bound to the ledger. Every incident, user and case stored must be what the
 * last ledger entry that wrote it says (its content hash). An intruder with database access edits,
 * deletes and inserts rows of each kind through a connection of their own, as in the report that
 * found it ("verify says intact and `incidents show` prints the altered figure"); `ledger verify`
 * then names each record, by kind and id, and exits 1. Untouched, the same store verifies intact.
 */

function dbArg(config: StoreConfig): string[] {
  if (config.dialect === 'sqlite') return ['--db', config.path];
  return ['--db', `${config.url}?options=${encodeURIComponent(`-c search_path=${config.schema}`)}`];
}

/** Runs SQL through a connection of its own, as an intruder would. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- raw SQL over any table
async function intrude(config: StoreConfig, fn: (db: Kysely<any>) => Promise<void>): Promise<void> {
  const d = openDatabase(config);
  try {
    await fn(d.db);
  } finally {
    await closeDatabase(d);
  }
}

const csv = `${UCDP_COLUMNS.join(',')}\n${realRows().slice(0, 6).map(csvLine).join('')}`;
const ucdp = (k: number) => `ucdp_ged:${realRows()[k]![0]}`;
const named = (fs: RecordFinding[]) => fs.map((f) => `${f.kind} ${f.id} ${f.problem}`).sort();

describe.each(DIALECTS)('records bound to the ledger (%s)', (dialect) => {
  let s: TestServer;
  const cases: number[] = [];
  let manual = '';

  beforeAll(async () => {
    s = await startTestServer(dialect);
    const first = await runImport({ source: Readable.from([csv]), fileName: 'ged.csv', format: 'ucdp', store: s.store, actor: 'user:ops' });
    expect(first).toMatchObject({ imported: 6, rejected: 0 });
    for (const country of ['NER', 'MLI']) {
      const inc = await s.api('POST', '/api/v1/incidents', {
        json: { incident: { date: '2026-03-01', kind: 'armed_attack', location: { lat: 14.2, lon: 1.45, country }, perpetrator: { type: 'non_state_armed_group', name: 'armed group' }, target: { type: 'armed_forces', country }, fatalities: 20 } },
      });
      expect(inc.status).toBe(201);
      manual = inc.body.id;
      const c = await s.api('POST', '/api/v1/cases', { json: { incidentId: inc.body.id, charter: 'aes-2023', provision: '6.collective_defence', reason: 'confirmed' } });
      expect(c.status, JSON.stringify(c.body)).toBe(201);
      cases.push(c.body.case.id);
      expect((await s.api('POST', `/api/v1/cases/${c.body.case.id}/notes`, { as: 'liaisonNer', json: { text: 'Merci aux alliés.' } })).status).toBe(201);
    }
    // A manual edit and an account change, each with its entry.
    const before = (await s.api('GET', `/api/v1/incidents/${encodeURIComponent(ucdp(1))}`)).body;
    expect((await s.api('PATCH', `/api/v1/incidents/${encodeURIComponent(ucdp(1))}`, { json: { version: before.version, notes: 'checked' } })).status).toBe(200);
    expect((await s.api('POST', '/api/v1/users', { as: 'admin', json: { username: 'temp', role: 'observer', password: 'a long enough password 1' } })).status).toBe(201);
  }, 60_000);
  afterAll(async () => s?.close());

  it('verifies an untouched store intact, kind by kind, and a re-import of the same file writes nothing', async () => {
    // The first re-import keeps the source's row beside the incident corrected by hand (a conflict, ledgered);
    // the next one finds everything as it left it and writes nothing.
    const again = await runImport({ source: Readable.from([csv]), fileName: 'ged.csv', format: 'ucdp', store: s.store, actor: 'user:ops' });
    expect(again).toMatchObject({ imported: 0, updated: 0, unchanged: 5, conflicts: 1, conflictIds: [ucdp(1)] });
    const head = await s.store.ledger.head();
    const third = await runImport({ source: Readable.from([csv]), fileName: 'ged.csv', format: 'ucdp', store: s.store, actor: 'user:ops' });
    expect(third).toMatchObject({ imported: 0, updated: 0, unchanged: 5, conflicts: 1 });
    expect(await s.store.ledger.head()).toEqual(head);

    const r = await s.store.ledger.verifyRecords();
    expect(r).toMatchObject({ ok: true, problems: 0, unbound: 0, counts: { incident: 8, user: 7, case: 2 } });
    expect(r.checked).toBe(17);
    const cli = await foedus(['ledger', 'verify', ...dbArg(s.config)]);
    expect(cli.stdout).toMatch(/Records intact: 8 incidents, 7 users, 2 cases stored/);
    expect(cli.code, cli.stdout + cli.stderr).toBe(0);
  }, 60_000);

  it('names each record edited, deleted or inserted around the ledger, with exit 1', async () => {
    const json = dialect === 'postgres' ? sql`jsonb_set(record, '{fatalities,best}', '99')` : sql`json_set(record, '$.fatalities.best', 99)`;
    await intrude(s.config, async (db) => {
      // Incidents: a fatality figure changed where `incidents show` reads it (and its column with it); one
      // changed in its column only (lists, filters and the map read that); one deleted; one inserted.
      await sql`update incidents set record = ${json}, fatalities_best = 99 where id = ${ucdp(0)}`.execute(db);
      await sql`update incidents set fatalities_best = 98 where id = ${ucdp(2)}`.execute(db);
      await sql`delete from incident_reports where incident_id = ${ucdp(3)}`.execute(db);
      await sql`delete from incidents where id = ${ucdp(3)}`.execute(db);
      await sql`insert into incidents (id, date, kind, location_precision, coarse, dataset, actors_text, record, content_hash, version, created_at, updated_at)
        select 'manual:intruder', date, kind, location_precision, coarse, dataset, actors_text, record, content_hash, 1, created_at, updated_at from incidents where id = ${manual}`.execute(db);
      // Users: a role raised, one deleted, one inserted.
      await sql`update app_user set role = 'admin' where username = 'temp'`.execute(db);
      await sql`delete from api_token where user_id = (select id from app_user where username = 'analyst')`.execute(db);
      await sql`delete from user_session where user_id = (select id from app_user where username = 'analyst')`.execute(db);
      await sql`delete from app_user where username = 'analyst'`.execute(db);
      await sql`insert into app_user (username, role, party, password_hash, must_change_password, created_at) select 'mallory', 'admin', null, password_hash, 0, created_at from app_user where username = 'temp'`.execute(db);
      // Cases: one's document says closed, another's state column does, a third inserted as a copy; none deleted yet.
      await sql`update response_case set document = replace(document, '"state":"opened"', '"state":"closed"') where id = ${cases[0]}`.execute(db);
      await sql`update response_case set state = 'closed' where id = ${cases[1]}`.execute(db);
      await sql`insert into response_case (version, state, exercise, incident_id, charter, provision, beneficiary, parties, opened_at, updated_at, document)
        select version, state, exercise, incident_id, charter, provision, beneficiary, parties, opened_at, updated_at, document from response_case where id = ${cases[1]}`.execute(db);
    });
    const r = await s.store.ledger.verifyRecords();
    expect(r.ok).toBe(false);
    const inserted = Math.max(...cases) + 1;
    expect(named(r.findings)).toEqual([
      `case ${cases[0]} changed`,
      `case ${cases[1]} inconsistent`,
      `case ${inserted} unrecorded`,
      `incident ${ucdp(0)} changed`,
      `incident ${ucdp(2)} inconsistent`,
      `incident ${ucdp(3)} deleted`,
      'incident manual:intruder unrecorded',
      'user analyst deleted',
      'user mallory unrecorded',
      'user temp changed',
    ].sort());
    expect(r.findings.find((f) => f.id === ucdp(2))!.detail).toMatch(/fatalities_best \(98/);

    // A case deleted (its notes with it) is named too.
    await intrude(s.config, async (db) => {
      await sql`delete from case_note where case_id = ${cases[0]}`.execute(db);
      await sql`delete from response_case where id = ${cases[0]}`.execute(db);
    });
    const cli = await foedus(['ledger', 'verify', ...dbArg(s.config)]);
    expect(cli.code, cli.stdout + cli.stderr).toBe(1);
    expect(cli.stdout).toMatch(/Ledger intact/);
    expect(cli.stdout).toMatch(/Records BROKEN: 10 records differ/);
    expect(cli.stdout).toContain(`case ${cases[0]}: deleted`);
    expect(cli.stdout).toContain(`incident ${ucdp(0)}: changed`);
    expect(cli.stdout).toContain('user mallory: unrecorded');
    // Every record the check names, the command names too.
    for (const f of (await s.store.ledger.verifyRecords()).findings) expect(cli.stdout).toContain(`${f.kind} ${f.id}: ${f.problem}`);
  }, 60_000);

  it('names a case step edited in its document and an import batch whose bound hashes were rewritten', async () => {
    let seq = 0;
    await intrude(s.config, async (db) => {
      // A step of the case rewritten (the opening's reason), and the intruder's own hash written for an
      // imported incident edited to match: the batch entry's digest no longer holds.
      await sql`update response_case set document = replace(document, '"reason":"confirmed"', '"reason":"forged"') where id = ${cases[1]}`.execute(db);
      seq = Number((await sql<{ seq: number }>`select seq from ledger_binding where target = ${`incident:${ucdp(4)}`}`.execute(db)).rows[0]!.seq);
      await sql`update ledger_binding set content_hash = ${'0'.repeat(64)} where target = ${`incident:${ucdp(4)}`}`.execute(db);
      // A correction's mark cleared, so that the next import would overwrite the duty officer's values.
      await sql`update incidents set corrected_at = null, corrected_by = null where id = ${ucdp(1)}`.execute(db);
    });
    const r = await s.store.ledger.verifyRecords();
    expect(named(r.findings)).toEqual(expect.arrayContaining([`case ${cases[1]} changed`, `entry ${seq} bindings`, `incident ${ucdp(4)} changed`, `incident ${ucdp(1)} changed`]));
    const cli = await foedus(['ledger', 'verify', ...dbArg(s.config)]);
    expect(cli.code, cli.stdout + cli.stderr).toBe(1);
    expect(cli.stdout).toContain(`entry ${seq}: bindings: the 6 content hashes ledger entry ${seq} binds are not as it wrote them`);
    expect(cli.stdout).toContain(`case ${cases[1]}: changed`);
  }, 60_000);
});

describe.each(DIALECTS)('a store from before records were bound (%s)', (dialect) => {
  it('counts its records as not checked until "ledger bind" vouches for them; from then on an edit is named', async () => {
    const t = await openTestStore(dialect);
    try {
      // As an older Foedus wrote them: the incidents, then a batch entry that binds none of them.
      await t.store.incidents.upsertMany([makeRecord({ id: 'ucdp_ged:old1', fatalities: 3 }), makeRecord({ id: 'ucdp_ged:old2', fatalities: 4 })], { actor: 'old' });
      await t.store.transaction((tx) => tx.ledger.append({ actor: 'old', action: 'incidents.import', target: 'import:old.csv', payload: { file: 'old.csv', batch: 1, records: 2, imported: 2 } }));
      expect(await t.store.ledger.verifyRecords()).toMatchObject({ ok: true, checked: 0, unbound: 2 });

      const config = t.config;
      const first = await foedus(['ledger', 'bind', ...dbArg(config)]);
      expect(first.code, first.stdout + first.stderr).toBe(0);
      expect(first.stdout).toMatch(/Bound 2 records/);
      expect(await t.store.ledger.verifyRecords()).toMatchObject({ ok: true, checked: 2, unbound: 0 });
      // Once only: a second bind would hide a row inserted behind the ledger since.
      expect((await foedus(['ledger', 'bind', ...dbArg(config)])).stdout).toMatch(/Nothing to bind/);

      await intrude(config, async (db) => {
        await sql`update incidents set fatalities_best = 40 where id = 'ucdp_ged:old1'`.execute(db);
      });
      const r = await t.store.ledger.verifyRecords();
      expect(named(r.findings)).toEqual(['incident ucdp_ged:old1 inconsistent']);
    } finally {
      await t.cleanup();
    }
  }, 60_000);
});
