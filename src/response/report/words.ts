import type { Lang } from '../../charter/schema.ts';

/**
 * The words of case reports (text, HTML), in both languages. State, status and
 * kind codes are translated here, once, for every report.
 */
const EN = {
  case: 'Case', exercise: 'EXERCISE — not a real case', state: 'State', opened: 'Opened', by: 'by', charter: 'Charter', version: 'version',
  incident: 'Incident', hypothetical: 'hypothetical (what-if)', provision: 'Provision', obligation: 'Obligation', decisionRule: 'Decision rule',
  deadline: 'Deadline in the text', beneficiary: 'Beneficiary', obligated: 'Obligated parties', timeline: 'Timeline', positions: 'Positions',
  decision: 'Decision', obligations: 'Obligations', requests: 'Requests for assistance', pledges: 'Pledges', deployments: 'Deployments',
  compliance: 'Compliance', notes: 'Notes (shared)', none: 'None.', party: 'Party', kind: 'Kind', due: 'Due', met: 'Met', status: 'Status',
  request: 'Request', capability: 'Capability', quantity: 'Quantity', where: 'Where', from: 'From', until: 'Until', priority: 'Priority',
  shortfall: 'Shortfall', requested: 'requested', delivered: 'delivered', acceptedOutstanding: 'accepted, to deliver', honour: 'Honoured?',
  pledge: 'Pledge', reason: 'Reason', at: 'At', statement: 'Statement', value: 'Position', generated: 'Report generated', outcome: 'Outcome',
  acting: 'Bound to act', personnel: 'Personnel', history: 'History', text: 'Text', deadlinesBasis: 'Working deadlines (hours)',
  acknowledge: 'acknowledge', statePosition: 'state a position', answerRequest: 'answer a request',
};
export type Words = Record<keyof typeof EN, string>;
const FR: Words = {
  case: 'Dossier', exercise: 'EXERCICE — pas un dossier réel', state: 'État', opened: 'Ouvert', by: 'par', charter: 'Charte', version: 'version',
  incident: 'Incident', hypothetical: 'hypothétique (simulation)', provision: 'Disposition', obligation: 'Obligation', decisionRule: 'Règle de décision',
  deadline: 'Délai dans le texte', beneficiary: 'Bénéficiaire', obligated: 'Parties obligées', timeline: 'Chronologie', positions: 'Positions',
  decision: 'Décision', obligations: 'Obligations', requests: "Demandes d'assistance", pledges: 'Engagements', deployments: 'Déploiements',
  compliance: 'Respect des obligations', notes: 'Notes (partagées)', none: 'Aucun.', party: 'Partie', kind: 'Nature', due: 'Échéance', met: 'Rempli le', status: 'Statut',
  request: 'Demande', capability: 'Capacité', quantity: 'Quantité', where: 'Lieu', from: 'Du', until: 'Au', priority: 'Priorité',
  shortfall: 'Manque', requested: 'demandé', delivered: 'livré', acceptedOutstanding: 'accepté, à livrer', honour: 'Honoré ?',
  pledge: 'Engagement', reason: 'Motif', at: 'Le', statement: 'Déclaration', value: 'Position', generated: 'Rapport établi le', outcome: 'Issue',
  acting: 'Tenues d\'agir', personnel: 'Effectifs', history: 'Historique', text: 'Texte', deadlinesBasis: 'Délais de travail (heures)',
  acknowledge: 'accuser réception', statePosition: 'donner sa position', answerRequest: 'répondre à une demande',
};
const WORDS: Record<Lang, Words> = { en: EN, fr: FR };

export function words(lang: Lang): Words {
  return WORDS[lang];
}

const CODES: Record<Lang, Record<string, string>> = {
  en: {
    opened: 'opened', consultation: 'in consultation', decided: 'decided', active: 'active', standing_down: 'standing down', closed: 'closed', declined: 'declined', withdrawn: 'withdrawn',
    pending: 'pending', overdue: 'OVERDUE', met: 'met', met_late: 'met late', unmet: 'unmet', void: 'void',
    acknowledge: 'acknowledge', state_position: 'state a position', answer_request: 'answer a request',
    support: 'support', oppose: 'oppose', abstain: 'abstain', act: 'act', not_act: 'does not act', no_action: 'no action',
    offered: 'offered', accepted: 'accepted', lapsed: 'lapsed', released: 'released',
    honoured: 'honoured', partly_honoured: 'partly honoured', dishonoured: 'dishonoured', outstanding: 'outstanding',
    preparing: 'preparing', in_transit: 'in transit', on_site: 'on site', open: 'open',
    troops: 'troops', air_support: 'air support', isr: 'ISR', medevac: 'medevac', logistics: 'logistics', intelligence_sharing: 'intelligence sharing', funding: 'funding', equipment: 'equipment', other: 'other',
    critical: 'critical', high: 'high', medium: 'medium', low: 'low',
  },
  fr: {
    opened: 'ouvert', consultation: 'en consultation', decided: 'décidé', active: 'actif', standing_down: 'en désengagement', closed: 'clos', declined: 'refusé', withdrawn: 'retiré',
    pending: 'en attente', overdue: 'EN RETARD', met: 'rempli', met_late: 'rempli en retard', unmet: 'non rempli', void: 'caduc',
    acknowledge: 'accuser réception', state_position: 'donner sa position', answer_request: 'répondre à une demande',
    support: 'pour', oppose: 'contre', abstain: 'abstention', act: 'agit', not_act: "n'agit pas", no_action: "pas d'action",
    offered: 'proposé', accepted: 'accepté', lapsed: 'caduc', released: 'libéré',
    honoured: 'honoré', partly_honoured: 'partiellement honoré', dishonoured: 'non honoré', outstanding: 'en cours',
    preparing: 'en préparation', in_transit: 'en transit', on_site: 'sur place', open: 'ouverte',
    troops: 'troupes', air_support: 'appui aérien', isr: 'renseignement, surveillance, reconnaissance', medevac: 'évacuation sanitaire', logistics: 'logistique', intelligence_sharing: 'partage du renseignement', funding: 'financement', equipment: 'équipement', other: 'autre',
    critical: 'critique', high: 'haute', medium: 'moyenne', low: 'basse',
  },
};

/** A state, status, kind or capability code in words (the code itself when unknown). */
export function say(code: string | null | undefined, lang: Lang): string {
  if (code === null || code === undefined) return '—';
  return CODES[lang][code] ?? code;
}
