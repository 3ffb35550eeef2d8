import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * How Foedus signs the webhook deliveries it sends, the way Stripe signs its own:
 * the header `Foedus-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256>` where the MAC
 * covers `<t>.<raw body>` with the webhook's secret. The timestamp inside the MAC
 * lets a receiver refuse replays of an old delivery (checked against a tolerance).
 *
 * A receiver verifies with `verifySignature` (or the same three lines in its own
 * language): recompute the MAC over the raw body it received, compare in constant
 * time, check the time.
 */

export const SIGNATURE_HEADER = 'foedus-signature';
/** Deliveries older than this are refused by `verifySignature` (replay window). */
export const DEFAULT_TOLERANCE_SECONDS = 300;

export function signatureHeader(secret: string, body: string, unixSeconds: number): string {
  return `t=${unixSeconds},v1=${mac(secret, unixSeconds, body)}`;
}

export type SignatureCheck = { ok: true } | { ok: false; reason: string };

export function verifySignature(secret: string, body: string, header: string | undefined, nowUnixSeconds: number, toleranceSeconds = DEFAULT_TOLERANCE_SECONDS): SignatureCheck {
  if (!header) return { ok: false, reason: 'no Foedus-Signature header' };
  const parts = new Map(header.split(',').map((p) => p.trim().split('=', 2) as [string, string]));
  const t = Number(parts.get('t'));
  const v1 = parts.get('v1');
  if (!Number.isInteger(t) || !v1 || !/^[0-9a-f]{64}$/.test(v1)) return { ok: false, reason: 'the header is not t=<seconds>,v1=<64 hex digits>' };
  const expected = Buffer.from(mac(secret, t, body), 'hex');
  if (!timingSafeEqual(expected, Buffer.from(v1, 'hex'))) return { ok: false, reason: 'the signature does not match the body' };
  if (Math.abs(nowUnixSeconds - t) > toleranceSeconds) return { ok: false, reason: `the delivery was signed ${nowUnixSeconds - t} s ago, outside the ${toleranceSeconds} s window` };
  return { ok: true };
}

function mac(secret: string, t: number, body: string): string {
  return createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
}

/**
 * When to try a failed delivery again: exponential backoff from `baseMs`, doubling
 * each attempt up to `maxMs`; null once `maxAttempts` were made (the delivery is
 * then marked failed and stays in the log).
 */
export interface Backoff {
  baseMs: number;
  maxMs: number;
  maxAttempts: number;
}
export const DEFAULT_BACKOFF: Backoff = { baseMs: 30_000, maxMs: 6 * 3600_000, maxAttempts: 12 };

export function retryDelayMs(attemptsMade: number, backoff: Backoff = DEFAULT_BACKOFF): number | null {
  if (attemptsMade >= backoff.maxAttempts) return null;
  return Math.min(backoff.baseMs * 2 ** Math.max(0, attemptsMade - 1), backoff.maxMs);
}
