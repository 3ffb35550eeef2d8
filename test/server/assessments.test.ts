import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHARTERS_KEY } from '../../src/server/assessments.ts';
import { makeRecord } from '../../src/store/incidents/fixtures.ts';
import { DIALECTS } from '../../src/store/testing.ts';
import { sampleIncident, startTestServer, type TestServer } from './helpers.ts';

/**
 * Stored assessments stay current with no command run by hand: computed in the background
 * after incidents are written, and all of them again when the charters' versions change,
 * with progress on /readyz; lists and counts filter on what they trigger, and the CLI's
 * count agrees with the API's.
 */

const BIN = fileURLToPath(new URL('../../bin/foedus.js', import.meta.url));

async function settled(s: TestServer): Promise<void> {
  await s.app.foedus.assessments.idle();
}

describe.each(DIALECTS)('stored assessments (%s)', (dialect) => {
  let s: TestServer;
  // 30 attacks on Niger's forces (AES art. 6) and 20 riots (nothing triggered).
  const attacks = Array.from({ length: 30 }, (_, i) => makeRecord({ country: 'NER', lat: 14 + i / 100, lon: 1.4, date: '2024-03-10' }));
  const riots = Array.from({ length: 20 }, (_, i) => makeRecord({ country: 'MLI', lat: 12.6 + i / 100, lon: -8, date: '2024-03-11', kind: 'civil_unrest' }));

  beforeAll(async () => {
    s = await startTestServer(dialect);
    await s.store.incidents.upsertMany([...attacks, ...riots], { actor: 'test:seed' });
    s.app.foedus.assessments.kick();
    await settled(s);
  });
  afterAll(async () => s?.close());

  it('assesses what was written, with no command run by hand', async () => {
    expect(await s.store.incidents.count({ assessed: false })).toBe(0);
    expect(await s.store.incidents.count({ triggers: 'aes-2023/6' })).toBe(30);
    expect(await s.store.incidents.count({ triggers: 'any' })).toBe(30);
    const r = await s.api('GET', '/api/v1/incidents/count?triggers=aes-2023', { as: 'observer' });
    expect(r.body.count).toBe(30);
    const list = await s.api('GET', '/api/v1/incidents?triggers=aes-2023/6&limit=5', { as: 'observer' });
    expect(list.body.items[0].assessment).toContain('aes-2023/6');
    expect((await s.api('GET', '/api/v1/incidents/count?triggers=AES', { as: 'observer' })).status).toBe(400);
    const ready = await s.api('GET', '/readyz', { as: null });
    expect(ready.body.assessments).toMatchObject({ state: 'current' });
    expect(ready.body.assessments.charters).toMatch(/aes-2023@\d+\.\d+\.\d+/);
  });

  it('assesses a manual record right after it is written', async () => {
    const made = await s.api('POST', '/api/v1/incidents', { json: { incident: sampleIncident({ location: { lat: 14.2, lon: 1.45 }, target: { type: 'armed_forces', country: 'NER' } }) } });
    expect(made.status).toBe(201);
    await settled(s);
    expect((await s.store.incidents.get(made.body.id))!.assessment).toContain('aes-2023/6');
  });

  it('assesses every incident again when the charters changed, saying so on /readyz', async () => {
    await s.store.meta.set(CHARTERS_KEY, 'aes-2023@0.0.1', new Date().toISOString());
    await s.store.incidents.setAssessments(attacks.map((a) => ({ id: a.id, assessment: [] })));
    expect(await s.store.incidents.count({ triggers: 'aes-2023/6' })).toBe(1);
    s.app.foedus.assessments.start();
    const during = await s.api('GET', '/readyz', { as: null });
    expect(['refreshing', 'current']).toContain(during.body.assessments.state);
    await settled(s);
    expect(s.app.foedus.assessments.status).toMatchObject({ reason: 'charters_changed', done: 51, total: 51 });
    expect(await s.store.incidents.count({ triggers: 'aes-2023/6' })).toBe(31);
    expect(await s.store.meta.get(CHARTERS_KEY)).toBe(s.app.foedus.assessments.status.charters);
  });

  it('colours the map by article: each cluster counts its incidents per article, exactly as the filters count them', async () => {
    type C = { count: number; triggering: number; articles: Record<string, number>; cell: string };
    const sum = (cs: C[], f: (c: C) => number) => cs.reduce((a, c) => a + f(c), 0);
    for (const zoom of [3, 8, 12]) {
      const r = await s.api('GET', `/api/v1/incidents/clusters?bbox=-12,8,16,25&zoom=${zoom}&by=aes-2023`, { as: 'observer' });
      expect(r.status).toBe(200);
      const cs = r.body.clusters as C[];
      const count = async (q: string) => (await s.api('GET', `/api/v1/incidents/count?bbox=-12,8,16,25${q}`, { as: 'observer' })).body.count as number;
      expect(sum(cs, (c) => c.count)).toBe(await count(''));
      expect(sum(cs, (c) => c.triggering)).toBe(await count('&triggers=aes-2023'));
      expect(sum(cs, (c) => c.articles['6'] ?? 0)).toBe(await count('&triggers=aes-2023/6'));
      expect(sum(cs, (c) => c.articles['6'] ?? 0)).toBeGreaterThan(0);
      for (const c of cs) {
        expect(c.triggering).toBeLessThanOrEqual(c.count);
        for (const n of Object.values(c.articles)) expect(n).toBeLessThanOrEqual(c.triggering);
        // Each cell's article count is the count of that very cell under the article's filter.
        if (c.articles['6']) expect(await count(`&cell=${c.cell}&triggers=aes-2023/6`)).toBe(c.articles['6']);
      }
    }
    // With other filters: the riots trigger nothing, and a triggers filter is kept (an AND, not replaced).
    const riots = await s.api('GET', '/api/v1/incidents/clusters?bbox=-12,8,16,25&zoom=5&by=aes-2023&kind=civil_unrest', { as: 'observer' });
    expect(sum(riots.body.clusters as C[], (c) => c.count)).toBe(20);
    expect(sum(riots.body.clusters as C[], (c) => c.triggering)).toBe(0);
    const nato = await s.api('GET', '/api/v1/incidents/clusters?bbox=-12,8,16,25&zoom=5&by=aes-2023&triggers=nato-1949', { as: 'observer' });
    expect(nato.status).toBe(200);
    expect(sum(nato.body.clusters as C[], (c) => c.triggering)).toBe(0);
    const bad = await s.api('GET', '/api/v1/incidents/clusters?bbox=-12,8,16,25&zoom=5&by=aes', { as: 'observer' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/unknown charter "aes".*aes-2023/);
    // Without `by`, the clusters stay as they were.
    const plain = await s.api('GET', '/api/v1/incidents/clusters?bbox=-12,8,16,25&zoom=5', { as: 'observer' });
    expect(plain.body.clusters[0]).not.toHaveProperty('articles');
  });

  it('counts what triggers an article the same from the CLI and the API', async () => {
    if (s.config.dialect !== 'sqlite') return; // the CLI reaches a test schema of PostgreSQL only through the test's own config
    const cli = spawnSync(process.execPath, [BIN, 'incidents', 'count', '--triggers', 'aes-2023/6', '--json', '--db', s.config.path], { encoding: 'utf8', env: { ...process.env, FOEDUS_FROM_SOURCE: '1' } });
    expect(cli.status, cli.stderr).toBe(0);
    const api = await s.api('GET', '/api/v1/incidents/count?triggers=aes-2023/6', { as: 'observer' });
    expect(JSON.parse(cli.stdout).count).toBe(api.body.count);
  });
});
