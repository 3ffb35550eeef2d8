import { describe, expect, it } from 'vitest';
import { Readable } from 'node:stream';
import { detectFormat, peekStream } from './formats.ts';
import { InputError } from '../errors.ts';

const UCDP_HEADER = 'id,relid,year,active_year,code_status,type_of_violence,conflict_dset_id,where_prec,latitude,longitude,best_est\n1,2,3';
const ACLED_HEADER = 'event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,actor1\nMLI1,2023-01-01';

describe('detectFormat', () => {
  it('tells UCDP from ACLED by the header, with or without a .csv name or a BOM', () => {
    expect(detectFormat('ged.csv', Buffer.from(UCDP_HEADER))).toBe('ucdp');
    expect(detectFormat('upload', Buffer.from(`\uFEFF${UCDP_HEADER}`))).toBe('ucdp');
    expect(detectFormat('acled.csv', Buffer.from(ACLED_HEADER))).toBe('acled');
    expect(detectFormat('x.txt', Buffer.from(`"event_id_cnty","event_date","event_type","sub_event_type"\n`))).toBe('acled');
  });

  it('tells GeoJSON from incident JSON', () => {
    expect(detectFormat('a.geojson', Buffer.from('{}'))).toBe('geojson');
    expect(detectFormat('a.json', Buffer.from('{"type":"FeatureCollection","features":[]}'))).toBe('geojson');
    expect(detectFormat('a.json', Buffer.from('[{"date":"2023-01-01","kind":"armed_attack"}]'))).toBe('incident');
    expect(detectFormat('upload', Buffer.from('  {"date":"2023-01-01"}'))).toBe('incident');
  });

  it('refuses an unknown CSV, naming the formats it knows', () => {
    const err = (() => {
      try {
        detectFormat('people.csv', Buffer.from('name,age,town\nAda,36,London\n'));
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toMatch(/people\.csv: cannot tell which CSV export this is: its header \(name, age, town\)/);
    expect((err as Error).message).toMatch(/--format ucdp\|acled\|geojson\|incident/);
  });

  it('refuses empty and binary files', () => {
    expect(() => detectFormat('e.csv', Buffer.alloc(0))).toThrow(/e\.csv: the file is empty/);
    expect(() => detectFormat('book.xlsx', Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 1]))).toThrow(/not a text file/);
  });
});

describe('peekStream', () => {
  it('returns the head and a stream that still yields every byte', async () => {
    const parts = Array.from({ length: 50 }, (_, i) => Buffer.from(`chunk ${i};`.repeat(100)));
    const { head, stream } = await peekStream(Readable.from(parts), 4000);
    expect(head.length).toBeGreaterThanOrEqual(4000);
    const all: Buffer[] = [];
    for await (const c of stream) all.push(c as Buffer);
    expect(Buffer.concat(all).equals(Buffer.concat(parts))).toBe(true);
    expect(Buffer.concat(parts).subarray(0, head.length).equals(head)).toBe(true);
  });

  it('works on a stream shorter than the peek', async () => {
    const { head, stream } = await peekStream(Readable.from([Buffer.from('ab'), Buffer.from('c')]), 4000);
    expect(head.toString()).toBe('abc');
    const all: Buffer[] = [];
    for await (const c of stream) all.push(c as Buffer);
    expect(Buffer.concat(all).toString()).toBe('abc');
  });
});
