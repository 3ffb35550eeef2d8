import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Incident } from '../incident/incident.ts';
import { assess, compileCharters, type Assessment, type TriggeredProvision } from './engine.ts';
import { loadCharters } from './loader.ts';

/**
 * Every encoded provision, tested on real dated events from
 * docs/sources/charters.md and on the edge days around them.
 * Where the event is hypothetical (an attack that did not happen), the test
 * says so; the dates of membership and validity are the real ones.
 */

const CHARTERS = loadCharters(fileURLToPath(new URL('../../charters', import.meta.url)));

function incident(p: Partial<Incident> & Pick<Incident, 'date' | 'kind'>): Incident {
  return {
    location: {},
    perpetrator: { type: 'unknown' },
    target: { type: 'territory' },
    ...p,
  } as Incident;
}

function find(r: Assessment, charter: string, provision: string): TriggeredProvision | undefined {
  return r.triggered.find((t) => t.charter === charter && t.provision === provision);
}

function notTriggered(r: Assessment, charter: string, provision: string) {
  const n = r.not_triggered.find((t) => t.charter === charter && t.provision === provision);
  if (!n) throw new Error(`${charter} ${provision} is not in not_triggered`);
  return n;
}

/**
 * The provision is triggered for `beneficiary`, obliging `obligated` (the list, or how many, and
 * never the beneficiary itself), with the charter's deadline (`value`; null where the charter sets none).
 */
function expectTriggered(r: Assessment, charter: string, provision: string, beneficiary: string, obligated: string[] | number, deadline: string | null): TriggeredProvision {
  const t = find(r, charter, provision);
  expect(t, `${charter} ${provision} triggered`).toBeDefined();
  expect(t!.beneficiary).toBe(beneficiary);
  if (typeof obligated === 'number') expect(t!.obligated).toHaveLength(obligated);
  else expect(t!.obligated).toEqual(obligated);
  expect(t!.obligated).not.toContain(beneficiary);
  expect(t!.deadline.value).toBe(deadline);
  expect(t!.deadline.text.length).toBeGreaterThan(0);
  return t!;
}

function failed(r: Assessment, charter: string, provision: string) {
  const trace = notTriggered(r, charter, provision).trace;
  const last = trace[trace.length - 1]!;
  expect(last.held).toBe(false);
  return last;
}

const NATO_2001 = ['BEL', 'CAN', 'CZE', 'DEU', 'DNK', 'ESP', 'FRA', 'GBR', 'GRC', 'HUN', 'ISL', 'ITA', 'LUX', 'NLD', 'NOR', 'POL', 'PRT', 'TUR', 'USA'];

