import { describe, expect, it } from 'vitest';
import { countryName, isIso3 } from './countries.ts';

describe('isIso3', () => {
  it('accepts ISO 3166-1 alpha-3 codes in upper case only', () => {
    for (const code of ['MLI', 'BFA', 'NER', 'CIV', 'USA', 'ATA']) expect(isIso3(code)).toBe(true);
    // lower case, unassigned, user-assigned (Kosovo's XKX), alpha-2, too long, empty
    for (const code of ['mli', 'Mli', 'XXX', 'XKX', 'ML', 'MLII', '', ' MLI']) expect(isIso3(code)).toBe(false);
  });

  it('names every code it accepts, in both languages', () => {
    expect(countryName('NER', 'fr')).toBe('Niger');
    expect(countryName('CIV', 'en')).toMatch(/Ivoire/);
  });
});
