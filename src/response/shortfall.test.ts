import { describe, expect, it } from 'vitest';
import type { Case, Deployment, Pledge } from './model.ts';
import { pledgeHonour, shortfall } from './shortfall.ts';

const pledge = (id: string, party: string, quantity: number, state: Pledge['state'], accepted: boolean): Pledge => ({
  id, request: 'R1', party, quantity, capability: 'troops', availableFrom: '2026-03-02T00:00:00.000Z', conditions: null,
  offeredAt: '2026-03-02T00:00:00.000Z', offeredBy: party.toLowerCase(), state,
  accepted: accepted ? { at: '2026-03-02T01:00:00.000Z', by: 'ner', reason: null } : null, ended: null,
});
const deployment = (id: string, p: string, quantity: number, reachedSite: boolean): Deployment => ({
  id, pledge: p, request: 'R1', party: 'BFA', status: reachedSite ? 'on_site' : 'in_transit', quantity, personnel: null, reachedSite, history: [],
});
function story(pledges: Pledge[], deployments: Deployment[], state: Case['state'] = 'active'): Case {
  return {
    state,
    requests: [{ id: 'R1', party: 'NER', capability: 'troops', quantity: 2, unit: 'company' }],
    pledges,
    deployments,
  } as unknown as Case;
}

describe('shortfall = requested − accepted − delivered, each unit counted once', () => {
  it('counts accepted pledges until they are delivered, and ignores declined or merely offered ones', () => {
    const c = story([pledge('P1', 'BFA', 1, 'accepted', true), pledge('P2', 'MLI', 1, 'declined', false), pledge('P3', 'MLI', 1, 'offered', false)], []);
    expect(shortfall(c, 'R1')).toMatchObject({ requested: 2, acceptedOutstanding: 1, delivered: 0, shortfall: 1, pledges: ['P1'] });
    c.deployments.push(deployment('D1', 'P1', 1, true));
    expect(shortfall(c, 'R1')).toMatchObject({ acceptedOutstanding: 0, delivered: 1, shortfall: 1, deployments: ['D1'] });
    expect(shortfall(c, 'R9')).toBeNull();
  });

  it('puts a withdrawn accepted pledge back into the shortfall', () => {
    const c = story([pledge('P1', 'BFA', 2, 'withdrawn', true)], [deployment('D1', 'P1', 1, false)]);
    expect(shortfall(c, 'R1')).toMatchObject({ acceptedOutstanding: 0, delivered: 0, shortfall: 2 });
  });
});

describe('pledge honour', () => {
  it('judges only accepted pledges', () => {
    expect(pledgeHonour(story([], []), pledge('P2', 'MLI', 1, 'declined', false))).toBeNull();
  });
  it('is honoured, outstanding, partly honoured or dishonoured', () => {
    const p = pledge('P1', 'BFA', 2, 'accepted', true);
    expect(pledgeHonour(story([p], [deployment('D1', 'P1', 2, true)]), p)).toBe('honoured');
    expect(pledgeHonour(story([p], [deployment('D1', 'P1', 1, true)]), p)).toBe('outstanding');
    expect(pledgeHonour(story([p], [deployment('D1', 'P1', 1, true)], 'closed'), p)).toBe('partly_honoured');
    const w = pledge('P1', 'BFA', 2, 'withdrawn', true);
    expect(pledgeHonour(story([w], [deployment('D1', 'P1', 2, false)]), w)).toBe('dishonoured');
  });
  it('does not judge the pledges of a case withdrawn as opened in error', () => {
    const voided = pledge('P1', 'BFA', 2, 'void', true);
    expect(pledgeHonour(story([voided], [], 'withdrawn'), voided)).toBeNull();
    const delivered = pledge('P2', 'MLI', 1, 'void', true);
    expect(pledgeHonour(story([delivered], [deployment('D1', 'P2', 1, true)], 'withdrawn'), delivered)).toBeNull();
  });
});
