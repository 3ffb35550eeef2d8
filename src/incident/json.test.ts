import { describe, expect, it } from 'vitest';
import { InputError } from '../errors.ts';
import type { IncidentRecord } from './record.ts';
import { canonicalJson, isItemError, mapIncidentJson, parseIncidentJsonText, type ItemError } from './json.ts';

const NOW = '2026-11-28T05:00:00.000Z';
const inc = {
  date: '2023-08-15',
  kind: 'terrorist_attack',
  location: { lat: 14.35, lon: 1.45 },
  perpetrator: { type: 'non_state_armed_group', name: 'IS Sahel' },
  target: { type: 'armed_forces', country: 'NER' },
  fatalities: 17,
};

describe('incident JSON → records', () => {
  it('maps one incident, deriving country and admin-1, with a content-hash id', () => {
    const [r] = mapIncidentJson(inc, NOW, 'one.json') as IncidentRecord[];
    expect(r!.id).toMatch(/^incident_json:[0-9a-f]{16}$/);
    expect(r!.incident).toMatchObject({ id: r!.id, location: { country: 'NER', lat: 14.35, lon: 1.45 }, fatalities: 17 });
    expect(r).toMatchObject({
      source: { dataset: 'incident_json', eventType: null }, admin1Derived: 'Tillabéri', locationPrecision: 'exact',
      fatalities: { best: 17, low: null, high: null }, version: 1, assessment: null, createdAt: NOW, updatedAt: NOW,
      actors: [{ name: 'IS Sahel', role: 'perpetrator' }],
    });
    expect(r!.reports).toEqual([{ dataset: 'incident_json', sourceId: r!.source.id, sourceTimestamp: null, raw: inc, importedAt: NOW }]);
  });

  it('gives the same id to the same content whatever the key order (idempotent re-import)', () => {
    const reordered = JSON.parse(JSON.stringify({ target: inc.target, fatalities: 17, perpetrator: inc.perpetrator, location: { lon: 1.45, lat: 14.35 }, kind: inc.kind, date: inc.date }));
    const a = mapIncidentJson(inc, NOW)[0] as IncidentRecord;
    const b = mapIncidentJson(reordered, '2030-01-01T00:00:00Z')[0] as IncidentRecord;
    expect(b.id).toBe(a.id);
    expect((mapIncidentJson({ ...inc, fatalities: 18 }, NOW)[0] as IncidentRecord).id).not.toBe(a.id);
    expect(canonicalJson({ b: 1, a: [{ d: 1, c: 2 }] })).toBe('{"a":[{"c":2,"d":1}],"b":1}');
  });

  it("uses the incident's own id when it has one", () => {
    const r = mapIncidentJson({ ...inc, id: 'ops-2023-081' }, NOW)[0] as IncidentRecord;
    expect(r.id).toBe('incident_json:ops-2023-081');
    expect(r.incident.id).toBe('ops-2023-081');
  });

  it('maps an array, reporting bad elements by index and JSON path while the rest go on', () => {
    const out = mapIncidentJson([inc, { ...inc, location: { lat: 14.35 } }, { ...inc, date: '2023-02-29' }, { ...inc, location: { country: 'MLI' } }], NOW, 'batch.json');
    expect(out.map((r) => isItemError(r))).toEqual([false, true, true, false]);
    expect(out[1]).toEqual({
      index: 1, line: 0, path: '[1].location.lon', where: 'batch.json: [1].location.lon',
      reason: 'latitude is given without longitude: give both lat and lon, or neither',
    });
    expect(out[2]).toMatchObject({ index: 2, path: '[2].date', where: 'batch.json: [2].date' });
    expect((out[2] as ItemError).reason).toMatch(/^date: not a real calendar date/);
    expect((out[3] as IncidentRecord).locationPrecision).toBe('country');
  });

  it('rejects what is not JSON or not an incident', () => {
    expect(() => parseIncidentJsonText('{"date": ', NOW, 'x.json')).toThrow(InputError);
    expect(() => parseIncidentJsonText('{"date": ', NOW, 'x.json')).toThrow(/^x\.json: not valid JSON/);
    expect(() => mapIncidentJson(42, NOW, 'x.json')).toThrow(/^x\.json: expected an incident object or an array/);
    expect(mapIncidentJson({ ...inc, kind: 'war' }, NOW, 'lone.json')[0]).toMatchObject({ index: 0, path: 'kind', where: 'lone.json: kind' });
    expect(parseIncidentJsonText(JSON.stringify([inc]), NOW)).toHaveLength(1);
  });
});
