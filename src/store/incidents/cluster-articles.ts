import type { Cluster, ClusterQuery, ClusterResult } from './types.ts';

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

/**
 * The map coloured by article: the clusters for the filter, then one clusters pass for the charter and one
 * per article, each with the extra condition "also triggers it", joined by cell. Every pass uses the grid
 * of the same zoom, so a cell is the same place in each and the counts are exact (an incident triggering
 * two articles counts under both). One pass per article is a handful of queries for a charter's few
 * operative articles; it is asked for only when the user colours the map that way.
 */
export async function clustersByArticle(
  clustersOf: (q: ClusterQuery) => Promise<ClusterResult>,
  q: ClusterQuery,
  charter: string,
  articles: readonly string[],
): Promise<ArticleClusterResult> {
  const base = await clustersOf(q);
  const countsOf = async (also: string) => new Map((await clustersOf({ ...q, alsoTriggers: also })).clusters.map((c) => [c.cell, c.count]));
  const anyOf = await countsOf(charter);
  const each: Array<[string, Map<string, number>]> = [];
  for (const a of articles) each.push([a, await countsOf(`${charter}/${a}`)]);
  return {
    ...base,
    clusters: base.clusters.map((c) => {
      const perArticle: Record<string, number> = {};
      for (const [a, counts] of each) {
        const n = counts.get(c.cell);
        if (n) perArticle[a] = n;
      }
      return { ...c, triggering: anyOf.get(c.cell) ?? 0, articles: perArticle };
    }),
  };
}
