import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { FastifyBaseLogger } from 'fastify';
import type { Notices } from '../store/notices.ts';
import type { StoredFeedEvent } from '../store/feed/feed-repository.ts';
import type { Store } from '../store/store.ts';
import { can, type Actor, type Resource } from './policy.ts';

/**
 * The live feed: change events to every open Server-Sent Events stream. Routes publish after
 * their transaction commits; `close()` (graceful shutdown) ends every stream cleanly.
 *
 * Every event is first stored (feed_event, migration 012), which gives it an id in commit order
 * across all the server processes on the store; each process then delivers what it reads from the
 * table, in id order, to its own streams — its own events and the other processes' alike. On
 * PostgreSQL a notice (LISTEN/NOTIFY) wakes every process when an event is stored; a slow poll
 * catches up if a notice was lost (the listening connection reconnecting). On SQLite there is one
 * process and it wakes itself.
 *
 * Each frame carries its id, so a browser that reconnects (EventSource sends Last-Event-ID by
 * itself) is first sent every stored event after the last it saw, with the same filter as live
 * events (a restricted note only to whom the policy lets read it), then the live ones: nothing is
 * missed while it was away, for as long as events are kept (a day).
 *
 * Ending a user's streams (disabled, password reset) is a notice too, so it happens on every process.
 */

export type FeedEventName =
  | 'incident.created'
  | 'incident.updated'
  | 'import.queued'
  | 'import.progress'
  | 'import.done'
  | 'import.failed'
  | 'case.changed'
  | 'case.note'
  | 'inbox.changed'
  | 'assessments.progress';

interface Client {
  res: ServerResponse;
  /** Who subscribed: restricted events are filtered by the policy for it; its id ends its streams. */
  actor: Actor | null;
}

/** A client slower than this many buffered bytes is dropped rather than letting memory grow. */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;
/** Events read from the store at a time. */
const PAGE = 500;
/** How long events are kept for reconnecting clients. */
export const FEED_KEEP_MS = 24 * 3600_000;
/** A poll for events in case a notice was lost (the notices' connection was down a moment). */
const CATCH_UP_MS = 5_000;
const PRUNE_MS = 10 * 60_000;

export interface FeedOptions {
  heartbeatMs?: number;
  /** Clock for created_at and pruning. */
  now?: () => Date;
}

export class Feed {
  private readonly clients = new Set<Client>();
  private readonly timers: NodeJS.Timeout[] = [];
  private heartbeat: NodeJS.Timeout | null = null;
  private closed = false;
  /** The highest event id delivered to this process's streams; null until connected. */
  private cursor: number | null = null;
  /** Reading from the store and catching up clients, one at a time, in order. */
  private work: Promise<void> = Promise.resolve();
  private readQueued = false;
  /** This process's appends, in the order it published them. */
  private appends: Promise<void> = Promise.resolve();
  /** This process, in the notices it sends (it ignores its own `end`). */
  private readonly origin = randomUUID();
  private bus: Notices | null = null;
  private stopListening: (() => Promise<void>) | null = null;
  private log: FastifyBaseLogger | null = null;
  private readonly heartbeatMs: number;
  private readonly now: () => Date;

  constructor(private readonly store: Store, opts: FeedOptions = {}) {
    this.heartbeatMs = opts.heartbeatMs ?? 15_000;
    this.now = opts.now ?? (() => new Date());
  }

  /** Starts delivering stored events, and hears the other processes on the store (notices: none on SQLite). */
  async connect(bus: Notices, log: FastifyBaseLogger): Promise<void> {
    this.bus = bus;
    this.log = log;
    this.cursor = await this.store.feed.latest();
    this.stopListening = await bus.listen((text) => this.heard(text));
    const every = (ms: number, fn: () => void) => {
      const t = setInterval(fn, ms);
      t.unref();
      this.timers.push(t);
    };
    every(CATCH_UP_MS, () => this.read());
    every(PRUNE_MS, () => void this.prune());
    void this.prune();
  }

  /** Stops listening, after this process's pending events are stored and delivered. */
  async disconnect(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.timers.length = 0;
    await this.appends;
    await this.work;
    const stop = this.stopListening;
    this.stopListening = null;
    this.bus = null;
    await stop?.();
  }

  get size(): number {
    return this.clients.size;
  }

  /**
   * Takes over `res` as an event stream until the client leaves or the feed closes. It starts after
   * the events committed before it came (this process's own published ones included), or, with
   * `lastEventId` (the Last-Event-ID of a reconnecting browser), after that one: the stored events
   * since are sent first. `: connected` says the stream is live: what is committed from then on
   * reaches it.
   */
  attach(res: ServerResponse, actor: Actor | null, lastEventId?: number): void {
    if (this.closed) {
      res.end();
      return;
    }
    const client: Client = { res, actor };
    res.on('close', () => this.clients.delete(client));
    this.startHeartbeat();
    let opened = false;
    // The headers, and how long the browser waits before reconnecting; sent with what follows at once.
    const open = (then: string) => {
      if (!opened) {
        res.writeHead(200, {
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-cache, no-transform',
          connection: 'keep-alive',
          'x-accel-buffering': 'no',
        });
      }
      res.write(opened ? then : `retry: 3000\n\n${then}`);
      opened = true;
    };
    // What this process published before the client came is stored first, so it is not sent as new.
    const published = this.appends;
    // In the work queue: no event is delivered between the catch-up and joining the live ones.
    this.queue(async () => {
      try {
        await published;
        const until = this.cursor === null ? await this.store.feed.latest() : await this.drain();
        // An id from the future (another store, a restored one) resumes from now.
        let from = Math.min(lastEventId ?? until, until);
        while (from < until && !res.destroyed && !this.closed) {
          const page = await this.store.feed.after(from, PAGE);
          for (const e of page) {
            if (e.id > until || !this.readable(client, e)) continue;
            open('');
            this.write(client, frameOf(e));
          }
          if (page.length < PAGE) break;
          from = page.at(-1)!.id;
        }
        if (res.writableEnded || res.destroyed) return;
        if (this.closed) {
          open(`event: shutdown\ndata: {}\n\n`);
          res.end();
          return;
        }
        this.clients.add(client);
        open(`: connected\n\n`);
      } catch (err) {
        // The store did not answer: the browser tries again (with its Last-Event-ID) rather than wait here.
        this.log?.warn({ err }, 'could not start a live-feed stream');
        res.destroy();
      }
    });
  }

