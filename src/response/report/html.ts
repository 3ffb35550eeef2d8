import { partyName } from '../../charter/i18n.ts';
import type { Lang } from '../../charter/schema.ts';
import type { CaseView } from '../view.ts';
import { say, words } from './words.ts';

/**
 * A case as one printable HTML page: no script, no outside resource, styles inline,
 * so it prints and archives as it is. Every value is escaped.
 */

export interface ReportNote {
  id: number;
  party: string | null;
  text: string;
  at: string;
  by: string;
}

/** One party's line in the compliance section, with the items each figure counts. */
export interface ReportComplianceRow {
  party: string;
  cells: Array<{ label: string; value: string; items: string[] }>;
}

export function esc(s: unknown): string {
  return String(s ?? '').replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);
}

function table(head: string[], rows: string[][], none: string): string {
  if (rows.length === 0) return `<p class="none">${esc(none)}</p>`;
  return `<table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

/** "2026-03-02 08:00 UTC": minutes are what deadlines are read to. */
const when = (iso: string | null | undefined) => (iso ? `${esc(new Date(iso).toISOString().slice(0, 16).replace('T', ' '))} UTC` : '—');

const STYLE = `
body{font:14px/1.45 system-ui,sans-serif;margin:2rem;color:#111}h1{font-size:1.4rem;margin:0 0 .3rem}h2{font-size:1.1rem;margin:1.6rem 0 .4rem;border-bottom:1px solid #999}
table{border-collapse:collapse;width:100%;margin:.3rem 0}th,td{border:1px solid #bbb;padding:.25rem .4rem;text-align:left;vertical-align:top}th{background:#eee}
.exercise{border:3px solid #b45309;background:#fef3c7;padding:.5rem;font-weight:bold;margin:.5rem 0}.none{color:#555}.meta{color:#333}
.overdue,.unmet,.dishonoured{color:#b91c1c;font-weight:bold}.met_late,.partly_honoured{color:#92400e}small{color:#555}
@media print{body{margin:1cm}h2{break-after:avoid}tr{break-inside:avoid}}`;

export function caseHtml(c: CaseView, opts: { lang: Lang; now: Date; notes: ReportNote[]; compliance: ReportComplianceRow[] }): string {
  const { lang } = opts;
  const w = words(lang);
  const party = (p: string | null) => (p ? esc(partyName(p, lang)) : '—');
  const status = (code: string | null) => `<span class="${esc(code ?? '')}">${esc(say(code, lang))}</span>`;
  const title = `${w.case} ${c.id} — ${c.provision.charter} art. ${c.provision.article} — ${c.provision.beneficiary ? partyName(c.provision.beneficiary, lang) : ''}`;
  const inc = c.incident.snapshot;
  const parts: string[] = [];
  parts.push(`<h1>${esc(title)}</h1>`);
  if (c.exercise) parts.push(`<div class="exercise">${esc(w.exercise)}</div>`);
  parts.push(`<p class="meta">${esc(w.state)}: <b>${esc(say(c.state, lang))}</b> · ${esc(w.version)} ${c.version} · ${esc(w.opened)} ${when(c.openedAt)} ${esc(w.by)} ${esc(c.openedBy)} · ${esc(w.charter)} ${esc(c.provision.charter)} ${esc(w.version)} ${esc(c.provision.charterVersion)}<br><small>${esc(w.generated)} ${when(opts.now.toISOString())}</small></p>`);

  parts.push(`<h2>${esc(w.incident)}</h2><p>${esc(c.incident.id ?? w.hypothetical)} — ${esc(inc.date)}, ${esc(inc.kind)}; ${esc(inc.location.country ?? '')} ${inc.location.lat !== undefined ? `(${inc.location.lat}, ${inc.location.lon})` : ''}; ${esc(inc.perpetrator.type)}${inc.perpetrator.name ? ` (${esc(inc.perpetrator.name)})` : ''} → ${esc(inc.target.type)} ${esc(inc.target.country ?? '')}</p>`);
  parts.push(`<h2>${esc(w.provision)}</h2><p>${esc(c.provision.summary[lang])}</p><p><b>${esc(w.obligation)}:</b> ${esc(c.provision.obligation.summary[lang])}<br><b>${esc(w.decisionRule)}:</b> ${esc(c.provision.decision.summary[lang])}<br><b>${esc(w.deadline)}:</b> ${esc(c.provision.deadline.text[lang])}<br><b>${esc(w.beneficiary)}:</b> ${party(c.provision.beneficiary)} · <b>${esc(w.obligated)}:</b> ${c.provision.obligated.map(party).join(', ')}<br><b>${esc(w.deadlinesBasis)}:</b> ${esc(w.acknowledge)} ${c.deadlines.acknowledge}, ${esc(w.statePosition)} ${c.deadlines.statePosition}, ${esc(w.answerRequest)} ${c.deadlines.answerRequest} — ${esc(c.deadlines.basis[lang])}</p>`);

  parts.push(`<h2>${esc(w.timeline)}</h2>` + table([w.at, w.state, w.by, w.reason], c.transitions.map((t) => [when(t.at), esc(say(t.to, lang)), esc(t.by), esc(t.reason)]), w.none));
  parts.push(`<h2>${esc(w.positions)}</h2>` + table([w.party, w.value, w.statement, w.at], c.positions.map((p) => [party(p.party), esc(say(p.value, lang)), esc(p.statement ?? ''), `${when(p.recordedAt)} <small>${esc(p.recordedBy)}</small>`]), w.none));
  if (c.decision) {
    parts.push(`<h2>${esc(w.decision)}</h2><p><b>${esc(w.outcome)}:</b> ${esc(say(c.decision.outcome, lang))} · <b>${esc(w.acting)}:</b> ${c.decision.acting.map(party).join(', ') || '—'}<br>${esc(c.decision.explanation[lang])}<br><small>${when(c.decision.at)} ${esc(c.decision.by)} — ${esc(c.decision.reason)}</small></p>`);
  }
  parts.push(`<h2>${esc(w.obligations)}</h2>` + table([w.obligation, w.party, w.kind, w.due, w.met, w.status], c.obligations.map((o) => [esc(o.id), party(o.party), `${esc(say(o.kind, lang))}${o.request ? ` ${esc(o.request)}` : ''}`, when(o.due), o.metAt ? `${when(o.metAt)} <small>${esc(o.metHow ?? '')}</small>` : esc(o.ended?.reason ?? '—'), status(o.status)]), w.none));
  parts.push(`<h2>${esc(w.requests)}</h2>` + table([w.request, w.capability, w.quantity, w.where, w.from, w.priority, w.state, w.shortfall], c.requests.map((r) => {
    const where = 'lat' in r.where && r.where.lat !== undefined ? `${r.where.lat}, ${r.where.lon}${r.where.area ? ` (${r.where.area})` : ''}` : (r.where.area ?? '');
    const s = r.shortfall;
    return [esc(r.id), esc(say(r.capability, lang)), `${r.quantity} ${esc(r.unit)}`, esc(where), `${when(r.from)}${r.until ? ` → ${when(r.until)}` : ''}`, esc(say(r.priority, lang)), esc(say(r.state, lang)),
      `<b>${s.shortfall}</b> <small>(${esc(w.requested)} ${s.requested} − ${esc(w.delivered)} ${s.delivered} − ${esc(w.acceptedOutstanding)} ${s.acceptedOutstanding}; ${esc([...s.pledges, ...s.deployments].join(', '))})</small>`];
  }), w.none));
  parts.push(`<h2>${esc(w.pledges)}</h2>` + table([w.pledge, w.party, w.request, w.quantity, w.from, w.state, w.honour], c.pledges.map((p) => [esc(p.id), party(p.party), esc(p.request), `${p.quantity}${p.conditions ? ` <small>${esc(p.conditions)}</small>` : ''}`, when(p.availableFrom), esc(say(p.state, lang)) + (p.ended ? ` <small>${esc(p.ended.reason)}</small>` : ''), status(p.honour)]), w.none));
  parts.push(`<h2>${esc(w.deployments)}</h2>` + table([w.deployments, w.party, w.pledge, w.quantity, w.personnel, w.status, w.history], c.deployments.map((d) => [esc(d.id), party(d.party), esc(d.pledge), String(d.quantity), d.personnel === null ? '—' : String(d.personnel), esc(say(d.status, lang)), d.history.map((h) => `${esc(say(h.status, lang))} ${when(h.at)}`).join('<br>')]), w.none));
  parts.push(`<h2>${esc(w.compliance)}</h2>` + table([w.party, ...(opts.compliance[0]?.cells.map((x) => x.label) ?? [])], opts.compliance.map((row) => [party(row.party), ...row.cells.map((x) => `<b>${esc(x.value)}</b>${x.items.length ? ` <small>${esc(x.items.join(', '))}</small>` : ''}`)]), w.none));
  parts.push(`<h2>${esc(w.notes)}</h2>` + table([w.at, w.party, w.text], opts.notes.map((n) => [`${when(n.at)} <small>${esc(n.by)}</small>`, party(n.party), esc(n.text)]), w.none));

  return `<!doctype html>\n<html lang="${lang}"><head><meta charset="utf-8"><title>${esc(title)}</title><style>${STYLE}</style></head><body>\n${parts.join('\n')}\n</body></html>\n`;
}
