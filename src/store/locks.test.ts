import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from './testing.ts';
import { openStore, type Store } from './store.ts';

/**
 * Two server processes on one PostgreSQL (here two stores, each with its own pool): background work
 * named alike runs on one at a time (store.exclusive), a transaction lock makes the other wait
 * (store.lock), and a value set once keeps the first writer's (meta.add).
 */
describe('locks between processes on one PostgreSQL', () => {
  let a: Store;
  let b: Store;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    const db = await createTestDatabase('postgres');
    drop = db.drop;
    a = await openStore(db.config);
    b = await openStore(db.config);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await drop?.();
  });

  it('runs work named alike on one process at a time, and lets the other run it once the first is done', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const first = a.exclusive('refresh', () => held);
    await new Promise((r) => setTimeout(r, 50));
    let ranOnB = false;
    expect(await b.exclusive('refresh', async () => { ranOnB = true; })).toBe(false);
    expect(ranOnB).toBe(false);
    // Another name is not held.
    expect(await b.exclusive('signer', async () => {})).toBe(true);
    release();
    expect(await first).toBe(true);
    expect(await b.exclusive('refresh', async () => { ranOnB = true; })).toBe(true);
    expect(ranOnB).toBe(true);
  });

  it('makes a second transaction wait for the lock the first holds until it commits', async () => {
    const order: string[] = [];
    let locked!: () => void;
    const hasLock = new Promise<void>((r) => (locked = r));
    const one = a.transaction(async (tx) => {
      await tx.lock('checkpoints');
      locked();
      await new Promise((r) => setTimeout(r, 200));
      order.push('a done');
    });
    await hasLock;
    const two = b.transaction(async (tx) => {
      await tx.lock('checkpoints');
      order.push('b locked');
    });
    await Promise.all([one, two]);
    expect(order).toEqual(['a done', 'b locked']);
    await expect(a.lock('checkpoints')).rejects.toThrow(/inside store.transaction/);
  });

  it('keeps the first value of a key set once, whoever sets it next', async () => {
    const [x, y] = await Promise.all([a.meta.add('origin', 'from-a', new Date().toISOString()), b.meta.add('origin', 'from-b', new Date().toISOString())]);
    expect(x).toBe(y);
    expect(await a.meta.add('origin', 'later', new Date().toISOString())).toBe(x);
    expect(await b.meta.get('origin')).toBe(x);
  });
});
