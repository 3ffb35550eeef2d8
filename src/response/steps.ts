import { caseCommand, type CaseCommand, type CaseCommandInput } from './commands.ts';
import { allowedValues, applyRule, missingPositions } from './decision.ts';
import { FINAL_STATES, type Case, type CaseState, type StepContext } from './model.ts';
import { addObligation, endOpen, isOpen, obligationStatus } from './obligations.ts';
import { both, parties, refuse, requireReason, requireState, STATE_WORDS } from './refusal.ts';
import { event, parseOrRefuse, type CaseEvent, type StepResult } from './step-result.ts';
import { closeRequest, itemStep } from './item-steps.ts';

/**
 * Every step of a case after its opening (open.ts): `apply(case, step, ctx)` checks
 * the step's guards against the case and returns the new case (version + 1) with
 * the events it produced, or throws CaseRefused saying which guard failed. The case
 * given is never changed, so a refused step leaves nothing half-done.
 *
 * The life of a case:
 *   opened → consultation → decided → active → standing_down → closed
 *   consultation → declined (the decision went against action)
 *   any state but closed/declined → withdrawn (opened in error)
 * Requests, pledges and deployments (item-steps.ts) happen while the case is
 * decided or active.
 */

export function apply(current: Case, input: CaseCommandInput, ctx: StepContext): StepResult {
  const step = parseOrRefuse(caseCommand, input);
  if (FINAL_STATES.has(current.state)) {
    const s = current.state;
    refuse('case_state', 409, `Case ${current.id} is ${STATE_WORDS.en[s]}: no step can be taken on it any more.`, `Le dossier ${current.id} est ${STATE_WORDS.fr[s]} : plus aucune étape n'y est possible.`, { state: s, allowed: [] });
  }
  const c = structuredClone(current);
  const events = lifecycleStep(c, step, ctx) ?? itemStep(c, step, ctx);
  c.version += 1;
  c.updatedAt = ctx.now.toISOString();
  c.updatedBy = ctx.actor.username;
  return { case: c, events };
}

/** Who a step concerns, for the policy table (src/server/policy.ts): the resource, the action and the party. */
export interface StepConcern {
  resource: 'case' | 'obligation' | 'position' | 'request' | 'pledge' | 'deployment';
  action: 'create' | 'update' | 'acknowledge' | 'decide';
  party: string | null;
}

export function stepConcerns(c: Case, step: CaseCommand): StepConcern {
  const pledgeOf = (id: string) => c.pledges.find((p) => p.id === id);
  const requestOf = (id: string) => c.requests.find((r) => r.id === id);
  switch (step.type) {
    case 'start_consultation':
    case 'record_decision':
    case 'activate':
    case 'stand_down':
    case 'close':
    case 'withdraw':
      return { resource: 'case', action: 'decide', party: null };
    case 'record_position':
      return { resource: 'position', action: 'create', party: step.party };
    case 'acknowledge':
      return { resource: 'obligation', action: 'acknowledge', party: step.party };
    case 'set_due':
    case 'set_deadlines':
      return { resource: 'obligation', action: 'update', party: null };
    case 'post_request':
      return { resource: 'request', action: 'create', party: c.provision.beneficiary };
    case 'close_request':
      return { resource: 'request', action: 'update', party: requestOf(step.request)?.party ?? c.provision.beneficiary };
    case 'answer_request':
    case 'pledge':
      return { resource: 'pledge', action: 'create', party: step.party };
    case 'accept_pledge':
    case 'decline_pledge': {
      // The requesting side decides on a pledge: its liaison or the secretariat.
      const p = pledgeOf(step.pledge);
      return { resource: 'pledge', action: 'decide', party: (p && requestOf(p.request)?.party) ?? c.provision.beneficiary };
    }
    case 'withdraw_pledge':
      return { resource: 'pledge', action: 'update', party: pledgeOf(step.pledge)?.party ?? null };
    case 'report_deployment':
      return { resource: 'deployment', action: 'create', party: pledgeOf(step.pledge)?.party ?? null };
    case 'update_deployment':
      return { resource: 'deployment', action: 'update', party: c.deployments.find((d) => d.id === step.deployment)?.party ?? null };
  }
}

function transition(c: Case, to: CaseState, ctx: StepContext, reason: string): void {
  c.transitions.push({ from: c.state, to, at: ctx.now.toISOString(), by: ctx.actor.username, reason });
  c.state = to;
}

function stateEvent(c: Case, from: CaseState, reason: string, alert: CaseEvent['alert'] = null, extra: Record<string, unknown> = {}): CaseEvent {
  return event(
    'case.state_changed',
    { en: `Case ${c.id} is now ${STATE_WORDS.en[c.state]}: ${reason}`, fr: `Le dossier ${c.id} est maintenant ${STATE_WORDS.fr[c.state]} : ${reason}` },
    { from, to: c.state, reason, ...extra },
    alert,
  );
}

