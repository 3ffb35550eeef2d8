import type { Assessment } from '../charter/engine.ts';

/**
 * The JSON text of an assessment, as `JSON.stringify` would write it, built from
 * pieces serialised once. The engine shares and freezes what does not depend on
 * the incident: whole result lists between incidents that fail (or trigger) the
 * same way, and, inside a fresh list, each provision's result. Serialising those
 * shared pieces again for every request was most of the work of `POST /assess`
 * (about 24 µs of the ~30 µs the route itself spent on a typical 7.6 KiB answer
 * with two provisions triggered). A frozen value never changes, so its text can
 * be kept for as long as the value lives (the engine freezes deeply: a frozen
 * part holds only frozen parts); anything not frozen is written afresh.
 */
const texts = new WeakMap<object, string>();

/**
 * Writes `value` like JSON.stringify, reusing the text of every frozen part seen
 * before. A fresh result (a provision triggered by this incident) is mostly
 * made of shared frozen parts (its obligation, decision, obligated list and
 * trace sentences), so only its few own fields are written.
 */
function json(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  const cached = texts.get(value);
  if (cached !== undefined) return cached;
  let text: string;
  if (Array.isArray(value)) {
    text = '[';
    for (let i = 0; i < value.length; i++) text += (i ? ',' : '') + json(value[i]);
    text += ']';
  } else if ((value as { toJSON?: unknown }).toJSON !== undefined || Object.getPrototypeOf(value) !== Object.prototype) {
    text = JSON.stringify(value);
  } else {
    text = '{';
    let first = true;
    for (const key of Object.keys(value)) {
      const v = (value as Record<string, unknown>)[key];
      if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
      text += `${first ? '' : ','}${JSON.stringify(key)}:${json(v)}`;
      first = false;
    }
    text += '}';
  }
  if (Object.isFrozen(value)) texts.set(value, text);
  return text;
}

export function assessmentJson(a: Assessment): string {
  return `{"at":${JSON.stringify(a.at)},"triggered":${json(a.triggered)},"not_triggered":${json(a.not_triggered)},"conflicts":${json(a.conflicts)}}`;
}
