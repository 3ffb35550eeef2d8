import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { IncidentRecord } from '../../incident/record.ts';
import { openStore, type Store } from '../store.ts';
import { openTestStore, type TestStore } from '../testing.ts';
import { makeRecord, seededRandom } from './fixtures.ts';
import { IncidentRepository, type IncidentFilter } from './index.ts';
import { Snapshot, ViewportIndex } from './viewport.ts';

/**
 * The in-memory viewport index (viewport.ts) against the SQL it stands in for, on a real SQLite file:
 * every page it gives must be the page SQL gives, and it must never answer from a copy older than the table.
 */

/**
 * 3,000 incidents over the Sahel with many on one day (the id breaks the tie), points on cell edges
 * (multiples of 0.25°), a few without coordinates, and ids beyond ASCII (SQLite sorts them by UTF-8 bytes).
 */
function incidents(n: number): IncidentRecord[] {
  const r = seededRandom(11);
  const out: IncidentRecord[] = [];
  for (let k = 0; k < n; k++) {
    const onEdge = k % 17 === 0;
    // The edge points crowd an 8 × 8 grid of cell corners (about three a corner), where the edge boxes go.
    const lat = onEdge ? 14 + 0.25 * Math.floor(r() * 8) : Math.round((10 + r() * 15) * 1e6) / 1e6;
    const lon = onEdge ? -2 + 0.25 * Math.floor(r() * 8) : Math.round((-12 + r() * 16) * 1e6) / 1e6;
    const day = k % 5 === 0 ? '2023-12-31' : `20${10 + Math.floor(r() * 14)}-0${1 + Math.floor(r() * 9)}-${10 + Math.floor(r() * 18)}`;
    const suffix = k % 41 === 0 ? 'é' : k % 43 === 0 ? '\u{1F30D}' : k % 47 === 0 ? '\uFF21' : '';
    out.push(makeRecord({ id: `ucdp_ged:${700000 + ((k * 7919) % 100000)}${suffix}`, date: day, lat: k % 29 === 0 ? null : lat, lon: k % 29 === 0 ? null : lon }));
  }
  return out;
}

function randomFilter(r: () => number): IncidentFilter {
  const kind = r();
  let bbox: [number, number, number, number];
  if (kind < 0.1) bbox = [-180, -90, 180, 90]; // the whole world: scanned in order, not merged from cells
  else if (kind < 0.15) bbox = [100, -40, 110, -30]; // nothing there
  else if (kind < 0.3) {
    // exactly on cell edges
    const x = -2 + 0.25 * Math.floor(r() * 7), y = 14 + 0.25 * Math.floor(r() * 7);
    bbox = [x, y, x + 0.25 * (1 + Math.floor(r() * 3)), y + 0.25 * (1 + Math.floor(r() * 3))];
  } else {
    const w = 0.05 + r() * 8;
    const x = -14 + r() * 20, y = 8 + r() * 18;
    bbox = [x, y, Math.min(180, x + w), Math.min(90, y + w * 0.6)];
  }
  const f: IncidentFilter = { bbox };
  const d = r();
  if (d < 0.3) f.from = `20${10 + Math.floor(r() * 14)}-0${1 + Math.floor(r() * 9)}-15`;
  if (d > 0.5 && d < 0.85) f.to = `20${14 + Math.floor(r() * 10)}-0${1 + Math.floor(r() * 9)}-15`;
  if (d > 0.85) [f.from, f.to] = ['2023-12-31', '2023-12-31'];
  if (f.from && f.to && f.from > f.to) [f.from, f.to] = [f.to, f.from];
  return f;
}

async function untilCurrent(store: Store): Promise<void> {
  const index = store.incidents.viewportIndex()!;
  for (let k = 0; k < 500 && index.current() === null; k++) await new Promise((r) => setTimeout(r, 10));
  expect(index.current(), 'the viewport index was never rebuilt').not.toBeNull();
}

/** A page with its items as text (vitest compares Buffers byte by byte, slowly). */
const asText = (page: { items: Buffer[]; nextCursor: string | null }) => ({ items: page.items.map(String), nextCursor: page.nextCursor });

/** The same query through SQL (the index turned off). */
async function bySql<T>(fn: () => Promise<T>): Promise<T> {
  IncidentRepository.useViewportIndex = false;
  try {
    return await fn();
  } finally {
    IncidentRepository.useViewportIndex = true;
  }
}

