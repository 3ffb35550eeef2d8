import { describe, expect, it } from 'vitest';
import { InputError } from '../../errors.ts';
import { normaliseFilter, parseFilterText, type FilterText } from './filter.ts';

/** parseFilterText serves the API (parameter names) and the CLI (flag names): one set of checks, named for each. */
describe('parseFilterText', () => {
  const flags = (field: keyof FilterText) => `--${field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

  it('reads text into the filter the store takes', () => {
    expect(parseFilterText({ bbox: ' -5, 14 ,-4,15', from: '2024-01-01', to: '2024-12-31', kind: 'armed_attack,coup', country: 'mli, bfa', minFatalities: '3', dataset: 'ucdp_ged', precision: 'precise', q: 'Ménaka' }))
      .toEqual({ bbox: [-5, 14, -4, 15], from: '2024-01-01', to: '2024-12-31', kind: ['armed_attack', 'coup'], country: ['MLI', 'BFA'], minFatalities: 3, dataset: ['ucdp_ged'], precision: 'precise', q: 'Ménaka' });
    expect(parseFilterText({})).toEqual({});
  });

  const bad: Array<[FilterText, RegExp, RegExp]> = [
    [{ bbox: '1,2,3' }, /^bbox needs four numbers/, /^--bbox needs four numbers/],
    [{ bbox: '1,2,x,4' }, /^bbox needs four numbers .*"1,2,x,4"/, /^--bbox needs four numbers/],
    [{ bbox: '10,0,5,1' }, /^bbox has its minimum above its maximum/, /^--bbox has its minimum above its maximum/],
    [{ bbox: '0,0,200,5' }, /^bbox is out of range/, /^--bbox is out of range/],
    [{ from: '2023-02-30' }, /^from "2023-02-30" is not a real calendar day/, /^--from "2023-02-30"/],
    [{ from: '2023-05-01', to: '2023-01-01' }, /^from 2023-05-01 is after to 2023-01-01/, /^--from 2023-05-01 is after --to 2023-01-01/],
    [{ kind: 'armed_attack,war' }, /^kind "war" is not an incident kind/, /^--kind "war"/],
    [{ country: 'MLI,XYZ' }, /^country "XYZ" is not an ISO 3166-1 alpha-3/, /^--country "XYZ"/],
    [{ country: ' , ' }, /^country is empty/, /^--country is empty/],
    [{ dataset: 'gdelt' }, /^dataset "gdelt" is not a source dataset/, /^--dataset "gdelt"/],
    [{ minFatalities: '-1' }, /^minFatalities must be a whole number from 0 to 1,000,000/, /^--min-fatalities must be a whole number/],
    [{ minFatalities: '324588324988319' }, /^minFatalities must be a whole number from 0 to 1,000,000, the most one incident may carry/, /^--min-fatalities must be a whole number/],
    [{ minFatalities: 'many' }, /^minFatalities "many" is not a number/, /^--min-fatalities "many"/],
    [{ q: '!!' }, /^q: the search text "!!" has no word/, /^--q: the search text/],
  ];
  it.each(bad)('refuses %j, naming the field as each caller does', (text, api, cli) => {
    for (const [name, re] of [[undefined, api], [flags, cli]] as const) {
      let err: unknown;
      try {
        parseFilterText(text, name);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(InputError);
      expect((err as InputError).code).toBe('invalid_filter');
      expect((err as InputError).message).toMatch(re);
    }
  });

  it('checks a filter from code with the same rules', () => {
    expect(() => normaliseFilter({ kind: 'war' })).toThrow(/^kind "war" is not an incident kind/);
    expect(() => normaliseFilter({ minFatalities: 2.5 })).toThrow(/^minFatalities must be a whole number/);
  });
});
