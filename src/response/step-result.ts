import type { z } from 'zod';
import type { Text } from '../charter/schema.ts';
import type { Case } from './model.ts';
import { refuse } from './refusal.ts';

/**
 * What a step gives back: the case as it now is, and what happened, for the feed,
 * the webhooks and the CAP alerts. The caller stores the case, writes one ledger
 * entry and the webhook deliveries in one transaction, then publishes the events.
 */

export const CASE_EVENT_TYPES = ['case.opened', 'case.state_changed', 'case.position', 'case.obligation', 'case.request', 'case.pledge', 'case.deployment'] as const;
export type CaseEventType = (typeof CASE_EVENT_TYPES)[number];

/** The steps that produce a CAP alert (src/alerts/cap.ts). */
export type AlertStep = 'activation' | 'decision' | 'stand_down' | 'withdrawn' | 'declined';

export interface CaseEvent {
  type: CaseEventType;
  /** What happened, in a sentence, in both languages. */
  text: Text;
  data: Record<string, unknown>;
  /** Set when the step produces a CAP alert. */
  alert: AlertStep | null;
}

export interface StepResult {
  case: Case;
  events: CaseEvent[];
}

export function event(type: CaseEventType, text: Text, data: Record<string, unknown>, alert: AlertStep | null = null): CaseEvent {
  return { type, text, data, alert };
}

/** Parses with zod; a failure is refused (400) naming the field, in both languages. */
export function parseOrRefuse<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const field = issue.path.length ? issue.path.join('.') : '(step)';
  return refuse('invalid_step', 400, `${field}: ${issue.message}`, `${field} : ${issue.message}`, { field, issues: r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) });
}
