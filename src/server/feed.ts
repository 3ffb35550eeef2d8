import type { ServerResponse } from 'node:http';

/**
 * The live feed: one in-process fan-out of change events to every open
 * Server-Sent Events stream. Routes publish after their transaction commits;
 * `close()` (graceful shutdown) ends every stream cleanly.
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

  constructor(private readonly heartbeatMs = 15_000) {}

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
   * Sends an event to every stream, or only to those whose actor `visibleTo` accepts
   * (a restricted note goes only to those the policy lets read it).
   */
  publish(event: FeedEventName, data: unknown, visibleTo?: (actor: unknown) => boolean): void {
    if (this.closed || this.clients.size === 0) return;
    const frame = `id: ${++this.seq}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
    for (const c of this.clients) if (!visibleTo || visibleTo(c.actor)) this.write(c, frame);
  }

  /**
   * Ends the streams of one user (disabled, or its password reset): from then on it sees
   * nothing more. `event: signed-out` tells its browser not to reconnect with the old session.
   */
  endStreamsOf(userId: number): number {
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
