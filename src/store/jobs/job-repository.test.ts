import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, openTestStore, type TestStore } from '../testing.ts';

/**
 * The import_job rows (migrations 011 and 013): a finished job is never written again (a late
 * progress write cannot turn `done` back into `running`), a running job's row is written only by
 * the process that owns it, and one process wins a claim or a release.
 */
describe.each(DIALECTS)('import job rows (%s)', (dialect) => {
  let t: TestStore;
  beforeAll(async () => {
    t = await openTestStore(dialect);
  });
  afterAll(async () => t.cleanup());

  const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();
  const row = (id: string, status: string, heartbeatAt: string) => ({ id, status, document: JSON.stringify({ id, status }), uploadDir: '/tmp/x', createdAt: at(0), heartbeatAt });

  it('keeps a finished job as it is, and a running one for its owner', async () => {
    const jobs = t.store.jobs;
    expect(await jobs.save(row('j1', 'queued', at(0)))).toBe(true);
    const claimed = await jobs.claim('j1', 'host:1:a', at(0), at(1));
    expect(claimed).toMatchObject({ status: 'running', owner: 'host:1:a', attempts: 1 });
    // Another process cannot claim it while it beats, nor write its row.
    expect(await jobs.claim('j1', 'host:2:b', at(0), at(2))).toBeNull();
    expect(await jobs.save(row('j1', 'running', at(2)), 'host:2:b')).toBe(false);
    expect(await jobs.save(row('j1', 'running', at(2)), 'host:1:a')).toBe(true);

    // Its process dies: after the limit another releases it, once, and claims it (attempt 2).
    expect(await jobs.release('j1', at(1), '{}', at(3))).toBe(false); // still alive at 2 s
    expect(await jobs.release('j1', at(10), JSON.stringify({ id: 'j1', status: 'queued' }), at(11))).toBe(true);
    expect(await jobs.release('j1', at(10), '{}', at(11))).toBe(false);
    expect(await jobs.claim('j1', 'host:2:b', at(10), at(12))).toMatchObject({ owner: 'host:2:b', attempts: 2 });
    // The first process, back from a stall, no longer owns it.
    expect(await jobs.save(row('j1', 'running', at(13)), 'host:1:a')).toBe(false);

    expect(await jobs.save(row('j1', 'done', at(14)), 'host:2:b')).toBe(true);
    expect(await jobs.save(row('j1', 'running', at(15)), 'host:2:b')).toBe(false);
    expect(await jobs.save(row('j1', 'running', at(15)))).toBe(false);
    expect(await jobs.get('j1')).toMatchObject({ status: 'done', heartbeatAt: at(14) });
  });
});
