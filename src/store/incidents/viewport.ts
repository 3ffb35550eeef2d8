import type SQLite from 'better-sqlite3';
import { dayNumber, E6, isoDay } from './rows.ts';

/**
 * SQLite: the map's question — "the newest incidents in this box (between these dates), a page at a
 * time" — answered from memory. The store's SQL for it walks the date index or the R*Tree and costs
 * 1–2 ms a page at 1M rows, most of a request; from these arrays about 10 µs (p99 ~65 µs).
 *
 * What it holds: every incident with coordinates, in the list order (date desc, id asc, as SQLite
 * sorts them), as parallel typed arrays (day number, lon/lat in microdegrees, rid, the ids' bytes), and
 * a grid of 0.25° cells listing the positions of the incidents in each cell, newest first: about
 * 100 bytes an incident. Plus the list items' JSON bytes as pages ask for them, up to 256 MiB (the
 * items read least lately go first), so that a page is sent without reading its rows again.
 *
 * It is a copy, so it is only used while it is exactly the table (`current()`): no write through this
 * connection since it was read (SqliteIncidentWriter counts them), no commit by another connection
 * (PRAGMA data_version, read once per turn of the event loop: a commit elsewhere is seen from the next
 * turn), no transaction open on this connection (its uncommitted rows may still roll back). Otherwise
 * the caller asks SQL, and a fresh copy is read in the background once writes pause, in slices that
 * each hold the event loop ~20 ms (1.4–2.5 s in all at 1M rows); a write during the read starts it over.
 */

/** Grid cell size in microdegrees (0.25°): a map viewport of 0.5°–4° covers 4–300 cells. */
const CELL = 250_000;
const CELLS_X = Math.ceil((360 * E6) / CELL) + 1;
const CELLS_Y = Math.ceil((180 * E6) / CELL) + 1;
/** Above this many cells under the box, scan positions in order instead of merging cell lists. */
const MAX_MERGED_CELLS = 2_000;
/** The merge's heap, sized for the most cells it merges. */
const HEAP = {
  key: new Int32Array(MAX_MERGED_CELLS),
  head: new Int32Array(MAX_MERGED_CELLS),
  stop: new Int32Array(MAX_MERGED_CELLS),
  edge: new Uint8Array(MAX_MERGED_CELLS),
};

/*
 * The heap's two steps, module functions rather than closures made at each merge: the server runs
 * through tsx, whose esbuild keeps function names, so a named closure costs an Object.defineProperty
 * call every time it is made.
 */
function heapSwap(i: number, j: number): void {
  const { key, head, stop, edge } = HEAP;
  let t = key[i]!; key[i] = key[j]!; key[j] = t;
  t = head[i]!; head[i] = head[j]!; head[j] = t;
  t = stop[i]!; stop[i] = stop[j]!; stop[j] = t;
  t = edge[i]!; edge[i] = edge[j]!; edge[j] = t;
}
/** Sifts slot k down a heap of n slots ordered by key (smallest first). */
function heapDown(k: number, n: number): void {
  const { key } = HEAP;
  for (;;) {
    const l = 2 * k + 1, r = l + 1;
    let m = k;
    if (l < n && key[l]! < key[m]!) m = l;
    if (r < n && key[r]! < key[m]!) m = r;
    if (m === k) return;
    heapSwap(k, m);
    k = m;
  }
}

/** A rebuild starts once the table has gone this long without a write. */
const QUIET_MS = 300;

export interface ViewportQuery {
  /** Box in microdegrees, edges included. */
  box: { minLon: number; minLat: number; maxLon: number; maxLat: number };
  from: string | null;
  to: string | null;
  /** Keyset cursor: rows strictly after (date desc, id asc) this key. */
  after: { date: string; id: string } | null;
  limit: number;
}

export interface ViewportKey {
  key: number;
  date: string;
  id: string;
}

/** What the index compares against to know it is still the table. */
export interface WriteCounter {
  readonly writes: number;
}

/** Grid column and row of a longitude and latitude in microdegrees, and the cell's index. */
const cellX = (lon: number) => Math.floor((lon + 180 * E6) / CELL);
const cellY = (lat: number) => Math.floor((lat + 90 * E6) / CELL);
const cellOf = (lon: number, lat: number) => cellY(lat) * CELLS_X + cellX(lon);

