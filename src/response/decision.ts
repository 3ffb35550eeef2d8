import type { Lang, Text } from '../charter/schema.ts';
import type { Case, DecisionRule, Position, PositionValue } from './model.ts';
import { NATIONAL_DECISIONS, STANCES } from './model.ts';
import { both, parties } from './refusal.ts';

/**
 * The charter's decision rule applied to the positions of the parties.
 *
 * - unanimity, consensus: every consulted party states support / oppose / abstain; the
 *   case goes ahead when nobody opposes and at least one supports (an abstention does not
 *   block, as in a consensus procedure); the decision binds every obligated party.
 * - majority, two_thirds: every consulted party states its position; support from more
 *   than half / at least two thirds of the consulted parties.
 * - national_discretion (NATO art. 5: "such action as it deems necessary"): each obligated
 *   party records its own decision, act / not_act; the case goes ahead when at least one
 *   party acts, and only those are bound to act.
 * - not_established (the text is not known on this point): positions may be recorded but
 *   the secretariat records the outcome the parties reached, with its reason.
 *
 * The consulted parties are the beneficiary and the obligated (the parties in force)
 * under a collective rule, the obligated only under national discretion.
 */

export function consultedParties(rule: DecisionRule, beneficiary: string | null, obligated: readonly string[]): string[] {
  const s = new Set(obligated);
  if (rule !== 'national_discretion' && beneficiary) s.add(beneficiary);
  return [...s].sort();
}

/** The values a position may take under this rule. */
export function allowedValues(rule: DecisionRule): readonly PositionValue[] {
  return rule === 'national_discretion' ? NATIONAL_DECISIONS : STANCES;
}

/** The last position of each party, in party order. */
export function currentPositions(c: Pick<Case, 'positions'>): Position[] {
  const last = new Map<string, Position>();
  for (const p of c.positions) last.set(p.party, p);
  return [...last.values()].sort((a, b) => a.party.localeCompare(b.party));
}

/** Consulted parties that have not stated a position yet. */
export function missingPositions(c: Pick<Case, 'positions' | 'consulted'>): string[] {
  const have = new Set(c.positions.map((p) => p.party));
  return c.consulted.filter((p) => !have.has(p));
}

export interface RuleResult {
  outcome: 'act' | 'no_action';
  acting: string[];
  explanation: Text;
}

/**
 * The outcome the rule gives on complete positions. `stated` is the outcome the
 * secretariat gives under a rule not established (required there, ignored elsewhere).
 */
export function applyRule(c: Pick<Case, 'positions' | 'consulted' | 'provision'>, stated?: 'act' | 'no_action'): RuleResult {
  const rule = c.provision.decision.rule;
  const pos = currentPositions(c);
  const by = (v: PositionValue) => pos.filter((p) => p.value === v).map((p) => p.party);
  const support = by('support');
  const oppose = by('oppose');
  const abstain = by('abstain');
  const n = c.consulted.length;
  const obligated = [...c.provision.obligated].sort();
  const tally = (lang: Lang) => {
    const parts: string[] = [];
    const w = lang === 'fr' ? { support: 'pour', oppose: 'contre', abstain: 'abstention' } : { support: 'support', oppose: 'oppose', abstain: 'abstain' };
    if (support.length) parts.push(`${w.support}: ${parties(support, lang)}`);
    if (oppose.length) parts.push(`${w.oppose}: ${parties(oppose, lang)}`);
    if (abstain.length) parts.push(`${w.abstain}: ${parties(abstain, lang)}`);
    return parts.join('; ');
  };
  switch (rule) {
    case 'unanimity':
    case 'consensus': {
      const act = oppose.length === 0 && support.length > 0;
      const name = { en: rule === 'unanimity' ? 'unanimity' : 'consensus', fr: rule === 'unanimity' ? "l'unanimité" : 'le consensus' };
      return {
        outcome: act ? 'act' : 'no_action',
        acting: act ? obligated : [],
        explanation: both((lang) =>
          lang === 'fr'
            ? `Règle : ${name.fr} (${tally('fr')}). ${act ? 'Aucune partie ne s\'y oppose : action décidée, elle lie toutes les parties obligées.' : oppose.length ? `Opposition de ${parties(oppose, 'fr')} : pas d'action.` : 'Aucune partie ne la soutient : pas d\'action.'}`
            : `Rule: ${name.en} (${tally('en')}). ${act ? 'No party opposes: action decided, binding every obligated party.' : oppose.length ? `${parties(oppose, 'en')} opposed: no action.` : 'No party supports it: no action.'}`,
        ),
      };
    }
    case 'majority':
    case 'two_thirds': {
      const act = rule === 'majority' ? support.length * 2 > n : support.length * 3 >= n * 2;
      const need = { en: rule === 'majority' ? 'more than half' : 'at least two thirds', fr: rule === 'majority' ? 'plus de la moitié' : 'au moins les deux tiers' };
      return {
        outcome: act ? 'act' : 'no_action',
        acting: act ? obligated : [],
        explanation: both((lang) =>
          lang === 'fr'
            ? `Règle : ${need.fr} des ${n} parties consultées (${tally('fr')}) : ${support.length} pour, ${act ? 'action décidée' : "pas d'action"}.`
            : `Rule: ${need.en} of the ${n} parties consulted (${tally('en')}): ${support.length} in support, ${act ? 'action decided' : 'no action'}.`,
        ),
      };
    }
    case 'national_discretion': {
      const acting = by('act');
      const not = by('not_act');
      return {
        outcome: acting.length > 0 ? 'act' : 'no_action',
        acting,
        explanation: both((lang) =>
          lang === 'fr'
            ? `Chaque partie décide de sa propre action. Agissent : ${acting.length ? parties(acting, 'fr') : 'aucune'}${not.length ? ` ; n'agissent pas : ${parties(not, 'fr')}` : ''}.`
            : `Each party decides its own action. Acting: ${acting.length ? parties(acting, 'en') : 'none'}${not.length ? `; not acting: ${parties(not, 'en')}` : ''}.`,
        ),
      };
    }
    case 'not_established': {
      const act = stated === 'act';
      return {
        outcome: act ? 'act' : 'no_action',
        acting: act ? obligated : [],
        explanation: both((lang) =>
          lang === 'fr'
            ? `La règle de décision de la charte n'est pas établie : issue constatée par le secrétariat (${act ? 'action' : "pas d'action"})${pos.length ? ` ; positions : ${tally('fr')}` : ''}.`
            : `The charter's decision rule is not established: outcome recorded by the secretariat (${act ? 'act' : 'no action'})${pos.length ? `; positions: ${tally('en')}` : ''}.`,
        ),
      };
    }
  }
}
