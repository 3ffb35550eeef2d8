import { caseParties, type Case, type Obligation, type Pledge, type AssistanceRequest } from './model.ts';
import { obligationStatus, type ObligationStatus } from './obligations.ts';
import { pledgeHonour, shortfall, type PledgeHonour, type Shortfall } from './shortfall.ts';

/**
 * A case as people read it (the API, the CLI, exports): the stored document plus what
 * the clock says now — each obligation's status, each accepted pledge's honour, each
 * request's shortfall — and the parties it concerns.
 */
export interface CaseView extends Omit<Case, 'obligations' | 'requests' | 'pledges' | 'next'> {
  parties: string[];
  obligations: Array<Obligation & { status: ObligationStatus }>;
  requests: Array<AssistanceRequest & { shortfall: Omit<Shortfall, 'request'> }>;
  pledges: Array<Pledge & { honour: PledgeHonour | null }>;
}

export function caseView(c: Case, now: Date): CaseView {
  const { next: _next, ...rest } = c;
  return {
    ...rest,
    parties: caseParties(c),
    obligations: c.obligations.map((o) => ({ ...o, status: obligationStatus(o, now) })),
    requests: c.requests.map((r) => {
      const { request: _r, ...s } = shortfall(c, r.id)!;
      return { ...r, shortfall: s };
    }),
    pledges: c.pledges.map((p) => ({ ...p, honour: pledgeHonour(c, p) })),
  };
}