/** Edges included, as the SQL filter has them. */
const inBox = (box: ViewportQuery['box'], x: number, y: number) => x >= box.minLon && x <= box.maxLon && y >= box.minLat && y <= box.maxLat;

/**
 * One immutable copy of the table's (date, id, lon, lat, rid), list order, with the list items' JSON read so far.
 * The grid is compressed rows over every cell of the globe (4 MB): cell c's positions are
 * cellPositions[cellStart[c] .. cellStart[c + 1]), ascending.
 */
export class Snapshot {
  /**
   * Bytes of list items' JSON kept per snapshot (outside the JS heap): 256 MiB is ~370,000 items of
   * ~700 B. With 100,000 items a map panning over the Sahel at 1M rows kept missing: its pages touch
   * ~110,000 distinct items in 160,000 random viewports, and each miss is a row read again from SQLite
   * (the server spent 18 % of its time there). Tests lower it.
   */
  static maxJsonBytes = 256 * 1024 * 1024;
  readonly cellStart = new Int32Array(CELLS_X * CELLS_Y + 1);
  readonly cellPositions: Int32Array;
  /**
   * Position → the list item's JSON bytes (queryJson's), filled as pages are asked for, up to
   * maxJsonBytes; gone with the snapshot. Each is a Buffer of its own, so forgetting one never changes
   * a page that still holds it.
   */
  private readonly json: Array<Buffer | undefined>;
  /**
   * Which kept item goes first when the budget is full: a clock (second chance). The kept positions
   * wait in a circular queue; one read again since it was queued goes round once more instead of
   * going. Items a one-off query read once (a random year) go before those the map keeps showing.
   */
  private readonly queue: Int32Array;
  private readonly readAgain: Uint8Array;
  private head = 0;
  private tail = 0;
  private keptBytes = 0;

  constructor(
    readonly day: Int32Array,
    readonly lon: Int32Array,
    readonly lat: Int32Array,
    readonly rid: Float64Array,
    /** The ids' UTF-8 bytes end to end (the id at p is idBytes[idStart[p] .. idStart[p + 1])): no million strings for the GC to walk. */
    private readonly idBytes: Buffer,
    private readonly idStart: Int32Array,
  ) {
    const n = rid.length;
    this.json = new Array<Buffer | undefined>(n);
    // A position is queued at most once at a time, so n + 1 slots never overflow.
    this.queue = new Int32Array(n + 1);
    this.readAgain = new Uint8Array(n);
    const cells = new Int32Array(n);
    const start = this.cellStart;
    for (let p = 0; p < n; p++) {
      const c = cellOf(lon[p]!, lat[p]!);
      cells[p] = c;
      start[c + 1]!++;
    }
    for (let c = 1; c < start.length; c++) start[c]! += start[c - 1]!;
    // Filled in position order, so each cell's list is ascending: newest first.
    this.cellPositions = new Int32Array(n);
    const fill = start.slice(0, start.length - 1);
    for (let p = 0; p < n; p++) this.cellPositions[fill[cells[p]!]!++] = p;
  }

  /** The item's JSON bytes if kept. */
  jsonAt(p: number): Buffer | undefined {
    const b = this.json[p];
    if (b !== undefined) this.readAgain[p] = 1;
    return b;
  }

  keepJson(p: number, json: Buffer): void {
    if (this.json[p] !== undefined || json.length > Snapshot.maxJsonBytes) return;
    this.json[p] = json;
    this.keptBytes += json.length;
    this.enqueue(p);
    while (this.keptBytes > Snapshot.maxJsonBytes) {
      const q = this.queue[this.tail]!;
      this.tail = (this.tail + 1) % this.queue.length;
      if (this.readAgain[q]) {
        this.readAgain[q] = 0;
        this.enqueue(q);
      } else {
        this.keptBytes -= this.json[q]!.length;
        this.json[q] = undefined;
      }
    }
  }

  /** How many items and bytes of JSON are kept (tests). */
  keptJson(): { items: number; bytes: number } {
    return { items: (this.head - this.tail + this.queue.length) % this.queue.length, bytes: this.keptBytes };
  }

  private enqueue(p: number): void {
    this.queue[this.head] = p;
    this.head = (this.head + 1) % this.queue.length;
  }

