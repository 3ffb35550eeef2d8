import type { KeyObject } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { FastifyBaseLogger } from 'fastify';
import { InputError } from '../errors.ts';
import { loadCharters } from '../charter/loader.ts';
import type { StoreConfig } from '../store/database.ts';
import { openStore, type Store } from '../store/store.ts';
import { announceServer } from '../store/sqlite-presence.ts';
import { buildApp, type FoedusApp } from './app.ts';

/**
 * The server's life: open the store (migrations), load the charters, seed a
 * fresh store (demo data and accounts, or a bootstrap admin), listen, and on
 * SIGTERM/SIGINT stop accepting, finish in-flight requests, end the live
 * streams, stop the import queue and close the store.
 */

export const DEFAULT_CHARTERS_DIR = fileURLToPath(new URL('../../charters/', import.meta.url));

/**
 * Why the server could not start, for the CLI to say in one line with its own exit code
 * (README: 3 the port, 4 the store).
 */
export class StartError extends Error {
  constructor(message: string, readonly reason: 'listen' | 'store', options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StartError';
  }
}

export interface ServeOptions {
  store: StoreConfig;
  port: number;
  host: string;
  demo: boolean;
  chartersDir?: string;
  /** The built UI to serve; default web/dist when it exists; null for the API alone. */
  webDir?: string | null;
  logger?: FastifyBaseLogger | false;
  /** Where to print what a person must see (URL, credentials). Default stdout. */
  print?: (line: string) => void;
  /** The ledger checkpoint key (default: FOEDUS_CHECKPOINT_KEY[_FILE]; null: none). */
  checkpointKey?: KeyObject | null;
}

export interface RunningServer {
  app: FoedusApp;
  store: Store;
  url: string;
  /** Graceful stop; idempotent. */
  close(): Promise<void>;
}

export interface SeedHooks {
  /** Loads the demo data when the store holds no incident; returns a line to print or null. */
  demoData?: (store: Store, print: (line: string) => void) => Promise<void>;
  /** Creates the demo accounts; prints their credentials. */
  demoAccounts?: (store: Store, print: (line: string) => void) => Promise<void>;
  /** Creates the first admin of a fresh store; prints its one-time password. */
  bootstrapAdmin?: (store: Store, print: (line: string) => void) => Promise<void>;
}

/** Read worker threads of a SQLite server when FOEDUS_READ_WORKERS is not set: one per core of the machines it runs on. */
export const DEFAULT_READ_WORKERS = 2;

/**
 * How many worker threads run a SQLite server's whole-area incident reads (map clusters, counts,
 * timelines), so that a slow one never holds up the event loop every other request waits on:
 * FOEDUS_READ_WORKERS, 0 for none (all on the main thread).
 */
export function readWorkersFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.FOEDUS_READ_WORKERS?.trim();
  if (!raw) return DEFAULT_READ_WORKERS;
  if (!/^\d+$/.test(raw) || Number(raw) > 64) throw new InputError(`FOEDUS_READ_WORKERS "${raw}" must be a whole number from 0 to 64`);
  return Number(raw);
}

/** Opens the store (applying migrations), saying in a StartError why it cannot. On SQLite, with its read workers. */
export async function openServerStore(config: StoreConfig): Promise<Store> {
  const readWorkers = config.dialect === 'sqlite' ? readWorkersFromEnv() : 0;
  try {
    return await openStore(config, { readWorkers });
  } catch (err) {
    const what = config.dialect === 'sqlite' ? `the SQLite file ${config.path}` : 'the PostgreSQL database';
    throw new StartError(`cannot open ${what}: ${(err as Error).message}`, 'store', { cause: err });
  }
}

/** What a fresh store gets before it serves: the demo data and accounts, or the first admin. */
export async function seedStore(store: Store, demo: boolean, seed: SeedHooks, print: (line: string) => void): Promise<void> {
  if (demo) {
    await seed.demoData?.(store, print);
    await seed.demoAccounts?.(store, print);
  } else {
    await seed.bootstrapAdmin?.(store, print);
  }
}

export async function startServer(opts: ServeOptions, seed: SeedHooks = {}): Promise<RunningServer> {
  const print = opts.print ?? ((l: string) => process.stdout.write(`${l}\n`));
  const charters = loadCharters(opts.chartersDir ?? DEFAULT_CHARTERS_DIR);
  const store = await openServerStore(opts.store);
  // Imports into the same SQLite file then commit in short transactions (src/store/sqlite-presence.ts).
  const leave = opts.store.dialect === 'sqlite' ? announceServer(opts.store.path) : () => {};
  let app: FoedusApp | undefined;
  try {
    await seedStore(store, opts.demo, seed, print);
    app = await buildApp({ store, charters, demo: opts.demo, ...(opts.checkpointKey !== undefined ? { checkpointKey: opts.checkpointKey } : {}), ...(opts.webDir !== undefined ? { webDir: opts.webDir } : {}), ...(opts.logger !== undefined ? { logger: opts.logger } : {}) });
    await app.listen({ port: opts.port, host: opts.host }).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE') throw new StartError(`port ${opts.port} on ${opts.host} is already in use: stop what uses it, or choose another port with --port N (or PORT)`, 'listen', { cause: err });
      if (err.code === 'EACCES') throw new StartError(`not allowed to listen on port ${opts.port} of ${opts.host}: choose a port above 1023 with --port N`, 'listen', { cause: err });
      if (err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND') throw new StartError(`cannot listen on ${opts.host}: no such address on this machine (--host)`, 'listen', { cause: err });
      throw err;
    });
  } catch (err) {
    // Its background work (webhooks, the feed, assessments) started with the app: stopped before the store closes.
    await app?.close().catch(() => {});
    leave();
    await store.close().catch(() => {});
    throw err;
  }
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : opts.port;
  const shownHost = opts.host.includes(':') ? `[${opts.host}]` : opts.host === '0.0.0.0' ? '127.0.0.1' : opts.host;
  const url = `http://${shownHost}:${port}`;
  let closing: Promise<void> | null = null;
  const close = () =>
    (closing ??= (async () => {
      try {
        await app.close();
      } finally {
        leave();
        await store.close().catch(() => {});
      }
    })());
  return { app, store, url, close };
}

/**
 * Stops the server on SIGTERM/SIGINT (a second signal exits at once), or on the `signals` given
 * (a worker of `serve --workers` leaves SIGINT to its primary). Returns the stop, for other reasons
 * to stop (a worker whose primary is gone).
 */
export function closeOnSignals(server: RunningServer, log: (line: string) => void, signals: NodeJS.Signals[] = ['SIGTERM', 'SIGINT']): (why: string) => void {
  let stopping = false;
  const stop = (why: string) => {
    if (stopping) {
      log(`foedus: ${why} again, exiting now`);
      process.exit(130);
    }
    stopping = true;
    log(`foedus: ${why}: finishing in-flight requests, then stopping`);
    server.close().then(
      () => {
        log('foedus: stopped');
        process.exit(0);
      },
      (err: unknown) => {
        log(`foedus: error while stopping: ${(err as Error).message}`);
        process.exit(1);
      },
    );
  };
  for (const signal of signals) process.once(signal, () => stop(signal));
  return stop;
}
