import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CharterError, checkCharterDir, formatProblem, loadCharters, parseCharter } from './loader.ts';
import { charterJsonSchema } from './schema.ts';

const DIR = fileURLToPath(new URL('../../charters', import.meta.url));
const AES = readFileSync(join(DIR, 'aes-2023.yaml'), 'utf8');

/** Parses `text` as aes-2023.yaml and returns its problems as formatted lines. */
function problems(text: string): string[] {
  try {
    parseCharter(text, 'aes-2023.yaml');
  } catch (err) {
    if (err instanceof CharterError) return err.problems.map(formatProblem);
    throw err;
  }
  return [];
}

function lineOf(text: string, needle: string, from = 0): number {
  const i = text.indexOf(needle, from);
  if (i < 0) throw new Error(`not found: ${needle}`);
  return text.slice(0, i).split('\n').length;
}

describe('shipped charters', () => {
  it('all four load and pass the cross-checks', () => {
    expect(loadCharters(DIR).map((c) => c.id)).toEqual(['aes-2023', 'aes-confederation-2024', 'ecowas-pmad-1981', 'nato-1949']);
    expect(checkCharterDir(DIR).problems).toEqual([]);
  });

  it('NATO lists its 32 members with Finland on 2023-04-04 and Sweden on 2024-03-07', () => {
    const nato = loadCharters(DIR).find((c) => c.id === 'nato-1949')!;
    expect(nato.parties).toHaveLength(32);
    expect(nato.parties.find((p) => p.country === 'FIN')!.membership[0]!.joined).toBe('2023-04-04');
    expect(nato.parties.find((p) => p.country === 'SWE')!.membership[0]!.joined).toBe('2024-03-07');
  });

  it('charters/schema.json is the schema generated from src/charter/schema.ts (run `npm run schema` if this fails)', () => {
    const committed = JSON.parse(readFileSync(join(DIR, 'schema.json'), 'utf8'));
    expect(committed).toEqual(JSON.parse(JSON.stringify(charterJsonSchema())));
  });
});

describe('loader errors: file:line: path — reason', () => {
  it('an unknown ISO3 code', () => {
    const text = AES.replace('  - country: NER\n', '  - country: NEX\n');
    expect(problems(text)).toEqual([`aes-2023.yaml:${lineOf(text, 'country: NEX')}: parties[2].country — "NEX" is not an ISO 3166-1 alpha-3 country code`]);
  });

  it('a day that does not exist', () => {
    const text = AES.replace('  date: 2023-09-16\n', '  date: 2023-02-30\n');
    const [p] = problems(text);
    expect(p).toBe(`aes-2023.yaml:${lineOf(text, 'date: 2023-02-30')}: signed.date — this calendar day does not exist`);
  });

  it('overlapping membership intervals', () => {
    const text = AES.replace(
      '  - country: NER\n    membership:\n      - joined: 2023-09-16\n        left: null\n',
      '  - country: NER\n    membership:\n      - joined: 2023-09-16\n        left: null\n        source: x.org\n      - joined: 2024-01-01\n        left: null\n',
    );
    const out = problems(text);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatch(/^aes-2023\.yaml:\d+: parties\[2\]\.membership\[1\]\.joined — membership intervals overlap/);
    expect(out[0]).toContain(`:${lineOf(text, 'joined: 2024-01-01')}:`);
  });

  it('a suspension outside membership', () => {
    const text = AES.replace(
      '  - country: BFA\n    membership:\n      - joined: 2023-09-16\n        left: null\n        source: amap.ml (signature by Capt. Ibrahim Traoré, 16 Sept 2023)\n        doubts: []\n',
      '  - country: BFA\n    membership:\n      - joined: 2023-09-16\n        left: null\n        source: amap.ml (signature by Capt. Ibrahim Traoré, 16 Sept 2023)\n        doubts: []\n    suspensions:\n      - from: 2022-01-28\n        to: null\n        scope: { fr: tout, en: everything }\n        source: x.org\n',
    );
    expect(problems(text)).toEqual([`aes-2023.yaml:${lineOf(text, 'from: 2022-01-28')}: parties[0].suspensions[0].from — suspension 2022-01-28 → open is not inside a membership interval of BFA`]);
  });

  it('duplicate article numbers and provision ids', () => {
    const text = AES.replace('  - number: "5"\n', '  - number: "4"\n').replace('      - id: 5.rebellion_assistance\n', '      - id: 4.counter_terrorism\n');
    const out = problems(text);
    expect(out).toContain(`aes-2023.yaml:${lineOf(text, 'number: "4"', text.indexOf('number: "4"') + 1)}: articles[4].number — duplicate article number "4" (also articles[3])`);
    expect(out.some((l) => /articles\[4\]\.provisions\[0\]\.id — duplicate provision id "4\.counter_terrorism"/.test(l))).toBe(true);
  });

  it('an unknown field names the field and its line', () => {
    const text = AES.replace('version: 1.0.0\n', 'version: 1.0.0\nversoin: 2\n');
    expect(problems(text)).toEqual([`aes-2023.yaml:${lineOf(text, 'versoin')}: versoin — unknown field "versoin"; remove it or check the spelling (see charters/schema.json)`]);
  });

  it('a bad enum value', () => {
    const text = AES.replace('        type: counter_terrorism\n', '        type: counterterrorism\n');
    const [p] = problems(text);
    expect(p).toMatch(new RegExp(`^aes-2023\\.yaml:${lineOf(text, 'type: counterterrorism')}: articles\\[3\\]\\.provisions\\[0\\]\\.type — `));
  });

  it('a missing required field points at its parent', () => {
    const text = AES.replace('  place: Bamako (Koulouba palace), Mali\n', '');
    expect(problems(text)).toEqual([`aes-2023.yaml:${lineOf(text, 'signed:')}: signed.place — missing required field (string expected)`]);
  });

  it('a YAML syntax error', () => {
    const [p] = problems(AES.replace('id: aes-2023\n', 'id: [aes-2023\n'));
    expect(p).toMatch(/^aes-2023\.yaml:\d+: \(yaml\) — /);
  });

  it('an id that does not match the file name', () => {
    expect(problems(AES.replace('id: aes-2023\n', 'id: aes-2024\n'))).toEqual([`aes-2023.yaml:${lineOf(AES, 'id: aes-2023')}: id — the id "aes-2024" must match the file name "aes-2023.yaml"`]);
  });

  it('a directory with a broken file reports every problem, without a stack trace', () => {
    const dir = mkdtempSync(join(tmpdir(), 'foedus-charters-'));
    writeFileSync(join(dir, 'aes-2023.yaml'), AES.replace('  - country: MLI\n', '  - country: XXX\n'));
    const r = checkCharterDir(dir);
    expect(r.charters).toEqual([]);
    expect(r.problems.map(formatProblem)).toEqual([expect.stringMatching(/aes-2023\.yaml:\d+: parties\[1\]\.country — "XXX" is not an ISO 3166-1/)]);
    let message = '';
    try {
      loadCharters(dir);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/aes-2023\.yaml:\d+: parties\[1\]\.country — /);
    expect(message).not.toContain('\n');
  });
});
