import type { Assessment } from './types.ts';

/**
 * What the store keeps of an assessment, to list and filter incidents by what they
 * trigger: the triggered "charter/article" pairs, in the engine's order, once each.
 */
export function triggeredArticles(a: Pick<Assessment, 'triggered'>): string[] {
  return [...new Set(a.triggered.map((t) => `${t.charter}/${t.article}`))];
}