describe('viewport index (SQLite)', () => {
  let t: TestStore;
  const data = incidents(3000);

  beforeAll(async () => {
    // Copies read seven rows a slice: slices end inside days that hold hundreds of rows.
    ViewportIndex.sliceRows = 7;
    t = await openTestStore('sqlite');
    await t.store.incidents.upsertMany(data, { actor: 'test:seed' });
  });
  afterAll(async () => {
    ViewportIndex.sliceRows = 20_000;
    await t.cleanup();
  });
  afterEach(() => {
    IncidentRepository.useViewportIndex = true;
  });

  it.each([
    ['every item kept', 256 * 1024 * 1024],
    ['20 KB kept (a few dozen items): items forgotten all the time', 20_000],
  ])('gives the pages SQL gives: random boxes, dates, page sizes, and every cursor up to the end (%s)', async (_, keep) => {
    const index = t.store.incidents.viewportIndex()!;
    Snapshot.maxJsonBytes = keep;
    try {
      index.buildNow();
    } finally {
      Snapshot.maxJsonBytes = 256 * 1024 * 1024;
    }
    const r = seededRandom(5);
    let pages = 0, items = 0;
    for (let q = 0; q < 250; q++) {
      const f = randomFilter(r);
      const limit = [1, 7, 100, 250][Math.floor(r() * 4)]!;
      let cursor: string | undefined;
      for (let p = 0; p < 6; p++) {
        expect(index.current()).not.toBeNull(); // so the next call is answered from memory
        const mem = asText(await t.store.incidents.queryJson(f, { cursor, limit }));
        const ref = asText(await bySql(() => t.store.incidents.queryJson(f, { cursor, limit })));
        expect(mem, JSON.stringify({ f, limit, cursor })).toEqual(ref);
        // query() takes the same keys from memory, with the raw reports read after.
        const full = await t.store.incidents.query(f, { cursor, limit });
        expect(full.items.map((i) => i.id)).toEqual(ref.items.map((i) => JSON.parse(String(i)).id));
        expect(full.nextCursor).toEqual(ref.nextCursor);
        pages++;
        items += mem.items.length;
        if (!mem.nextCursor) break;
        cursor = mem.nextCursor;
      }
    }
    // The comparison covered real pages, not only empty ones.
    expect(pages).toBeGreaterThan(400);
    expect(items).toBeGreaterThan(10_000);
  });

  it('leaves every other filter to SQL, and SQL answers when the cursor was not made here', async () => {
    t.store.incidents.viewportIndex()!.buildNow();
    const f: IncidentFilter = { bbox: [-12, 10, 4, 25], kind: 'armed_attack', from: '2015-01-01' };
    expect(asText(await t.store.incidents.queryJson(f, { limit: 50 }))).toEqual(asText(await bySql(() => t.store.incidents.queryJson(f, { limit: 50 }))));
    const odd = Buffer.from(JSON.stringify(['2023-12-31T00', 'ucdp_ged:7'])).toString('base64url');
    const g: IncidentFilter = { bbox: [-12, 10, 4, 25] };
    expect(asText(await t.store.incidents.queryJson(g, { cursor: odd, limit: 20 }))).toEqual(asText(await bySql(() => t.store.incidents.queryJson(g, { cursor: odd, limit: 20 }))));
  });

  it('never answers from a stale copy: writes here, rolled-back transactions, and commits by another connection', async () => {
    const index = t.store.incidents.viewportIndex()!;
    index.buildNow();
    const box: IncidentFilter = { bbox: [1.9, 15.9, 2.1, 16.1] };
    const ids = async () => (await t.store.incidents.queryJson(box, { limit: 100 })).items.map((i) => JSON.parse(String(i)).id as string);
    const before = await ids();

    // A new incident in the box, newest of all: in the very next page, from SQL while the copy is re-read.
    await t.store.incidents.create(makeRecord({ id: 'manual:new-1', date: '2030-01-01', lat: 16, lon: 2 }), 'test');
    expect(index.current()).toBeNull();
    expect(await ids()).toEqual(['manual:new-1', ...before].slice(0, 100));
    await untilCurrent(t.store);
    expect(await ids()).toEqual(['manual:new-1', ...before].slice(0, 100));

    // An edit moves it out of the box.
    const cur = (await t.store.incidents.get('manual:new-1'))!;
    await t.store.incidents.update('manual:new-1', { incident: { ...cur.incident, location: { ...cur.incident.location, lat: 5, lon: 5 } } }, cur.version, 'test');
    expect(await ids()).toEqual(before);
    await untilCurrent(t.store);
    expect(await ids()).toEqual(before);

    // An assessment changes the items' JSON: the kept texts go with the copy.
    const moved = (await t.store.incidents.queryJson({ bbox: [4.9, 4.9, 5.1, 5.1] }, { limit: 1 })).items;
    expect(JSON.parse(String(moved[0]!)).assessment).toBeNull();
    await untilCurrent(t.store);
    await t.store.incidents.queryJson({ bbox: [4.9, 4.9, 5.1, 5.1] }, { limit: 1 }); // keeps its JSON in the copy
    await t.store.incidents.setAssessment('manual:new-1', ['aes-2023/art-6']);
    expect(JSON.parse((await t.store.incidents.queryJson({ bbox: [4.9, 4.9, 5.1, 5.1] }, { limit: 1 })).items[0]!.toString()).assessment).toEqual(['aes-2023/art-6']);

    // A transaction that rolls back: inside it the copy is not used; after it, the rolled-back row is nowhere.
    await untilCurrent(t.store);
    await expect(
      t.store.transaction(async (tx) => {
        await tx.incidents.upsertMany([makeRecord({ id: 'ucdp_ged:rolled-back', date: '2031-01-01', lat: 16, lon: 2 })]);
        expect(t.store.incidents.viewportIndex()!.current()).toBeNull();
        // Give a background re-read every chance to run while the transaction is open.
        await new Promise((r) => setTimeout(r, 100));
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await ids()).toEqual(before);
    await untilCurrent(t.store);
    expect(await ids()).toEqual(before);

    // Another connection (another process in production) commits: data_version tells this one, read once
    // per turn of the event loop. In the turn of the commit, a page already asked for keeps that turn's
    // reading; from the next turn on, the copy is not used.
    expect(await ids()).toEqual(before);
    const other = await openStore(t.config);
    try {
      await other.incidents.upsertMany([makeRecord({ id: 'ucdp_ged:from-elsewhere', date: '2032-01-01', lat: 16, lon: 2 })]);
    } finally {
      await other.close();
    }
    await new Promise((r) => setImmediate(r));
    expect(index.current()).toBeNull();
    expect(await ids()).toEqual(['ucdp_ged:from-elsewhere', ...before].slice(0, 100));
    await untilCurrent(t.store);
    expect(await ids()).toEqual(['ucdp_ged:from-elsewhere', ...before].slice(0, 100));

    // Removed: gone at once.
    await t.store.incidents.remove('ucdp_ged:from-elsewhere');
    expect(await ids()).toEqual(before);
  });

  it('pages one day through ids that sort differently in UTF-8 and UTF-16 as SQLite sorts them', async () => {
    const ids = ['ucdp_ged:utf-a', 'ucdp_ged:utf-\u{1F30D}', 'ucdp_ged:utf-\uFF21', 'ucdp_ged:utf-\u00e9', 'ucdp_ged:utf-z'];
    await t.store.incidents.upsertMany(ids.map((id) => makeRecord({ id, date: '2040-02-02', lat: -30, lon: -30 })));
    const f: IncidentFilter = { bbox: [-31, -31, -29, -29] };
    const walk = async () => {
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await t.store.incidents.queryJson(f, { cursor, limit: 1 });
        seen.push(...page.items.map((i) => JSON.parse(String(i)).id as string));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      return seen;
    };
    t.store.incidents.viewportIndex()!.buildNow();
    const mem = await walk();
    expect(mem).toEqual(await bySql(walk));
    // UTF-8 byte order: the astral character (F0 …) after the full-width A (EF …); UTF-16 would swap them.
    expect(mem).toEqual(['ucdp_ged:utf-a', 'ucdp_ged:utf-z', 'ucdp_ged:utf-\u00e9', 'ucdp_ged:utf-\uFF21', 'ucdp_ged:utf-\u{1F30D}']);
  });

  it('re-importing identical rows keeps the copy (nothing changed)', async () => {
    const index = t.store.incidents.viewportIndex()!;
    index.buildNow();
    const res = await t.store.incidents.upsertMany(data.slice(0, 100));
    expect(res.unchanged).toBe(100);
    expect(index.current()).not.toBeNull();
  });

  it('keeps JSON up to its byte budget, and items read again outlast items read once', () => {
    const n = 50;
    const zeros = () => new Int32Array(n);
    const ids = Buffer.from('x'.repeat(n));
    const snap = new Snapshot(zeros(), zeros(), zeros(), new Float64Array(n), ids, Int32Array.from({ length: n + 1 }, (_, k) => k));
    const item = (p: number) => Buffer.from(`{"n":${String(p).padStart(4, '0')}}`); // 10 bytes each
    const budget = Snapshot.maxJsonBytes;
    Snapshot.maxJsonBytes = 100; // ten items
    try {
      for (let p = 0; p < 10; p++) snap.keepJson(p, item(p));
      expect(snap.keptJson()).toEqual({ items: 10, bytes: 100 });
      // One-off queries read items 10-29 once each, while the map keeps showing items 0-4.
      for (let p = 10; p < 30; p++) {
        if (p % 5 === 0) for (let q = 0; q < 5; q++) expect(snap.jsonAt(q)?.toString()).toBe(item(q).toString());
        snap.keepJson(p, item(p));
      }
      expect(snap.keptJson()).toEqual({ items: 10, bytes: 100 });
      const kept = Array.from({ length: 30 }, (_, p) => p).filter((p) => snap.jsonAt(p) !== undefined);
      expect(kept).toEqual([0, 1, 2, 3, 4, 25, 26, 27, 28, 29]);
      // Keeping an item twice changes nothing; one larger than the whole budget is not kept.
      snap.keepJson(0, item(0));
      snap.keepJson(40, Buffer.alloc(101));
      expect(snap.keptJson()).toEqual({ items: 10, bytes: 100 });
      expect(snap.jsonAt(40)).toBeUndefined();
    } finally {
      Snapshot.maxJsonBytes = budget;
    }
  });
});

