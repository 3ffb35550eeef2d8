import { describe, expect, it } from 'vitest';
import { createHmac } from 'node:crypto';
import { retryDelayMs, signatureHeader, verifySignature } from '../../src/webhooks/signature.ts';

describe('webhook signatures (t=…,v1=HMAC-SHA256 of "t.body")', () => {
  const secret = 'whsec_test';
  const body = '{"id":"e1","type":"ping"}';

  it('is the HMAC a receiver computes by hand, and verifies', () => {
    const header = signatureHeader(secret, body, 1_700_000_000);
    const mac = createHmac('sha256', secret).update(`1700000000.${body}`).digest('hex');
    expect(header).toBe(`t=1700000000,v1=${mac}`);
    expect(verifySignature(secret, body, header, 1_700_000_010)).toEqual({ ok: true });
  });

  it('refuses another body, another secret, an old delivery and a malformed header, saying which', () => {
    const header = signatureHeader(secret, body, 1_700_000_000);
    expect(verifySignature(secret, `${body} `, header, 1_700_000_000)).toEqual({ ok: false, reason: 'the signature does not match the body' });
    expect(verifySignature('other', body, header, 1_700_000_000).ok).toBe(false);
    expect(verifySignature(secret, body, header, 1_700_000_301)).toMatchObject({ ok: false, reason: expect.stringMatching(/outside the 300 s window/) });
    expect(verifySignature(secret, body, 'v1=abc', 1_700_000_000)).toMatchObject({ ok: false, reason: expect.stringMatching(/not t=/) });
    expect(verifySignature(secret, body, undefined, 1_700_000_000)).toMatchObject({ ok: false });
  });
});

describe('retry backoff', () => {
  it('doubles from the base up to the cap, then gives up after the last attempt', () => {
    const b = { baseMs: 1000, maxMs: 5000, maxAttempts: 5 };
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, b))).toEqual([1000, 2000, 4000, 5000]);
    expect(retryDelayMs(5, b)).toBeNull();
  });
});
