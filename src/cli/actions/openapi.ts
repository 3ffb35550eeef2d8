import { loadCharters } from '../../charter/loader.ts';
import { openApiDocument } from '../../server/app.ts';
import { DEFAULT_CHARTERS_DIR } from '../../server/serve.ts';

/** What `foedus openapi` does (declared in ../commands/openapi.ts). */
export async function run(o: { charters?: string }): Promise<void> {
  const doc = await openApiDocument(loadCharters(o.charters ?? DEFAULT_CHARTERS_DIR));
  process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
}
