import type { CaseCommand } from './commands.ts';
import { DEPLOYMENT_STATES, type AssistanceRequest, type Case, type Pledge, type StepContext } from './model.ts';
import { addObligation, endOpen, isOpen } from './obligations.ts';
import { parties, refuse, requireReason, requireState } from './refusal.ts';
import { deliveredOn } from './shortfall.ts';
import { event, type CaseEvent } from './step-result.ts';

/**
 * The steps on a case's items: requests for assistance, pledges and deployments
 * (EMAC's request → offer → binding acceptance; Sahana's commit → transit → fulfil).
 * They need the case decided or active (a stand-down closes the requests).
 */

const WHILE_ASSISTING = ['decided', 'active'];

function requestOf(c: Case, id: string): AssistanceRequest {
  const r = c.requests.find((x) => x.id === id);
  if (!r) refuse('unknown_request', 404, `Case ${c.id} has no request ${id}.`, `Le dossier ${c.id} n'a pas de demande ${id}.`);
  return r;
}

function openRequest(c: Case, id: string): AssistanceRequest {
  const r = requestOf(c, id);
  if (r.state !== 'open') refuse('request_closed', 409, `Request ${id} is closed (${r.closed?.reason ?? ''}).`, `La demande ${id} est close (${r.closed?.reason ?? ''}).`);
  return r;
}

function pledgeOf(c: Case, id: string): Pledge {
  const p = c.pledges.find((x) => x.id === id);
  if (!p) refuse('unknown_pledge', 404, `Case ${c.id} has no pledge ${id}.`, `Le dossier ${c.id} n'a pas d'engagement ${id}.`);
  return p;
}

function pledgeIn(p: Pledge, states: Pledge['state'][], what: { en: string; fr: string }): void {
  if (states.includes(p.state)) return;
  refuse('pledge_state', 409, `${what.en} needs pledge ${p.id} ${states.join(' or ')}; it is ${p.state}.`, `${what.fr} exige que l'engagement ${p.id} soit ${states.join(' ou ')} ; il est ${p.state}.`, { state: p.state });
}

