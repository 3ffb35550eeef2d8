/**
 * The assessment engine: pure and deterministic. `assess(incident, charters, at?)`
 * reads membership, suspension and validity on the incident's day (or `at`),
 * day-exact, and returns every provision, triggered or not, with the conditions
 * that held or failed, plus the conflicts between charters.
 *
 * engine/compile.ts   a charter compiled once (bit masks, integer days, sentences)
 * engine/facts.ts     what the checks read of an incident
 * engine/provision.ts one provision's conditions, in order; who is obligated
 * engine/place.ts     the place condition (territory, regions)
 * engine/conflicts.ts conflicts between charters
 * engine/assess.ts    assess(): every provision of every charter
 */
export { assess } from './engine/assess.ts';
export { triggeredArticles } from './engine/summary.ts';
export { compileCharters, type CompiledCharters } from './engine/compile.ts';
export type * from './engine/types.ts';
export const LANGS = ['en', 'fr'] as const;