  /** The store key (rid) and list key (date, id) at a position. */
  keyAt(p: number): ViewportKey {
    return { key: this.rid[p]!, date: isoDay(this.day[p]!), id: this.idBytes.toString('utf8', this.idStart[p]!, this.idStart[p + 1]!) };
  }

  get size(): number {
    return this.rid.length;
  }

  /** First position whose day is <= d (days descend along the positions). */
  private firstAtOrBefore(d: number): number {
    let lo = 0, hi = this.size;
    while (lo < hi) {
      const m = (lo + hi) >>> 1;
      if (this.day[m]! > d) lo = m + 1;
      else hi = m;
    }
    return lo;
  }

  /** First position strictly after the key (date, id) in list order. */
  private firstAfter(date: string, id: string): number {
    const d = dayNumber(date);
    // SQLite's BINARY order for TEXT is the order of the UTF-8 bytes: compare those.
    const key = Buffer.from(id, 'utf8');
    let lo = this.firstAtOrBefore(d), hi = this.firstAtOrBefore(d - 1);
    while (lo < hi) {
      const m = (lo + hi) >>> 1;
      if (this.idBytes.compare(key, 0, key.length, this.idStart[m]!, this.idStart[m + 1]!) <= 0) lo = m + 1;
      else hi = m;
    }
    return lo;
  }

  /** The positions of the page's rows, in list order (keyAt and jsonAt read them). */
  page(q: ViewportQuery): number[] {
    const { box, limit } = q;
    let start = q.to ? this.firstAtOrBefore(dayNumber(q.to)) : 0;
    if (q.after) start = Math.max(start, this.firstAfter(q.after.date, q.after.id));
    const end = q.from ? this.firstAtOrBefore(dayNumber(q.from) - 1) : this.size;
    const found: number[] = [];
    if (start < end) {
      const cx0 = cellX(box.minLon), cx1 = cellX(box.maxLon), cy0 = cellY(box.minLat), cy1 = cellY(box.maxLat);
      if ((cx1 - cx0 + 1) * (cy1 - cy0 + 1) > MAX_MERGED_CELLS) this.scan(box, start, end, limit, found);
      else this.merge(box, cx0, cx1, cy0, cy1, start, end, limit, found);
    }
    return found;
  }

  /** A box over most of the map: the positions in order, each tested. */
  private scan(box: ViewportQuery['box'], start: number, end: number, limit: number, found: number[]): void {
    const { lon, lat } = this;
    for (let p = start; p < end && found.length < limit; p++) if (inBox(box, lon[p]!, lat[p]!)) found.push(p);
  }

  /**
   * The first `limit` positions in [start, end) inside the box, from the cells under it: each cell's list
   * is ascending, so a min-heap of the cells' next positions gives them in list order. Cells wholly inside
   * the box need no test.
   */
  private merge(box: ViewportQuery['box'], cx0: number, cx1: number, cy0: number, cy1: number, start: number, end: number, limit: number, found: number[]): void {
    const cp = this.cellPositions, cs = this.cellStart, { lon, lat } = this;
    // Per heap slot: the position at its head (the key), where the head is in cellPositions, where its cell
    // ends, and whether the cell pokes out of the box. Scratch arrays shared by all calls (merge is synchronous).
    const { key, head, stop, edge } = HEAP;
    let n = 0;
    for (let cy = cy0; cy <= cy1; cy++) {
      const yEdge = cy === cy0 || cy === cy1;
      for (let cx = cx0; cx <= cx1; cx++) {
        const c = cy * CELLS_X + cx;
        let lo = cs[c]!;
        const e = cs[c + 1]!;
        if (lo === e) continue;
        if (start > 0 && cp[lo]! < start) {
          let hi = e; // skip the cell's entries before `start`
          while (lo < hi) {
            const m = (lo + hi) >>> 1;
            if (cp[m]! < start) lo = m + 1;
            else hi = m;
          }
        }
        if (lo === e || cp[lo]! >= end) continue;
        key[n] = cp[lo]!;
        head[n] = lo;
        stop[n] = e;
        edge[n] = yEdge || cx === cx0 || cx === cx1 ? 1 : 0;
        n++;
      }
    }
    for (let k = (n >>> 1) - 1; k >= 0; k--) heapDown(k, n);
    while (n > 0 && found.length < limit) {
      const p = key[0]!;
      if (!edge[0] || inBox(box, lon[p]!, lat[p]!)) found.push(p);
      const h = ++head[0]!;
      if (h < stop[0]! && cp[h]! < end) key[0] = cp[h]!;
      else heapSwap(0, --n);
      heapDown(0, n);
    }
  }
}

