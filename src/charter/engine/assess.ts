import type { Incident } from '../../incident/incident.ts';
import { dayNumber, formatDay } from '../dates.ts';
import { SENTENCES } from '../i18n.ts';
import type { Charter, Lang } from '../schema.ts';
import { compileCharters, type CharterC, type CompiledCharters } from './compile.ts';
import { findConflicts } from './conflicts.ts';
import { readFacts, type Facts } from './facts.ts';
import { checkProvision, triggeredResult } from './provision.ts';
import type { AssessOptions, Assessment, NotTriggeredProvision, TraceItem, TriggeredProvision } from './types.ts';
import type { ProvisionC } from './compile.ts';

/** The first trace item of every provision of a charter: whether the charter is in force that day. */
function inForceItem(ch: CharterC, day: number, lang: Lang): TraceItem {
  const S = SENTENCES[lang];
  const on = formatDay(day, lang);
  const held = day >= ch.from && day <= ch.until;
  const detail = held ? S.inForce(ch.name[lang], on, ch.fromText[lang])
    : day < ch.from ? S.notYet(ch.name[lang], on, ch.fromText[lang])
    : S.ended(ch.name[lang], on, ch.untilText[lang]);
  return { condition: 'in_force', held, detail };
}

/**
 * Assesses one normalised incident against charters. Pure: no I/O, no clock; the
 * same input gives the same output, in the same order (charters by id, then
 * articles and provisions in the order of the text). Membership, suspension and
 * validity are read on the incident's day, or on `at`.
 */
export function assess(
  incident: Incident,
  charters: readonly Charter[] | CompiledCharters,
  at?: string,
  options?: AssessOptions,
): Assessment {
  const compiled = Array.isArray(charters) ? compileCharters(charters as readonly Charter[]) : (charters as CompiledCharters);
  const lang: Lang = options?.lang ?? 'en';
  const tracing = options?.trace !== false;
  const atDay = at ?? incident.date;
  const day = dayNumber(atDay);
  let facts: Facts | null = null;
  const triggered: TriggeredProvision[] = [];
  const triggeredBy: ProvisionC[] = [];
  const notTriggered: NotTriggeredProvision[] = [];
  for (const ch of compiled.charters) {
    const inForce = inForceItem(ch, day, lang);
    for (const p of ch.provisions) {
      const trace: TraceItem[] = [inForce];
      const hit = inForce.held ? checkProvision((facts ??= readFacts(incident, day, lang)), p, trace) : null;
      if (hit) {
        triggered.push(triggeredResult(facts!, p, hit, tracing ? trace : null));
        triggeredBy.push(p);
      } else {
        notTriggered.push({ charter: ch.id, article: p.article, provision: p.id, trace: tracing ? trace : [] });
      }
    }
  }
  const conflicts = facts && triggered.length > 0 ? findConflicts(facts, compiled, triggered, triggeredBy) : [];
  return { at: atDay, triggered, not_triggered: notTriggered, conflicts };
}