describe('NATO art. 5 and the art. 6 area', () => {
  // 11 Sept 2001: the first (and only) invocation of art. 5, for an attack by a non-state group.
  const nineEleven = incident({
    id: '9/11',
    date: '2001-09-11',
    kind: 'terrorist_attack',
    location: { country: 'USA', lat: 40.7115, lon: -74.0134 },
    perpetrator: { type: 'non_state_armed_group', name: 'al-Qaeda' },
    target: { type: 'civilians', country: 'USA' },
  });

  it('9/11: art. 5 triggered for the United States; obligated = the other 18 members of that day', () => {
    const r = assess(nineEleven, CHARTERS);
    const t = find(r, 'nato-1949', '5.collective_defence')!;
    expect(t).toBeDefined();
    expect(t.article).toBe('5');
    expect(t.beneficiary).toBe('USA');
    expect(t.obligated).toEqual(NATO_2001.filter((c) => c !== 'USA'));
    expect(t.obligated).toHaveLength(18);
    expect(t.obligation.armed_force).toBe('allowed');
    expect(t.deadline.value).toBe('forthwith');
    const place = t.trace.find((i) => i.condition === 'place')!;
    expect(place.held).toBe(true);
    expect(place.detail).toContain('North America');
    expect(t.trace[0]!.detail).toContain('11 September 2001');
  });

  it('9/11 in French names the parties and the date in French', () => {
    const r = assess(nineEleven, CHARTERS, undefined, { lang: 'fr' });
    const t = find(r, 'nato-1949', '5.collective_defence')!;
    expect(t.trace[0]!.detail).toContain('11 septembre 2001');
    expect(t.trace.find((i) => i.condition === 'beneficiary_party')!.detail).toContain('États-Unis');
    expect(t.obligation.summary).toMatch(/Assister la partie attaquée/);
  });

  it('9/11 without coordinates: US territory is presumed in North America, and the trace says so', () => {
    const r = assess({ ...nineEleven, location: { country: 'USA' } }, CHARTERS);
    const t = find(r, 'nato-1949', '5.collective_defence')!;
    expect(t.trace.find((i) => i.condition === 'place')!.detail).toMatch(/presumed/);
  });

  const attackOn = (country: string, date: string, lat: number, lon: number): Incident =>
    incident({ date, kind: 'armed_attack', location: { country, lat, lon }, perpetrator: { type: 'state', country: 'RUS' }, target: { type: 'territory', country } });

  it('Finland: not a party on 2023-04-03, a party from its accession day 2023-04-04', () => {
    const before = assess(attackOn('FIN', '2023-04-03', 60.17, 24.94), CHARTERS);
    expect(find(before, 'nato-1949', '5.collective_defence')).toBeUndefined();
    const why = failed(before, 'nato-1949', '5.collective_defence');
    expect(why.condition).toBe('beneficiary_party');
    expect(why.detail).toContain('4 April 2023');
    const on = assess(attackOn('FIN', '2023-04-04', 60.17, 24.94), CHARTERS);
    const t = find(on, 'nato-1949', '5.collective_defence')!;
    expect(t.beneficiary).toBe('FIN');
    expect(t.obligated).toHaveLength(30);
    expect(t.obligated).not.toContain('SWE');
    expect(t.obligated).not.toContain('RUS');
  });

  it('Sweden: not a party on 2024-03-06, a party on 2024-03-07, and obligated for Finland from that day', () => {
    expect(find(assess(attackOn('SWE', '2024-03-06', 59.33, 18.07), CHARTERS), 'nato-1949', '5.collective_defence')).toBeUndefined();
    const t = find(assess(attackOn('SWE', '2024-03-07', 59.33, 18.07), CHARTERS), 'nato-1949', '5.collective_defence')!;
    expect(t.obligated).toHaveLength(31);
    expect(find(assess(attackOn('FIN', '2024-03-06', 60.17, 24.94), CHARTERS), 'nato-1949', '5.collective_defence')!.obligated).not.toContain('SWE');
    expect(find(assess(attackOn('FIN', '2024-03-07', 60.17, 24.94), CHARTERS), 'nato-1949', '5.collective_defence')!.obligated).toContain('SWE');
  });

  it('`at` reads membership on another day than the incident date', () => {
    const r = assess(attackOn('FIN', '2023-04-03', 60.17, 24.94), CHARTERS, '2023-04-04');
    expect(r.at).toBe('2023-04-04');
    const t = expectTriggered(r, 'nato-1949', '5.collective_defence', 'FIN', 30, 'forthwith');
    expect(t.obligated).not.toContain('SWE');
  });

  it('French Guiana (Cayenne) is outside the art. 6 area: art. 5 not triggered', () => {
    const r = assess(attackOn('FRA', '2024-06-01', 4.93, -52.33), CHARTERS);
    expect(find(r, 'nato-1949', '5.collective_defence')).toBeUndefined();
    const why = failed(r, 'nato-1949', '5.collective_defence');
    expect(why.condition).toBe('place');
    expect(why.detail).toMatch(/outside Europe, North America/);
    // The same attack on metropolitan France (Paris) is covered.
    expect(expectTriggered(assess(attackOn('FRA', '2024-06-01', 48.86, 2.35), CHARTERS), 'nato-1949', '5.collective_defence', 'FRA', 31, 'forthwith').obligated).toContain('SWE');
  });

  it('Hawaii is outside the art. 6 area; so is a US warship in Pearl Harbor', () => {
    expect(find(assess(attackOn('USA', '2024-06-01', 21.3, -157.85), CHARTERS), 'nato-1949', '5.collective_defence')).toBeUndefined();
    const ship = incident({ date: '2024-06-01', kind: 'armed_attack', location: { country: 'USA', lat: 21.35, lon: -157.95 }, perpetrator: { type: 'state', country: 'PRK' }, target: { type: 'vessel_or_aircraft', country: 'USA' } });
    expect(find(assess(ship, CHARTERS), 'nato-1949', '5.collective_defence')).toBeUndefined();
  });

  it('a party ship attacked in the Mediterranean (international waters) is covered', () => {
    const ship = incident({ date: '2024-06-01', kind: 'armed_attack', location: { lat: 34.5, lon: 18.0 }, perpetrator: { type: 'state', country: 'IRN' }, target: { type: 'vessel_or_aircraft', country: 'ITA' } });
    const t = find(assess(ship, CHARTERS), 'nato-1949', '5.collective_defence')!;
    expect(t.trace.find((i) => i.condition === 'place')!.detail).toContain('Mediterranean');
    // … but not in the Gulf of Guinea, south of the Tropic of Cancer.
    expect(find(assess({ ...ship, location: { lat: 3.0, lon: 2.0 } }, CHARTERS), 'nato-1949', '5.collective_defence')).toBeUndefined();
  });

  it('Ceuta (Spanish territory in Africa) is outside; the Canary Islands (north of the Tropic) are inside', () => {
    expect(find(assess(attackOn('ESP', '2024-06-01', 35.89, -5.32), CHARTERS), 'nato-1949', '5.collective_defence')).toBeUndefined();
    expectTriggered(assess(attackOn('ESP', '2024-06-01', 28.12, -15.43), CHARTERS), 'nato-1949', '5.collective_defence', 'ESP', 31, 'forthwith');
  });

  it('Falklands, 2 April 1982: British territory far south of the Tropic is outside the area', () => {
    const r = assess(incident({ date: '1982-04-02', kind: 'armed_attack', location: { country: 'FLK', lat: -51.7, lon: -57.85 }, perpetrator: { type: 'state', country: 'ARG' }, target: { type: 'territory', country: 'GBR' } }), CHARTERS);
    expect(find(r, 'nato-1949', '5.collective_defence')).toBeUndefined();
    expect(failed(r, 'nato-1949', '5.collective_defence').condition).toBe('place');
  });

  it('the Algerian departments counted as French territory until 2 July 1962, not from 3 July 1962', () => {
    const algiers = (date: string) => incident({ date, kind: 'armed_attack', location: { country: 'DZA', lat: 36.75, lon: 3.06 }, perpetrator: { type: 'state', country: 'EGY' }, target: { type: 'territory', country: 'FRA' } });
    const t = find(assess(algiers('1962-07-02'), CHARTERS), 'nato-1949', '5.collective_defence')!;
    expect(t.trace.find((i) => i.condition === 'place')!.detail).toMatch(/Algerian departments/);
    expect(find(assess(algiers('1962-07-03'), CHARTERS), 'nato-1949', '5.collective_defence')).toBeUndefined();
  });

  it('the treaty is not in force before 24 Aug 1949', () => {
    const r = assess(attackOn('FRA', '1949-08-23', 48.86, 2.35), CHARTERS);
    expect(failed(r, 'nato-1949', '5.collective_defence').condition).toBe('in_force');
  });
});

