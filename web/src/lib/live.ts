import { useEffect } from 'react';

/** Names of the server's Server-Sent Events (GET /api/v1/events). */
export type LiveEvent = 'incident.created' | 'incident.updated' | 'import.progress' | 'import.done' | 'import.failed' | 'case.changed' | 'case.note' | 'inbox.changed' | 'assessments.progress';

let source: EventSource | null = null;
const target = new EventTarget();
const NAMES: LiveEvent[] = ['incident.created', 'incident.updated', 'import.progress', 'import.done', 'import.failed', 'case.changed', 'case.note', 'inbox.changed', 'assessments.progress'];

/** One EventSource for the page; reconnects by itself (EventSource does). */
export function startLiveFeed(): void {
  if (source || typeof EventSource === 'undefined') return;
  source = new EventSource('/api/v1/events', { withCredentials: true });
  for (const name of NAMES) {
    source.addEventListener(name, (e) => {
      let data: unknown = null;
      try { data = JSON.parse((e as MessageEvent<string>).data); } catch { data = null; }
      target.dispatchEvent(new CustomEvent(name, { detail: data }));
    });
  }
}

export function stopLiveFeed(): void {
  source?.close();
  source = null;
}

export function useLive(name: LiveEvent, fn: (data: unknown) => void): void {
  useEffect(() => {
    const h = (e: Event) => fn((e as CustomEvent).detail);
    target.addEventListener(name, h);
    return () => target.removeEventListener(name, h);
  }, [name, fn]);
}
