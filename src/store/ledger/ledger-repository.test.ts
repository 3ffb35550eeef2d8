import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { sql } from 'kysely';
import { openTestStore, DIALECTS, TEST_PG_URL, type TestStore } from '../testing.ts';
import { openDatabase, closeDatabase } from '../database.ts';

/**
 * The ledger's rows on both stores. Tampering is done the way an intruder with
 * database access would: SQL straight on the table, through a separate connection.
 */

async function appendMany(t: TestStore, n: number, target = (i: number) => `incident:${i}`): Promise<void> {
  for (let i = 0; i < n; i++) {
    await t.store.transaction(async (tx) => {
      await tx.ledger.append({ actor: 'user:ops', action: 'incident.created', target: target(i), payload: { i, where: { lat: 14.5, lon: -3.25 }, note: `entrée ${i}` } });
    });
  }
}

/** Raw SQL on the same database, outside the store. */
async function tamper(t: TestStore, statement: string): Promise<void> {
  const d = openDatabase(t.config);
  try {
    await sql.raw(statement).execute(d.db);
  } finally {
    await closeDatabase(d);
  }
}

describe.each(DIALECTS)('ledger repository on %s', (dialect) => {
  let t: TestStore;
  beforeAll(async () => {
    t = await openTestStore(dialect);
  });
  afterAll(async () => {
    await t.cleanup();
  });

  it('refuses an append outside a transaction (the change and its entry must commit together)', async () => {
    await expect(t.store.ledger.append({ actor: 'a', action: 'b', target: 'c', payload: {} })).rejects.toThrow(/inside store.transaction/);
  });

  it('an empty ledger verifies', async () => {
    expect(await t.store.ledger.verify()).toEqual({ ok: true, checked: 0, head: null });
    expect(await t.store.ledger.head()).toBeNull();
  });

  it('leaves no entry when the caller’s transaction rolls back', async () => {
    await expect(
      t.store.transaction(async (tx) => {
        await tx.ledger.append({ actor: 'a', action: 'x', target: 't', payload: {} });
        throw new Error('change failed');
      }),
    ).rejects.toThrow('change failed');
    expect(await t.store.ledger.list({ limit: 10 })).toEqual([]);
    expect(await t.store.ledger.head()).toBeNull();
  });

  it('passes on an intact chain of many entries, read back exactly as hashed', async () => {
    await appendMany(t, 300, (i) => `incident:${i % 7}`);
    const v = await t.store.ledger.verify();
    expect(v).toMatchObject({ ok: true, checked: 300 });
    const head = await t.store.ledger.head();
    expect(head).toEqual(v.head);
    const all = [];
    for await (const e of t.store.ledger.iterate(64)) all.push(e);
    expect(all.map((e) => e.seq)).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
    expect(all[5]!.payload).toEqual({ i: 5, where: { lat: 14.5, lon: -3.25 }, note: 'entrée 5' });
  });

  it("lists one record's history, with keyset paging", async () => {
    const first = await t.store.ledger.list({ target: 'incident:3', limit: 5 });
    expect(first.map((e) => e.seq)).toEqual([4, 11, 18, 25, 32]);
    const next = await t.store.ledger.list({ target: 'incident:3', after: 32, limit: 2 });
    expect(next.map((e) => e.seq)).toEqual([39, 46]);
    expect(next.every((e) => e.target === 'incident:3')).toBe(true);
  });

  it('catches a payload edited directly in the database, naming the entry', async () => {
    await tamper(t, `update ledger_entry set payload = '{"i":41,"note":"edited","where":{"lat":14.5,"lon":-3.25}}' where seq = 42`);
    const v = await t.store.ledger.verify();
    expect(v).toMatchObject({ ok: false, checked: 41, firstBroken: { seq: 42, reason: 'hash mismatch' } });
  });

  it('catches a row turned into invalid JSON without crashing', async () => {
    await tamper(t, `update ledger_entry set payload = 'not json' where seq = 10`);
    expect(await t.store.ledger.verify()).toMatchObject({ ok: false, firstBroken: { seq: 10, reason: 'hash mismatch' } });
  });
});

