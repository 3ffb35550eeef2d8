/**
 * The events a webhook can subscribe to. Case events are sent by the response
 * routes when a case changes; `ping` is what "test this webhook" sends.
 */
export const WEBHOOK_EVENTS = [
  'case.opened',
  'case.state_changed',
  'case.position',
  'case.obligation',
  'case.request',
  'case.pledge',
  'case.deployment',
  'case.note',
  'ping',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENTS)[number];

/** What is POSTed, as JSON: one event. `exercise` is set on events of exercise cases. */
export interface WebhookEvent {
  id: string;
  type: WebhookEventType;
  at: string;
  exercise?: boolean;
  data: Record<string, unknown>;
}