export class ViewportIndex {
  /** Rows read per slice of a rebuild (~20 ms each here). Tests lower it. */
  static sliceRows = 20_000;
  private snapshot: Snapshot | null = null;
  /** The write count and data_version the snapshot was read at. */
  private readAt: Stamp = { writes: -1, dataVersion: -1 };
  private rebuilding = false;
  /** data_version as current() read it in this turn of the event loop; null in a new turn (sameStampThisTurn). */
  private turnVersion: number | null = null;
  private readonly endTurn = (): void => {
    this.turnVersion = null;
  };
  /** Why the last background read failed, if it did (for diagnosis; SQL answered meanwhile). */
  lastError: unknown = null;
  private readonly dataVersion: SQLite.Statement;
  private readonly slice: SQLite.Statement;
  private readonly sliceAfter: SQLite.Statement;

  constructor(private readonly raw: SQLite.Database, private readonly writer: WriteCounter) {
    this.dataVersion = raw.prepare('pragma data_version').pluck();
    // The date index covers (date desc, id) with lon and lat, and rid is in every index: no table read.
    const cols = 'select rid, date, id, lon, lat from incidents indexed by incidents_date';
    this.slice = raw.prepare(`${cols} where lon is not null and lat is not null order by date desc, id limit ?`).raw();
    this.sliceAfter = raw
      .prepare(`${cols} where date <= ? and (date < ? or id > ?) and lon is not null and lat is not null order by date desc, id limit ?`)
      .raw();
  }

  /** The snapshot, if it is still exactly the table; otherwise null, and a fresh one is being read. */
  current(): Snapshot | null {
    const s = this.snapshot;
    if (s && this.sameStampThisTurn(this.readAt)) return s;
    if (s) this.snapshot = null;
    this.refresh();
    return null;
  }

  /** Starts reading a fresh copy in the background, unless one is being read. */
  refresh(): void {
    if (this.rebuilding || !this.raw.open) return;
    this.rebuilding = true;
    this.rebuild()
      // The copy only speeds reads up: if it cannot be read (the store closed under it), SQL keeps answering.
      .catch((err: unknown) => {
        this.lastError = err;
      })
      .finally(() => {
        this.rebuilding = false;
      });
  }

  /** Reads the whole copy now, synchronously (tests and benchmarks). */
  buildNow(): void {
    for (;;) {
      const at = this.stamp();
      const b = new SnapshotBuilder();
      let last: unknown[] | undefined;
      do last = this.readSlice(b, last);
      while (last);
      if (this.sameStamp(at)) {
        this.install(b.build(), at);
        return;
      }
    }
  }

  /** Adds the slice after `last` (or the first) to the builder; returns its last row, or undefined at the end. */
  private readSlice(b: SnapshotBuilder, last: unknown[] | undefined): unknown[] | undefined {
    const n = ViewportIndex.sliceRows;
    const got = (last ? this.sliceAfter.all(last[1], last[1], last[2], n) : this.slice.all(n)) as unknown[][];
    b.add(got);
    return got.length < n ? undefined : got[got.length - 1];
  }

  private stamp(): Stamp {
    return { writes: this.writer.writes, dataVersion: this.readDataVersion() };
  }

  /** Exactly the table as of the stamp (the background read's checks). */
  private sameStamp(at: Stamp): boolean {
    return this.noWriteHereSince(at) && at.dataVersion === this.readDataVersion();
  }

  /** No write through this connection since the stamp, and no transaction open on it. */
  private noWriteHereSince(at: Stamp): boolean {
    return !this.raw.inTransaction && at.writes === this.writer.writes;
  }

