import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { InputError } from '../../errors.ts';
import { isIso3 } from '../../incident/countries.ts';
import { CASE_STATES, type CaseState } from '../../response/model.ts';
import { withStore } from '../store.ts';

/**
 * `foedus cases list|show|export`: read collective-response cases from the store.
 *
 *   foedus cases list [--state S] [--party P] [--exercise | --real] [--json]
 *   foedus cases show ID [--lang fr|en] [--json]
 *   foedus cases export ID --format json|html [--lang fr|en] [--out FILE]
 *
 * Steps are taken through the API (they need a signed-in user and the policy table).
 * An export from the command line holds the shared notes only: restricted notes stay
 * with their party (read them through the API as that party's liaison or the secretariat).
 * Bad flags or an unknown case exit 2 with one line.
 */

interface Common {
  db?: string;
  json?: boolean;
  lang?: string;
}

function lang(value: string | undefined): 'fr' | 'en' {
  if (value === undefined || value === 'en' || value === 'fr') return value ?? 'en';
  throw new InputError(`--lang "${value}" must be fr or en`);
}

function caseId(value: string): number {
  if (!/^[1-9]\d{0,12}$/.test(value)) throw new InputError(`case id "${value}" must be a whole number such as 12`);
  return Number(value);
}

export function register(program: Command): void {
  const cases = program.command('cases').description('Collective-response cases: list, show, export.');
  const db = ['--db <path|url>', 'SQLite file or postgres:// URL (default: FOEDUS_DATABASE_URL, FOEDUS_DB, ./foedus.db)'] as const;

  cases
    .command('list')
    .description('Cases, newest first.')
    .option(...db)
    .option('--state <state>', `only cases in this state (${CASE_STATES.join(', ')})`)
    .option('--party <ISO3>', 'only cases concerning this party')
    .option('--exercise', 'only exercises')
    .option('--real', 'only real cases (no exercises)')
    .option('--limit <n>', 'at most this many', '100')
    .option('--json', 'print JSON')
    .action(async (o: Common & { state?: string; party?: string; exercise?: boolean; real?: boolean; limit: string }) => {
      if (o.state && !(CASE_STATES as readonly string[]).includes(o.state)) throw new InputError(`--state "${o.state}" must be one of ${CASE_STATES.join(', ')}`);
      if (o.party && !isIso3(o.party)) throw new InputError(`--party "${o.party}" must be an ISO 3166-1 alpha-3 code such as MLI`);
      if (o.exercise && o.real) throw new InputError('--exercise and --real exclude each other');
      if (!/^[1-9]\d{0,5}$/.test(o.limit)) throw new InputError(`--limit "${o.limit}" must be a whole number from 1`);
      const list = await withStore(o.db, (store) =>
        store.cases.list({ state: o.state as CaseState | undefined, party: o.party, exercise: o.exercise ? true : o.real ? false : undefined, limit: Number(o.limit) }),
      );
      if (o.json) {
        process.stdout.write(`${JSON.stringify({ cases: list })}\n`);
        return;
      }
      if (list.length === 0) {
        process.stdout.write('No case matches.\n');
        return;
      }
      for (const c of list) {
        const mark = c.exercise ? ' [EXERCISE]' : '';
        process.stdout.write(`${String(c.id).padStart(5)}  ${c.state.padEnd(13)} ${c.charter} art. ${c.article} for ${c.beneficiary ?? '—'} (${c.parties.join(', ')})  opened ${c.openedAt.slice(0, 16)}Z${mark}\n`);
      }
    });

  cases
    .command('show <id>')
    .description('One case: its state, decision, obligations (with their status now), requests, pledges and deployments.')
    .option(...db)
    .option('--lang <fr|en>', 'language of the texts', 'en')
    .option('--json', 'print the case as the API gives it')
    .action(async (idText: string, o: Common) => {
      const id = caseId(idText);
      const l = lang(o.lang);
      const { caseView } = await import('../../response/view.ts');
      const { caseText } = await import('../../response/report/text.ts');
      const c = await withStore(o.db, (store) => store.cases.get(id));
      if (!c) throw new InputError(`case ${id} not found (foedus cases list shows the cases)`);
      const view = caseView(c, new Date());
      process.stdout.write(o.json ? `${JSON.stringify(view)}\n` : caseText(view, l));
    });

  cases
    .command('export <id>')
    .description('A case as JSON or as one printable HTML report (timeline, positions, requests, pledges, deployments, shortfall, compliance).')
    .option(...db)
    .requiredOption('--format <json|html>', 'json or html')
    .option('--lang <fr|en>', 'language of the report', 'en')
    .option('--out <file>', 'write to this file instead of stdout')
    .action(async (idText: string, o: Common & { format: string; out?: string }) => {
      const id = caseId(idText);
      const l = lang(o.lang);
      if (o.format !== 'json' && o.format !== 'html') throw new InputError(`--format "${o.format}" must be json or html`);
      const { exportCase } = await import('../../response/report/export.ts');
      const out = await withStore(o.db, async (store) => {
        const c = await store.cases.get(id);
        if (!c) throw new InputError(`case ${id} not found (foedus cases list shows the cases)`);
        const notes = (await store.cases.notes(id)).filter((n) => !n.restricted);
        return exportCase(c, notes, { format: o.format as 'json' | 'html', lang: l, now: new Date() });
      });
      if (o.out) writeFileSync(o.out, out);
      else process.stdout.write(out);
    });
}
