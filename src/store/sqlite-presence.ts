import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';

/**
 * A server says, beside its SQLite file, that it is using the file (`<file>-server`, holding its pid),
 * so that `foedus import` into the same file knows to commit in short transactions: better-sqlite3 is
 * synchronous, so a server write waiting for the write lock holds the server's whole event loop, and
 * every request with it, for as long as the import keeps the lock (up to busy_timeout, then 503).
 * A marker left by a server that died is recognised by its pid and ignored.
 */

interface Marker {
  pid: number;
  host: string;
}

const markerOf = (path: string) => `${path}-server`;

/** Writes the marker; returns what removes it (only if it is still this process's). */
export function announceServer(path: string): () => void {
  const file = markerOf(path);
  const mine: Marker = { pid: process.pid, host: hostname() };
  try {
    writeFileSync(file, `${JSON.stringify(mine)}\n`);
  } catch {
    // A folder we cannot write to: the store itself will say so. Imports then commit as for a file no one serves.
    return () => {};
  }
  return () => {
    if (readMarker(file)?.pid === mine.pid) rmSync(file, { force: true });
  };
}

function readMarker(file: string): Marker | null {
  try {
    const m = JSON.parse(readFileSync(file, 'utf8')) as Partial<Marker>;
    return typeof m.pid === 'number' && typeof m.host === 'string' ? { pid: m.pid, host: m.host } : null;
  } catch {
    return null;
  }
}

/** Whether a live server (another process, or this one in tests) says it uses this SQLite file. */
export function serverUsing(path: string): boolean {
  const m = readMarker(markerOf(path));
  if (!m) return false;
  if (m.host !== hostname()) return true; // cannot check another machine's processes: assume it runs
  try {
    process.kill(m.pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // alive, another user's
  }
}