  /**
   * Stores an event for every stream here and on the other processes, or, with `resource`, only for
   * those whose actor the policy lets read it (a restricted note). Returns at once; the event is
   * stored after the ones this process published before it.
   */
  publish(event: FeedEventName, data: unknown, resource?: Resource): void {
    if (this.closed) return;
    const row = { type: event, data: JSON.stringify(data), audience: resource ? JSON.stringify(resource) : null, createdAt: this.now().toISOString() };
    this.appends = this.appends.then(async () => {
      try {
        await this.store.feed.append(row);
      } catch (err) {
        this.log?.warn({ err, event }, 'could not store a live-feed event; streams will not see it');
        return;
      }
      this.read();
      await this.bus?.send('{}').catch((err: unknown) => this.log?.warn({ err }, 'could not wake the other server processes for a live-feed event'));
    });
  }

  /**
   * Ends the streams of one user (disabled, or its password reset), on every process: from then on
   * it sees nothing more. `event: signed-out` tells its browser not to reconnect with the old session.
   */
  endStreamsOf(userId: number): number {
    this.bus?.send(JSON.stringify({ o: this.origin, end: userId })).catch((err: unknown) => this.log?.warn({ err }, 'could not tell the other server processes to end a user\'s streams'));
    return this.endLocal(userId);
  }

  /** Ends every stream (graceful shutdown) and refuses new ones. */
  close(): void {
    this.closed = true;
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
    for (const c of this.clients) {
      c.res.end(`event: shutdown\ndata: {}\n\n`);
    }
    this.clients.clear();
  }

  private heard(text: string): void {
    let m: { o?: string; end?: number };
    try {
      m = JSON.parse(text) as typeof m;
    } catch {
      return;
    }
    if (typeof m.end === 'number') {
      if (m.o !== this.origin) this.endLocal(m.end);
    } else {
      this.read();
    }
  }

  /** Asks for the stored events not yet delivered here (coalesced while a read waits its turn). */
  private read(): void {
    if (this.readQueued || this.cursor === null) return;
    this.readQueued = true;
    this.queue(async () => {
      this.readQueued = false;
      await this.drain();
    });
  }

  /** In the work queue: delivers the stored events after the cursor to the streams; returns the new cursor. */
  private async drain(): Promise<number> {
    for (;;) {
      const page = await this.store.feed.after(this.cursor!, PAGE);
      for (const e of page) {
        this.cursor = e.id;
        if (!this.closed) this.deliver(this.clients, e);
      }
      if (page.length < PAGE) return this.cursor!;
    }
  }

  private queue(task: () => Promise<void>): void {
    this.work = this.work.then(task).catch((err: unknown) => this.log?.warn({ err }, 'could not read live-feed events from the store; trying again at the next event'));
  }

  private deliver(clients: Iterable<Client>, e: StoredFeedEvent): void {
    const frame = frameOf(e);
    for (const c of clients) if (this.readable(c, e)) this.write(c, frame);
  }

  /** Whether the policy lets this stream's actor read the event (a restricted note). */
  private readable(c: Client, e: StoredFeedEvent): boolean {
    return e.audience === null || can(c.actor, 'read', JSON.parse(e.audience) as Resource);
  }

  private endLocal(userId: number): number {
    let n = 0;
    for (const c of this.clients) {
      if (c.actor?.id !== userId) continue;
      this.clients.delete(c);
      c.res.end(`event: signed-out\ndata: {}\n\n`);
      n++;
    }
    return n;
  }

  private async prune(): Promise<void> {
    try {
      await this.store.feed.prune(new Date(this.now().getTime() - FEED_KEEP_MS).toISOString());
    } catch (err) {
      this.log?.warn({ err }, 'could not prune old live-feed events; trying again later');
    }
  }

  private write(c: Client, frame: string): void {
    if (c.res.writableEnded || c.res.destroyed) {
      this.clients.delete(c);
      return;
    }
    if (c.res.writableLength > MAX_BUFFERED_BYTES) {
      this.clients.delete(c);
      c.res.destroy();
      return;
    }
    c.res.write(frame);
  }

  private startHeartbeat(): void {
    if (this.heartbeat) return;
    this.heartbeat = setInterval(() => {
      if (this.clients.size === 0) return;
      for (const c of this.clients) this.write(c, `: heartbeat ${Date.now()}\n\n`);
    }, this.heartbeatMs);
    this.heartbeat.unref();
  }
}

function frameOf(e: StoredFeedEvent): string {
  return `id: ${e.id}\nevent: ${e.type}\ndata: ${e.data}\n\n`;
}
