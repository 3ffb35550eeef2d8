import { sql } from 'kysely';
import { createPrivateKey } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { entryHash, GENESIS_HASH, type LedgerEntry } from '../../ledger/chain.ts';
import { newKeyPair } from '../../ledger/checkpoint.ts';
import { closeDatabase, openDatabase } from '../database.ts';
import { DIALECTS, openTestStore, type TestStore } from '../testing.ts';
import { checkKeptCheckpoint, issueCheckpoint, issuedCheckpoints } from './checkpoints.ts';

/**
 * Issue 18: a checkpoint taken before a tampering detects it, whatever the intruder with database
 * access did, including rewriting every later hash and the head with the project's own hash
 * function. Tampering goes through a separate connection, as an intruder's would.
 */

const KEY = createPrivateKey(newKeyPair().privateKey);
const N = 30;

async function seed(t: TestStore, n: number, from = 0): Promise<void> {
  for (let i = from; i < from + n; i++) {
    await t.store.transaction((tx) => tx.ledger.append({ actor: 'user:ops', action: 'incident.created', target: `incident:${i}`, payload: { i, fatalities: i % 7 } }));
  }
}

async function entries(t: TestStore): Promise<LedgerEntry[]> {
  const out: LedgerEntry[] = [];
  for await (const e of t.store.ledger.iterate()) out.push(e);
  return out;
}

async function raw(t: TestStore, fn: (db: ReturnType<typeof openDatabase>['db']) => Promise<void>): Promise<void> {
  const d = openDatabase(t.config);
  try {
    await fn(d.db);
  } finally {
    await closeDatabase(d);
  }
}

/** Replaces the whole ledger with `next` (rehashed into a valid chain) and moves the head to its end. */
async function rewrite(t: TestStore, next: Array<Omit<LedgerEntry, 'hash' | 'prevHash' | 'seq'>>): Promise<void> {
  let prev = GENESIS_HASH;
  const rows = next.map((e, k) => {
    const body = { ...e, seq: k + 1, prevHash: prev };
    const hash = entryHash(body);
    prev = hash;
    return { seq: k + 1, at: e.at, actor: e.actor, action: e.action, target: e.target, payload: JSON.stringify(e.payload), prev_hash: body.prevHash, hash };
  });
  await raw(t, async (db) => {
    await sql`delete from ledger_entry`.execute(db);
    for (const r of rows) await sql`insert into ledger_entry (seq, at, actor, action, target, payload, prev_hash, hash) values (${r.seq}, ${r.at}, ${r.actor}, ${r.action}, ${r.target}, ${r.payload}, ${r.prev_hash}, ${r.hash})`.execute(db);
    await sql`delete from ledger_head`.execute(db);
    if (rows.length) await sql`insert into ledger_head (id, seq, hash) values (1, ${rows.length}, ${rows.at(-1)!.hash})`.execute(db);
  });
}

const plain = (es: LedgerEntry[]) => es.map(({ at, actor, action, target, payload }) => ({ at, actor, action, target, payload }));

