import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UCDP_COLUMNS } from '../../src/incident/ucdp/wire.ts';
import { DIALECTS } from '../../src/store/testing.ts';
import { csvLine, realRows } from '../import/fixtures.ts';
import { startTestServer, type TestServer } from './helpers.ts';

/**
 * Issue 18: a duty officer's correction is never silently undone. The story that found it: a UCDP
 * incident corrected by hand (notes and fatalities), then the same file imported again. Now the
 * correction stands, the job counts a conflict and names the incident, the source's row is kept
 * among its reports, and importing the file yet again changes nothing.
 */
describe.each(DIALECTS)('a correction survives a re-import (%s)', (dialect) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(dialect);
  });
  afterAll(async () => s?.close());

  const csv = `${UCDP_COLUMNS.join(',')}\n${realRows().slice(0, 5).map(csvLine).join('')}`;
  async function importFile() {
    const form = new FormData();
    form.append('format', 'ucdp');
    form.append('file', new Blob([csv], { type: 'text/csv' }), 'ged.csv');
    const r = await s.api('POST', '/api/v1/imports', { body: form });
    expect(r.status).toBe(202);
    await s.app.foedus.jobs.idle();
    return (await s.api('GET', `/api/v1/imports/${r.body.job.id}`)).body;
  }

  it('keeps the correction, reports the conflict by id, and keeps the source row beside it', async () => {
    const first = await importFile();
    expect(first.progress).toMatchObject({ imported: 5, updated: 0, conflicts: 0 });
    const id = `ucdp_ged:${realRows()[2]![0]}`;
    const before = (await s.api('GET', `/api/v1/incidents/${encodeURIComponent(id)}`)).body;
    expect(before.version).toBe(1);
    const fixed = await s.api('PATCH', `/api/v1/incidents/${encodeURIComponent(id)}`, {
      json: { version: 1, notes: 'Checked with the Niger liaison: 12 dead, not as the source says', incident: { ...before.incident, fatalities: 12 } },
    });
    expect(fixed.status).toBe(200);
    expect(fixed.body.version).toBe(2);

    const again = await importFile();
    expect(again.progress).toMatchObject({ rows: 5, imported: 0, updated: 0, unchanged: 4, conflicts: 1, rejected: 0 });
    expect(again.summary.conflictIds).toEqual([id]);
    const after = (await s.api('GET', `/api/v1/incidents/${encodeURIComponent(id)}`)).body;
    expect(after.version).toBe(2);
    expect(after.fatalities.best).toBe(12);
    expect(after.notes).toMatch(/Checked with the Niger liaison/);
    // The source's row of the second import is kept among the record's reports, for review.
    expect(after.reports.length).toBe(before.reports.length + 1);
    // The ledger's entry for the import batch names the conflict.
    const ledger = await s.api('GET', '/api/v1/ledger?limit=1000', { as: 'admin' });
    const batch = ledger.body.entries.filter((e: { action: string }) => e.action === 'incidents.import').at(-1);
    expect(batch.payload).toMatchObject({ conflicts: 1, conflictIds: [id] });

    // Once more: nothing changes (the conflict is still there to review, the record is not touched, its
    // source row is not kept twice and the ledger gets no entry).
    const head = await s.store.ledger.head();
    const third = await importFile();
    expect(third.progress).toMatchObject({ imported: 0, updated: 0, unchanged: 4, conflicts: 1 });
    const still = (await s.api('GET', `/api/v1/incidents/${encodeURIComponent(id)}`)).body;
    expect(still.version).toBe(2);
    expect(still.reports.length).toBe(after.reports.length);
    expect(await s.store.ledger.head()).toEqual(head);
    // The others still follow their source.
    const other = `ucdp_ged:${realRows()[0]![0]}`;
    expect((await s.api('GET', `/api/v1/incidents/${encodeURIComponent(other)}`)).body.version).toBe(1);
  });
});
