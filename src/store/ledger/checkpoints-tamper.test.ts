import { sql, type Kysely } from 'kysely';
import { createPrivateKey } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entryHash, GENESIS_HASH, type JsonValue, type LedgerEntry } from '../../ledger/chain.ts';
import { newKeyPair, NotAnExtension, type Checkpoint } from '../../ledger/checkpoint.ts';
import { closeDatabase, openDatabase, type Database } from '../database.ts';
import { seededRandom } from '../incidents/fixtures.ts';
import { DIALECTS, openTestStore, type TestStore } from '../testing.ts';
import { checkKeptCheckpoint, issueCheckpoint } from './checkpoints.ts';

/**
 * Issue 18, random tampering: for every kind of tampering an intruder with write access to the
 * database could do, several trials with a random ledger length, checkpoint, growth after it,
 * position and field (seeded, so a failure replays: FOEDUS_TAMPER_SEED). A checkpoint taken before
 * the tampering must detect it, and the store must then refuse to sign a new checkpoint over a
 * rewritten history. Two controls keep the test honest: growth alone, and a rewrite *after* the
 * checkpoint, must pass (the latter is what the next checkpoint is for: docs/ledger.md).
 *
 * The intruder works through its own connection, with the project's own hash function.
 */

const SEED = Number(process.env.FOEDUS_TAMPER_SEED ?? 18);
const TRIALS = 3;
const KEY = createPrivateKey(newKeyPair().privateKey);
const FIELDS = ['actor', 'action', 'target', 'payload', 'at'] as const;

/** The fixtures' seeded generator, so every run tampers the same way. */
function random(seed: number) {
  const next = seededRandom(seed);
  /** An integer in [lo, hi]. */
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
  return { int, pick: <T>(xs: readonly T[]): T => xs[int(0, xs.length - 1)]! };
}
type Random = ReturnType<typeof random>;

type Body = Omit<LedgerEntry, 'hash' | 'prevHash' | 'seq'>;
type Raw = Kysely<any>;

/** The state of one trial the tampering works on. */
interface Trial {
  raw: Raw;
  rnd: Random;
  /** Entries the checkpoint signed. */
  signed: number;
  /** The ledger as it was just before the tampering (signed entries plus growth). */
  entries: LedgerEntry[];
  store: TestStore['store'];
}

function body(i: number, rnd: Random): Body {
  return { at: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(), actor: `user:${rnd.pick(['ops', 'amadou', 'awa'])}`, action: 'incident.created', target: `incident:${i}`, payload: { i, fatalities: rnd.int(0, 40) } };
}

const plain = (es: LedgerEntry[]): Body[] => es.map(({ at, actor, action, target, payload }) => ({ at, actor, action, target, payload }));

/** Rows for `bodies` as a valid chain starting after `prev` (seq `from`). */
function chain(bodies: Body[], from = 1, prev = GENESIS_HASH): LedgerEntry[] {
  return bodies.map((b, k) => {
    const e = { ...b, seq: from + k, prevHash: prev };
    const hash = entryHash(e);
    prev = hash;
    return { ...e, hash };
  });
}

async function insert(raw: Raw, es: LedgerEntry[]): Promise<void> {
  for (const e of es) {
    await sql`insert into ledger_entry (seq, at, actor, action, target, payload, prev_hash, hash) values (${e.seq}, ${e.at}, ${e.actor}, ${e.action}, ${e.target}, ${JSON.stringify(e.payload)}, ${e.prevHash}, ${e.hash})`.execute(raw);
  }
}

async function setHead(raw: Raw, head: { seq: number; hash: string } | null): Promise<void> {
  await sql`delete from ledger_head`.execute(raw);
  if (head) await sql`insert into ledger_head (id, seq, hash) values (1, ${head.seq}, ${head.hash})`.execute(raw);
}

/** Replaces the whole ledger with `bodies` rehashed into a valid chain, the head at its end: the intruder's best forgery. */
async function rewrite(raw: Raw, bodies: Body[]): Promise<void> {
  const es = chain(bodies);
  await sql`delete from ledger_entry`.execute(raw);
  await insert(raw, es);
  await setHead(raw, es.length ? { seq: es.at(-1)!.seq, hash: es.at(-1)!.hash } : null);
}

