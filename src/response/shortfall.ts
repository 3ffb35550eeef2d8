import type { Case, Pledge } from './model.ts';

/**
 * What a request still lacks, in its unit. The "requested − accepted − delivered"
 * counts each unit once: a unit of an accepted pledge stops counting as "accepted" once it
 * is delivered (reached the site), so
 *   shortfall = requested − delivered − (accepted and not yet delivered), never below 0.
 * Items lists the pledges and deployments counted, so the figure can be explained.
 */
export interface Shortfall {
  request: string;
  unit: string;
  requested: number;
  /** Accepted pledges still to be delivered (binding), in the request's unit. */
  acceptedOutstanding: number;
  delivered: number;
  shortfall: number;
  pledges: string[];
  deployments: string[];
}

/** Quantity of a pledge delivered: its deployments that reached the site. */
export function deliveredOn(c: Pick<Case, 'deployments'>, pledge: string): { quantity: number; deployments: string[] } {
  const ds = c.deployments.filter((d) => d.pledge === pledge && d.reachedSite);
  return { quantity: ds.reduce((s, d) => s + d.quantity, 0), deployments: ds.map((d) => d.id) };
}

export function shortfall(c: Pick<Case, 'requests' | 'pledges' | 'deployments'>, requestId: string): Shortfall | null {
  const r = c.requests.find((x) => x.id === requestId);
  if (!r) return null;
  let delivered = 0;
  let outstanding = 0;
  const pledges: string[] = [];
  const deployments: string[] = [];
  for (const p of c.pledges) {
    if (p.request !== r.id || p.accepted === null) continue;
    const d = deliveredOn(c, p.id);
    delivered += d.quantity;
    deployments.push(...d.deployments);
    // Only a pledge still binding counts for what is not yet delivered.
    if (p.state === 'accepted') outstanding += Math.max(0, p.quantity - d.quantity);
    pledges.push(p.id);
  }
  return {
    request: r.id,
    unit: r.unit,
    requested: r.quantity,
    acceptedOutstanding: outstanding,
    delivered,
    shortfall: Math.max(0, r.quantity - delivered - outstanding),
    pledges,
    deployments,
  };
}

/**
 * How an accepted pledge was honoured (pledges never accepted are not judged, nor any
 * pledge of a case withdrawn as opened in error: nothing in it counts for or against a party):
 * honoured: all of it delivered; partly_honoured: some delivered, then withdrawn or the
 * case closed; dishonoured: withdrawn after acceptance with nothing delivered, or the case
 * closed with nothing delivered; released: the requesting side let it go (no fault);
 * outstanding: still binding and not fully delivered.
 */
export type PledgeHonour = 'honoured' | 'partly_honoured' | 'dishonoured' | 'released' | 'outstanding';

export function pledgeHonour(c: Pick<Case, 'deployments' | 'state'>, p: Pledge): PledgeHonour | null {
  if (p.accepted === null || p.state === 'void' || c.state === 'withdrawn') return null;
  const got = deliveredOn(c, p.id).quantity;
  if (got >= p.quantity) return 'honoured';
  if (p.state === 'released') return 'released';
  const over = p.state === 'withdrawn' || c.state === 'closed';
  if (!over) return 'outstanding';
  return got > 0 ? 'partly_honoured' : 'dishonoured';
}
