import { Readable } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import { CsvError } from 'csv-parse';
import { readCsvRecords, type CsvLine } from './csv.ts';

const opts = { file: 't.csv', format: 'a test CSV', required: ['id'], columns: ['id', 'text'], headerHint: 'add an id column' };

async function all(text: string | string[]): Promise<CsvLine<Record<string, string>>[]> {
  const out: CsvLine<Record<string, string>>[] = [];
  for await (const r of readCsvRecords(Readable.from(Array.isArray(text) ? text : [text]), opts)) out.push(r);
  return out;
}

describe('readCsvRecords', () => {
  it('gives the line each record starts on across multi-line fields, blank lines, CRLF and chunk borders', async () => {
    const text = 'id,text\r\n1,"a\r\nb"\r\n\r\n2,c\r\n3,"x\r\n\r\ny"\r\n4,z';
    for (const chunks of [[text], text.split('')]) {
      const out = await all(chunks);
      expect(out.map((r) => [r.line, r.row?.id])).toEqual([[2, '1'], [5, '2'], [6, '3'], [9, '4']]);
      expect(out[0]!.row!.text).toBe('a\r\nb');
    }
  });

  it('reports a record with broken quoting by line and goes on', async () => {
    const out = await all('id,text\n1,ok\n2,"bad"x\n3,lost\n');
    expect(out[0]).toMatchObject({ line: 2, row: { id: '1' } });
    expect(out[1]!.error).toMatchObject({ line: 3, column: null });
    expect(out[1]!.error!.reason).toMatch(/^unreadable CSV record: Invalid Closing Quote/);
    // csv-parse cannot resynchronise inside the broken quote: the next line is reported too, not silently lost.
    expect(out[2]!.error).toMatchObject({ line: 4, column: null });
    expect(out).toHaveLength(3);
  });

  it('fills absent optional columns with empty strings', async () => {
    const out = await all('id\n7\n');
    expect(out[0]!.row).toEqual({ id: '7', text: '' });
  });

  it('builds no csv-parse error per record for a trailing comma on every data line (UCDP exports)', async () => {
    const spy = vi.spyOn(Error, 'captureStackTrace');
    try {
      const lines = ['id,text'];
      for (let i = 0; i < 200; i++) lines.push(`${i},"t ${i}",`);
      const out: CsvLine<Record<string, string>>[] = [];
      for await (const r of readCsvRecords(Readable.from([lines.join('\n') + '\n']), { ...opts, trailingComma: true })) out.push(r);
      expect(out).toHaveLength(200);
      expect(out.every((r) => r.row)).toBe(true);
      expect(out[199]!.row).toEqual({ id: '199', text: 't 199' });
      // The first data record shows the shape (one error); the other 199 must not build one each.
      expect(spy.mock.calls.filter(([, ctor]) => ctor === CsvError).length).toBeLessThanOrEqual(1);
    } finally {
      spy.mockRestore();
    }
  });

  it('still rejects a record without the trailing comma after the shape is known', async () => {
    const out: CsvLine<Record<string, string>>[] = [];
    for await (const r of readCsvRecords(Readable.from(['id,text\n1,a,\n2,b\n3,c,d,\n4,e,\n']), { ...opts, trailingComma: true })) out.push(r);
    expect(out.map((r) => [r.line, r.row?.id ?? null, r.error ? 'error' : 'ok'])).toEqual([[2, '1', 'ok'], [3, '2', 'ok'], [4, null, 'error'], [5, '4', 'ok']]);
  });

  it('stops at a record longer than 1 MiB, saying where, without reading the rest of the line (memory stays bounded)', async () => {
    const out: CsvLine<Record<string, string>>[] = [];
    // Fed in 64 KiB chunks, as an upload is read: the parser must give up long before holding the 20 MB line.
    const text = `id,text\n1,a\n2,"${'x'.repeat(20 * 1024 * 1024)}"\n3,c\n`;
    const chunks = Array.from({ length: Math.ceil(text.length / 65_536) }, (_, k) => text.slice(k * 65_536, (k + 1) * 65_536));
    let read = 0;
    const source = Readable.from((function* () { for (const c of chunks) { read += c.length; yield c; } })());
    const err = await (async () => {
      for await (const r of readCsvRecords(source, opts)) out.push(r);
    })().catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'InputError', code: 'record_too_large', where: 't.csv:3' });
    expect(out.map((r) => r.row?.id)).not.toContain('3');
    expect(read).toBeLessThan(4 * 1024 * 1024);
  });

  it('rejects an empty file', async () => {
    await expect(all('')).rejects.toThrow(/t\.csv: the file is empty: expected a test CSV/);
  });
});
