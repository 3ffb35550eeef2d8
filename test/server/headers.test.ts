import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './helpers.ts';

/** Security headers on every answer (issue 18: "Headers"); the UI's own test checks the policy blocks nothing it needs. */
describe('security headers', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer('sqlite');
  });
  afterAll(async () => s?.close());

  it('sends a strict policy, no framing, no sniffing, no referrer, and no caching of API data', async () => {
    for (const path of ['/healthz', '/api/v1/incidents', '/api/v1/no-such-route']) {
      const r = await s.api('GET', path, { as: 'observer' });
      const csp = r.headers.get('content-security-policy')!;
      expect(csp, path).toContain("script-src 'self'");
      expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
      expect(csp).toContain("frame-ancestors 'none'");
      expect(r.headers.get('x-frame-options')).toBe('DENY');
      expect(r.headers.get('x-content-type-options')).toBe('nosniff');
      expect(r.headers.get('referrer-policy')).toBe('no-referrer');
      expect(r.headers.get('x-request-id')).toBeTruthy();
      if (path.startsWith('/api/')) expect(r.headers.get('cache-control')).toBe('no-store');
    }
    // No HSTS over plain HTTP (a proxy terminating TLS is named with FOEDUS_TRUST_PROXY).
    expect((await s.api('GET', '/healthz')).headers.get('strict-transport-security')).toBeNull();
  });
});
