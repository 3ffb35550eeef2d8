// Every UI string exists in French and English, and both say the same placeholders.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './harness.ts';

interface I18nFile { namespace: string; fr: Record<string, string>; en: Record<string, string> }

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) return files(p);
    return n === 'i18n.json' || n === 'common.json' ? [p] : [];
  });
}

const all = files(join(ROOT, 'web/src')).map((p) => ({ path: p.slice(ROOT.length), data: JSON.parse(readFileSync(p, 'utf8')) as I18nFile }));
const placeholders = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();

describe('UI strings', () => {
  it('are found beside every screen', () => {
    const screens = readdirSync(join(ROOT, 'web/src/screens'));
    for (const s of screens) expect(all.some((f) => f.path.includes(`screens/${s}/i18n.json`)), s).toBe(true);
  });

  it('have unique namespaces', () => {
    const ns = all.map((f) => f.data.namespace);
    expect(new Set(ns).size).toBe(ns.length);
  });

  for (const f of all) {
    it(`${f.path}: the same keys and placeholders in fr and en, none empty`, () => {
      expect(Object.keys(f.data.fr).sort()).toEqual(Object.keys(f.data.en).sort());
      for (const [k, en] of Object.entries(f.data.en)) {
        const fr = f.data.fr[k]!;
        expect(en.trim(), `${k} (en)`).not.toBe('');
        expect(fr.trim(), `${k} (fr)`).not.toBe('');
        expect(placeholders(fr), k).toEqual(placeholders(en));
      }
    });
  }

  it('cover every key the code asks for with a literal', () => {
    const missing: string[] = [];
    const walk = (dir: string): string[] => readdirSync(dir).flatMap((n) => {
      const p = join(dir, n);
      return statSync(p).isDirectory() ? walk(p) : /\.tsx?$/.test(n) ? [p] : [];
    });
    for (const file of walk(join(ROOT, 'web/src'))) {
      const src = readFileSync(file, 'utf8');
      // `t` comes from useTranslation('ns') (a file may use several); `tc` is common, `tk` components;
      // any other translator is declared by name: `const tx = useTranslation('ns').t`.
      const own = [...src.matchAll(/useTranslation\('(\w+)'\)(?!\.t)/g)].map((m) => m[1]!);
      const lookup: Record<string, string[]> = { t: own, tc: ['common'], tk: ['components'] };
      for (const m of src.matchAll(/const (\w+) = useTranslation\('(\w+)'\)\.t\b/g)) lookup[m[1]!] = [m[2]!];
      for (const m of src.matchAll(new RegExp(`\\b(${Object.keys(lookup).join('|')})\\('([\\w.]+)'`, 'g'))) {
        const key = m[2]!;
        const has = (lookup[m[1]!] ?? []).some((ns) => {
          const f = all.find((x) => x.data.namespace === ns);
          return !!f && (key in f.data.en || `${key}_one` in f.data.en);
        });
        if (!has) missing.push(`${file.slice(ROOT.length)}: ${m[1]}('${key}')`);
      }
    }
    expect(missing).toEqual([]);
  });
});
