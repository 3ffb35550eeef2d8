import { canonicalJson } from '../ledger/chain.ts';
import type { Binding } from '../ledger/records.ts';
import type { PreparedRecord } from '../store/incidents/rows.ts';

/**
 * What an import batch wrote, gathered chunk by chunk for the batch's one ledger entry: the content
 * hash of every incident it imported or updated (the entry binds them: src/ledger/records.ts), and
 * the conflicts whose source row it kept beside a correction (an entry each, with what the source
 * proposes). A new incident's hash is computed from the record as prepared, which is what was stored;
 * the others are read back at the end, after the ledger's lock (see hashes()).
 */

export interface HashRepos {
  incidents: {
    contentHashes(ids: readonly string[]): Promise<Map<string, { version: number; contentHash: string; record: Record<string, unknown> }>>;
    newContentHash(p: PreparedRecord): string | null;
  };
  ledger: { lock(): Promise<void> };
}

export interface ChunkWrites {
  ids: { imported: string[]; updated: string[]; kept: string[] };
}

export interface KeptConflict {
  id: string;
  version: number;
  contentHash: string;
  /** The source's values that differ from the correction. */
  proposed: Record<string, unknown>;
}

export class BatchWrites {
  /** id → its hash when it is known without reading it back, or null. */
  private readonly written = new Map<string, string | null>();
  /** id → the source's record (JSON) kept beside a correction. */
  private readonly kept = new Map<string, string>();

  get size(): number {
    return this.written.size + this.kept.size;
  }

  add(r: HashRepos, chunk: PreparedRecord[], x: ChunkWrites): void {
    const imported = new Set(x.ids.imported);
    const kept = new Set(x.ids.kept);
    for (const p of chunk) {
      const id = p.row.id;
      if (kept.has(id)) {
        this.kept.set(id, p.row.record);
      } else if (imported.has(id) && !this.written.has(id)) {
        imported.delete(id); // an id twice in a chunk: its second row updated the first, read it back
        this.written.set(id, r.incidents.newContentHash(p));
      }
    }
    for (const id of [...x.ids.updated, ...imported]) this.written.set(id, null);
  }

  /**
   * The bindings and the kept conflicts. Takes the ledger's lock first, so what is read back is what the
   * entry will follow (nothing ledgered can come between).
   */
  async hashes(r: HashRepos): Promise<{ bindings: Binding[]; conflicts: KeptConflict[] }> {
    await r.ledger.lock();
    const unknown = [...this.written].filter(([, h]) => h === null).map(([id]) => id);
    const stored = await r.incidents.contentHashes([...unknown, ...this.kept.keys()]);
    const bindings: Binding[] = [];
    for (const [id, h] of this.written) {
      const hash = h ?? stored.get(id)?.contentHash;
      if (hash) bindings.push({ target: `incident:${id}`, hash });
    }
    const conflicts: KeptConflict[] = [];
    for (const [id, source] of this.kept) {
      const b = stored.get(id);
      if (b) conflicts.push({ id, version: b.version, contentHash: b.contentHash, proposed: differing(b.record, JSON.parse(source) as Record<string, unknown>) });
    }
    return { bindings, conflicts };
  }
}

/**
 * The source's values that differ from the stored record, leaf by leaf (arrays whole): what a conflicting
 * import proposes. Read in the incident's history beside the correction it did not overwrite.
 */
export function differing(stored: Record<string, unknown>, source: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of new Set([...Object.keys(stored), ...Object.keys(source)])) {
    const a = stored[key];
    const b = source[key];
    const objects = a !== null && b !== null && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b);
    if (objects) {
      const inner = differing(a as Record<string, unknown>, b as Record<string, unknown>);
      if (Object.keys(inner).length) out[key] = inner;
    } else if (canonicalJson(a ?? null) !== canonicalJson(b ?? null)) {
      out[key] = b ?? null;
    }
  }
  return out;
}
