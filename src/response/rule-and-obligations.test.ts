import { describe, expect, it } from 'vitest';
import type { Case, Position, PositionValue } from './model.ts';
import { applyRule, consultedParties, missingPositions } from './decision.ts';
import { addObligation, endOpen, meet, obligationStatus } from './obligations.ts';
import { CaseRefused, requireReason, requireState } from './refusal.ts';

// A case reduced to what the rule and the obligations read; the clock is a plain Date the test moves.
function aesCase(rule: Case['provision']['decision']['rule'] = 'unanimity'): Case {
  const obligated = ['BFA', 'MLI'];
  return {
    provision: { beneficiary: 'NER', obligated, decision: { rule } },
    consulted: consultedParties(rule, 'NER', obligated),
    positions: [] as Position[],
    obligations: [],
    next: { obligation: 1, request: 1, pledge: 1, deployment: 1 },
  } as unknown as Case;
}
const pos = (party: string, value: PositionValue): Position => ({ party, value, statement: null, recordedAt: '2026-03-01T10:00:00.000Z', recordedBy: 'x' });

describe('decision rule', () => {
  it('consults the beneficiary and the obligated under unanimity, the obligated only under national discretion', () => {
    expect(consultedParties('unanimity', 'NER', ['MLI', 'BFA'])).toEqual(['BFA', 'MLI', 'NER']);
    expect(consultedParties('national_discretion', 'NOR', ['USA', 'FRA'])).toEqual(['FRA', 'USA']);
  });

  it('names the parties whose position is missing', () => {
    const c = aesCase();
    c.positions.push(pos('NER', 'support'));
    expect(missingPositions(c)).toEqual(['BFA', 'MLI']);
  });

  it('acts under unanimity when nobody opposes, binding every obligated party; one opposition stops it', () => {
    const c = aesCase();
    c.positions.push(pos('NER', 'support'), pos('BFA', 'support'), pos('MLI', 'abstain'));
    const r = applyRule(c);
    expect(r.outcome).toBe('act');
    expect(r.acting).toEqual(['BFA', 'MLI']);
    c.positions.push(pos('MLI', 'oppose'));
    const r2 = applyRule(c);
    expect(r2.outcome).toBe('no_action');
    expect(r2.acting).toEqual([]);
    expect(r2.explanation.en).toContain('opposed');
  });

  it('binds only the parties that choose to act under national discretion', () => {
    const c = aesCase('national_discretion');
    c.positions.push(pos('BFA', 'act'), pos('MLI', 'not_act'));
    expect(applyRule(c)).toMatchObject({ outcome: 'act', acting: ['BFA'] });
  });
});

describe('obligations from the clock', () => {
  it('is pending, then overdue, met, met late or unmet', () => {
    const c = aesCase();
    const opened = '2026-03-01T08:00:00.000Z';
    const a = addObligation(c, 'BFA', 'acknowledge', null, opened, 24);
    const b = addObligation(c, 'MLI', 'acknowledge', null, opened, 24);
    const n = addObligation(c, 'NER', 'acknowledge', null, opened, 24);
    expect(a.due).toBe('2026-03-02T08:00:00.000Z');
    expect(obligationStatus(a, new Date('2026-03-02T08:00:00Z'))).toBe('pending');
    expect(obligationStatus(a, new Date('2026-03-02T08:00:01Z'))).toBe('overdue');
    meet(c, 'BFA', 'acknowledge', null, '2026-03-02T08:00:00.000Z', 'bfa', 'acknowledged');
    meet(c, 'MLI', 'acknowledge', null, '2026-03-02T09:00:00.000Z', 'mli', 'acknowledged');
    expect(obligationStatus(a, new Date('2026-04-01T00:00:00Z'))).toBe('met');
    expect(obligationStatus(b, new Date('2026-04-01T00:00:00Z'))).toBe('met_late');
    expect(endOpen(c, () => true, '2026-03-03T00:00:00.000Z', 'void_unless_due', 'closed')).toEqual([n.id]);
    expect(obligationStatus(n, new Date('2026-04-01T00:00:00Z'))).toBe('unmet');
    expect(meet(c, 'NER', 'acknowledge', null, '2026-03-04T00:00:00.000Z', 'ner', 'late')).toBeNull();
  });
});

describe('refusals', () => {
  it('say which guard failed, in English and French, with a code', () => {
    try {
      requireState(7, 'opened', ['consultation'], { en: 'Recording a position', fr: "L'enregistrement d'une position" });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(CaseRefused);
      const r = e as CaseRefused;
      expect([r.code, r.status]).toEqual(['case_state', 409]);
      expect(r.message).toBe('Recording a position needs the case in consultation; case 7 is opened.');
      expect(r.text('fr')).toContain('le dossier 7 est ouvert');
    }
    expect(() => requireReason('  ', { en: 'Withdrawing', fr: 'Le retrait' })).toThrow('Withdrawing needs a reason.');
  });
});
