import { describe, expect, it } from 'vitest';
import { changesOf } from './changes.ts';

describe('changesOf', () => {
  it('gives old → new per field by replaying a record’s entries, leaving out ids and versions', () => {
    const c = changesOf([
      { payload: { id: 'manual:1', version: 1, incident: { date: '2024-03-10', fatalities: 12, location: { lat: 15.9, lon: 2.4 } } } },
      { payload: { id: 'manual:1', fromVersion: 1, version: 2, changes: { notes: 'Confirmed by MINUSMA', fatalities: { best: 14 } } } },
      { payload: { id: 'manual:1', fromVersion: 2, version: 3, changes: { incident: { date: '2024-03-10', fatalities: 15, location: { lat: 15.9, lon: 2.5 } } } } },
    ]);
    expect(c[0]).toContainEqual({ field: 'incident.fatalities', from: null, to: 12 });
    expect(c[0]!.map((x) => x.field)).not.toContain('version');
    expect(c[1]).toEqual([{ field: 'notes', from: null, to: 'Confirmed by MINUSMA' }, { field: 'fatalities.best', from: null, to: 14 }]);
    expect(c[2]).toEqual([
      { field: 'incident.fatalities', from: 12, to: 15 },
      { field: 'incident.location.lon', from: 2.4, to: 2.5 },
    ]);
  });

  it('reads account entries the same way (role and party as they were)', () => {
    const c = changesOf([
      { payload: { username: 'ana', role: 'liaison', party: 'MLI', mustChangePassword: true } },
      { payload: { username: 'ana', mustChangePassword: true, tokensRevoked: 2 } },
    ]);
    expect(c[1]).toEqual([{ field: 'tokensRevoked', from: null, to: 2 }]);
  });

  it('keeps each API token of an account apart, under its id', () => {
    const c = changesOf([
      { payload: { username: 'ana', tokenId: 1, label: 'feed', expiresAt: '2027-01-01T00:00:00.000Z' } },
      { payload: { username: 'ana', tokenId: 2, label: 'feed', expiresAt: '2027-02-01T00:00:00.000Z' } },
      { payload: { username: 'ana', tokenId: 1, label: 'feed', revokedAt: '2026-12-05T09:00:00.000Z' } },
    ]);
    expect(c[1]).toEqual([{ field: 'tokens.2.label', from: null, to: 'feed' }, { field: 'tokens.2.expiresAt', from: null, to: '2027-02-01T00:00:00.000Z' }]);
    expect(c[2]).toEqual([{ field: 'tokens.1.revokedAt', from: null, to: '2026-12-05T09:00:00.000Z' }]);
  });
});
