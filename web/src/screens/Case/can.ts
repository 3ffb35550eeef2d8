import type { Case, User } from '../../api/types.ts';

/**
 * What the UI offers on a case to the signed-in user. It mirrors the policy table
 * (src/server/policy.ts) and the case's guards (src/response) only to hide what the
 * server would refuse; the server decides, and its refusal is shown if it does.
 */
export interface Offer {
  lifecycle: boolean;
  /** Parties this user may state a position for. */
  positionFor: string[];
  /** Parties this user may acknowledge for (open acknowledgement). */
  acknowledgeFor: string[];
  postRequest: boolean;
  /** The party this user pledges for, when it may pledge at all. */
  pledgeAs: string | null;
  /** Whether this user decides on pledges to requests of `party`. */
  decidePledgesOf: (party: string) => boolean;
  /** Whether this user acts for `party` (pledges, deployments). */
  actsFor: (party: string) => boolean;
  notes: boolean;
  /** The case still takes steps (not closed, declined or withdrawn). */
  open: boolean;
}

const FINAL = new Set(['closed', 'declined', 'withdrawn']);
const ASSISTING = new Set(['decided', 'active']);

export function offer(user: User, c: Case): Offer {
  const secretariat = user.role === 'secretariat';
  const own = user.role === 'liaison' ? user.party : null;
  const open = !FINAL.has(c.state);
  const consulted = c.state === 'consultation' ? c.consulted : [];
  const acks = c.obligations.filter((o) => o.kind === 'acknowledge' && o.metAt === null && o.ended === null).map((o) => o.party);
  return {
    lifecycle: secretariat && open,
    positionFor: secretariat ? consulted : own && consulted.includes(own) ? [own] : [],
    acknowledgeFor: own && open && acks.includes(own) ? [own] : [],
    postRequest: ASSISTING.has(c.state) && (secretariat || (own !== null && own === c.provision.beneficiary)),
    pledgeAs: ASSISTING.has(c.state) && own && c.provision.obligated.includes(own) ? own : null,
    decidePledgesOf: (party) => ASSISTING.has(c.state) && (secretariat || own === party),
    actsFor: (party) => own === party,
    notes: secretariat || own !== null,
    open,
  };
}

/** A deployment's states in the order it passes them (src/response DEPLOYMENT_STATES): only later ones are offered. */
const DEPLOYMENT_ORDER = ['preparing', 'in_transit', 'on_site', 'withdrawn'] as const;
export type DeploymentStatus = (typeof DEPLOYMENT_ORDER)[number];

/** The states a deployment may still move to (never back to preparing). */
export function nextDeploymentStates(status: string): DeploymentStatus[] {
  return DEPLOYMENT_ORDER.filter((s) => s !== 'preparing' && DEPLOYMENT_ORDER.indexOf(s) > DEPLOYMENT_ORDER.indexOf(status as DeploymentStatus));
}