describe('NATO art. 4 consultation', () => {
  // 10 Sept 2025: Poland asked for consultations after Russian drones entered its airspace.
  const drones = incident({ date: '2025-09-10', kind: 'border_incursion', location: { country: 'POL', lat: 51.2, lon: 23.0 }, perpetrator: { type: 'state', country: 'RUS' }, target: { type: 'territory', country: 'POL' } });

  it('Poland, 10 Sept 2025: triggered on its request; all 32 parties consult', () => {
    const t = find(assess({ ...drones, assistance_requested_by: ['POL'] }, CHARTERS), 'nato-1949', '4.consultation')!;
    expect(t.obligation.action).toBe('consult');
    expect(t.obligated).toHaveLength(32);
    expect(t.trace.find((i) => i.condition === 'request')!.detail).toContain('Poland');
  });

  it('without a request art. 4 is not triggered; a drone incursion is not an art. 5 armed attack', () => {
    const r = assess(drones, CHARTERS);
    expect(failed(r, 'nato-1949', '4.consultation').condition).toBe('request');
    expect(failed(r, 'nato-1949', '5.collective_defence').condition).toBe('kind');
  });
});

describe('AES Liptako-Gourma Charter (aes-2023)', () => {
  const stateAttackOnNiger = (date: string, by = 'NGA'): Incident =>
    incident({ date, kind: 'armed_attack', location: { country: 'NER', lat: 13.51, lon: 2.11 }, perpetrator: { type: 'state', country: by }, target: { type: 'territory', country: 'NER' } });

  it('art. 6: not in force on 2023-09-15, triggered from the signature day 2023-09-16', () => {
    const before = assess(stateAttackOnNiger('2023-09-15'), CHARTERS);
    const why = failed(before, 'aes-2023', '6.collective_defence');
    expect(why.condition).toBe('in_force');
    expect(why.detail).toContain('16 September 2023');
    const t = find(assess(stateAttackOnNiger('2023-09-16'), CHARTERS), 'aes-2023', '6.collective_defence')!;
    expect(t.beneficiary).toBe('NER');
    expect(t.obligated).toEqual(['BFA', 'MLI']);
    expect(t.obligation).toMatchObject({ action: 'assist', armed_force: 'allowed', individually_or_collectively: true });
  });

  it('Niger, October 2023: an ECOWAS member attacking Niger: Burkina Faso and Mali obligated under art. 6 while bound to the attacker through ECOWAS', () => {
    // Hypothetical attack on the real membership of 5 Oct 2023 (ECOWAS had ordered its standby force activated on 10 Aug 2023).
    const r = assess(stateAttackOnNiger('2023-10-05', 'NGA'), CHARTERS);
    expect(find(r, 'aes-2023', '6.collective_defence')!.obligated).toEqual(['BFA', 'MLI']);
    expect(r.conflicts).toHaveLength(2);
    expect(r.conflicts[0]).toMatchObject({ parties: ['BFA', 'NGA'], between: [{ charter: 'aes-2023', article: '6' }, { charter: 'ecowas-pmad-1981' }] });
    expect(r.conflicts[1]!.parties).toEqual(['MLI', 'NGA']);
    expect(r.conflicts[0]!.explanation).toContain('5 October 2023');
    expect(r.conflicts[0]!.explanation).toContain('Nigeria');
    // Under ECOWAS it is a conflict between two members (art. 4(a)), not an outside aggression (art. 3).
    expect(find(r, 'ecowas-pmad-1981', '4a.conflict_between_members')!.obligated).not.toContain('NGA');
    expect(failed(r, 'ecowas-pmad-1981', '3.mutual_assistance').condition).toBe('perpetrator_state');
  });

  it('no conflict once the three have left ECOWAS (attack in Feb 2025)', () => {
    const r = assess(stateAttackOnNiger('2025-02-01', 'NGA'), CHARTERS);
    expectTriggered(r, 'aes-2023', '6.collective_defence', 'NER', ['BFA', 'MLI'], null);
    expect(r.conflicts).toEqual([]);
  });

  it('art. 7(a): Malian forces deployed abroad are covered wherever they are', () => {
    const base = incident({ date: '2024-03-01', kind: 'armed_attack', location: { country: 'MRT', lat: 16.6, lon: -7.25 }, perpetrator: { type: 'non_state_armed_group', name: 'JNIM' }, target: { type: 'armed_forces', country: 'MLI', deployed_abroad: true } });
    const t = find(assess(base, CHARTERS), 'aes-2023', '6.collective_defence')!;
    expect(t.beneficiary).toBe('MLI');
    expect(t.obligated).toEqual(['BFA', 'NER']);
    expect(t.trace.find((i) => i.condition === 'place')!.detail).toContain('art. 7');
    // Not flagged as deployed abroad, the same attack in Mauritania is outside Mali's territory.
    const r = assess({ ...base, target: { type: 'armed_forces', country: 'MLI' } }, CHARTERS);
    expect(failed(r, 'aes-2023', '6.collective_defence').condition).toBe('place');
  });

  it('art. 7(b): a Burkinabè aircraft attacked over the sea (no state) is covered', () => {
    const t = find(assess(incident({ date: '2024-03-01', kind: 'armed_attack', location: { lat: 4.5, lon: 1.0 }, perpetrator: { type: 'unknown' }, target: { type: 'vessel_or_aircraft', country: 'BFA' } }), CHARTERS), 'aes-2023', '6.collective_defence')!;
    expect(t.beneficiary).toBe('BFA');
    expect(t.trace.find((i) => i.condition === 'place')!.detail).toMatch(/ships and aircraft.*art\. 7/i);
  });

  it('art. 4: a JNIM attack in Mali obliges all three parties; art. 6 also reports the attack on Mali', () => {
    // 17 Sept 2024: JNIM attack on the gendarmerie school and the airport area in Bamako.
    const jnim = incident({ date: '2024-09-17', kind: 'terrorist_attack', location: { country: 'MLI', lat: 12.6, lon: -7.98 }, perpetrator: { type: 'non_state_armed_group', name: 'JNIM' }, target: { type: 'armed_forces', country: 'MLI' } });
    const r = assess(jnim, CHARTERS);
    const t = find(r, 'aes-2023', '4.counter_terrorism')!;
    expect(t.beneficiary).toBe('MLI');
    expect(t.obligated).toEqual(['BFA', 'MLI', 'NER']);
    expect(t.deadline.value).toBeNull();
    expect(t.trace.find((i) => i.condition === 'place')!.detail).toContain('common space');
    expect(find(r, 'aes-2023', '6.collective_defence')!.obligated).toEqual(['BFA', 'NER']);
    // The same attack in Senegal is outside the common space.
    expect(find(assess({ ...jnim, location: { country: 'SEN', lat: 14.7, lon: -17.4 }, target: { type: 'armed_forces', country: 'SEN' } }, CHARTERS), 'aes-2023', '4.counter_terrorism')).toBeUndefined();
  });

  it('art. 5: an armed rebellion in northern Mali obliges all parties, from 16 Sept 2023 only', () => {
    // Mali resumed fighting the (mostly Tuareg) CMA rebels the week before the Charter was signed.
    const rebellion = (date: string) => incident({ date, kind: 'armed_rebellion', location: { country: 'MLI', lat: 16.95, lon: -0.35 }, perpetrator: { type: 'rebel_group', name: 'CSP-PSD / CMA' }, target: { type: 'armed_forces', country: 'MLI' } });
    const t = find(assess(rebellion('2023-10-01'), CHARTERS), 'aes-2023', '5.rebellion_assistance')!;
    expect(t.obligated).toEqual(['BFA', 'MLI', 'NER']);
    expect(t.obligation.armed_force).toBe('allowed');
    expect(find(assess(rebellion('2023-09-12'), CHARTERS), 'aes-2023', '5.rebellion_assistance')).toBeUndefined();
    // A rebellion is left to art. 5, not art. 6.
    expect(failed(assess(rebellion('2023-10-01'), CHARTERS), 'aes-2023', '6.collective_defence').condition).toBe('kind');
  });

  it('art. 8: one party attacking another breaches non-aggression; the attacker is never obligated under art. 6', () => {
    // Hypothetical: a Malian strike on Nigerien territory.
    const r = assess(stateAttackOnNiger('2024-01-15', 'MLI'), CHARTERS);
    const na = find(r, 'aes-2023', '8.non_aggression')!;
    expect(na.obligated).toEqual(['MLI']);
    expect(na.beneficiary).toBe('NER');
    expect(na.obligation.action).toBe('refrain');
    const cd = find(r, 'aes-2023', '6.collective_defence')!;
    expect(cd.obligated).toEqual(['BFA']);
    expect(cd.trace.some((i) => i.condition === 'perpetrator_state' && /itself a party/.test(i.detail))).toBe(true);
    // An outside state is not bound by art. 8.
    expect(failed(assess(stateAttackOnNiger('2024-01-15', 'NGA'), CHARTERS), 'aes-2023', '8.non_aggression').condition).toBe('perpetrator_state');
  });
});

