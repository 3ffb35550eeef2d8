import cluster, { type Worker } from 'node:cluster';
import type { KeyObject } from 'node:crypto';
import type { StoreConfig } from '../../store/database.ts';
import { describeStore } from '../../store/database.ts';
import { openServerStore, seedStore, StartError, type SeedHooks } from '../../server/serve.ts';
import { CliExit } from '../exit.ts';
import { EXIT_STORE } from '../commands/serve.ts';

/**
 * `foedus serve --workers N`: N server processes on one PostgreSQL store, sharing one port.
 *
 * node:cluster rather than N separate `serve` processes: it is Node's own, the processes share the
 * port without SO_REUSEPORT (which Node 20's net module cannot ask for), and the primary sees a
 * worker die and starts another. Everything the workers must share lives in PostgreSQL
 * (docs/deployment.md), so they need nothing from one another; the primary serves no request.
 *
 * The workers accept connections on the shared socket themselves (SCHED_NONE), rather than the
 * primary accepting each and handing it to the next worker in turn (SCHED_RR, Node's default on
 * Linux): a connection handed to a worker in the instant it died is never answered nor closed (the
 * primary waits forever for the dead worker's reply), where with SCHED_NONE the kernel gives it to a
 * worker that is alive. The kernel's share is less even; NODE_CLUSTER_SCHED_POLICY=rr chooses
 * Node's round robin anyway.
 *
 * The primary seeds the store once (the first admin, or the demo data and accounts), then starts
 * one worker (its start-up error, a port in use say, is said once, and is the primary's exit code),
 * then the others. A worker that dies later is replaced; SIGTERM or SIGINT stops them all gracefully.
 */

/** A worker that died is started again after this long (not in a tight loop if it dies at once). */
const RESTART_MS = 1_000;

export interface PrimaryOptions {
  workers: number;
  storeConfig: StoreConfig;
  demo: boolean;
  ui: boolean;
  checkpointKey: KeyObject | null;
  seed: SeedHooks;
  say: (line: string) => void;
}

export async function runPrimary(o: PrimaryOptions): Promise<void> {
  const store = await openServerStore(o.storeConfig).catch((err: unknown) => {
    throw err instanceof StartError ? new CliExit(EXIT_STORE, err.message) : err;
  });
  try {
    await seedStore(store, o.demo, o.seed, o.say);
  } finally {
    await store.close();
  }
  // Every worker signs checkpoints with one key: a demo's, made for this run, is handed to them.
  const env: Record<string, string> = {};
  if (o.checkpointKey) env.FOEDUS_CHECKPOINT_KEY = o.checkpointKey.export({ type: 'pkcs8', format: 'pem' }).toString();

  if (!process.env.NODE_CLUSTER_SCHED_POLICY) cluster.schedulingPolicy = cluster.SCHED_NONE;
  const listening = new Set<Worker>();
  let stopping = false;
  let failed: ((code: number) => void) | null = null;
  const start = () => {
    const w = cluster.fork(env);
    w.once('listening', () => listening.add(w));
    return w;
  };
  const started = (w: Worker) =>
    new Promise<{ port: number; address: string }>((resolve, reject) => {
      w.once('listening', (a) => resolve({ port: a.port, address: a.address }));
      w.once('exit', (code) => reject(new WorkerFailed(code ?? 1)));
    });

  cluster.on('exit', (w, code, signal) => {
    const wasUp = listening.delete(w);
    if (stopping) {
      // All gone: exit with the code said so far (0 after a signal, a failed worker's otherwise).
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit();
      return;
    }
    // A worker that never listened failed to start (it said why): the others would fail alike.
    if (!wasUp) {
      failed?.(code ?? 1);
      return;
    }
    o.say(`foedus: server process ${w.process.pid} ended (${signal ?? `exit code ${code}`}); starting another`);
    setTimeout(() => {
      if (!stopping) start();
    }, RESTART_MS).unref();
  });
  const stopAll = (signal: NodeJS.Signals) => {
    if (stopping) {
      o.say(`foedus: ${signal} again, ending the server processes now`);
      for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGKILL');
      process.exit(130);
    }
    stopping = true;
    o.say(`foedus: ${signal}: the server processes finish their requests in flight, then stop`);
    for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGTERM');
    if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
  };
  process.on('SIGTERM', () => stopAll('SIGTERM'));
  process.on('SIGINT', () => stopAll('SIGINT'));

  const ended = new Promise<never>((_, reject) => {
    failed = (code) => reject(new WorkerFailed(code));
  });
  try {
    const first = await Promise.race([started(start()), ended]);
    const rest = Array.from({ length: o.workers - 1 }, () => started(start()));
    await Promise.race([Promise.all(rest), ended]);
    const host = first.address.includes(':') ? `[${first.address}]` : first.address === '0.0.0.0' || first.address === '' ? '127.0.0.1' : first.address;
    const url = `http://${host}:${first.port}`;
    o.say(`Foedus is serving ${describeStore(o.storeConfig)} with ${o.workers} server processes (${[...listening].map((w) => w.process.pid).join(', ')})`);
    o.say(`  ${url}/           ${o.ui ? 'the UI' : 'no UI (--no-ui)'}`);
    o.say(`  ${url}/api/docs   the API documentation`);
  } catch (err) {
    if (!(err instanceof WorkerFailed)) throw err;
    stopping = true;
    for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGTERM');
    // The worker printed its one line; its code (3 the port, 4 the store, …) is the command's.
    process.exitCode = err.code;
    return;
  }
  failed = null;
  await new Promise<never>(() => {});
}

class WorkerFailed extends Error {
  constructor(readonly code: number) {
    super(`a server process exited with code ${code} before it listened`);
  }
}