/** The steps that move the case through its states, or null when the step is not one of them. */
function lifecycleStep(c: Case, step: CaseCommand, ctx: StepContext): CaseEvent[] | null {
  const at = ctx.now.toISOString();
  const from = c.state;
  switch (step.type) {
    case 'start_consultation': {
      requireState(c.id, c.state, ['opened'], { en: 'Starting consultation', fr: 'Le début de la consultation' });
      const reason = requireReason(step.reason, { en: 'Starting consultation', fr: 'Le début de la consultation' });
      transition(c, 'consultation', ctx, reason);
      for (const p of c.consulted) addObligation(c, p, 'state_position', null, at, c.deadlines.statePosition);
      return [stateEvent(c, from, reason, null, { consulted: c.consulted })];
    }
    case 'record_position': {
      requireState(c.id, c.state, ['consultation'], { en: 'Recording a position', fr: "L'enregistrement d'une position" });
      if (!c.consulted.includes(step.party)) {
        refuse('not_consulted', 409, `${parties([step.party], 'en')} is not consulted on case ${c.id}; the consulted parties are ${parties(c.consulted, 'en')}.`, `${parties([step.party], 'fr')} n'est pas consulté sur le dossier ${c.id} ; les parties consultées sont ${parties(c.consulted, 'fr')}.`);
      }
      const allowed = allowedValues(c.provision.decision.rule);
      if (!allowed.includes(step.value)) {
        refuse('position_value', 400, `Under the rule "${c.provision.decision.rule}" a position is one of ${allowed.join(', ')}, not ${step.value}.`, `Selon la règle « ${c.provision.decision.rule} », une position est l'une de ${allowed.join(', ')}, pas ${step.value}.`);
      }
      c.positions.push({ party: step.party, value: step.value, statement: step.statement ?? null, recordedAt: at, recordedBy: ctx.actor.username });
      const o = c.obligations.find((x) => x.party === step.party && x.kind === 'state_position' && isOpen(x));
      if (o) Object.assign(o, { metAt: at, metBy: ctx.actor.username, metHow: `position: ${step.value}` });
      return [event('case.position', { en: `${parties([step.party], 'en')}: ${step.value}.`, fr: `${parties([step.party], 'fr')} : ${step.value}.` }, { party: step.party, value: step.value, obligation: o?.id ?? null })];
    }
    case 'record_decision': {
      const what = { en: 'Recording the decision', fr: "L'enregistrement de la décision" };
      requireState(c.id, c.state, ['consultation'], what);
      const reason = requireReason(step.reason, what);
      const rule = c.provision.decision.rule;
      const missing = missingPositions(c);
      if (rule !== 'not_established' && missing.length > 0) {
        refuse('positions_missing', 409, `The decision needs the positions of ${parties(missing, 'en')}.`, `La décision exige les positions de ${parties(missing, 'fr')}.`, { missing });
      }
      if (rule === 'not_established' && !step.outcome) {
        refuse('outcome_required', 400, "The charter's decision rule is not established: give the outcome the parties reached (outcome: act or no_action).", "La règle de décision de la charte n'est pas établie : indiquez l'issue retenue par les parties (outcome : act ou no_action).");
      }
      const r = applyRule(c, step.outcome);
      c.decision = { rule, outcome: r.outcome, acting: r.acting, positions: [...c.positions], explanation: r.explanation, at, by: ctx.actor.username, reason };
      // Consultation is over (positions can be missing only under a rule not established): a party whose
      // position was already overdue failed to state it; one still within its time was simply not asked further.
      endOpen(c, (o) => o.kind === 'state_position', at, 'void_unless_due', 'the decision was recorded');
      if (r.outcome === 'act') {
        transition(c, 'decided', ctx, reason);
        return [stateEvent(c, from, reason, 'decision', { outcome: r.outcome, acting: r.acting })];
      }
      transition(c, 'declined', ctx, reason);
      endOpen(c, () => true, at, 'void_unless_due', 'the decision went against action');
      return [stateEvent(c, from, reason, 'declined', { outcome: r.outcome, acting: [] })];
    }
    case 'activate': {
      requireState(c.id, c.state, ['decided'], { en: 'Activating the response', fr: "L'activation de la réponse" });
      const reason = requireReason(step.reason, { en: 'Activating the response', fr: "L'activation de la réponse" });
      transition(c, 'active', ctx, reason);
      return [stateEvent(c, from, reason)];
    }
    case 'stand_down': {
      const what = { en: 'Standing down', fr: 'Le désengagement' };
      requireState(c.id, c.state, ['decided', 'active'], what);
      const reason = requireReason(step.reason, what);
      transition(c, 'standing_down', ctx, reason);
      // No more assistance is asked: open requests close, offers lapse, accepted pledges not yet delivered are released.
      const closed = c.requests.filter((r) => r.state === 'open').map((r) => r.id);
      for (const id of closed) closeRequest(c, id, ctx, `stand-down: ${reason}`);
      return [stateEvent(c, from, reason, 'stand_down', { requestsClosed: closed })];
    }
    case 'close': {
      const what = { en: 'Closing the case', fr: 'La clôture du dossier' };
      requireState(c.id, c.state, ['standing_down'], what);
      const reason = requireReason(step.reason, what);
      const moving = c.deployments.filter((d) => d.status === 'preparing' || d.status === 'in_transit').map((d) => d.id);
      if (moving.length) {
        refuse('deployments_moving', 409, `Deployments ${moving.join(', ')} are still preparing or in transit: report them on site or withdrawn first.`, `Les déploiements ${moving.join(', ')} sont encore en préparation ou en transit : déclarez-les sur place ou retirés d'abord.`, { deployments: moving });
      }
      transition(c, 'closed', ctx, reason);
      // What was not yet due when the case closed is void; what was overdue stays a failure.
      endOpen(c, () => true, at, 'void_unless_due', 'the case was closed');
      return [stateEvent(c, from, reason)];
    }
    case 'withdraw': {
      const what = { en: 'Withdrawing the case', fr: 'Le retrait du dossier' };
      const reason = requireReason(step.reason, what);
      transition(c, 'withdrawn', ctx, reason);
      // Opened in error: nothing in it counts for or against anyone.
      endOpen(c, () => true, at, 'void', 'the case was withdrawn (opened in error)');
      for (const p of c.pledges) {
        if (p.state === 'offered' || p.state === 'accepted') {
          p.state = 'void';
          p.ended = { at, by: ctx.actor.username, reason: 'the case was withdrawn' };
        }
      }
      for (const r of c.requests) if (r.state === 'open') Object.assign(r, { state: 'closed', closed: { at, by: ctx.actor.username, reason: 'the case was withdrawn' } });
      return [stateEvent(c, from, reason, 'withdrawn')];
    }
    case 'acknowledge': {
      if (!c.provision.obligated.includes(step.party)) {
        refuse('not_obligated', 409, `${parties([step.party], 'en')} has nothing to acknowledge on case ${c.id}: the obligated parties are ${parties(c.provision.obligated, 'en')}.`, `${parties([step.party], 'fr')} n'a rien à accuser sur le dossier ${c.id} : les parties obligées sont ${parties(c.provision.obligated, 'fr')}.`);
      }
      const o = c.obligations.find((x) => x.party === step.party && x.kind === 'acknowledge');
      if (!o || !isOpen(o)) {
        refuse('already_acknowledged', 409, `${parties([step.party], 'en')} has already acknowledged case ${c.id}${o?.metAt ? ` (${o.metAt})` : ''}.`, `${parties([step.party], 'fr')} a déjà accusé réception du dossier ${c.id}${o?.metAt ? ` (${o.metAt})` : ''}.`);
      }
      Object.assign(o, { metAt: at, metBy: ctx.actor.username, metHow: 'acknowledged' });
      const late = obligationStatus(o, ctx.now) === 'met_late';
      return [event('case.obligation', { en: `${parties([step.party], 'en')} acknowledged case ${c.id}${late ? ' (late)' : ''}.`, fr: `${parties([step.party], 'fr')} a accusé réception du dossier ${c.id}${late ? ' (en retard)' : ''}.` }, { obligation: o.id, party: step.party, kind: 'acknowledge', late })];
    }
    case 'set_due': {
      const reason = requireReason(step.reason, { en: 'Changing a due time', fr: "Le changement d'une échéance" });
      const o = c.obligations.find((x) => x.id === step.obligation);
      if (!o) refuse('unknown_obligation', 404, `Case ${c.id} has no obligation ${step.obligation}.`, `Le dossier ${c.id} n'a pas d'obligation ${step.obligation}.`);
      if (!isOpen(o)) refuse('obligation_closed', 409, `Obligation ${o.id} is no longer open: its due time cannot change.`, `L'obligation ${o.id} n'est plus ouverte : son échéance ne peut plus changer.`);
      o.dueChanges.push({ from: o.due, to: step.due, at, by: ctx.actor.username, reason });
      o.due = step.due;
      return [event('case.obligation', { en: `Obligation ${o.id} of ${o.party} is now due ${o.due}.`, fr: `L'obligation ${o.id} de ${o.party} est maintenant due le ${o.due}.` }, { obligation: o.id, party: o.party, due: o.due })];
    }
    case 'set_deadlines': {
      const reason = requireReason(step.reason, { en: 'Changing the deadlines', fr: 'Le changement des délais' });
      Object.assign(c.deadlines, step.deadlines);
      c.deadlines.basis = both((l) => (l === 'fr' ? `Fixés pour ce dossier : ${reason}` : `Set on this case: ${reason}`));
      return [event('case.obligation', { en: 'Deadlines of new obligations changed.', fr: 'Délais des nouvelles obligations modifiés.' }, { deadlines: { acknowledge: c.deadlines.acknowledge, statePosition: c.deadlines.statePosition, answerRequest: c.deadlines.answerRequest } })];
    }
    default:
      return null;
  }
}
