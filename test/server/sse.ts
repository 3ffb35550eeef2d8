/**
 * A Server-Sent Events client for tests of the live feed: reads `GET /api/v1/events` with fetch,
 * keeps every frame (id, event, data) in order, and says when the stream is live (`: connected`)
 * and when it ended.
 */

export interface SseEvent { id: number | null; event: string; data: unknown; at: number }

export interface SseStream {
  events: SseEvent[];
  ended: boolean;
  /** The id of the last event received (what a browser would send as Last-Event-ID). */
  lastId(): number | null;
  close(): void;
}

export async function openStream(url: string, auth: { token?: string; cookie?: string }, lastEventId?: number | string): Promise<SseStream> {
  const ctl = new AbortController();
  const headers: Record<string, string> = { accept: 'text/event-stream' };
  if (auth.token) headers.authorization = `Bearer ${auth.token}`;
  if (auth.cookie) headers.cookie = auth.cookie;
  if (lastEventId !== undefined) headers['last-event-id'] = String(lastEventId);
  const res = await fetch(`${url}/api/v1/events`, { headers, signal: ctl.signal });
  if (res.status !== 200) throw new Error(`the live feed answered ${res.status}: ${await res.text()}`);
  const s: SseStream = {
    events: [],
    ended: false,
    lastId: () => s.events.findLast((e) => e.id !== null)?.id ?? null,
    close: () => ctl.abort(),
  };
  let live!: () => void;
  const connected = new Promise<void>((r) => (live = r));
  void (async () => {
    const reader = res.body!.getReader();
    const dec = new TextDecoder();
    let buf = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buf += dec.decode(value, { stream: true });
        let i: number;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const frame = buf.slice(0, i);
          buf = buf.slice(i + 2);
          if (/^: connected$/m.test(frame)) live();
          const event = /^event: (.+)$/m.exec(frame)?.[1];
          const id = /^id: (\d+)$/m.exec(frame)?.[1];
          const data = /^data: (.+)$/m.exec(frame)?.[1];
          if (event) s.events.push({ id: id ? Number(id) : null, event, data: data ? JSON.parse(data) : null, at: Date.now() });
        }
      }
    } catch { /* aborted */ }
    s.ended = true;
    live();
  })();
  // The server writes `: connected` once the stream has caught up and joined the live events.
  await connected;
  return s;
}

export async function until(cond: () => boolean, ms = 5_000, what = 'the condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
