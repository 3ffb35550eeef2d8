import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

/** What the benches that load a real server share: starting and stopping `foedus serve`, and PostgreSQL set-up. */

const ROOT = fileURLToPath(new URL('../', import.meta.url));

/** The PostgreSQL database the benches use. */
export const PG_URL = process.env.FOEDUS_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface BenchServer {
  child: ChildProcess;
  host: string;
  port: number;
  url: string;
}

/**
 * Starts `foedus serve --no-ui` on `db` with a free port and resolves once it listens. `fromSource`
 * runs the TypeScript sources (as the tests do) rather than the build.
 */
export function startServer(db: string, opts: { fromSource?: boolean } = {}): Promise<BenchServer> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/foedus.js', 'serve', '--db', db, '--port', '0', '--host', '127.0.0.1', '--no-ui'], {
      cwd: ROOT,
      env: { ...process.env, FOEDUS_LOG_LEVEL: 'warn', NODE_ENV: 'production', ...(opts.fromSource ? { FOEDUS_FROM_SOURCE: '1' } : {}) },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (d: string) => {
      err += d;
      const m = /http:\/\/127\.0\.0\.1:(\d+)\//.exec(err);
      if (m) resolve({ child, host: '127.0.0.1', port: Number(m[1]), url: `http://127.0.0.1:${m[1]}` });
    });
    child.on('exit', (code) => reject(new Error(`server exited (${code}) before listening:\n${err}`)));
  });
}

/** SIGTERM, then waits for the server to finish its requests in flight and exit. */
export async function stopServer(s: BenchServer): Promise<void> {
  if (s.child.exitCode !== null) return;
  s.child.kill('SIGTERM');
  await new Promise((r) => s.child.once('exit', r));
}

/** Runs statements on their own connection to PG_URL (schemas made and dropped, vacuum). */
export async function pgAdmin(...statements: string[]): Promise<void> {
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  try {
    for (const s of statements) await c.query(s);
  } finally {
    await c.end();
  }
}
