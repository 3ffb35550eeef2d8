import type { Command } from 'commander';
import { InputError } from '../../errors.ts';
import { isIso3 } from '../../incident/countries.ts';
import { isRealDate } from '../../incident/incident.ts';
import { withStore } from '../store.ts';

/**
 * `foedus compliance --party MLI --from DAY --to DAY [--lang fr|en] [--json]`: one party's
 * record across real cases — obligations due in the period (met, met late, unmet, still
 * overdue) and pledges accepted in it (honoured, partly, dishonoured), with the items
 * each figure counts. Exercises are never counted. Bad flags exit 2 with one line.
 */
export function register(program: Command): void {
  program
    .command('compliance')
    .description("A party's obligations met, met late and unmet, and its pledges honoured, across real cases in a period.")
    .option('--db <path|url>', 'SQLite file or postgres:// URL (default: FOEDUS_DATABASE_URL, FOEDUS_DB, ./foedus.db)')
    .requiredOption('--party <ISO3>', 'the party, e.g. MLI')
    .requiredOption('--from <YYYY-MM-DD>', 'first day (included)')
    .requiredOption('--to <YYYY-MM-DD>', 'last day (included)')
    .option('--lang <fr|en>', 'language of the summary', 'en')
    .option('--json', 'print every figure with its items as JSON')
    .action(async (o: { db?: string; party: string; from: string; to: string; lang: string; json?: boolean }) => {
      if (!isIso3(o.party)) throw new InputError(`--party "${o.party}" must be an ISO 3166-1 alpha-3 code such as MLI`);
      for (const [flag, v] of [['--from', o.from], ['--to', o.to]] as const) if (!isRealDate(v)) throw new InputError(`${flag} "${v}" must be a real day YYYY-MM-DD`);
      if (o.to < o.from) throw new InputError(`--to ${o.to} is before --from ${o.from}`);
      if (o.lang !== 'fr' && o.lang !== 'en') throw new InputError(`--lang "${o.lang}" must be fr or en`);
      const { partyCompliance } = await import('../../response/compliance.ts');
      const cases = await withStore(o.db, (store) => store.cases.documents({ party: o.party }));
      const r = partyCompliance(o.party, cases, { from: new Date(`${o.from}T00:00:00Z`), to: new Date(Date.parse(`${o.to}T00:00:00Z`) + 86_400_000) }, new Date());
      if (o.json) {
        process.stdout.write(`${JSON.stringify(r)}\n`);
        return;
      }
      const lang = o.lang;
      process.stdout.write(`${r.scope[lang]}\n${r.text[lang]}\n`);
      const list = (label: string, items: Array<{ case: number; id: string }>) => {
        if (items.length) process.stdout.write(`  ${label}: ${items.map((i) => `case ${i.case} ${i.id}`).join(', ')}\n`);
      };
      list('met late', r.obligations.metLate.items);
      list('unmet', r.obligations.unmet.items);
      list('overdue', r.obligations.overdue.items);
      list('dishonoured', r.pledges.dishonoured.items);
      list('partly honoured', r.pledges.partlyHonoured.items);
    });
}