describe.each(DIALECTS)('ledger tampering by deletion on %s', (dialect) => {
  it('catches a row deleted directly in the database', async () => {
    const t = await openTestStore(dialect);
    try {
      await appendMany(t, 20);
      await tamper(t, 'delete from ledger_entry where seq = 7');
      expect(await t.store.ledger.verify()).toMatchObject({ ok: false, checked: 6, firstBroken: { seq: 8, reason: 'gap in sequence' } });
    } finally {
      await t.cleanup();
    }
  });

  it('catches a cut tail (the recorded head is beyond the end)', async () => {
    const t = await openTestStore(dialect);
    try {
      await appendMany(t, 12);
      await tamper(t, 'delete from ledger_entry where seq > 9');
      expect(await t.store.ledger.verify()).toMatchObject({ ok: false, checked: 9, firstBroken: { seq: 10, reason: 'truncated' } });
    } finally {
      await t.cleanup();
    }
  });

  it('catches a deleted head record', async () => {
    const t = await openTestStore(dialect);
    try {
      await appendMany(t, 3);
      await tamper(t, 'delete from ledger_head');
      expect(await t.store.ledger.verify()).toMatchObject({ ok: false, firstBroken: { reason: 'head mismatch' } });
    } finally {
      await t.cleanup();
    }
  });

  it('catches rows written after the recorded head, around the ledger', async () => {
    const t = await openTestStore(dialect);
    try {
      await appendMany(t, 4);
      // A fifth row chained correctly (its hash recomputed would not help: the head was left behind).
      await tamper(t, `insert into ledger_entry (seq, at, actor, action, target, payload, prev_hash, hash) select 5, at, actor, action, target, payload, hash, hash from ledger_entry where seq = 4`);
      expect(await t.store.ledger.verify()).toMatchObject({ ok: false, firstBroken: { seq: 5, reason: 'beyond head' } });
    } finally {
      await t.cleanup();
    }
  });

  it('catches a wiped ledger beside the records it wrote', async () => {
    const t = await openTestStore(dialect);
    try {
      await t.store.transaction(async (tx) => {
        await tx.incidents.upsertMany([(await import('../incidents/fixtures.ts')).makeRecord()], { actor: 'test' });
        await tx.ledger.append({ actor: 'test', action: 'import', target: 'import:1', payload: { n: 1 } });
      });
      expect((await t.store.ledger.verify()).ok).toBe(true);
      await tamper(t, 'delete from ledger_entry');
      await tamper(t, 'delete from ledger_head');
      expect(await t.store.ledger.verify()).toMatchObject({ ok: false, checked: 0, firstBroken: { reason: 'wiped' } });
    } finally {
      await t.cleanup();
    }
  });

  it('catches a tail rewritten together with its head, given an anchor', async () => {
    const t = await openTestStore(dialect);
    try {
      await appendMany(t, 5);
      const anchor = (await t.store.ledger.head())!;
      await tamper(t, 'delete from ledger_entry where seq >= 4');
      await tamper(t, `update ledger_head set seq = 3, hash = (select hash from ledger_entry where seq = 3)`);
      expect(await t.store.ledger.verify()).toMatchObject({ ok: true });
      expect(await t.store.ledger.verify({ anchors: [anchor] })).toMatchObject({ ok: false, firstBroken: { seq: 5, reason: 'truncated' } });
    } finally {
      await t.cleanup();
    }
  });
});

describe('ledger appends on PostgreSQL are serialised', () => {
  let t: TestStore;
  beforeAll(async () => {
    t = await openTestStore('postgres');
  });
  afterAll(async () => {
    await t.cleanup();
  });

  it('two overlapping transactions chain one after the other instead of forking', async () => {
    const watcher = new pg.Client({ connectionString: TEST_PG_URL });
    await watcher.connect();
    try {
      let aAppended!: () => void;
      const aHasAppended = new Promise<void>((r) => (aAppended = r));
      let bStarted = false;
      // A appends and keeps its transaction open until B is seen waiting for the ledger lock.
      const a = t.store.transaction(async (tx) => {
        await tx.ledger.append({ actor: 'a', action: 'x', target: 'a', payload: { who: 'a' } });
        aAppended();
        for (;;) {
          const r = await watcher.query(`select count(*)::int as n from pg_locks where locktype = 'advisory' and not granted`);
          if (r.rows[0].n > 0) break;
          await new Promise((res) => setTimeout(res, 10));
        }
        return 'a';
      });
      await aHasAppended;
      const b = t.store.transaction(async (tx) => {
        bStarted = true;
        await tx.ledger.append({ actor: 'b', action: 'x', target: 'b', payload: { who: 'b' } });
        return 'b';
      });
      expect(await Promise.all([a, b])).toEqual(['a', 'b']);
      expect(bStarted).toBe(true);
      const entries = await t.store.ledger.list({ limit: 10 });
      expect(entries.map((e) => [e.seq, e.actor])).toEqual([[1, 'a'], [2, 'b']]);
      expect(entries[1]!.prevHash).toBe(entries[0]!.hash);
      expect(await t.store.ledger.verify()).toMatchObject({ ok: true, checked: 2 });
    } finally {
      await watcher.end();
    }
  });

  it('many concurrent transactions, each appending several entries, keep one chain', async () => {
    const before = (await t.store.ledger.head())?.seq ?? 0;
    await Promise.all(
      Array.from({ length: 12 }, (_, w) =>
        t.store.transaction(async (tx) => {
          for (let k = 0; k < 4; k++) await tx.ledger.append({ actor: `w${w}`, action: 'x', target: `w:${w}`, payload: { k } });
        }),
      ),
    );
    const v = await t.store.ledger.verify();
    expect(v).toMatchObject({ ok: true, checked: before + 48 });
    // Each transaction's entries are contiguous: the lock is held until its commit.
    const entries = await t.store.ledger.list({ after: before, limit: 100 });
    for (let i = 0; i < entries.length; i += 4) {
      expect(new Set(entries.slice(i, i + 4).map((e) => e.actor)).size).toBe(1);
    }
  });
});
