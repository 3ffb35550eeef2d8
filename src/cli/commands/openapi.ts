import type { Command } from 'commander';
import { loadCharters } from '../../charter/loader.ts';
import { openApiDocument } from '../../server/app.ts';
import { DEFAULT_CHARTERS_DIR } from '../../server/serve.ts';

/**
 * `foedus openapi`: prints the OpenAPI 3.1 document of the HTTP API (the same
 * one the server serves at /api/v1/openapi.json). docs/openapi.json is this
 * output; test/server/openapi.test.ts fails when it is stale.
 */
export function register(program: Command): void {
  program
    .command('openapi')
    .description('Print the OpenAPI 3.1 document of the HTTP API (JSON)')
    .option('--charters <dir>', 'folder of charter files (default: the charters/ folder of Foedus)')
    .action(async (o: { charters?: string }) => {
      const doc = await openApiDocument(loadCharters(o.charters ?? DEFAULT_CHARTERS_DIR));
      process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
    });
}
