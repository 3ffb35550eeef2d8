import { formatDay } from '../dates.ts';
import { art, partyName } from '../i18n.ts';
import type { CompiledCharters, ProvisionC } from './compile.ts';
import type { Facts } from './facts.ts';
import type { Conflict, TriggeredProvision } from './types.ts';

/**
 * Conflicts between charters: a party obligated by one charter to assist against a
 * perpetrator state that another charter in force that day binds it to. Sorted, one
 * per (party, triggered article, other charter).
 */
export function findConflicts(f: Facts, compiled: CompiledCharters, triggered: readonly TriggeredProvision[], provisions: readonly ProvisionC[]): Conflict[] {
  const perp = f.perpType === 'state' ? f.perpCountry : undefined;
  if (perp === undefined) return [];
  const out = new Map<string, Conflict>();
  const { lang, day } = f;
  triggered.forEach((t, k) => {
    const p = provisions[k]!;
    if (!p.assistsAgainstPerpetrator) return;
    for (const party of t.obligated) {
      for (const other of compiled.charters) {
        if (other === p.charter || day < other.from || day > other.until) continue;
        if (!other.membership.isParty(party, day) || !other.membership.isParty(perp, day)) continue;
        const key = `${party}|${t.charter}|${t.article}|${other.id}`;
        if (out.has(key)) continue;
        out.set(key, {
          parties: party < perp ? [party, perp] : [perp, party],
          between: [
            { charter: t.charter, article: t.article },
            { charter: other.id, article: other.bondArticle },
          ],
          explanation: f.S.conflict(
            partyName(party, lang), partyName(perp, lang), formatDay(day, lang),
            p.charter.name[lang], art(t.article, lang), t.beneficiary ? partyName(t.beneficiary, lang) : '—',
            other.name[lang], other.bondText[lang],
          ),
        });
      }
    }
  });
  return [...out.values()].sort((a, b) => {
    const ka = sortKey(a);
    const kb = sortKey(b);
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
}

function sortKey(c: Conflict): string {
  return `${c.parties.join(',')}|${c.between[0]!.charter}|${c.between[0]!.article}|${c.between[1]!.charter}`;
}