  /**
   * sameStamp for current(), with data_version read once per turn of the event loop. The pragma begins a
   * read transaction on the WAL (file locks: 4 µs a call in a loop on the machine of 2026-12-04 night, ~5 %
   * of a list request's CPU under load), and every list request asked it. current() is called by requests,
   * which the loop handles after its wake-up: the requests answered in one turn had all arrived before the
   * turn's first reading, so that reading is a moment between each one's arrival and its answer, and a
   * commit by another process is seen from the next turn. Writes through this connection and open
   * transactions are still checked at every call; a reading older than the snapshot is taken again.
   * One exception: a request pipelined behind another on its connection can be handled after the turn's
   * end (once the answer before it is written); a reading it takes then also serves the requests of the
   * next wake-up, which may have arrived up to that wake-up after it (a fraction of a millisecond).
   */
  private sameStampThisTurn(at: Stamp): boolean {
    if (!this.noWriteHereSince(at)) return false;
    if (this.turnVersion === null) {
      this.turnVersion = this.readDataVersion();
      setImmediate(this.endTurn);
    } else if (this.turnVersion !== at.dataVersion) {
      this.turnVersion = this.readDataVersion();
    }
    return at.dataVersion === this.turnVersion;
  }

  private readDataVersion(): number {
    return Number(this.dataVersion.get());
  }

  /**
   * Waits for QUIET_MS without a write, then reads the copy slice by slice, yielding between slices; a write
   * meanwhile starts it over. The wait keeps a long import from paying for copies it would spoil at once:
   * while writes go on, this only looks at two counters every QUIET_MS.
   */
  private async rebuild(): Promise<void> {
    // Unref'd: a command that asked one page and closed the store exits without waiting for a copy it will never use.
    const pause = (ms: number) => new Promise((r) => setTimeout(r, ms).unref());
    for (;;) {
      if (!this.raw.open) return;
      const at = this.stamp();
      await pause(QUIET_MS);
      if (!this.raw.open) return;
      if (!this.sameStamp(at)) continue;
      const b = new SnapshotBuilder();
      let last: unknown[] | undefined;
      let same = true;
      while (same && (last = this.readSlice(b, last))) {
        await new Promise((r) => setImmediate(r));
        if (!this.raw.open) return;
        same = this.sameStamp(at);
      }
      if (same && this.sameStamp(at)) {
        this.install(b.build(), at);
        return;
      }
    }
  }

  private install(s: Snapshot, at: Stamp): void {
    this.snapshot = s;
    this.readAt = at;
  }
}

interface Stamp {
  writes: number;
  dataVersion: number;
}

/** Rows (rid, date, id, lon, lat) in list order → a Snapshot, in arrays that grow as slices come. */
class SnapshotBuilder {
  private n = 0;
  private day = new Int32Array(1024);
  private lon = new Int32Array(1024);
  private lat = new Int32Array(1024);
  private rid = new Float64Array(1024);
  private readonly ids: string[] = [];
  private lastDate = '';
  private lastDay = 0;

  add(rows: unknown[][]): void {
    const need = this.n + rows.length;
    if (need > this.day.length) {
      const cap = Math.max(need, this.day.length * 2);
      const grow = <T extends Int32Array | Float64Array>(a: T, make: (k: number) => T): T => {
        const b = make(cap);
        b.set(a);
        return b;
      };
      this.day = grow(this.day, (k) => new Int32Array(k));
      this.lon = grow(this.lon, (k) => new Int32Array(k));
      this.lat = grow(this.lat, (k) => new Int32Array(k));
      this.rid = grow(this.rid, (k) => new Float64Array(k));
    }
    for (const r of rows) {
      const p = this.n++;
      this.rid[p] = Number(r[0]);
      // Rows come by date: most share the previous row's.
      if (r[1] !== this.lastDate) this.lastDay = dayNumber((this.lastDate = r[1] as string));
      this.day[p] = this.lastDay;
      this.ids.push(r[2] as string);
      this.lon[p] = Math.round((r[3] as number) * E6);
      this.lat[p] = Math.round((r[4] as number) * E6);
    }
  }

  build(): Snapshot {
    const n = this.n;
    const idStart = new Int32Array(n + 1);
    let total = 0;
    for (let p = 0; p < n; p++) {
      idStart[p] = total;
      total += Buffer.byteLength(this.ids[p]!, 'utf8');
    }
    idStart[n] = total;
    const idBytes = Buffer.allocUnsafeSlow(total);
    for (let p = 0; p < n; p++) idBytes.write(this.ids[p]!, idStart[p]!, 'utf8');
    return new Snapshot(this.day.slice(0, n), this.lon.slice(0, n), this.lat.slice(0, n), this.rid.slice(0, n), idBytes, idStart);
  }
}
