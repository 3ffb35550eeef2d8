import { partyName } from '../../charter/i18n.ts';
import type { Lang } from '../../charter/schema.ts';
import type { CaseView } from '../view.ts';
import { say, words } from './words.ts';

/** A case as plain text for the terminal (`foedus cases show`). */
export function caseText(c: CaseView, lang: Lang): string {
  const w = words(lang);
  const out: string[] = [];
  const line = (s = '') => out.push(s);
  line(`${w.case} ${c.id} — ${c.provision.charter} art. ${c.provision.article} (${c.provision.provision}), ${w.version} ${c.version}${c.exercise ? `  [${w.exercise}]` : ''}`);
  line(`${w.state}: ${say(c.state, lang)}   ${w.opened}: ${c.openedAt} ${w.by} ${c.openedBy}`);
  line(`${w.beneficiary}: ${c.provision.beneficiary ? partyName(c.provision.beneficiary, lang) : '—'}   ${w.obligated}: ${c.provision.obligated.join(', ')}`);
  line(`${w.incident}: ${c.incident.id ?? w.hypothetical} — ${c.incident.snapshot.date}, ${c.incident.snapshot.kind}`);
  line(`${w.decisionRule}: ${c.provision.decision.summary[lang]}`);
  if (c.decision) line(`${w.decision}: ${c.decision.explanation[lang]}`);
  line();
  line(`${w.obligations}:`);
  for (const o of c.obligations) {
    line(`  ${o.id.padEnd(4)} ${o.party} ${say(o.kind, lang)}${o.request ? ` ${o.request}` : ''} — ${w.due} ${o.due} — ${say(o.status, lang)}${o.metAt ? ` (${o.metAt})` : ''}`);
  }
  if (c.requests.length) {
    line();
    line(`${w.requests}:`);
    for (const r of c.requests) {
      const s = r.shortfall;
      line(`  ${r.id.padEnd(4)} ${r.party}: ${r.quantity} ${r.unit} ${say(r.capability, lang)} (${say(r.priority, lang)}, ${say(r.state, lang)}) — ${w.delivered} ${s.delivered}, ${w.acceptedOutstanding} ${s.acceptedOutstanding}, ${w.shortfall.toLowerCase()} ${s.shortfall}`);
    }
  }
  if (c.pledges.length) {
    line();
    line(`${w.pledges}:`);
    for (const p of c.pledges) line(`  ${p.id.padEnd(4)} ${p.party} → ${p.request}: ${p.quantity} — ${say(p.state, lang)}${p.honour ? `, ${say(p.honour, lang)}` : ''}`);
  }
  if (c.deployments.length) {
    line();
    line(`${w.deployments}:`);
    for (const d of c.deployments) line(`  ${d.id.padEnd(4)} ${d.party} (${d.pledge}): ${d.quantity}${d.personnel !== null ? `, ${d.personnel} ${w.personnel.toLowerCase()}` : ''} — ${say(d.status, lang)}`);
  }
  return `${out.join('\n')}\n`;
}
