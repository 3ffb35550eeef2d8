import { prepareRecord } from '../store/incidents/rows.ts';
import type { ImportItem, StagedItem } from './types.ts';

/** A reader's items with their records prepared for the store (see StagedItem). */
export async function* staged(items: AsyncIterable<ImportItem>): AsyncGenerator<StagedItem> {
  for await (const item of items) {
    if (item.error) yield { line: item.line, error: item.error };
    else yield { line: item.line, prepared: prepareRecord(item.record) };
  }
}
