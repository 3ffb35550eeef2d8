import type { LedgerEntry } from './chain.ts';

/**
 * What each entry of one record's history changed, old → new. The ledger keeps what an
 * action wrote (a creation's whole record, an edit's new values), not what it replaced:
 * replaying the record's entries in order gives the value each field had before.
 * Fields are dotted paths (`incident.fatalities`, `role`); bookkeeping fields (ids,
 * versions) are left out, they change every time and say nothing.
 */

export interface FieldChange {
  field: string;
  from: unknown;
  to: unknown;
}

// contentHash binds the entry to the stored record (records.ts); `import` names the file and batch an import's entry came from.
const BOOKKEEPING = new Set(['id', 'version', 'fromVersion', 'username', 'tokenId', 'contentHash', 'import']);

function flatten(value: unknown, prefix: string, out: Map<string, unknown>): void {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else if (prefix) out.set(prefix, value);
}

/** The values an entry sets: its payload, with an edit's `changes` lifted to the top. */
function written(payload: unknown): Map<string, unknown> {
  const out = new Map<string, unknown>();
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) return out;
  const { changes, ...rest } = payload as Record<string, unknown>;
  // An account's tokens are records of their own inside its history: each token's fields under its id.
  const prefix = typeof rest.tokenId === 'number' ? `tokens.${rest.tokenId}` : '';
  for (const [k, v] of Object.entries(rest)) if (!BOOKKEEPING.has(k)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  if (changes && typeof changes === 'object') flatten(changes, '', out);
  return out;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** For each entry (same order), the fields it changed. Entries must be one record's, oldest first. */
export function changesOf(entries: readonly Pick<LedgerEntry, 'payload'>[]): FieldChange[][] {
  const state = new Map<string, unknown>();
  return entries.map((e) => {
    const out: FieldChange[] = [];
    for (const [field, to] of written(e.payload)) {
      const from = state.has(field) ? state.get(field) : null;
      if (!same(from, to ?? null)) out.push({ field, from, to: to ?? null });
      state.set(field, to ?? null);
    }
    return out;
  });
}
