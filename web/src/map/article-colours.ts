import type { Cluster } from '../api/types.ts';

/**
 * Colouring the map by the article incidents trigger. Each of the charter's operative articles
 * gets a colour of the Okabe–Ito palette (told apart with the common colour-vision deficiencies);
 * a cluster is drawn as a ring whose arcs are its incidents per article, grey for those that
 * trigger none of them, around a dark centre that keeps the count readable.
 */
const PALETTE = ['#D55E00', '#009E73', '#CC79A7', '#F0E442', '#56B4E9', '#E69F00', '#0072B2'];
export const NONE_COLOUR = '#6b7785';
const CENTRE = '#0b1620';

export function articleColour(index: number): string {
  return PALETTE[index % PALETTE.length]!;
}

/** The arcs of one cluster: each article's count in the charter's order, then the incidents that trigger none. */
export function arcsOf(c: Cluster, order: readonly string[]): Array<{ article: string | null; n: number; colour: string }> {
  const arcs = order.map((a, i) => ({ article: a as string | null, n: c.articles?.[a] ?? 0, colour: articleColour(i) }));
  arcs.push({ article: null, n: c.count - (c.triggering ?? 0), colour: NONE_COLOUR });
  return arcs.filter((a) => a.n > 0);
}

/** The CSS background of a cluster: a ring of arcs (several incidents) or the one colour of its first article (one). */
export function clusterBackground(c: Cluster, order: readonly string[]): string {
  const arcs = arcsOf(c, order);
  if (arcs.length === 0) return NONE_COLOUR;
  if (c.count === 1) return arcs[0]!.colour;
  // An incident under two articles counts in both arcs: the ring shows shares of what is triggered.
  const total = arcs.reduce((s, a) => s + a.n, 0);
  let at = 0;
  const stops = arcs.map((a) => {
    const from = at;
    at += (a.n / total) * 100;
    return `${a.colour} ${from.toFixed(2)}% ${at.toFixed(2)}%`;
  });
  return `radial-gradient(circle, ${CENTRE} 0 46%, transparent 47%), conic-gradient(${stops.join(', ')})`;
}
