import type { Lang } from '../../charter/schema.ts';
import { caseCompliance, type PartyFigures } from '../compliance.ts';
import type { Case } from '../model.ts';
import { caseView } from '../view.ts';
import { caseHtml, type ReportComplianceRow, type ReportNote } from './html.ts';

/**
 * A case exported: JSON (the case as the API shows it, its notes and its compliance
 * figures) or one printable HTML report. The caller passes only the notes its reader may
 * see: restricted notes never reach an export meant for another party.
 */

export interface ExportOptions {
  format: 'json' | 'html';
  lang: Lang;
  now: Date;
}

/** "30 h", or minutes under an hour ("4 min"); "—" when nothing was acknowledged. */
function hoursText(h: number | null): string {
  return h === null ? '—' : h < 1 ? `${Math.round(h * 60)} min` : `${h} h`;
}

function rows(figures: PartyFigures[], lang: Lang): ReportComplianceRow[] {
  const fr = lang === 'fr';
  const ids = (items: Array<{ id: string }>) => items.map((i) => i.id);
  return figures.map((f) => ({
    party: f.party,
    cells: [
      { label: fr ? 'Remplies' : 'Met', value: String(f.obligations.met.count), items: ids(f.obligations.met.items) },
      { label: fr ? 'En retard' : 'Met late', value: String(f.obligations.metLate.count), items: ids(f.obligations.metLate.items) },
      { label: fr ? 'Non remplies' : 'Unmet', value: String(f.obligations.unmet.count), items: ids(f.obligations.unmet.items) },
      { label: fr ? 'En souffrance' : 'Overdue', value: String(f.obligations.overdue.count), items: ids(f.obligations.overdue.items) },
      { label: fr ? 'Engagements honorés' : 'Pledges honoured', value: String(f.pledges.honoured.count), items: ids(f.pledges.honoured.items) },
      { label: fr ? 'En partie' : 'Partly', value: String(f.pledges.partlyHonoured.count), items: ids(f.pledges.partlyHonoured.items) },
      { label: fr ? 'Non honorés' : 'Dishonoured', value: String(f.pledges.dishonoured.count), items: ids(f.pledges.dishonoured.items) },
      { label: fr ? 'Délai moyen d\'accusé' : 'Mean time to acknowledge', value: hoursText(f.meanTimeToAcknowledgeHours), items: ids(f.acknowledgements.items) },
    ],
  }));
}

export function exportCase(c: Case, notes: ReportNote[], opts: ExportOptions): string {
  const view = caseView(c, opts.now);
  const compliance = caseCompliance(c, opts.now);
  if (opts.format === 'json') {
    return `${JSON.stringify({ exported: opts.now.toISOString(), exercise: c.exercise, case: view, notes, compliance }, null, 2)}\n`;
  }
  return caseHtml(view, { lang: opts.lang, now: opts.now, notes, compliance: rows(compliance, opts.lang) });
}
