import cluster from 'node:cluster';
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../../errors.ts';
import { loadDemoData } from '../../import/index.ts';
import { DEMO_ATTRIBUTION } from '../../import/demo.ts';
import { ensureBootstrapAdmin, ensureDemoAccounts } from '../../accounts/bootstrap.ts';
import { closeOnSignals, startServer, StartError, type RunningServer, type SeedHooks } from '../../server/serve.ts';
import { checkpointKeyFromEnv, KEY_FILE_ENV } from '../../ledger/checkpoint-key.ts';
import { newKeyPair } from '../../ledger/checkpoint.ts';
import { DEFAULT_WEB_DIR as WEB_DIR } from '../../server/app.ts';
import { CliExit } from '../exit.ts';
import { EXIT_LISTEN, EXIT_NO_UI, EXIT_ONE_PROCESS, EXIT_STORE, MAX_WORKERS } from '../commands/serve.ts';
import { resolveStoreConfig, type StoreConfig } from '../../store/database.ts';

/**
 * What `foedus serve` does (declared, with its options and exit codes, in ../commands/serve.ts):
 * opens the store (applying migrations), then:
 * - with --demo: loads the real UCDP events of Mali, Burkina Faso and Niger when the
 *   store holds no incident, creates the demo accounts and prints their credentials;
 * - otherwise: on a fresh store, creates `admin` and prints its one-time password.
 * Prints the URL; stops gracefully on SIGTERM / SIGINT.
 * With --workers N (PostgreSQL only): N such processes on one port (serve-workers.ts).
 */

export interface ServeCliOptions {
  db?: string;
  port?: string;
  host: string;
  demo?: boolean;
  charters?: string;
  ui: boolean;
  workers?: string;
}

function parsePort(v: string | undefined): number {
  const raw = v ?? process.env.PORT ?? '8080';
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n > 65_535) throw new InputError(`--port "${raw}" must be a whole number from 0 to 65535`);
  return n;
}

function parseWorkers(v: string | undefined): number {
  const raw = v ?? '1';
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < 1 || n > MAX_WORKERS) throw new InputError(`--workers "${raw}" must be a whole number from 1 to ${MAX_WORKERS}`);
  return n;
}

export async function run(o: ServeCliOptions): Promise<void> {
  const port = parsePort(o.port);
  const workers = parseWorkers(o.workers);
  const storeConfig = resolveStoreConfig(o.db);
  const say = (l: string) => process.stderr.write(`${l}\n`);
  if (workers > 1 && storeConfig.dialect === 'sqlite') {
    throw new CliExit(EXIT_ONE_PROCESS, `--workers ${workers} needs PostgreSQL (--db postgres://… or FOEDUS_DATABASE_URL): a SQLite store is served by one process`);
  }
  if (o.ui && !existsSync(join(WEB_DIR, 'index.html'))) {
    throw new CliExit(EXIT_NO_UI, 'the UI is not built (web/dist is missing): run npm run build, or serve the API alone with --no-ui');
  }
  // Checkpoints are signed with the key a deployment gives (FOEDUS_CHECKPOINT_KEY_FILE); a demo without one
  // signs with a key made for this run, so the checkpoint screens work (and says so). A worker of
  // `--workers` is given its primary's (in FOEDUS_CHECKPOINT_KEY).
  let checkpointKey = checkpointKeyFromEnv();
  if (!checkpointKey && o.demo) {
    checkpointKey = createPrivateKey(newKeyPair().privateKey);
    say(`Demo: ledger checkpoints are signed with a key made for this run only (set ${KEY_FILE_ENV} to keep one).`);
  }
  if (workers > 1 && cluster.isPrimary) {
    const { runPrimary } = await import('./serve-workers.ts');
    return runPrimary({ workers, storeConfig, demo: Boolean(o.demo), ui: o.ui, checkpointKey, seed: seedHooks, say });
  }
  if (cluster.isWorker) return runWorker(o, port, storeConfig, checkpointKey, say);
  const server = await startServer(
    { store: storeConfig, port, host: o.host, demo: Boolean(o.demo), webDir: o.ui ? WEB_DIR : null, ...(o.charters ? { chartersDir: o.charters } : {}), print: say, checkpointKey },
    seedHooks,
  ).catch(startFailed);
  say(`Foedus is serving ${server.store.description}`);
  say(`  ${server.url}/           ${o.ui ? 'the UI' : 'no UI (--no-ui)'}`);
  say(`  ${server.url}/api/docs   the API documentation`);
  closeOnSignals(server, say);
  // Keep the command running until a signal stops the server.
  await new Promise<never>(() => {});
}

/**
 * One of the processes of `serve --workers N` (serve-workers.ts): its primary has seeded the store
 * and prints the address; the worker listens on the port the primary shares, stops when the primary
 * tells it (SIGTERM; SIGINT from a terminal reaches the primary too, which passes it on) or is gone.
 */
async function runWorker(o: ServeCliOptions, port: number, store: StoreConfig, checkpointKey: KeyObject | null, say: (l: string) => void): Promise<void> {
  process.on('SIGINT', () => {});
  let server: RunningServer;
  try {
    server = await startServer({ store, port, host: o.host, demo: Boolean(o.demo), webDir: o.ui ? WEB_DIR : null, ...(o.charters ? { chartersDir: o.charters } : {}), print: say, checkpointKey }).catch(startFailed);
  } catch (err) {
    // The channel to the primary would keep this process alive: let go of it, so it exits with the error's code.
    cluster.worker?.disconnect();
    throw err;
  }
  const stop = closeOnSignals(server, say, ['SIGTERM']);
  process.once('disconnect', () => stop('the primary process is gone'));
  await new Promise<never>(() => {});
}

function startFailed(err: unknown): never {
  if (err instanceof StartError) throw new CliExit(err.reason === 'listen' ? EXIT_LISTEN : EXIT_STORE, err.message);
  throw err;
}

/** What a fresh store gets: the demo data and accounts (--demo), or the first admin. */
const seedHooks: SeedHooks = {
  demoData: async (store, print) => {
    let last = 0;
    const summaries = await loadDemoData(store, {
      onProgress: (p) => {
        if (p.rows - last >= 5_000) {
          last = p.rows;
          print(`  loading demo data: ${p.file} ${p.rows.toLocaleString('en')} rows`);
        }
      },
    });
    if (summaries.length > 0) {
      const n = summaries.reduce((a, s) => a + s.imported + s.updated + s.unchanged, 0);
      print(`Demo data: ${n.toLocaleString('en')} real events of Mali, Burkina Faso and Niger loaded. ${DEMO_ATTRIBUTION}`);
    }
  },
  demoAccounts: async (store, print) => {
    const created = await ensureDemoAccounts(store);
    if (created.length > 0) {
      print('Demo accounts (demo only: never use --demo for a real deployment):');
      for (const c of created) print(`  ${c.username.padEnd(12)} password ${c.password}  (${c.role}${c.party ? ` for ${c.party}` : ''})`);
    }
  },
  bootstrapAdmin: async (store, print) => {
    const c = await ensureBootstrapAdmin(store);
    if (c) {
      print(`First start of this store: created user "${c.username}" with the one-time password`);
      print(`  ${c.password}`);
      print('  Sign in and change it now; it is not shown again.');
    }
  },
};
