import { describe, expect, it } from 'vitest';
import { normaliseFilter } from './filter.ts';
import { summarySplit } from './windows.ts';

/** The window split for the cell summaries: whole years, whole months of the partial years, days from rows. */
describe('summarySplit', () => {
  const split = (from?: string, to?: string) => summarySplit(normaliseFilter({ from, to }));

  it('takes whole months at both ends of whole years, and the days left', () => {
    expect(split('2019-07-01', '2021-06-30')).toEqual({
      periods: [{ unit: 'year', from: 2020, to: 2020 }, { unit: 'month', from: 201907, to: 201912 }, { unit: 'month', from: 202101, to: 202106 }],
      days: ['2019-07-01', '2021-06-30'],
      partial: [],
    });
    expect(split('2019-03-15', '2022-11-10')).toEqual({
      periods: [{ unit: 'year', from: 2020, to: 2021 }, { unit: 'month', from: 201904, to: 201912 }, { unit: 'month', from: 202201, to: 202210 }],
      days: ['2019-04-01', '2022-10-31'],
      partial: [['2019-03-15', '2019-03-31'], ['2022-11-01', '2022-11-10']],
    });
  });

  it('takes whole months inside one year or across a year end', () => {
    expect(split('2022-04-01', '2022-06-30')).toEqual({ periods: [{ unit: 'month', from: 202204, to: 202206 }], days: ['2022-04-01', '2022-06-30'], partial: [] });
    expect(split('2021-10-12', '2022-03-04')).toEqual({
      periods: [{ unit: 'month', from: 202111, to: 202202 }],
      days: ['2021-11-01', '2022-02-28'],
      partial: [['2021-10-12', '2021-10-31'], ['2022-03-01', '2022-03-04']],
    });
  });

  it('leaves a window inside one month to the rows, and keeps open ends open', () => {
    expect(split('2022-05-03', '2022-05-20')).toEqual({ periods: [], days: null, partial: [['2022-05-03', '2022-05-20']] });
    expect(split(undefined, '2016-05-30')).toEqual({
      periods: [{ unit: 'year', from: -9999, to: 2015 }, { unit: 'month', from: 201601, to: 201604 }],
      days: [null, '2016-04-30'],
      partial: [['2016-05-01', '2016-05-30']],
    });
    expect(split('2024-02-01', undefined)).toEqual({ periods: [{ unit: 'year', from: 2025, to: 9999 }, { unit: 'month', from: 202402, to: 202412 }], days: ['2024-02-01', null], partial: [] });
  });
});
