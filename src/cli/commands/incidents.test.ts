import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../main.ts';
import { openStore } from '../../store/store.ts';
import { makeRecord } from '../../store/incidents/fixtures.ts';

/** `foedus incidents …` in-process on a real SQLite file; stdout and stderr captured. */

let dir: string;
let db: string;

async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [], err: string[] = [];
  const ow = process.stdout.write.bind(process.stdout), ew = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((s: string | Uint8Array) => (out.push(String(s)), true)) as typeof process.stdout.write;
  process.stderr.write = ((s: string | Uint8Array) => (err.push(String(s)), true)) as typeof process.stderr.write;
  const before = process.exitCode;
  try {
    const code = await main(['node', 'foedus', ...args]);
    return { code, out: out.join(''), err: err.join('') };
  } finally {
    process.stdout.write = ow;
    process.stderr.write = ew;
    process.exitCode = before;
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'foedus-cli-incidents-'));
  db = join(dir, 'foedus.db');
  const store = await openStore({ dialect: 'sqlite', path: db });
  await store.incidents.upsertMany([
    makeRecord({ id: 'ucdp_ged:1', date: '2024-03-01', country: 'MLI', lat: 14.5, lon: -4.2, kind: 'terrorist_attack', notes: 'Ambush near Boni, "heavy" losses' }),
    makeRecord({ id: 'ucdp_ged:2', date: '2023-04-01', country: 'BFA', lat: 12.3, lon: -1.5, kind: 'terrorist_attack' }),
    makeRecord({ id: 'ucdp_ged:3', date: '2022-01-01', country: 'NER', lat: null, lon: null, precision: 'country' }),
  ]);
  await store.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('foedus incidents', () => {
  it('count --json prints only {"count": N}, filters applied', async () => {
    expect(await run('incidents', 'count', '--db', db, '--json')).toMatchObject({ code: 0, out: '{"count":3}\n' });
    expect((await run('incidents', 'count', '--db', db, '--json', '--bbox', '-5,14,-4,15')).out).toBe('{"count":1}\n');
    expect((await run('incidents', 'count', '--db', db, '--json', '--from', '2024-01-01', '--to', '2024-12-31')).out).toBe('{"count":1}\n');
    expect((await run('incidents', 'count', '--db', db, '--json', '--country', 'bfa,ner')).out).toBe('{"count":2}\n');
    expect((await run('incidents', 'count', '--db', db, '--json', '--kind', 'terrorist_attack')).out).toBe('{"count":2}\n');
  });

  it('refuses bad flags with exit 2 and one line', async () => {
    for (const [args, msg] of [
      [['--bbox', '1,2,3'], /--bbox needs four numbers/],
      [['--from', '2023-05-01', '--to', '2023-01-01'], /--from 2023-05-01 is after --to 2023-01-01/],
      [['--country', 'XYZ'], /--country "XYZ" is not an ISO 3166-1 alpha-3/],
      [['--from', '2023-02-30'], /not a real calendar day/],
      [['--bbox', '10,0,5,1'], /minimum above its maximum/],
    ] as Array<[string[], RegExp]>) {
      const r = await run('incidents', 'count', '--db', db, ...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.out).toBe('');
      expect(r.err).toMatch(msg);
      expect(r.err.trim().split('\n')).toHaveLength(1);
    }
  });

  it('lists a readable table, or JSON lines with --json', async () => {
    const t = await run('incidents', 'list', '--db', db);
    expect(t.code).toBe(0);
    expect(t.out.split('\n')[1]).toMatch(/^2024-03-01 {2}ucdp_ged:1/);
    expect(t.out).toMatch(/country\*/); // the coarse one is flagged
    const j = await run('incidents', 'list', '--db', db, '--json', '--limit', '2');
    const lines = j.out.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((r) => r.id)).toEqual(['ucdp_ged:1', 'ucdp_ged:2']);
    const cursor = /--cursor (\S+)/.exec((await run('incidents', 'list', '--db', db, '--limit', '2')).err)![1]!;
    const next = await run('incidents', 'list', '--db', db, '--json', '--limit', '2', '--cursor', cursor);
    expect(next.out.trim().split('\n').map((l) => JSON.parse(l).id)).toEqual(['ucdp_ged:3']);
  });

  it('shows one incident, and says so when there is none', async () => {
    const r = await run('incidents', 'show', 'ucdp_ged:1', '--db', db, '--json');
    expect(JSON.parse(r.out).id).toBe('ucdp_ged:1');
    expect((await run('incidents', 'show', 'ucdp_ged:1', '--db', db)).out).toMatch(/precision: exact/);
    const none = await run('incidents', 'show', 'ucdp_ged:999', '--db', db);
    expect(none.code).toBe(2);
    expect(none.err).toMatch(/no incident with id "ucdp_ged:999"/);
  });

  it('exports CSV and GeoJSON (null geometry when there is no point) to a file', async () => {
    const csv = join(dir, 'out.csv');
    expect((await run('incidents', 'export', '--db', db, '--format', 'csv', '--out', csv)).code).toBe(0);
    const text = readFileSync(csv, 'utf8');
    expect(text.split('\n')[0]).toMatch(/^id,date,date_end/);
    expect(text).toContain('"Ambush near Boni, ""heavy"" losses"');
    const gj = join(dir, 'out.geojson');
    expect((await run('incidents', 'export', '--db', db, '--format', 'geojson', '--out', gj, '--country', 'MLI,NER')).code).toBe(0);
    const fc = JSON.parse(readFileSync(gj, 'utf8'));
    expect(fc.type).toBe('FeatureCollection');
    expect(fc.features.map((f: { id: string }) => f.id)).toEqual(['ucdp_ged:1', 'ucdp_ged:3']);
    expect(fc.features[0].geometry).toEqual({ type: 'Point', coordinates: [-4.2, 14.5] });
    expect(fc.features[1].geometry).toBeNull();
    expect(fc.features[1].properties.coarse).toBe(true);
    expect(fc.attribution).toMatch(/UCDP/);
    const bad = await run('incidents', 'export', '--db', db, '--format', 'xml');
    expect(bad.code).toBe(2);
  });

  it('assess stores the triggered charter/article pairs, and a second run changes nothing', async () => {
    const first = await run('incidents', 'assess', '--db', db, '--json');
    expect(first.code).toBe(0);
    const s1 = JSON.parse(first.out);
    expect(s1.assessed).toBe(3);
    expect(s1.changed).toBe(3);
    expect(s1.triggering).toBeGreaterThan(0);
    const second = JSON.parse((await run('incidents', 'assess', '--db', db, '--json')).out);
    expect(second).toEqual({ assessed: 3, changed: 0, triggering: s1.triggering });
    const rec = JSON.parse((await run('incidents', 'show', 'ucdp_ged:1', '--db', db, '--json')).out);
    expect(rec.assessment.length).toBeGreaterThan(0);
    for (const pair of rec.assessment) expect(pair).toMatch(/^[\w.-]+\/[\w.-]+$/);
  });
});