describe('ECOWAS Mutual Assistance on Defence Protocol (ecowas-pmad-1981)', () => {
  const attackOnMali = (date: string, requested = true): Incident =>
    incident({ date, kind: 'armed_attack', location: { country: 'MLI', lat: 12.6, lon: -7.98 }, perpetrator: { type: 'state', country: 'DZA' }, target: { type: 'territory', country: 'MLI' }, ...(requested ? { assistance_requested_by: ['MLI'] } : {}) });

  it('withdrawal: Mali is protected on 2025-01-28, no longer on 2025-01-29', () => {
    const t = find(assess(attackOnMali('2025-01-28'), CHARTERS), 'ecowas-pmad-1981', '3.mutual_assistance')!;
    expect(t.beneficiary).toBe('MLI');
    expect(t.obligated).toContain('BFA');
    expect(t.obligated).toContain('NER');
    expect(t.obligated).not.toContain('MLI');
    expect(t.obligated).not.toContain('MRT');
    expect(t.obligated).toHaveLength(14);
    const r = assess(attackOnMali('2025-01-29'), CHARTERS);
    const why = failed(r, 'ecowas-pmad-1981', '3.mutual_assistance');
    expect(why.condition).toBe('beneficiary_party');
    expect(why.detail).toContain('29 January 2025');
  });

  it('suspended parties stay obligated and the trace says they are suspended', () => {
    const t = find(assess(attackOnMali('2025-01-28'), CHARTERS), 'ecowas-pmad-1981', '3.mutual_assistance')!;
    const sus = t.trace.filter((i) => i.condition === 'suspension');
    expect(sus.map((i) => i.detail.slice(0, 12))).toEqual(['Burkina Faso', 'Niger (NER) ']);
    expect(sus[0]!.detail).toContain('28 January 2022');
    // The beneficiary's own suspension (Mali, since 30 May 2021) is named too.
    expect(t.trace.find((i) => i.condition === 'beneficiary_party')!.detail).toContain('suspended from all ECOWAS decision-making bodies since 30 May 2021');
  });

  it('the suspension of an obligated party is read on the day (Burkina Faso, 27 vs 28 Jan 2022), also after a cached day', () => {
    const onGhana = (date: string) => incident({ date, kind: 'armed_attack', location: { country: 'GHA' }, perpetrator: { type: 'state', country: 'CMR' }, target: { type: 'territory', country: 'GHA' }, assistance_requested_by: ['GHA'] });
    const suspended = (date: string) => find(assess(onGhana(date), CHARTERS), 'ecowas-pmad-1981', '3.mutual_assistance')!.trace.filter((i) => i.condition === 'suspension').map((i) => i.detail.slice(0, 12));
    expect(suspended('2022-01-28')).toEqual(['Burkina Faso', 'Mali (MLI) i']);
    expect(suspended('2022-01-27')).toEqual(['Mali (MLI) i']);
    expect(suspended('2022-01-28')).toEqual(['Burkina Faso', 'Mali (MLI) i']);
  });

  it('Niger was suspended from 10 Dec 2023, not after the July 2023 coup', () => {
    const attackOnNiger = (date: string) => incident({ date, kind: 'armed_attack', location: { country: 'NER' }, perpetrator: { type: 'state', country: 'LBY' }, target: { type: 'territory', country: 'NER' }, assistance_requested_by: ['NER'] });
    const d9 = find(assess(attackOnNiger('2023-12-09'), CHARTERS), 'ecowas-pmad-1981', '3.mutual_assistance')!;
    expect(d9.trace.find((i) => i.condition === 'beneficiary_party')!.detail).not.toContain('suspended');
    const d10 = find(assess(attackOnNiger('2023-12-10'), CHARTERS), 'ecowas-pmad-1981', '3.mutual_assistance')!;
    expect(d10.trace.find((i) => i.condition === 'beneficiary_party')!.detail).toContain('suspended');
  });

  it('Mali 2020: suspended 18 Aug 2020, lifted 6 Oct 2020', () => {
    const onDay = (date: string) => find(assess(attackOnMali(date), CHARTERS), 'ecowas-pmad-1981', '3.mutual_assistance')!.trace.find((i) => i.condition === 'beneficiary_party')!.detail;
    expect(onDay('2020-08-17')).not.toContain('suspended');
    expect(onDay('2020-08-18')).toContain('suspended');
    expect(onDay('2020-10-06')).not.toContain('suspended');
  });

  it('art. 3 needs the written request of the state attacked (art. 16)', () => {
    expect(failed(assess(attackOnMali('2024-06-01', false), CHARTERS), 'ecowas-pmad-1981', '3.mutual_assistance').condition).toBe('request');
  });

  it('Mauritania is a party until its withdrawal took effect on 26 Dec 2000', () => {
    const onMrt = (date: string) => incident({ date, kind: 'armed_attack', location: { country: 'MRT' }, perpetrator: { type: 'state', country: 'MAR' }, target: { type: 'territory', country: 'MRT' }, assistance_requested_by: ['MRT'] });
    expect(expectTriggered(assess(onMrt('2000-12-25'), CHARTERS), 'ecowas-pmad-1981', '3.mutual_assistance', 'MRT', 15, null).obligated).not.toContain('MAR');
    expect(find(assess(onMrt('2000-12-26'), CHARTERS), 'ecowas-pmad-1981', '3.mutual_assistance')).toBeUndefined();
  });

  it('art. 4(b): an internal conflict supported from outside is covered on request; a purely internal one is not', () => {
    const rebels = incident({ date: '2019-05-01', kind: 'armed_rebellion', location: { country: 'SLE' }, perpetrator: { type: 'rebel_group', country: 'LBR', name: 'RUF' }, target: { type: 'armed_forces', country: 'SLE' }, assistance_requested_by: ['SLE'] });
    const t = find(assess(rebels, CHARTERS), 'ecowas-pmad-1981', '4b.externally_supported_conflict')!;
    expect(t.beneficiary).toBe('SLE');
    expect(t.obligated).not.toContain('SLE');
    const internal = assess({ ...rebels, perpetrator: { type: 'rebel_group', name: 'RUF' } }, CHARTERS);
    expect(failed(internal, 'ecowas-pmad-1981', '4b.externally_supported_conflict').condition).toBe('outside_support');
  });
});

