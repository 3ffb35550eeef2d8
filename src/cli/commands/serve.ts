import type { Command } from 'commander';
import type { ServeCliOptions } from '../actions/serve.ts';

/**
 * `foedus serve [--db PATH | FOEDUS_DATABASE_URL] [--port N] [--host H] [--demo] [--charters DIR] [--workers N]`
 *
 * Opens the store (applying migrations), then:
 * - with --demo: loads the real UCDP events of Mali, Burkina Faso and Niger when the
 *   store holds no incident, creates the demo accounts and prints their credentials;
 * - otherwise: on a fresh store, creates `admin` and prints its one-time password.
 * Prints the URL; stops gracefully on SIGTERM / SIGINT. With --workers N (PostgreSQL only), N
 * processes (node:cluster) share the port; on SQLite it exits 6 saying so.
 * What it does is in ../actions/serve.ts, loaded (with the server) when the command runs.
 */

/** Exit codes of `foedus serve` beyond 0/1/2 (README): the server could not start. */
export const EXIT_LISTEN = 3;
export const EXIT_STORE = 4;
export const EXIT_NO_UI = 5;
/** --workers N on a SQLite store, which one process serves. */
export const EXIT_ONE_PROCESS = 6;
/** More processes than this on one machine is a mistake in the number, not a deployment. */
export const MAX_WORKERS = 64;

export function register(program: Command): void {
  program
    .command('serve')
    .description('Run the HTTP server: the API under /api/v1, its docs at /api/docs, the UI at /')
    .option('--db <path|url>', 'SQLite file or postgres:// URL (default: FOEDUS_DATABASE_URL, FOEDUS_DB, ./foedus.db)')
    .option('--port <n>', 'port to listen on (default: PORT or 8080)')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--demo', 'load the demo data (real UCDP events) into an empty store and create the demo accounts')
    .option('--charters <dir>', 'folder of charter files (default: the charters/ folder of Foedus)')
    .option('--workers <n>', 'server processes sharing the port, on one PostgreSQL store (default 1; SQLite: 1 only)')
    .option('--no-ui', 'serve the API alone, without the browser UI (which needs npm run build)')
    .action(async (o: ServeCliOptions) => (await import('../actions/serve.ts')).run(o));
}
