import { describe, expect, it } from 'vitest';
import { isRealDate } from './incident.ts';

describe('isRealDate', () => {
  it('agrees with the calendar for every day string of 1800–2100 and the impossible ones around them', () => {
    let checked = 0;
    for (let y = 1800; y <= 2100; y++) {
      for (let m = 0; m <= 13; m++) {
        for (let d = 0; d <= 32; d++) {
          const s = `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
          const real = m >= 1 && m <= 12 && d >= 1 && new Date(Date.UTC(y, m - 1, d)).getUTCDate() === d;
          if (isRealDate(s) !== real) expect(isRealDate(s), s).toBe(real);
          checked++;
        }
      }
    }
    expect(checked).toBe(301 * 14 * 33);
  });

  it('knows the leap days and refuses what is not YYYY-MM-DD', () => {
    expect(isRealDate('2024-02-29')).toBe(true);
    expect(isRealDate('2000-02-29')).toBe(true);
    expect(isRealDate('1900-02-29')).toBe(false);
    expect(isRealDate('2023-02-29')).toBe(false);
    expect(isRealDate('2023-04-31')).toBe(false);
    for (const s of ['2023-9-16', '16/09/2023', '2023-09-16T00:00:00Z', ' 2023-09-16', '']) expect(isRealDate(s)).toBe(false);
  });
});