describe('AES Confederation treaty (aes-confederation-2024)', () => {
  it('defence cooperation applies from the signature day, 6 July 2024', () => {
    const attack = (date: string) => incident({ date, kind: 'armed_attack', location: { country: 'NER' }, perpetrator: { type: 'non_state_armed_group', name: 'IS Sahel' }, target: { type: 'armed_forces', country: 'NER' } });
    expect(failed(assess(attack('2024-07-05'), CHARTERS), 'aes-confederation-2024', 'defence.cooperation').condition).toBe('in_force');
    const t = find(assess(attack('2024-07-06'), CHARTERS), 'aes-confederation-2024', 'defence.cooperation')!;
    expect(t.obligated).toEqual(['BFA', 'MLI', 'NER']);
    expect(t.obligation.armed_force).toBe('not_stated');
    expect(t.decision.rule).toBe('not_established');
  });
});

describe('engine properties', () => {
  const sample = incident({ date: '2023-10-05', kind: 'armed_attack', location: { country: 'NER', lat: 13.51, lon: 2.11 }, perpetrator: { type: 'state', country: 'NGA' }, target: { type: 'territory', country: 'NER' } });

  it('is deterministic and does not depend on the order of the charters', () => {
    const a = assess(sample, CHARTERS);
    const b = assess(structuredClone(sample), [...CHARTERS].reverse());
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    expect(a.triggered.map((t) => t.charter)).toEqual([...a.triggered.map((t) => t.charter)].sort());
  });

  it('every provision appears exactly once, triggered or not, each with a trace of readable sentences', () => {
    const r = assess(sample, CHARTERS);
    const total = CHARTERS.reduce((n, c) => n + c.articles.reduce((m, a) => m + a.provisions.length, 0), 0);
    expect(r.triggered.length + r.not_triggered.length).toBe(total);
    for (const x of [...r.triggered, ...r.not_triggered]) {
      expect(x.trace.length).toBeGreaterThan(0);
      for (const i of x.trace) expect(i.detail).toMatch(/^[A-ZÀ-Ý].{10,}[.)]$/s);
    }
  });

  it('with traces off gives the same decisions and empty traces', () => {
    const compiled = compileCharters(CHARTERS);
    const on = assess(sample, compiled);
    const off = assess(sample, compiled, undefined, { trace: false });
    expect(off.triggered.map((t) => [t.provision, t.obligated])).toEqual(on.triggered.map((t) => [t.provision, t.obligated]));
    expect(off.not_triggered.map((t) => t.provision)).toEqual(on.not_triggered.map((t) => t.provision));
    expect(off.triggered.every((t) => t.trace.length === 0)).toBe(true);
    expect(off.conflicts.map((c) => c.parties)).toEqual(on.conflicts.map((c) => c.parties));
  });

  // Results depend on the input only: the same answer whatever was assessed before, and a caller may change what it got.
  const variants: Incident[] = [
    sample,
    { ...sample, location: { country: 'NER' } },
    { ...sample, date: '2023-10-06' },
    { ...sample, kind: 'terrorist_attack', perpetrator: { type: 'non_state_armed_group', name: 'IS Sahel' } },
    { ...sample, kind: 'terrorist_attack', perpetrator: { type: 'non_state_armed_group', name: 'IS Sahel' }, location: { country: 'CIV', lat: 5.35, lon: -4.0 }, target: { type: 'civilians', country: 'CIV' } },
    { ...sample, date: '2020-01-09', kind: 'armed_attack', perpetrator: { type: 'state', country: 'MLI' } },
    { ...sample, date: '1985-01-01' },
  ];

  it('repeated assessments give deep-equal results, in any order, with traces on or off, in both languages', () => {
    const fresh = (i: Incident, lang: 'en' | 'fr', trace: boolean) => structuredClone(assess(i, [...CHARTERS], undefined, { lang, trace }));
    const compiled = compileCharters(CHARTERS);
    for (const lang of ['en', 'fr'] as const) {
      for (const trace of [true, false]) {
        const first = variants.map((i) => fresh(i, lang, trace));
        for (let round = 0; round < 3; round++) {
          const order = round === 1 ? [...variants.keys()].reverse() : [...variants.keys()];
          for (const k of order) expect(assess(structuredClone(variants[k]!), compiled, undefined, { lang, trace })).toEqual(first[k]);
        }
      }
    }
  });

  it('a result belongs to its caller: changing it changes nothing a later call returns', () => {
    const compiled = compileCharters(CHARTERS);
    const before = structuredClone(assess(variants[0]!, compiled));
    const r = assess(variants[0]!, compiled);
    for (const t of r.triggered) {
      t.obligated.push('XXX');
      t.trace.length = 0;
      t.deadline.text = 'changed';
    }
    r.not_triggered[0]!.trace[0]!.detail = 'changed';
    expect(assess(variants[0]!, compiled)).toEqual(before);
  });

  it('the same incident class can trigger or not depending on the place: the place is always evaluated', () => {
    const compiled = compileCharters(CHARTERS);
    const attack = (lat: number, lon: number) => incident({ date: '2024-06-01', kind: 'armed_attack', location: { country: 'FRA', lat, lon }, perpetrator: { type: 'state', country: 'RUS' }, target: { type: 'territory', country: 'FRA' } });
    for (const trace of [true, false]) {
      expect(find(assess(attack(4.93, -52.33), compiled, undefined, { trace }), 'nato-1949', '5.collective_defence')).toBeUndefined();
      expectTriggered(assess(attack(48.86, 2.35), compiled, undefined, { trace }), 'nato-1949', '5.collective_defence', 'FRA', 31, 'forthwith');
      expect(find(assess(attack(4.93, -52.33), compiled, undefined, { trace }), 'nato-1949', '5.collective_defence')).toBeUndefined();
    }
  });

  it('an incident without target country says what is missing', () => {
    const r = assess(incident({ date: '2024-01-01', kind: 'armed_attack', location: {}, target: { type: 'armed_forces' } }), CHARTERS);
    expect(failed(r, 'aes-2023', '6.collective_defence').detail).toMatch(/target\.country/);
  });
});
