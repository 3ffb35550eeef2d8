import { randomUUID } from 'node:crypto';
import type { Lang } from '../../charter/schema.ts';
import type { CaseCommand } from '../../response/commands.ts';
import type { Case } from '../../response/model.ts';
import { openCase, type OpenCaseInput } from '../../response/open.ts';
import { CaseRefused } from '../../response/refusal.ts';
import { apply, stepConcerns } from '../../response/steps.ts';
import type { CaseEvent } from '../../response/step-result.ts';
import type { Store } from '../../store/store.ts';
import type { WebhookEvent } from '../../webhooks/events.ts';
import type { AppContext } from '../context.ts';
import { HttpError, notFound } from '../http-error.ts';
import { authorize, type Actor } from '../policy.ts';

/**
 * Taking a step on a case through the server: the policy table decides who may
 * (src/server/policy.ts, via the step's resource, action and party), the pure domain
 * decides whether the case allows it (src/response), and the new case, its ledger
 * entry and its webhook deliveries are written in one transaction. The live feed
 * hears of it once that transaction has committed.
 */

type Ctx = Pick<AppContext, 'store' | 'feed' | 'webhooks'>;

/** A refused step as the API answers it, in the user's language. */
export function refusedHttp(err: CaseRefused, lang: Lang): HttpError {
  return new HttpError(err.status, err.code, err.text(lang), { ...(err.details ?? {}), message_en: err.message, message_fr: err.fr });
}

function staleHttp(id: number, sent: number, current: Case, lang: Lang): HttpError {
  const msg = lang === 'fr'
    ? `Le dossier ${id} a changé (version ${current.version}, par ${current.updatedBy} à ${current.updatedAt}) ; vous avez envoyé la version ${sent}. Rechargez-le et recommencez.`
    : `Case ${id} has changed (version ${current.version}, by ${current.updatedBy} at ${current.updatedAt}); you sent version ${sent}. Reload it and try again.`;
  return new HttpError(409, 'version_conflict', msg, { currentVersion: current.version, updatedBy: current.updatedBy, updatedAt: current.updatedAt });
}

function webhookEvent(c: Case, e: CaseEvent, at: string): WebhookEvent {
  return {
    id: randomUUID(),
    type: e.type,
    at,
    ...(c.exercise ? { exercise: true } : {}),
    data: { case: c.id, version: c.version, state: c.state, exercise: c.exercise, charter: c.provision.charter, provision: c.provision.provision, text: e.text, ...e.data },
  };
}

async function write(tx: Store, c: Case, events: CaseEvent[], actor: Actor, action: string, payload: Record<string, unknown>): Promise<void> {
  const at = c.updatedAt;
  await tx.ledger.append({
    actor: `user:${actor.username}`,
    action,
    target: `case:${c.id}`,
    // The case's content hash after the step: `ledger verify` compares it with the stored case.
    payload: JSON.parse(JSON.stringify({ version: c.version, state: c.state, exercise: c.exercise, ...payload, contentHash: await tx.cases.contentHash(c.id) })),
  });
  for (const e of events) await tx.webhooks.enqueue(webhookEvent(c, e, at), at);
}

function announce(ctx: Ctx, c: Case, events: CaseEvent[]): void {
  ctx.feed.publish('case.changed', { id: c.id, version: c.version, state: c.state, exercise: c.exercise, events: events.map((e) => ({ type: e.type, text: e.text })) });
  ctx.feed.publish('inbox.changed', { case: c.id });
  if (events.length) void ctx.webhooks.tick();
}

export async function recordOpening(ctx: Ctx, actor: Actor, input: OpenCaseInput, now: Date, lang: Lang): Promise<Case> {
  authorize(actor, 'create', { type: 'case' });
  let opened;
  try {
    opened = openCase(input, { actor: { username: actor.username, party: actor.party }, now });
  } catch (err) {
    throw err instanceof CaseRefused ? refusedHttp(err, lang) : err;
  }
  const stored = await ctx.store.transaction(async (tx) => {
    const c = await tx.cases.insert(opened.case);
    await write(tx, c, opened.events, actor, 'case.opened', {
      incident: c.incident.id,
      hypothetical: c.incident.hypothetical,
      charter: c.provision.charter,
      charterVersion: c.provision.charterVersion,
      provision: c.provision.provision,
      triggered: c.provision.triggered,
      beneficiary: c.provision.beneficiary,
      obligated: c.provision.obligated,
      reason: c.transitions[0]!.reason,
    });
    return c;
  });
  announce(ctx, stored, opened.events);
  return stored;
}

export async function recordStep(ctx: Ctx, actor: Actor, id: number, version: number, step: CaseCommand, now: Date, lang: Lang): Promise<{ case: Case; events: CaseEvent[] }> {
  const result = await ctx.store.transaction(async (tx) => {
    const current = await tx.cases.get(id);
    if (!current) throw notFound(`Case ${id}`);
    const concern = stepConcerns(current, step);
    authorize(actor, concern.action, { type: concern.resource, party: concern.party });
    if (current.version !== version) throw staleHttp(id, version, current, lang);
    let next;
    try {
      next = apply(current, step, { actor: { username: actor.username, party: actor.party }, now });
    } catch (err) {
      throw err instanceof CaseRefused ? refusedHttp(err, lang) : err;
    }
    if (!(await tx.cases.update(next.case, version))) {
      const moved = (await tx.cases.get(id))!;
      throw staleHttp(id, version, moved, lang);
    }
    await write(tx, next.case, next.events, actor, `case.${step.type}`, { step });
    return next;
  });
  announce(ctx, result.case, result.events);
  return result;
}
