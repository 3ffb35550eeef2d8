import type { Command } from 'commander';
import { InputError } from '../../errors.ts';
import { loadDemoData } from '../../import/index.ts';
import { DEMO_ATTRIBUTION } from '../../import/demo.ts';
import { ensureBootstrapAdmin, ensureDemoAccounts } from '../../accounts/bootstrap.ts';
import { closeOnSignals, startServer } from '../../server/serve.ts';
import { resolveStoreConfig } from '../../store/database.ts';

/**
 * `foedus serve [--db PATH | FOEDUS_DATABASE_URL] [--port N] [--host H] [--demo] [--charters DIR]`
 *
 * Opens the store (applying migrations), then:
 * - with --demo: loads the real UCDP events of Mali, Burkina Faso and Niger when the
 *   store holds no incident, creates the demo accounts and prints their credentials;
 * - otherwise: on a fresh store, creates `admin` and prints its one-time password.
 * Prints the URL; stops gracefully on SIGTERM / SIGINT.
 */

interface ServeCliOptions {
  db?: string;
  port?: string;
  host: string;
  demo?: boolean;
  charters?: string;
}

function parsePort(v: string | undefined): number {
  const raw = v ?? process.env.PORT ?? '8080';
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n > 65_535) throw new InputError(`--port "${raw}" must be a whole number from 0 to 65535`);
  return n;
}

export function register(program: Command): void {
  program
    .command('serve')
    .description('Run the HTTP server: the API under /api/v1, its docs at /api/docs, the UI at /')
    .option('--db <path|url>', 'SQLite file or postgres:// URL (default: FOEDUS_DATABASE_URL, FOEDUS_DB, ./foedus.db)')
    .option('--port <n>', 'port to listen on (default: PORT or 8080)')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--demo', 'load the demo data (real UCDP events) into an empty store and create the demo accounts')
    .option('--charters <dir>', 'folder of charter files (default: the charters/ folder of Foedus)')
    .action(async (o: ServeCliOptions) => {
      const port = parsePort(o.port);
      const say = (l: string) => process.stderr.write(`${l}\n`);
      const server = await startServer(
        { store: resolveStoreConfig(o.db), port, host: o.host, demo: Boolean(o.demo), ...(o.charters ? { chartersDir: o.charters } : {}), print: say },
        {
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
        },
      );
      say(`Foedus is serving ${server.store.description}`);
      say(`  ${server.url}/           the UI${server.app.hasRoute({ method: 'GET', url: '/' }) ? '' : ' (not built: npm run build:web)'}`);
      say(`  ${server.url}/api/docs   the API documentation`);
      closeOnSignals(server, say);
      // Keep the command running until a signal stops the server.
      await new Promise<never>(() => {});
    });
}
