import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assess } from '../../src/charter/engine.ts';
import { normaliseIncident } from '../../src/incident/validate.ts';
import { DIALECTS } from '../../src/store/testing.ts';
import { col, csvLine, realRows } from '../import/fixtures.ts';
import { UCDP_COLUMNS } from '../../src/incident/ucdp/wire.ts';
import { PASSWORD, sampleIncident, startTestServer, testCharters, type TestServer } from './helpers.ts';
import { CharterDetail, CharterList } from '../../src/server/routes/charters.ts';
import { Health } from '../../src/server/routes/health.ts';
import { ImportAccepted, ImportJobSchema } from '../../src/server/routes/imports.ts';
import { IncidentListItemSchema, IncidentRecordSchema } from '../../src/server/routes/schemas.ts';
import { expectFits } from './fits.ts';

/** The HTTP API against a real listening server, on both stores. */

describe.each(DIALECTS)('HTTP API on %s', (dialect) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(dialect);
  });
  afterAll(async () => {
    await s?.close();
  });

  describe('health and documents', () => {
    it('answers /healthz and /readyz without sign-in', async () => {
      expect(expectFits(Health, (await s.api('GET', '/healthz', { as: null })).body)).toEqual({ status: 'ok' });
      const ready = await s.api('GET', '/readyz', { as: null });
      expect(ready.status).toBe(200);
      expect(ready.body).toMatchObject({ status: 'ready', store: dialect, assessments: { state: expect.stringMatching(/^(current|refreshing)$/) } });
    });

    it('serves an OpenAPI 3.1 document naming every API route', async () => {
      const r = await s.api('GET', '/api/v1/openapi.json', { as: null });
      expect(r.status).toBe(200);
      expect(r.body.openapi).toBe('3.1.0');
      const paths = Object.keys(r.body.paths);
      for (const p of [
        '/api/v1/charters', '/api/v1/charters/{id}', '/api/v1/assess', '/api/v1/incidents', '/api/v1/incidents/count',
        '/api/v1/incidents/timeline', '/api/v1/incidents/by-area', '/api/v1/incidents/clusters', '/api/v1/incidents/{id}',
        '/api/v1/incidents/{id}/history', '/api/v1/imports', '/api/v1/imports/{id}', '/api/v1/events', '/healthz', '/readyz',
        '/api/v1/auth/login',
      ]) expect(paths, p).toContain(p);
      expect(r.body.components.schemas.IncidentRecord).toBeTruthy();
      const docs = await fetch(`${s.url}/api/docs/`);
      expect(docs.status).toBe(200);
      expect(await docs.text()).toContain('swagger');
    });

    it('answers unknown API paths with a JSON 404', async () => {
      const r = await s.api('GET', '/api/v1/nope');
      expect(r.status).toBe(404);
      expect(r.body.error.code).toBe('not_found');
    });
  });

  describe('sign-in and the policy', () => {
    it('401 without credentials, with the error shape', async () => {
      for (const path of ['/api/v1/charters', '/api/v1/incidents', '/api/v1/incidents/count', '/api/v1/events', '/api/v1/imports/x']) {
        const r = await s.api('GET', path, { as: null });
        expect(r.status, path).toBe(401);
        expect(r.body.error.code).toBe('unauthenticated');
      }
      const bad = await s.api('GET', '/api/v1/charters', { as: null, headers: { authorization: 'Bearer fdt_not-a-token' } });
      expect(bad.status).toBe(401);
    });

    it('403 for an observer writing, and for a liaison creating an incident', async () => {
      const obs = await s.api('POST', '/api/v1/incidents', { as: 'observer', json: { incident: sampleIncident() } });
      expect(obs.status).toBe(403);
      expect(obs.body.error.code).toBe('forbidden');
      expect(obs.body.error.message).toMatch(/observer/i);
      const li = await s.api('POST', '/api/v1/incidents', { as: 'liaisonBfa', json: { incident: sampleIncident() } });
      expect(li.status).toBe(403);
      const up = new FormData();
      up.append('file', new Blob(['x']), 'a.csv');
      expect((await s.api('POST', '/api/v1/imports', { as: 'observer', body: up })).status).toBe(403);
    });

    it('lets every signed-in role read and assess', async () => {
      for (const who of ['observer', 'liaisonMli', 'admin', 'secretariat'] as const) {
        expect((await s.api('GET', '/api/v1/charters', { as: who })).status, who).toBe(200);
        expect((await s.api('POST', '/api/v1/assess', { as: who, json: { incident: sampleIncident() } })).status, who).toBe(200);
      }
    });
  });

  describe('charters', () => {
    it('lists the charters', async () => {
      const r = await s.api('GET', '/api/v1/charters');
      expect(r.status).toBe(200);
      const aes = expectFits(CharterList, r.body).find((c) => c.id === 'aes-2023');
      if (!aes) throw new Error('aes-2023 is not listed');
      expect(aes.title.fr).toBeTruthy();
      expect(aes.title.en).toBeTruthy();
      expect(aes.inForce.from).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    });

    it('shows one charter with its parties on a day', async () => {
      const c = testCharters().find((x) => x.id === 'aes-2023')!;
      const at = c.in_force.from;
      const r = await s.api('GET', `/api/v1/charters/aes-2023?at=${at}`);
      expect(r.status).toBe(200);
      expectFits(CharterDetail, r.body);
      expect(r.body.at).toBe(at);
      expect(r.body.charterInForce).toBe(true);
      const countries = r.body.parties.filter((p: { inForce: boolean }) => p.inForce).map((p: { country: string }) => p.country).sort();
      expect(countries).toEqual(['BFA', 'MLI', 'NER']);
      expect(r.body.charter.articles.length).toBeGreaterThan(0);
      const before = await s.api('GET', '/api/v1/charters/aes-2023?at=2000-01-01');
      expect(before.body.charterInForce).toBe(false);
      expect(before.body.parties.every((p: { inForce: boolean }) => !p.inForce)).toBe(true);
    });

    it('404 for an unknown charter, 400 for a bad day or an unknown parameter', async () => {
      expect((await s.api('GET', '/api/v1/charters/no-such-charter')).status).toBe(404);
      const bad = await s.api('GET', '/api/v1/charters/aes-2023?at=2023-02-30');
      expect(bad.status).toBe(400);
      expect(bad.body.error.code).toBe('invalid_request');
      expect(bad.body.error.message).toMatch(/query\.at/);
      const unknown = await s.api('GET', '/api/v1/charters/aes-2023?when=2024-01-01');
      expect(unknown.status).toBe(400);
      expect(unknown.body.error.message).toMatch(/when/);
    });
  });

  describe('assess', () => {
    it('returns exactly what the engine returns', async () => {
      const inc = sampleIncident();
      const r = await s.api('POST', '/api/v1/assess', { json: { incident: inc, lang: 'fr' } });
      expect(r.status).toBe(200);
      const expected = assess(normaliseIncident(inc as never), testCharters(), undefined, { lang: 'fr' });
      expect(r.body).toEqual(JSON.parse(JSON.stringify(expected)));
      expect(r.body.triggered.length + r.body.not_triggered.length).toBeGreaterThan(0);
    });

    it('names the field and the reason of a bad incident', async () => {
      const r = await s.api('POST', '/api/v1/assess', { json: { incident: sampleIncident({ kind: 'invasion' }) } });
      expect(r.status).toBe(400);
      expect(r.body.error.code).toBe('invalid_request');
      expect(r.body.error.message).toMatch(/body\.incident\.kind/);
      const swapped = await s.api('POST', '/api/v1/assess', { json: { incident: sampleIncident({ location: { lat: 'x' } }) } });
      expect(swapped.status).toBe(400);
      expect(swapped.body.error.message).toMatch(/location\.lat/);
    });

    it('refuses unknown fields, malformed JSON, oversized bodies and other media types', async () => {
      const unknown = await s.api('POST', '/api/v1/assess', { json: { incident: sampleIncident({ severity: 3 }) } });
      expect(unknown.status).toBe(400);
      expect(unknown.body.error.message).toMatch(/severity/);
      const top = await s.api('POST', '/api/v1/assess', { json: { incident: sampleIncident(), debug: true } });
      expect(top.status).toBe(400);
      expect(top.body.error.message).toMatch(/debug/);
      const malformed = await s.api('POST', '/api/v1/assess', { body: '{"incident": {', headers: { 'content-type': 'application/json' } });
      expect(malformed.status).toBe(400);
      expect(malformed.body.error.code).toBe('malformed_json');
      const empty = await s.api('POST', '/api/v1/assess', { body: '', headers: { 'content-type': 'application/json' } });
      expect(empty.status).toBe(400);
      const big = await s.api('POST', '/api/v1/assess', { json: { incident: sampleIncident(), pad: 'x'.repeat(2 * 1024 * 1024) } });
      expect(big.status).toBe(413);
      expect(big.body.error.code).toBe('payload_too_large');
      const text = await s.api('POST', '/api/v1/assess', { body: 'hello', headers: { 'content-type': 'text/plain' } });
      expect(text.status).toBe(415);
      expect(text.body.error.code).toBe('unsupported_media_type');
      for (const r of [unknown, malformed, big, text]) expect(r.text).not.toMatch(/at .*\.ts:\d+/);
    });
  });

  describe('incidents', () => {
    let created: { id: string; version: number };

    it('creates a manual report (201, UUID, dataset manual) with its ledger entry', async () => {
      const r = await s.api('POST', '/api/v1/incidents', { json: { incident: sampleIncident(), notes: 'Convoy ambushed', placeName: 'Ménaka' } });
      expect(r.status).toBe(201);
      expectFits(IncidentRecordSchema, r.body);
      expect(r.body.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(r.body.source.dataset).toBe('manual');
      expect(r.body.incident.location.country).toBe('MLI'); // derived from the point
      expect(r.body.version).toBe(1);
      expect(r.headers.get('location')).toBe(`/api/v1/incidents/${r.body.id}`);
      created = r.body;
      const got = await s.api('GET', `/api/v1/incidents/${created.id}`, { as: 'observer' });
      expect(got.status).toBe(200);
      expectFits(IncidentRecordSchema, got.body);
      expect(got.body.notes).toBe('Convoy ambushed');
    });

    it('refuses a bad incident with the field named, before writing anything', async () => {
      const before = (await s.api('GET', '/api/v1/incidents/count')).body.count;
      const r = await s.api('POST', '/api/v1/incidents', { json: { incident: sampleIncident({ location: { lat: 15 } }) } });
      expect(r.status).toBe(400);
      expect(r.body.error.message).toMatch(/location\.lon/);
      const unknown = await s.api('POST', '/api/v1/incidents', { json: { incident: sampleIncident(), colour: 'red' } });
      expect(unknown.status).toBe(400);
      expect(unknown.body.error.message).toMatch(/colour/);
      expect((await s.api('GET', '/api/v1/incidents/count')).body.count).toBe(before);
    });

    it('edits with the version; a stale edit gets 409 with the current version and who made it', async () => {
      const ok = await s.api('PATCH', `/api/v1/incidents/${created.id}`, { json: { version: 1, notes: 'Convoy ambushed near Ménaka' } });
      expect(ok.status).toBe(200);
      expectFits(IncidentRecordSchema, ok.body);
      expect(ok.body.version).toBe(2);
      expect(ok.body.notes).toBe('Convoy ambushed near Ménaka');
      const stale = await s.api('PATCH', `/api/v1/incidents/${created.id}`, { json: { version: 1, notes: 'older edit' } });
      expect(stale.status).toBe(409);
      expect(stale.body.error.code).toBe('version_conflict');
      expect(stale.body.error.details.currentVersion).toBe(2);
      expect(stale.body.error.details.updatedBy).toContain(s.usernames.secretariat);
      expect(stale.body.error.details.updatedAt).toBeTruthy();
      expect((await s.api('GET', `/api/v1/incidents/${created.id}`)).body.notes).toBe('Convoy ambushed near Ménaka');
    });

    it('refuses edits by an observer (403), to unknown records (404) and empty edits (400)', async () => {
      expect((await s.api('PATCH', `/api/v1/incidents/${created.id}`, { as: 'observer', json: { version: 2, notes: 'x' } })).status).toBe(403);
      expect((await s.api('PATCH', '/api/v1/incidents/no-such-id', { json: { version: 1, notes: 'x' } })).status).toBe(404);
      expect((await s.api('PATCH', `/api/v1/incidents/${created.id}`, { json: { version: 2 } })).status).toBe(400);
      expect((await s.api('PATCH', `/api/v1/incidents/${created.id}`, { json: { notes: 'x' } })).status).toBe(400);
      expect((await s.api('GET', '/api/v1/incidents/no-such-id')).status).toBe(404);
    });

    it('gives the record\'s history from the ledger', async () => {
      const r = await s.api('GET', `/api/v1/incidents/${created.id}/history`);
      expect(r.status).toBe(200);
      const actions = r.body.entries.map((e: { action: string }) => e.action);
      expect(actions).toEqual(['incident.create', 'incident.update']);
      expect(r.body.entries[1].actor).toBe(`user:${s.usernames.secretariat}`);
    });

    it('queries by bbox, dates, kind, country with paging', async () => {
      await s.api('POST', '/api/v1/incidents', { json: { incident: sampleIncident({ date: '2024-05-01', location: { lat: 12.37, lon: -1.52 }, target: { type: 'civilians' } }) } });
      await s.api('POST', '/api/v1/incidents', { json: { incident: sampleIncident({ date: '2024-06-01', kind: 'terrorist_attack', location: { lat: 13.51, lon: 2.11 }, target: { type: 'civilians' } }) } });
      const all = await s.api('GET', '/api/v1/incidents?limit=2');
      expect(all.status).toBe(200);
      expect(all.body.items).toHaveLength(2);
      expect(all.body.nextCursor).toEqual(expect.any(String));
      const next = await s.api('GET', `/api/v1/incidents?limit=2&cursor=${encodeURIComponent(all.body.nextCursor)}`);
      expect(next.body.items).toHaveLength(1);
      expect(next.body.nextCursor).toBeNull();
      const ids = new Set([...all.body.items, ...next.body.items].map((i: { id: string }) => i.id));
      expect(ids.size).toBe(3);
      // List items: the documented shape, without raw reports; the single incident has them.
      expect(all.headers.get('content-type')).toMatch(/^application\/json/);
      for (const item of [...all.body.items, ...next.body.items]) {
        expectFits(IncidentListItemSchema, item, 'list item');
        expect(item.reports).toEqual([]);
        const one = await s.api('GET', `/api/v1/incidents/${encodeURIComponent(item.id)}`);
        expectFits(IncidentRecordSchema, one.body, 'incident');
        // The stored assessment may have been filled in the background between the two reads.
        expect({ ...one.body, reports: [], assessment: null }).toEqual({ ...item, assessment: null });
      }

      const bf = await s.api('GET', '/api/v1/incidents?bbox=-6,9,0,15.2');
      expect(bf.body.items.map((i: { incident: { location: { country: string } } }) => i.incident.location.country)).toEqual(['BFA']);
      expect((await s.api('GET', '/api/v1/incidents/count?country=ner')).body).toEqual({ count: 1 });
      expect((await s.api('GET', '/api/v1/incidents/count?kind=terrorist_attack')).body).toEqual({ count: 1 });
      expect((await s.api('GET', '/api/v1/incidents/count?from=2024-04-01&to=2024-05-31')).body).toEqual({ count: 1 });
      expect((await s.api('GET', '/api/v1/incidents/count?minFatalities=12')).body).toEqual({ count: 3 });
    });

    it('refuses bad filters with the reason', async () => {
      const cases: Array<[string, RegExp]> = [
        ['bbox=1,2,3', /four numbers/],
        ['bbox=10,0,5,5', /minimum/],
        ['bbox=0,0,200,5', /within/],
        ['from=2024-05-01&to=2024-01-01', /after/],
        ['country=XYZ', /ISO 3166/],
        ['kind=war', /kind/],
        ['limit=0', /limit/],
        ['limit=5000', /limit/],
        ['minFatalities=-1', /minFatalities/],
        ['colour=red', /colour/],
      ];
      for (const [q, re] of cases) {
        const r = await s.api('GET', `/api/v1/incidents?${q}`);
        expect(r.status, q).toBe(400);
        expect(r.body.error.code, q).toBe('invalid_request');
        expect(r.body.error.message, q).toMatch(re);
      }
      expect((await s.api('GET', '/api/v1/incidents/clusters?bbox=-6,9,5,16')).status).toBe(400); // zoom missing
      expect((await s.api('GET', '/api/v1/incidents/timeline?interval=year')).status).toBe(400);
      expect((await s.api('GET', '/api/v1/incidents/by-area?level=admin3')).status).toBe(400);
    });

    it('gives timelines, areas and clusters that reconcile with the count', async () => {
      const count = (await s.api('GET', '/api/v1/incidents/count')).body.count;
      const tl = await s.api('GET', '/api/v1/incidents/timeline?interval=month');
      expect(tl.status).toBe(200);
      expect(tl.body.buckets.map((b: { period: string }) => b.period)).toEqual(['2024-03', '2024-05', '2024-06']);
      expect(tl.body.buckets.reduce((a: number, b: { count: number }) => a + b.count, 0)).toBe(count);
      const areas = await s.api('GET', '/api/v1/incidents/by-area?level=country');
      expect(areas.status).toBe(200);
      expect(areas.body.areas.map((a: { key: string }) => a.key).sort()).toEqual(['BFA', 'MLI', 'NER']);
      expect(areas.body.areas.find((a: { key: string }) => a.key === 'MLI').name).toBe('Mali');
      const cl = await s.api('GET', '/api/v1/incidents/clusters?bbox=-12,8,16,25&zoom=3');
      expect(cl.status).toBe(200);
      expect(cl.body.total).toBe(count);
      expect(cl.body.clusters.reduce((a: number, c: { count: number }) => a + c.count, 0)).toBe(count);
    });
  });

  describe('imports', () => {
    it('uploads a UCDP file → a background job → a summary with the rejected row', async () => {
      const rows = realRows().slice(0, 5).map((r) => [...r]);
      rows[2]![col.latitude] = 'north';
      const csv = `${UCDP_COLUMNS.join(',')}\n${rows.map(csvLine).join('')}`;
      const form = new FormData();
      form.append('format', 'ucdp');
      form.append('file', new Blob([csv], { type: 'text/csv' }), 'ged-sample.csv');
      const r = await s.api('POST', '/api/v1/imports', { body: form });
      expect(r.status).toBe(202);
      expectFits(ImportAccepted, r.body);
      expect(r.body.job.id).toEqual(expect.any(String));
      await s.app.foedus.jobs.idle();
      const job = await s.api('GET', `/api/v1/imports/${r.body.job.id}`, { as: 'observer' });
      expect(job.status).toBe(200);
      expectFits(ImportJobSchema, job.body);
      expect(job.body.status).toBe('done');
      expect(job.body.format).toBe('ucdp');
      expect(job.body.progress).toMatchObject({ rows: 5, imported: 4, rejected: 1 });
      expect(job.body.summary.rejections).toHaveLength(1);
      expect(job.body.summary.rejections[0].column).toMatch(/latitude/);
      expect(job.body.summary.rejections[0].line).toBeGreaterThan(1);
      const one = await s.api('GET', `/api/v1/incidents/${encodeURIComponent(`ucdp_ged:${rows[0]![col.id]}`)}`);
      expect(one.status).toBe(200);
      expect(one.body.source.dataset).toBe('ucdp_ged');
      const bad = await s.api('GET', `/api/v1/incidents/${encodeURIComponent(`ucdp_ged:${rows[2]![col.id]}`)}`);
      expect(bad.status).toBe(404);
    });

    it('fails the job with the importer\'s reason when the file is not what its format says', async () => {
      const form = new FormData();
      form.append('format', 'ucdp');
      form.append('file', new Blob(['name,when\nfoo,bar\n']), 'not-ucdp.csv');
      const r = await s.api('POST', '/api/v1/imports', { body: form });
      expect(r.status).toBe(202);
      await s.app.foedus.jobs.idle();
      const job = await s.api('GET', `/api/v1/imports/${r.body.job.id}`);
      expectFits(ImportJobSchema, job.body);
      expect(job.body.status).toBe('failed');
      expect(job.body.error.code).not.toBe('import_failed');
      expect(job.body.error.message.length).toBeGreaterThan(10);
      expect(job.body.summary).toBeNull();
    });

    it('refuses uploads without a file, with a bad format, not multipart, or too large', async () => {
      const noFile = new FormData();
      noFile.append('format', 'ucdp');
      expect((await s.api('POST', '/api/v1/imports', { body: noFile })).status).toBe(400);
      const badFormat = new FormData();
      badFormat.append('format', 'xlsx');
      badFormat.append('file', new Blob(['a']), 'a.xlsx');
      const bf = await s.api('POST', '/api/v1/imports', { body: badFormat });
      expect(bf.status).toBe(400);
      expect(bf.body.error.message).toMatch(/format/);
      const json = await s.api('POST', '/api/v1/imports', { json: { file: 'x' } });
      expect(json.status).toBe(415);
      expect((await s.api('GET', '/api/v1/imports/nope')).status).toBe(404);
    });

    it('refuses an upload over the limit with 413 and keeps nothing', async () => {
      const small = await startTestServer(dialect, { uploadLimitBytes: 1000 });
      try {
        const form = new FormData();
        form.append('file', new Blob(['x'.repeat(5000)]), 'big.csv');
        const r = await small.api('POST', '/api/v1/imports', { body: form });
        expect(r.status).toBe(413);
        expect(r.body.error.code).toBe('payload_too_large');
      } finally {
        await small.close();
      }
    });
  });

  describe('cookie sessions on these routes', () => {
    it('needs the CSRF token for a cookie-authenticated write', async () => {
      const login = await fetch(`${s.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: s.usernames.secretariat, password: PASSWORD }),
      });
      expect(login.status).toBe(200);
      const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
      const { csrfToken } = (await login.json()) as { csrfToken: string };
      const body = JSON.stringify({ incident: sampleIncident({ date: '2024-08-01' }) });
      const headers = { cookie, 'content-type': 'application/json' };
      const without = await fetch(`${s.url}/api/v1/incidents`, { method: 'POST', headers, body });
      expect(without.status).toBe(403);
      const withToken = await fetch(`${s.url}/api/v1/incidents`, { method: 'POST', headers: { ...headers, 'x-csrf-token': csrfToken }, body });
      expect(withToken.status).toBe(201);
      expect((await fetch(`${s.url}/api/v1/incidents/count`, { headers: { cookie } })).status).toBe(200);
    });
  });

  describe('live feed', () => {
    it('streams incident.created after a POST', async () => {
      const ac = new AbortController();
      const res = await fetch(`${s.url}/api/v1/events`, { headers: { authorization: `Bearer ${s.tokens.observer}` }, signal: ac.signal });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
      const reader = res.body!.getReader();
      const dec = new TextDecoder();
      let buf = '';
      // Wait for the stream's first bytes so the subscription is in place before the POST.
      while (!buf.includes(': connected')) buf += dec.decode((await reader.read()).value, { stream: true });
      const post = await s.api('POST', '/api/v1/incidents', { json: { incident: sampleIncident({ date: '2024-07-01' }) } });
      expect(post.status).toBe(201);
      while (!/event: incident\.created\ndata: .*\n\n/.test(buf)) {
        const { value, done } = await reader.read();
        if (done) break;
        buf += dec.decode(value, { stream: true });
      }
      const m = /event: incident\.created\ndata: (.*)\n\n/.exec(buf);
      expect(m).not.toBeNull();
      const data = JSON.parse(m![1]!);
      expect(data.id).toBe(post.body.id);
      expect(data.country).toBe('MLI');

      // An upload announces its job on the feed until it is done.
      const rows = realRows().slice(10, 13);
      const form = new FormData();
      form.append('file', new Blob([`${UCDP_COLUMNS.join(',')}\n${rows.map(csvLine).join('')}`]), 'feed.csv');
      const up = await s.api('POST', '/api/v1/imports', { body: form });
      expect(up.status).toBe(202);
      while (!/event: import\.done\ndata: .*\n\n/.test(buf)) {
        const { value, done } = await reader.read();
        if (done) break;
        buf += dec.decode(value, { stream: true });
      }
      expect(buf).toContain('event: import.queued');
      expect(buf).toContain('event: import.progress');
      const doneEvent = JSON.parse(/event: import\.done\ndata: (.*)\n\n/.exec(buf)![1]!);
      expect(doneEvent.id).toBe(up.body.job.id);
      expect(doneEvent.summary.rows).toBe(3);
      ac.abort();
    });
  });
});


describe('the web UI', () => {
  it('serves web/dist files, falls back to index.html for UI routes, and keeps JSON 404s for the API', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'foedus-web-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Foedus</title><div id="root"></div>');
    writeFileSync(join(dir, 'assets', 'app.js'), 'console.log("foedus")');
    const s = await startTestServer('sqlite', { webDir: dir });
    try {
      const home = await fetch(`${s.url}/`);
      expect(home.status).toBe(200);
      expect(await home.text()).toContain('<title>Foedus</title>');
      const deep = await fetch(`${s.url}/incidents/ucdp_ged:1?x=1`);
      expect(deep.status).toBe(200);
      expect(deep.headers.get('content-type')).toMatch(/text\/html/);
      const js = await fetch(`${s.url}/assets/app.js`);
      expect(js.status).toBe(200);
      expect(await js.text()).toContain('foedus');
      const api = await s.api('GET', '/api/v1/nope');
      expect(api.status).toBe(404);
      expect(api.body.error.code).toBe('not_found');
      expect((await s.api('GET', '/api/v1/charters')).status).toBe(200);
    } finally {
      await s.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
