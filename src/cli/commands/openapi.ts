import type { Command } from 'commander';

/**
 * `foedus openapi`: prints the OpenAPI 3.1 document of the HTTP API (the same
 * one the server serves at /api/v1/openapi.json). docs/openapi.json is this
 * output; test/server/openapi.test.ts fails when it is stale. What it does is in
 * ../actions/openapi.ts, loaded (with the server) when the command runs.
 */
export function register(program: Command): void {
  program
    .command('openapi')
    .description('Print the OpenAPI 3.1 document of the HTTP API (JSON)')
    .option('--charters <dir>', 'folder of charter files (default: the charters/ folder of Foedus)')
    .action(async (o: { charters?: string }) => (await import('../actions/openapi.ts')).run(o));
}