function edited(b: Body, field: (typeof FIELDS)[number]): Body {
  if (field === 'payload') return { ...b, payload: { ...(b.payload as Record<string, JsonValue>), fatalities: 999 } };
  if (field === 'at') return { ...b, at: new Date(Date.parse(b.at) - 86_400_000).toISOString() };
  return { ...b, [field]: `${b[field]}-forged` };
}

/** [kind, what the intruder does, must a checkpoint taken before catch it, must the store then refuse to sign]. */
const KINDS: Array<[string, (t: Trial) => Promise<void>, boolean, boolean]> = [
  ['edit a signed entry, every later hash and the head recomputed', async ({ raw, rnd, signed, entries }) => {
    const bodies = plain(entries);
    const p = rnd.int(0, signed - 1);
    bodies[p] = edited(bodies[p]!, rnd.pick(FIELDS));
    await rewrite(raw, bodies);
  }, true, true],
  ['edit a signed entry in place, hashes left', async ({ raw, rnd, signed }) => {
    const field = rnd.pick(FIELDS);
    const value = field === 'payload' ? '{"fatalities":999}' : field === 'at' ? '2025-01-01T00:00:00.000Z' : 'forged';
    await sql`update ledger_entry set ${sql.ref(field)} = ${value} where seq = ${rnd.int(1, signed)}`.execute(raw);
  }, true, false],
  ['delete a signed entry, the rest renumbered and rehashed', async ({ raw, rnd, signed, entries }) => {
    const bodies = plain(entries);
    bodies.splice(rnd.int(0, signed - 1), 1);
    await rewrite(raw, bodies);
  }, true, true],
  ['delete a signed entry, nothing else', async ({ raw, rnd, signed }) => {
    await sql`delete from ledger_entry where seq = ${rnd.int(1, signed)}`.execute(raw);
  }, true, false],
  ['swap two neighbours (one signed), rehashed', async ({ raw, rnd, signed, entries }) => {
    const bodies = plain(entries);
    const p = rnd.int(0, Math.min(signed, entries.length - 1) - 1);
    [bodies[p], bodies[p + 1]] = [bodies[p + 1]!, bodies[p]!];
    await rewrite(raw, bodies);
  }, true, true],
  ['swap two neighbours\' places (one signed), rows left as they are', async ({ raw, rnd, signed, entries }) => {
    const p = rnd.int(1, Math.min(signed, entries.length - 1));
    await sql`update ledger_entry set seq = -1 where seq = ${p}`.execute(raw);
    await sql`update ledger_entry set seq = ${p} where seq = ${p + 1}`.execute(raw);
    await sql`update ledger_entry set seq = ${p + 1} where seq = -1`.execute(raw);
  }, true, false],
  ['truncate before the signed head, head moved back', async ({ raw, rnd, signed, entries }) => {
    await rewrite(raw, plain(entries).slice(0, rnd.int(0, signed - 1)));
  }, true, true],
  ['cut the tail before the signed head, head left', async ({ raw, rnd, signed }) => {
    await sql`delete from ledger_entry where seq > ${rnd.int(0, signed - 1)}`.execute(raw);
  }, true, true],
  ['move the recorded head back, rows left', async ({ raw, rnd, signed, entries }) => {
    const k = rnd.int(0, signed - 1);
    await setHead(raw, k === 0 ? null : { seq: k, hash: entries[k - 1]!.hash });
  }, true, true],
  ['wipe every entry and the head', async ({ raw }) => {
    await sql`delete from ledger_entry`.execute(raw);
    await setHead(raw, null);
  }, true, true],
  ['rewrite every entry, rehashed', async ({ raw, rnd, entries }) => {
    const field = rnd.pick(FIELDS);
    await rewrite(raw, plain(entries).map((b) => edited(b, field)));
  }, true, true],
  ['insert a forged entry among the signed ones, rehashed', async ({ raw, rnd, signed, entries }) => {
    const bodies = plain(entries);
    bodies.splice(rnd.int(0, signed - 1), 0, { ...bodies[0]!, actor: 'user:forger', target: 'incident:forged' });
    await rewrite(raw, bodies);
  }, true, true],
  ['truncate, then regrow past the signed size with forged entries, rehashed', async ({ raw, rnd, signed, entries }) => {
    const kept = plain(entries).slice(0, rnd.int(0, signed - 1));
    const forged = Array.from({ length: signed - kept.length + rnd.int(1, 5) }, (_, k) => ({ ...body(1000 + k, rnd), actor: 'user:forger' }));
    await rewrite(raw, [...kept, ...forged]);
  }, true, true],
  ['add rows after the head, validly chained', async ({ raw, rnd, entries }) => {
    const last = entries.at(-1)!;
    await insert(raw, chain(Array.from({ length: rnd.int(1, 3) }, (_, k) => body(2000 + k, rnd)), last.seq + 1, last.hash));
  }, true, false],
  ['change the store\'s ledger id', async ({ raw }) => {
    await sql`update store_meta set value = 'foedus:another' where key = 'store.origin'`.execute(raw);
  }, true, true],
  ['remove the store\'s ledger id', async ({ raw }) => {
    await sql`delete from store_meta where key = 'store.origin'`.execute(raw);
  }, true, true],
  // Controls: what a checkpoint cannot see, and must not claim to.
  ['(control) nothing: the ledger only grew', async () => {}, false, false],
  ['(control) edit an entry after the checkpoint, rehashed', async ({ raw, rnd, signed, entries }) => {
    const bodies = plain(entries);
    const p = rnd.int(signed, entries.length - 1);
    bodies[p] = edited(bodies[p]!, rnd.pick(FIELDS));
    await rewrite(raw, bodies);
  }, false, false],
];

