import { describe, expect, it } from 'vitest';
import { InputError } from '../errors.ts';
import { parseIncident, parseIncidents } from './validate.ts';

const base = {
  date: '2023-08-15',
  kind: 'terrorist_attack',
  location: { lat: 14.35, lon: 1.45 }, // Tillabéri region, Niger
  perpetrator: { type: 'non_state_armed_group', name: 'IS Sahel' },
  target: { type: 'armed_forces', country: 'NER' },
};

function errorOf(fn: () => unknown): InputError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return e as InputError;
  }
  throw new Error('expected an InputError');
}

describe('parseIncident', () => {
  it('accepts a valid incident and derives the location country from the point', () => {
    const inc = parseIncident(base);
    expect(inc.location.country).toBe('NER');
    expect(inc.target.country).toBe('NER');
  });

  it('does not modify its input', () => {
    const input = structuredClone(base);
    parseIncident(input);
    expect(input.location).toEqual({ lat: 14.35, lon: 1.45 });
  });

  it('names the JSON path and the reason of a schema error', () => {
    const e = errorOf(() => parseIncident({ ...base, location: { lat: 95, lon: 1 } }, 'incident.json'));
    expect(e.message).toBe(
      'incident.json: location.lat: latitude must be between -90 and 90 (see the incident format in DEVELOPERS.md / issue 2)',
    );
    expect(e.where).toBe('incident.json');
    expect(errorOf(() => parseIncident({ ...base, location: { lat: 1, lon: 200 } })).message).toMatch(/^location\.lon: longitude must be between -180 and 180/);
  });

  it('names array indices and unknown fields', () => {
    expect(errorOf(() => parseIncident({ ...base, assistance_requested_by: ['MLI', 'XXX'] })).message).toMatch(/^assistance_requested_by\[1\]: not an ISO 3166-1 alpha-3/);
    expect(errorOf(() => parseIncident({ ...base, colour: 'red' })).message).toMatch(/unknown field\(s\) "colour"/);
    expect(errorOf(() => parseIncident({ ...base, kind: 'invasion' })).message).toMatch(/^kind: /);
  });

  it('rejects impossible dates', () => {
    expect(errorOf(() => parseIncident({ ...base, date: '2023-02-30' })).message).toMatch(/^date: not a real calendar date/);
    expect(errorOf(() => parseIncident({ ...base, date: '15/08/2023' })).message).toMatch(/^date: /);
    expect(parseIncident({ ...base, date: '2024-02-29' }).date).toBe('2024-02-29');
  });

  it('needs lat and lon together', () => {
    const e = errorOf(() => parseIncident({ ...base, location: { lat: 14.35, country: 'NER' } }, 'x.json'));
    expect(e.where).toBe('x.json: location.lon');
    expect(e.message).toMatch(/latitude is given without longitude/);
    expect(errorOf(() => parseIncident({ ...base, location: { lon: 1.45, country: 'NER' } })).where).toBe('location.lat');
  });

  it('needs a country or a point', () => {
    expect(errorOf(() => parseIncident({ ...base, location: {} })).message).toMatch(/needs a country \(ISO3\) or lat and lon/);
    expect(parseIncident({ ...base, location: { country: 'MLI' } }).location).toEqual({ country: 'MLI' });
  });

  it('leaves the country undefined for a point in international waters', () => {
    const inc = parseIncident({ ...base, kind: 'armed_attack', location: { lat: 0, lon: -30 }, target: { type: 'vessel_or_aircraft', country: 'MLI' } });
    expect(inc.location.country).toBeUndefined();
    expect(inc.target.country).toBe('MLI');
  });

  it('keeps a given country that disagrees with the point (UCDP 501478 sits in Nigeria)', () => {
    const inc = parseIncident({ ...base, location: { country: 'BFA', lat: 11.955231, lon: 3.658818 } });
    expect(inc.location.country).toBe('BFA');
  });

  it('rejects coordinates that look swapped', () => {
    // Ouagadougou is lat 12.37, lon -1.52; given the other way round the point is in the Gulf of Guinea.
    const e = errorOf(() => parseIncident({ ...base, location: { country: 'BFA', lat: -1.5197, lon: 12.3714 } }));
    expect(e.message).toBe(
      'location: coordinates look swapped (lat -1.5197, lon 12.3714 lies in Gabon; did you mean lat 12.3714, lon -1.5197?)',
    );
    // Niamey swapped (lat 2.13, lon 13.51) falls in Cameroon.
    expect(errorOf(() => parseIncident({ ...base, location: { country: 'NER', lat: 2.1254, lon: 13.5116 } })).message).toMatch(/coordinates look swapped/);
  });

  it('needs the country of a state perpetrator', () => {
    const e = errorOf(() => parseIncident({ ...base, perpetrator: { type: 'state' } }));
    expect(e.where).toBe('perpetrator.country');
    expect(parseIncident({ ...base, perpetrator: { type: 'state', country: 'NGA' } }).perpetrator.country).toBe('NGA');
  });

  it('fills a territory target country from the location, and keeps a given one', () => {
    expect(parseIncident({ ...base, target: { type: 'territory' } }).target.country).toBe('NER');
    expect(parseIncident({ ...base, target: { type: 'territory', country: 'MLI' } }).target.country).toBe('MLI');
    expect(parseIncident({ ...base, target: { type: 'civilians' } }).target.country).toBeUndefined();
  });
});

describe('parseIncidents', () => {
  it('accepts one incident or an array, naming the bad element', () => {
    expect(parseIncidents(base)).toHaveLength(1);
    expect(parseIncidents([base, base])).toHaveLength(2);
    const e = errorOf(() => parseIncidents([base, { ...base, date: '2023-13-01' }], 'batch.json'));
    expect(e.message).toMatch(/^batch\.json\[1\]: date: not a real calendar date/);
  });
});
