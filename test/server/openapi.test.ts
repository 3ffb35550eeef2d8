import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { openApiDocument } from '../../src/server/app.ts';
import { testCharters } from './helpers.ts';

/**
 * docs/openapi.json is the committed OpenAPI document (the web client's types are
 * generated from it). This test fails when it is stale; refresh it with
 *   node bin/foedus.js openapi > docs/openapi.json
 * (or FOEDUS_WRITE_OPENAPI=1 npx vitest run test/server/openapi.test.ts).
 */
const FILE = fileURLToPath(new URL('../../docs/openapi.json', import.meta.url));

describe('OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document where every operation documents its responses', async () => {
    const doc = (await openApiDocument(testCharters())) as { openapi: string; paths: Record<string, Record<string, { responses?: Record<string, unknown> }>> };
    expect(doc.openapi).toBe('3.1.0');
    const paths = Object.keys(doc.paths);
    expect(paths.some((p) => p.startsWith('/api/docs'))).toBe(false);
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        expect(Object.keys(op.responses ?? {}).length, `${method.toUpperCase()} ${path}`).toBeGreaterThan(0);
      }
    }
    const text = `${JSON.stringify(doc, null, 2)}\n`;
    if (process.env.FOEDUS_WRITE_OPENAPI) writeFileSync(FILE, text);
    expect(readFileSync(FILE, 'utf8'), 'docs/openapi.json is stale: run `node bin/foedus.js openapi > docs/openapi.json`').toBe(text);
  });
});
