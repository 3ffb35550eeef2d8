import { sql } from 'kysely';
import { perRange, withoutJit } from './box-ranges.ts';
import { deinterleave, SUMMARY_LEVEL } from './cells.ts';
import type { IncidentDialect, Row } from './dialect.ts';
import type { NormalFilter } from './filter.ts';
import { byDates, compileFilter, triggersCondition, whereSql } from './filter-sql.ts';
import { MORTON_LEVEL } from './rows.ts';
import type { Cluster, ClusterResult } from './types.ts';

/** A map cluster with how many of its incidents trigger one charter's articles. */
export interface ArticleCluster extends Cluster {
  /** How many trigger at least one article of the charter. */
  triggering: number;
  /** Per article number, how many trigger it (articles none of them trigger are left out). */
  articles: Record<string, number>;
}

export interface ArticleClusterResult extends Omit<ClusterResult, 'clusters'> {
  clusters: ArticleCluster[];
}

/** Per cluster cell ("level/x/y"): how many trigger the charter, and each article. */
export type ArticleCounts = Map<string, { triggering: number; articles: Record<string, number> }>;

/**
 * The map coloured by article: the clusters of the filter (clusters.ts), each with its counts of incidents
 * that trigger the charter and each of its articles, joined by cell. Both come from the grid of the same
 * zoom, so a cell is the same place in each and the counts are exact (an incident triggering two
 * articles counts under both).
 */
export function withArticleCounts(base: ClusterResult, counts: ArticleCounts): ArticleClusterResult {
  return {
    ...base,
    clusters: base.clusters.map((c) => {
      const k = counts.get(c.cell);
      return { ...c, triggering: k?.triggering ?? 0, articles: k?.articles ?? {} };
    }),
  };
}

/** Adds the counts of `more` into `into` (the same cells, counted over other rows). */
export function addCounts(into: ArticleCounts, more: ArticleCounts): void {
  for (const [cell, m] of more) {
    const c = into.get(cell);
    if (!c) {
      into.set(cell, { triggering: m.triggering, articles: { ...m.articles } });
      continue;
    }
    c.triggering += m.triggering;
    for (const [a, n] of Object.entries(m.articles)) c.articles[a] = (c.articles[a] ?? 0) + n;
  }
}

/**
 * The counts from the rows, in one pass: the incidents of the filter that trigger the charter, grouped by
 * cell, with one conditional sum per article. (It was one pass per article, each re-reading the same
 * rows: 1 + 1 + 6 passes of ~2 s each for a Sahel-wide map at a million incidents.)
 * With `edge` (ranges of level-10 cell codes), only the rows of those cells, each range read from the
 * cells index (cluster-articles-tally.ts reads the cells wholly inside a large box from the tally).
 */
export async function articleCountsOfRows(
  d: IncidentDialect, f: NormalFilter, level: number, charter: string, articles: readonly string[], edge?: Array<[number, number]>,
): Promise<ArticleCounts> {
  const out: ArticleCounts = new Map();
  if (f.empty) return out;
  const shift = 2 * (MORTON_LEVEL - level);
  const triggering = [triggersCondition({ any: false, charters: [charter], articles: [] }, d.name), sql`i.morton is not null`];
  const flags = articles.map((a, k) => sql`, case when ${triggersCondition({ any: false, charters: [], articles: [`${charter}/${a}`] }, d.name)} then 1 else 0 end as ${sql.ref(`a${k}`)}`);
  const cols = sql`(i.morton >> ${sql.lit(shift)}) as cell${sql.join(flags, sql``)}`;
  const rows = edge
    ? perRange(d, edge, 4 ** (MORTON_LEVEL - SUMMARY_LEVEL), cols, d.name === 'sqlite' ? sql`incidents i indexed by incidents_cells` : sql`incidents i`, [
        sql`i.morton between r.lo and r.hi`, ...compileFilter(f, d.name, { spatial: 'columns', gist: false }), ...triggering,
      ])
    : sql`select ${cols} from incidents i ${whereSql([...compileFilter(f, d.name, { gist: !byDates(f) }), ...triggering])}`;
  const sums = articles.map((_, k) => sql`, sum(${sql.ref(`a${k}`)}) as ${sql.ref(`a${k}`)}`);
  const q = sql<Row>`select cell, count(*) as n${sql.join(sums, sql``)} from (${rows}) x group by cell`;
  // The ranges look like millions of rows to PostgreSQL's planner: no JIT for them (box-ranges.ts).
  const res = edge ? await withoutJit(d, q) : await q.execute(d.db);
  for (const x of res.rows) {
    const { cx, cy } = deinterleave(Number(x.cell));
    const counts: Record<string, number> = {};
    articles.forEach((a, k) => {
      const n = Number(x[`a${k}`]);
      if (n) counts[a] = n;
    });
    out.set(`${level}/${cx}/${cy}`, { triggering: Number(x.n), articles: counts });
  }
  return out;
}