describe.each(DIALECTS)('random tampering after a checkpoint, on %s', (dialect) => {
  let t: TestStore;
  let d: Database;
  const rnd = random(SEED + (dialect === 'postgres' ? 1 : 0));
  const tally = { tried: 0, detected: 0, refused: 0 };
  beforeAll(async () => {
    t = await openTestStore(dialect);
    d = openDatabase(t.config);
  });
  afterAll(async () => {
    await closeDatabase(d);
    await t.cleanup();
    console.info(`${dialect}: ${tally.tried} tamperings tried, ${tally.detected} detected by a checkpoint taken before, ${tally.refused} refused a new signature (seed ${SEED})`);
  });

  /** A fresh random ledger of `signed` entries, a checkpoint of it (the only one issued), then `grown` more entries appended by the store. */
  async function start(signed: number, grown: number): Promise<{ trial: Trial; checkpoint: Checkpoint }> {
    const raw = d.db as Raw;
    await rewrite(raw, Array.from({ length: signed }, (_, i) => body(i, rnd)));
    await sql`delete from store_meta where key = 'ledger.checkpoints'`.execute(raw);
    const checkpoint = await issueCheckpoint(t.store, KEY, new Date());
    for (let i = 0; i < grown; i++) {
      await t.store.transaction((tx) => tx.ledger.append({ actor: 'user:ops', action: 'incident.updated', target: `incident:${i}`, payload: { grown: i } }));
    }
    const entries: LedgerEntry[] = [];
    for await (const e of t.store.ledger.iterate()) entries.push(e);
    return { trial: { raw, rnd, signed, entries, store: t.store }, checkpoint };
  }

  it.each(KINDS)('%s', async (_kind, tamperWith, detect, refuse) => {
    for (let n = 0; n < TRIALS; n++) {
      // Each trial starts from a sound store: a ledger id the previous one changed or removed is made anew.
      await sql`delete from store_meta where key = 'store.origin'`.execute(d.db);
      const signed = rnd.int(2, 30);
      const { trial, checkpoint } = await start(signed, rnd.int(1, 6));
      expect((await checkKeptCheckpoint(t.store, checkpoint)).ok).toBe(true);
      await tamperWith(trial);
      const after = await checkKeptCheckpoint(t.store, checkpoint);
      const refused = await issueCheckpoint(t.store, KEY, new Date()).then(() => false, (err: unknown) => {
        if (err instanceof NotAnExtension) return true;
        throw err;
      });
      if (detect) {
        tally.tried++;
        if (!after.ok) tally.detected++;
        if (refused) tally.refused++;
        expect(after, `trial ${n}: signed ${signed}`).toMatchObject({ ok: false, reason: expect.any(String), ledger: expect.any(Object) });
      } else {
        expect(after.ok, `trial ${n}: ${after.ok ? '' : after.reason}`).toBe(true);
      }
      if (refuse) expect(refused, `trial ${n}: signed ${signed}`).toBe(true);
    }
  });
});
