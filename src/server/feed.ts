import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { FastifyBaseLogger } from 'fastify';
import { MAX_NOTICE_BYTES, type Notices } from '../store/notices.ts';
import { can, type Actor, type Resource } from './policy.ts';

/**
 * The live feed: a fan-out of change events to every open Server-Sent Events stream. Routes
 * publish after their transaction commits; `close()` (graceful shutdown) ends every stream cleanly.
 *
 * Several server processes on one PostgreSQL: connected to the store's notices (LISTEN/NOTIFY),
 * what one process publishes reaches the streams of every other, with the same filter (a
 * restricted note only to whom the policy lets read it), and ending a user's streams ends them
 * on every process.
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
  /** Who subscribed (every event is readable by any signed-in user today; kept for per-party filtering). */
  actor: unknown;
}

/** A client slower than this many buffered bytes is dropped rather than letting memory grow. */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

export class Feed {
  private readonly clients = new Set<Client>();
  private heartbeat: NodeJS.Timeout | null = null;
  private seq = 0;
  private closed = false;
  /** This process, in the notices it sends (it ignores its own). */
  private readonly origin = randomUUID();
  private bus: Notices | null = null;
  private stopListening: (() => Promise<void>) | null = null;
  private log: FastifyBaseLogger | null = null;

  constructor(private readonly heartbeatMs = 15_000) {}

  /** Shares the feed with the other processes on the store (a no-op on SQLite). */
  async connect(bus: Notices, log: FastifyBaseLogger): Promise<void> {
    this.bus = bus;
    this.log = log;
    this.stopListening = await bus.listen((text) => this.heard(text));
  }

  async disconnect(): Promise<void> {
    const stop = this.stopListening;
    this.stopListening = null;
    this.bus = null;
    await stop?.();
  }

  private heard(text: string): void {
    let m: { o?: string; e?: FeedEventName; d?: unknown; r?: Resource; end?: number };
    try {
      m = JSON.parse(text) as typeof m;
    } catch {
      return;
    }
    if (m.o === this.origin) return;
    if (typeof m.end === 'number') this.endLocal(m.end);
    else if (m.e) this.deliver(m.e, m.d, m.r);
  }

  private tell(message: Record<string, unknown>): void {
    const bus = this.bus;
    if (!bus) return;
    let text = JSON.stringify({ o: this.origin, ...message });
    // Too long for a notice (an import's whole summary): the other processes hear that it happened.
    if (Buffer.byteLength(text) > MAX_NOTICE_BYTES) text = JSON.stringify({ o: this.origin, ...message, d: { truncated: true } });
    bus.send(text).catch((err: unknown) => this.log?.warn({ err }, 'could not pass a live-feed event to the other server processes'));
  }

  get size(): number {
    return this.clients.size;
  }

  /** Takes over `res` as an event stream until the client leaves or the feed closes. */
  attach(res: ServerResponse, actor: unknown): void {
    if (this.closed) {
      res.end();
      return;
    }
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    // Tell the browser how long to wait before reconnecting, and flush the headers now.
    res.write(`retry: 3000\n: connected\n\n`);
    const client: Client = { res, actor };
    this.clients.add(client);
    res.on('close', () => this.clients.delete(client));
    this.startHeartbeat();
  }

  /**
   * Sends an event to every stream here and on the other processes, or, with `resource`, only to
   * those whose actor the policy lets read it (a restricted note).
   */
  publish(event: FeedEventName, data: unknown, resource?: Resource): void {
    if (this.closed) return;
    this.deliver(event, data, resource);
    this.tell({ e: event, d: data, ...(resource ? { r: resource } : {}) });
  }

  private deliver(event: FeedEventName, data: unknown, resource?: Resource): void {
    if (this.closed || this.clients.size === 0) return;
    const frame = `id: ${++this.seq}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
    for (const c of this.clients) if (!resource || can(c.actor as Actor | null, 'read', resource)) this.write(c, frame);
  }

  /**
   * Ends the streams of one user (disabled, or its password reset): from then on it sees
   * nothing more. `event: signed-out` tells its browser not to reconnect with the old session.
   */
  endStreamsOf(userId: number): number {
    this.tell({ end: userId });
    return this.endLocal(userId);
  }

  private endLocal(userId: number): number {
    let n = 0;
    for (const c of this.clients) {
      if ((c.actor as { id?: unknown } | null)?.id !== userId) continue;
      this.clients.delete(c);
      c.res.end(`event: signed-out\ndata: {}\n\n`);
      n++;
    }
    return n;
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