export function itemStep(c: Case, step: CaseCommand, ctx: StepContext): CaseEvent[] {
  const at = ctx.now.toISOString();
  const by = ctx.actor.username;
  switch (step.type) {
    case 'post_request': {
      requireState(c.id, c.state, WHILE_ASSISTING, { en: 'Posting a request', fr: "Le dépôt d'une demande" });
      const party = c.provision.beneficiary;
      if (!party) refuse('no_beneficiary', 409, `Case ${c.id} protects no party: there is no one to request assistance for.`, `Le dossier ${c.id} ne protège aucune partie : personne pour qui demander une assistance.`);
      if (step.until && step.until < step.from) refuse('until_before_from', 400, 'until is before from.', 'until précède from.');
      const r: AssistanceRequest = {
        id: `R${c.next.request++}`, party, capability: step.capability, quantity: step.quantity, unit: step.unit, where: step.where,
        from: step.from, until: step.until ?? null, priority: step.priority, text: step.text ?? null, postedAt: at, postedBy: by, state: 'open', closed: null,
      };
      c.requests.push(r);
      // Every party bound to act answers it (a pledge, or that it cannot).
      const answering = (c.decision?.acting ?? []).filter((p) => p !== party);
      for (const p of answering) addObligation(c, p, 'answer_request', r.id, at, c.deadlines.answerRequest);
      return [event('case.request', { en: `${party} requests ${r.quantity} ${r.unit} (${r.capability}), ${r.id}.`, fr: `${party} demande ${r.quantity} ${r.unit} (${r.capability}), ${r.id}.` }, { request: r.id, party, capability: r.capability, quantity: r.quantity, unit: r.unit, answering })];
    }
    case 'close_request': {
      const reason = requireReason(step.reason, { en: 'Closing a request', fr: "La clôture d'une demande" });
      const r = openRequest(c, step.request);
      closeRequest(c, r.id, ctx, reason);
      return [event('case.request', { en: `Request ${r.id} closed: ${reason}`, fr: `Demande ${r.id} close : ${reason}` }, { request: r.id, state: 'closed', reason })];
    }
    case 'answer_request': {
      requireState(c.id, c.state, WHILE_ASSISTING, { en: 'Answering a request', fr: "La réponse à une demande" });
      const reason = requireReason(step.reason, { en: 'Saying a party cannot pledge', fr: "Dire qu'une partie ne peut s'engager" });
      const r = openRequest(c, step.request);
      const o = c.obligations.find((x) => x.kind === 'answer_request' && x.request === r.id && x.party === step.party);
      if (!o) refuse('not_asked', 409, `${parties([step.party], 'en')} is not asked to answer request ${r.id}.`, `${parties([step.party], 'fr')} n'est pas tenu de répondre à la demande ${r.id}.`);
      if (!isOpen(o)) refuse('already_answered', 409, `${parties([step.party], 'en')} has already answered request ${r.id} (${o.metHow ?? o.ended?.as}).`, `${parties([step.party], 'fr')} a déjà répondu à la demande ${r.id} (${o.metHow ?? o.ended?.as}).`);
      Object.assign(o, { metAt: at, metBy: by, metHow: `answer: cannot pledge (${reason})` });
      c.answers.push({ request: r.id, party: step.party, reason, at, by });
      return [event('case.request', { en: `${step.party} cannot pledge to ${r.id}: ${reason}`, fr: `${step.party} ne peut s'engager sur ${r.id} : ${reason}` }, { request: r.id, party: step.party, answer: 'cannot', obligation: o.id })];
    }
    case 'pledge': {
      requireState(c.id, c.state, WHILE_ASSISTING, { en: 'Pledging', fr: "Un engagement" });
      const r = openRequest(c, step.request);
      if (step.party === r.party) refuse('own_request', 409, `${step.party} posted request ${r.id}: a party does not pledge to its own request.`, `${step.party} a déposé la demande ${r.id} : une partie ne s'engage pas sur sa propre demande.`);
      if (!c.provision.obligated.includes(step.party)) {
        refuse('not_obligated', 409, `${parties([step.party], 'en')} is not a party obliged under this case (${parties(c.provision.obligated, 'en')}).`, `${parties([step.party], 'fr')} n'est pas une partie obligée dans ce dossier (${parties(c.provision.obligated, 'fr')}).`);
      }
      const p: Pledge = {
        id: `P${c.next.pledge++}`, request: r.id, party: step.party, quantity: step.quantity, capability: step.capability ?? r.capability,
        availableFrom: step.availableFrom, conditions: step.conditions ?? null, offeredAt: at, offeredBy: by, state: 'offered', accepted: null, ended: null,
      };
      c.pledges.push(p);
      const o = c.obligations.find((x) => x.kind === 'answer_request' && x.request === r.id && x.party === step.party && isOpen(x));
      if (o) Object.assign(o, { metAt: at, metBy: by, metHow: `pledge ${p.id}` });
      return [event('case.pledge', { en: `${p.party} pledges ${p.quantity} ${r.unit} to ${r.id} (${p.id}).`, fr: `${p.party} s'engage pour ${p.quantity} ${r.unit} sur ${r.id} (${p.id}).` }, { pledge: p.id, request: r.id, party: p.party, quantity: p.quantity, state: p.state, obligation: o?.id ?? null })];
    }
    case 'accept_pledge':
    case 'decline_pledge': {
      const accept = step.type === 'accept_pledge';
      const what = accept ? { en: 'Accepting a pledge', fr: "L'acceptation d'un engagement" } : { en: 'Declining a pledge', fr: "Le refus d'un engagement" };
      requireState(c.id, c.state, WHILE_ASSISTING, what);
      const p = pledgeOf(c, step.pledge);
      pledgeIn(p, ['offered'], what);
      openRequest(c, p.request);
      if (accept) {
        p.state = 'accepted';
        p.accepted = { at, by, reason: step.reason ?? null };
      } else {
        p.state = 'declined';
        p.ended = { at, by, reason: requireReason(step.reason, what) };
      }
      return [event('case.pledge', { en: `Pledge ${p.id} of ${p.party} ${p.state}.`, fr: `Engagement ${p.id} de ${p.party} ${accept ? 'accepté' : 'refusé'}.` }, { pledge: p.id, party: p.party, state: p.state })];
    }
    case 'withdraw_pledge': {
      const p = pledgeOf(c, step.pledge);
      const what = { en: 'Withdrawing a pledge', fr: "Le retrait d'un engagement" };
      pledgeIn(p, ['offered', 'accepted'], what);
      const binding = p.state === 'accepted';
      // An accepted pledge was binding: withdrawing it needs a reason and counts as dishonoured.
      const reason = binding ? requireReason(step.reason, { en: 'Withdrawing an accepted (binding) pledge', fr: "Le retrait d'un engagement accepté (contraignant)" }) : (step.reason ?? '').trim() || 'withdrawn before acceptance';
      if (binding && deliveredOn(c, p.id).quantity >= p.quantity) {
        refuse('pledge_delivered', 409, `Pledge ${p.id} has been delivered in full: there is nothing left to withdraw.`, `L'engagement ${p.id} a été entièrement livré : il n'y a plus rien à retirer.`);
      }
      p.state = 'withdrawn';
      p.ended = { at, by, reason };
      return [event('case.pledge', { en: `${p.party} withdrew pledge ${p.id}${binding ? ' after its acceptance' : ''}: ${reason}`, fr: `${p.party} a retiré l'engagement ${p.id}${binding ? ' après son acceptation' : ''} : ${reason}` }, { pledge: p.id, party: p.party, state: p.state, binding })];
    }
    case 'report_deployment': {
      requireState(c.id, c.state, [...WHILE_ASSISTING, 'standing_down'], { en: 'Reporting a deployment', fr: "La déclaration d'un déploiement" });
      const p = pledgeOf(c, step.pledge);
      pledgeIn(p, ['accepted'], { en: 'Reporting a deployment', fr: "La déclaration d'un déploiement" });
      // Engaged: what is on its way or there, and what reached the site before going home (delivered, counted once).
      const engaged = c.deployments.filter((d) => d.pledge === p.id && (d.status !== 'withdrawn' || d.reachedSite)).reduce((s, d) => s + d.quantity, 0);
      if (engaged + step.quantity > p.quantity) {
        refuse('over_pledge', 409, `Pledge ${p.id} is for ${p.quantity}; ${engaged} already deployed, so at most ${p.quantity - engaged} more.`, `L'engagement ${p.id} porte sur ${p.quantity} ; ${engaged} déjà déployés, donc au plus ${p.quantity - engaged} de plus.`);
      }
      const d = {
        id: `D${c.next.deployment++}`, pledge: p.id, request: p.request, party: p.party, status: step.status, quantity: step.quantity,
        personnel: step.personnel ?? null, reachedSite: step.status === 'on_site',
        history: [{ status: step.status, at: step.at, reportedAt: at, by, quantity: step.quantity, personnel: step.personnel ?? null, note: step.note ?? null }],
      };
      c.deployments.push(d);
      return [event('case.deployment', { en: `${d.party} deployment ${d.id} (${d.quantity}) ${d.status}.`, fr: `Déploiement ${d.id} de ${d.party} (${d.quantity}) : ${d.status}.` }, { deployment: d.id, pledge: p.id, party: d.party, status: d.status, quantity: d.quantity })];
    }
    case 'update_deployment': {
      const d = c.deployments.find((x) => x.id === step.deployment);
      if (!d) refuse('unknown_deployment', 404, `Case ${c.id} has no deployment ${step.deployment}.`, `Le dossier ${c.id} n'a pas de déploiement ${step.deployment}.`);
      const was = DEPLOYMENT_STATES.indexOf(d.status);
      const now = DEPLOYMENT_STATES.indexOf(step.status);
      if (d.status === 'withdrawn' || now <= was) {
        refuse('deployment_backwards', 409, `Deployment ${d.id} is ${d.status}: it can only move forward (${DEPLOYMENT_STATES.slice(was + 1).join(', ') || 'nothing'}).`, `Le déploiement ${d.id} est ${d.status} : il ne peut qu'avancer (${DEPLOYMENT_STATES.slice(was + 1).join(', ') || 'rien'}).`);
      }
      d.status = step.status;
      if (step.personnel !== undefined) d.personnel = step.personnel;
      if (step.status === 'on_site') d.reachedSite = true;
      d.history.push({ status: step.status, at: step.at, reportedAt: at, by, quantity: d.quantity, personnel: d.personnel, note: step.note ?? null });
      return [event('case.deployment', { en: `${d.party} deployment ${d.id} ${d.status}.`, fr: `Déploiement ${d.id} de ${d.party} : ${d.status}.` }, { deployment: d.id, party: d.party, status: d.status })];
    }
    default:
      throw new Error(`unhandled step ${(step as { type: string }).type}`);
  }
}

/**
 * Closes a request: answers not yet due are no longer asked (void), overdue ones failed
 * (unmet); offers never answered lapse; accepted pledges not fully delivered are
 * released (the requesting side no longer needs them: no fault of the party).
 */
export function closeRequest(c: Case, id: string, ctx: StepContext, reason: string): void {
  const at = ctx.now.toISOString();
  const r = c.requests.find((x) => x.id === id)!;
  r.state = 'closed';
  r.closed = { at, by: ctx.actor.username, reason };
  endOpen(c, (o) => o.kind === 'answer_request' && o.request === id, at, 'void_unless_due', `request ${id} closed`);
  for (const p of c.pledges) {
    if (p.request !== id) continue;
    if (p.state === 'offered') {
      p.state = 'lapsed';
      p.ended = { at, by: ctx.actor.username, reason: `request ${id} closed before it was answered` };
    } else if (p.state === 'accepted') {
      if (deliveredOn(c, p.id).quantity < p.quantity) {
        p.state = 'released';
        p.ended = { at, by: ctx.actor.username, reason: `request ${id} closed: ${reason}` };
      }
    }
  }
}

