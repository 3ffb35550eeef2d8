import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import type { Store } from '../store/store.ts';
import { runImport } from './pipeline.ts';
import type { ImportProgress, ImportSummary } from './types.ts';

/**
 * The demo data: the real UCDP GED events of Mali, Burkina Faso and Niger
 * shipped in data/ucdp (CC BY 4.0, see data/ucdp/SOURCE.md), loaded into an
 * empty store on first run (`npm start`, `foedus serve --demo`).
 */

export const DEMO_DIR = fileURLToPath(new URL('../../data/ucdp/', import.meta.url));
export const DEMO_FILES = ['ged_mali.csv', 'ged_burkina_faso.csv', 'ged_niger_repaired.csv'] as const;
/** Credit to show wherever the demo events appear. */
export const DEMO_ATTRIBUTION = 'Data: UCDP Georeferenced Event Dataset (GED), Uppsala Conflict Data Program, CC BY 4.0';

interface CountingStore {
  incidents: { count(filter?: Record<string, unknown>): Promise<number> };
}

/**
 * Imports the three demo files when the store holds no incident, and does
 * nothing (returns []) otherwise. `force` re-runs the import regardless: it
 * is idempotent, so this completes a first run that was interrupted midway
 * (each batch is committed on its own) and changes nothing on a full store.
 */
export async function loadDemoData(
  store: Store,
  opts: { actor?: string; onProgress?: (p: ImportProgress) => void; force?: boolean; signal?: AbortSignal } = {},
): Promise<ImportSummary[]> {
  const incidents = (store as Store & Partial<CountingStore>).incidents;
  if (!opts.force && incidents && (await incidents.count()) > 0) return [];
  const summaries: ImportSummary[] = [];
  for (const f of DEMO_FILES) {
    summaries.push(
      await runImport({
        source: join(DEMO_DIR, f),
        format: 'ucdp',
        store,
        actor: opts.actor ?? 'system:demo',
        ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
        ...(opts.signal ? { signal: opts.signal } : {}),
      }),
    );
  }
  return summaries;
}
