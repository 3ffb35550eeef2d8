import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UCDP_COLUMNS } from '../../src/incident/ucdp/wire.ts';
import { DIALECTS } from '../../src/store/testing.ts';
import { col, csvLine, realRows } from '../import/fixtures.ts';
import { sampleIncident, startTestServer, type TestServer } from './helpers.ts';

/**
 * Issue 18: every refusal in the one error shape `{error: {code, message}}` with a 4xx (a broken
 * multipart body, Node's own 400 and 431, bad UTF-8, a `__proto__` key, a missing asset), and
 * a recorded incident's id and days as Foedus keeps them (no client id, no day before 1900 or to come).
 */

/** Sends raw bytes and reads the raw answer (what fetch would refuse to send). */
function raw(url: string, bytes: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(bytes));
    let out = '';
    socket.on('data', (d) => { out += d.toString('utf8'); });
    socket.on('end', () => resolve(out));
    socket.on('error', reject);
  });
}

const bodyOf = (answer: string) => JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)) as { error: { code: string; message: string; requestId: string } };
const headerOf = (answer: string, name: string) => new RegExp(`\r\n${name}: ([^\r]*)\r\n`, 'i').exec(answer)?.[1];

describe.each(DIALECTS)('the one error shape and recorded days on %s', (dialect) => {
  let s: TestServer;
  let web: string;
  beforeAll(async () => {
    web = mkdtempSync(join(tmpdir(), 'foedus-web-'));
    mkdirSync(join(web, 'assets'));
    writeFileSync(join(web, 'index.html'), '<!doctype html><title>Foedus</title>');
    writeFileSync(join(web, 'assets', 'app.js'), 'console.log(1)');
    s = await startTestServer(dialect, { webDir: web });
  });
  afterAll(async () => {
    await s?.close();
    rmSync(web, { recursive: true, force: true });
  });

  it('answers a multipart body cut short with 400 malformed_multipart', async () => {
    const cut = '--XX\r\nContent-Disposition: form-data; name="format"\r\n\r\nucdp\r\n--XX\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\nContent-Type: text/csv\r\n\r\nevent_id';
    const r = await s.api('POST', '/api/v1/imports', { body: cut, headers: { 'content-type': 'multipart/form-data; boundary=XX' } });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('malformed_multipart');
    expect(r.body.error.message).toMatch(/multipart body is malformed/);
    const proto = await s.api('POST', '/api/v1/imports', { body: '--XX\r\nContent-Disposition: form-data; name="__proto__"\r\n\r\nx\r\n--XX--\r\n', headers: { 'content-type': 'multipart/form-data; boundary=XX' } });
    expect(proto.status).toBe(400);
    expect(proto.body.error).toMatchObject({ code: 'forbidden_key', message: expect.stringMatching(/"__proto__"/) });
  });

  it('answers what Node refuses itself (a bad request, headers too large) in the same shape', async () => {
    const bad = await raw(s.url, 'GET /healthz HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n');
    expect(bad).toMatch(/^HTTP\/1\.1 400 /);
    expect(bodyOf(bad).error.code).toBe('bad_request');
    // Refused before it was a request, it still has an id, in the body and the header alike.
    expect(bodyOf(bad).error.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(headerOf(bad, 'x-request-id')).toBe(bodyOf(bad).error.requestId);
    const big = await raw(s.url, `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    expect(big).toMatch(/^HTTP\/1\.1 431 /);
    expect(bodyOf(big).error).toMatchObject({ code: 'headers_too_large' });
    const longUrl = await raw(s.url, `GET /api/v1/incidents?q=${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`);
    expect(longUrl).toMatch(/^HTTP\/1\.1 431 /);
  });

  it('refuses a body that is not UTF-8, and names a __proto__ key, each with its own code', async () => {
    const json = Buffer.concat([Buffer.from(`{"incident":${JSON.stringify(sampleIncident())},"notes":"a`), Buffer.from([0xff, 0xfe]), Buffer.from('b"}')]);
    const bad = await s.api('POST', '/api/v1/incidents', { body: json, headers: { 'content-type': 'application/json' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'invalid_utf8' });
    const proto = await s.api('POST', '/api/v1/incidents', { body: `{"incident":${JSON.stringify(sampleIncident())},"__proto__":{"admin":true}}`, headers: { 'content-type': 'application/json' } });
    expect(proto.status).toBe(400);
    expect(proto.body.error).toMatchObject({ code: 'forbidden_key' });
    expect(proto.body.error.message).toMatch(/"__proto__"/);
    const broken = await s.api('POST', '/api/v1/incidents', { body: '{"incident":', headers: { 'content-type': 'application/json' } });
    expect(broken.body.error).toMatchObject({ code: 'malformed_json' });
    expect(broken.body.error.message).toMatch(/not valid JSON \(.+\)/);
    // Accented text and emoji are UTF-8 like any other.
    expect((await s.api('POST', '/api/v1/incidents', { json: { incident: sampleIncident(), notes: 'Tillabéri 🇳🇪' } })).status).toBe(201);
  });

  it('gives a missing asset a 404 and any other page the UI', async () => {
    const missing = await fetch(`${s.url}/assets/nope.js`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('not_found');
    expect((await fetch(`${s.url}/favicon-missing.png`)).status).toBe(404);
    expect((await fetch(`${s.url}/assets/app.js`)).status).toBe(200);
    const page = await fetch(`${s.url}/anything`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>Foedus</title>');
  });

  it('refuses a client-chosen incident id rather than replacing it silently', async () => {
    const r = await s.api('POST', '/api/v1/incidents', { json: { incident: { ...sampleIncident(), id: 'mine-1' } } });
    expect(r.status).toBe(400);
    expect(r.body.error.message).toMatch(/^body\.incident\.id: /);
    // Named in details.fields too: the UI shows it beside the field, as any validation refusal.
    expect(r.body.error.details.fields).toEqual([{ field: 'body.incident.id', reason: expect.stringMatching(/leave "id" out/) }]);
    const made = await s.api('POST', '/api/v1/incidents', { json: { incident: sampleIncident() } });
    const other = await s.api('PATCH', `/api/v1/incidents/${made.body.id}`, { json: { version: 1, incident: { ...sampleIncident(), id: 'elsewhere' } } });
    expect(other.status).toBe(400);
    expect(other.body.error.message).toMatch(/not this incident's id/);
  });

  it('records no day before 1900 or still to come, and no end before the start', async () => {
    const tomorrowPlus = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
    for (const [date, re] of [['0000-01-01', /body\.incident\.date: 0000-01-01 is before 1900-01-01/], ['2999-01-01', /body\.incident\.date: 2999-01-01 is in the future/], [tomorrowPlus, /in the future/]] as const) {
      const r = await s.api('POST', '/api/v1/incidents', { json: { incident: sampleIncident({ date }) } });
      expect(r.status, date).toBe(400);
      expect(r.body.error.message).toMatch(re);
    }
    const backwards = await s.api('POST', '/api/v1/incidents', { json: { incident: sampleIncident({ date: '2024-03-10' }), dateEnd: '2024-03-09' } });
    expect(backwards.status).toBe(400);
    expect(backwards.body.error.message).toMatch(/body\.dateEnd: 2024-03-09 is before the start day 2024-03-10/);
    expect(backwards.body.error.details.fields).toEqual([{ field: 'body.dateEnd', reason: '2024-03-09 is before the start day 2024-03-10' }]);
    const early = await s.api('POST', '/api/v1/incidents', { json: { incident: sampleIncident({ date: '1899-12-31' }) } });
    expect(early.body.error.details.fields[0]).toMatchObject({ field: 'body.incident.date' });
    expect((await s.api('POST', '/api/v1/incidents', { json: { incident: sampleIncident({ date: '1900-01-01' }) } })).status).toBe(201);
    // Tomorrow (UTC) is already today east of UTC: the day of slack lets it be recorded.
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    expect((await s.api('POST', '/api/v1/incidents', { json: { incident: sampleIncident({ date: tomorrow }) } })).status).toBe(201);
    const made = await s.api('POST', '/api/v1/incidents', { json: { incident: sampleIncident({ date: '2024-03-10' }), dateEnd: '2024-03-11' } });
    expect(made.status).toBe(201);
    const patch = await s.api('PATCH', `/api/v1/incidents/${made.body.id}`, { json: { version: 1, dateEnd: '2024-03-01' } });
    expect(patch.status).toBe(400);
    // What-if still assesses a day to come: it records nothing.
    expect((await s.api('POST', '/api/v1/assess', { json: { incident: sampleIncident({ date: '2999-01-01' }) } })).status).toBe(200);
  });

  it('rejects an imported row dated in the future alone, naming its line and column', async () => {
    const rows = realRows().slice(20, 23).map((r) => [...r]);
    rows[1]![col.date_start] = '01/01/2999 00:00:00.000';
    rows[1]![col.date_end] = '01/01/2999 00:00:00.000';
    const form = new FormData();
    form.append('format', 'ucdp');
    form.append('file', new Blob([`${UCDP_COLUMNS.join(',')}\n${rows.map(csvLine).join('')}`], { type: 'text/csv' }), 'future.csv');
    const r = await s.api('POST', '/api/v1/imports', { body: form });
    expect(r.status).toBe(202);
    await s.app.foedus.jobs.idle();
    const job = await s.api('GET', `/api/v1/imports/${r.body.job.id}`);
    expect(job.body.progress).toMatchObject({ rows: 3, imported: 2, rejected: 1 });
    expect(job.body.summary.rejections[0]).toMatchObject({ column: 'date_start', line: 3 });
    expect(job.body.summary.rejections[0].reason).toMatch(/2999-01-01 is in the future/);
  });
});