/** [what the intruder did, how, whether a plain `ledger verify` (no checkpoint) would still say intact]. */
const TAMPERINGS: Array<[string, (t: TestStore) => Promise<void>, boolean]> = [
  ['edit entry 14 and recompute every later hash and the head', async (t) => {
    const es = plain(await entries(t));
    es[13] = { ...es[13]!, payload: { i: 13, fatalities: 999 } };
    await rewrite(t, es);
  }, true],
  ['edit entry 7 without recomputing', (t) => raw(t, async (db) => { await sql`update ledger_entry set actor = 'user:someone-else' where seq = 7`.execute(db); }), false],
  ['delete the last entry and move the head back', async (t) => rewrite(t, plain(await entries(t)).slice(0, -1)), true],
  ['reorder entries 10 and 11, rehashed', async (t) => {
    const es = plain(await entries(t));
    [es[9], es[10]] = [es[10]!, es[9]!];
    await rewrite(t, es);
  }, true],
  ['truncate to 15 entries, rehashed head', async (t) => rewrite(t, plain(await entries(t)).slice(0, 15)), true],
  ['wipe every entry and the head', (t) => raw(t, async (db) => { await sql`delete from ledger_entry`.execute(db); await sql`delete from ledger_head`.execute(db); }), true],
  ['rewrite the whole ledger with recomputed hashes and head', async (t) => rewrite(t, plain(await entries(t)).map((e) => ({ ...e, actor: 'user:forger' }))), true],
  ['add rows after the head', async (t) => {
    const last = (await entries(t)).at(-1)!;
    const body = { seq: last.seq + 1, at: last.at, actor: 'user:x', action: 'incident.created', target: 'incident:x', payload: {}, prevHash: last.hash };
    await raw(t, async (db) => { await sql`insert into ledger_entry (seq, at, actor, action, target, payload, prev_hash, hash) values (${body.seq}, ${body.at}, ${body.actor}, ${body.action}, ${body.target}, '{}', ${body.prevHash}, ${entryHash(body)})`.execute(db); });
  }, false],
  ['replace entry 30 with a forged one at the same place', async (t) => {
    const es = plain(await entries(t));
    es[29] = { ...es[29]!, target: 'incident:forged' };
    await rewrite(t, es);
  }, true],
];

describe.each(DIALECTS)('signed ledger checkpoints on %s', (dialect) => {
  let t: TestStore | null = null;
  afterEach(async () => {
    await t?.cleanup();
    t = null;
  });

  it('holds while the ledger only grows, and is kept among the issued checkpoints', async () => {
    t = await openTestStore(dialect);
    await seed(t, N);
    const c = await issueCheckpoint(t.store, KEY, new Date());
    expect(c).toMatchObject({ size: N, hash: (await t.store.ledger.head())!.hash });
    await seed(t, 5, N);
    const check = await checkKeptCheckpoint(t.store, JSON.parse(JSON.stringify(c)));
    expect(check).toMatchObject({ ok: true, checkpoint: { size: N }, ledger: { ok: true, checked: N + 5 } });
    expect((await issuedCheckpoints(t.store))[0]).toEqual(c);
    // With the public key kept apart, and against it.
    expect((await checkKeptCheckpoint(t.store, c, c.publicKey)).ok).toBe(true);
    const other = newKeyPair().publicKey;
    expect(await checkKeptCheckpoint(t.store, c, other)).toMatchObject({ ok: false, reason: expect.stringMatching(/not that of the trusted key/) });
    // A checkpoint altered after signing, or of another ledger.
    expect(await checkKeptCheckpoint(t.store, { ...c, size: 3 })).toMatchObject({ ok: false, reason: expect.stringMatching(/signature does not match/) });
    const elsewhere = await openTestStore(dialect);
    try {
      await seed(elsewhere, 2);
      const foreign = await issueCheckpoint(elsewhere.store, KEY, new Date());
      expect(await checkKeptCheckpoint(t.store, foreign)).toMatchObject({ ok: false, reason: expect.stringMatching(/another ledger/) });
    } finally {
      await elsewhere.cleanup();
    }
    expect(await checkKeptCheckpoint(t.store, { hello: 1 })).toMatchObject({ ok: false, reason: expect.stringMatching(/not a Foedus ledger checkpoint/) });
  });

  it.each(TAMPERINGS)('detects: %s', async (_name, tamperWith, silent) => {
    t = await openTestStore(dialect);
    await seed(t, N);
    const c = await issueCheckpoint(t.store, KEY, new Date());
    expect((await checkKeptCheckpoint(t.store, c)).ok).toBe(true);
    await tamperWith(t);
    // The rehashed rewrites fool a verify without a checkpoint (wiping is caught only when records remain).
    if (silent) expect((await t.store.ledger.verify()).ok).toBe(true);
    const after = await checkKeptCheckpoint(t.store, c);
    expect(after.ok).toBe(false);
    expect(after).toMatchObject({ reason: expect.stringMatching(/no longer holds what the checkpoint/) });
  });
});
