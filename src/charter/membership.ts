import { dayNumber, OPEN_END } from './dates.ts';
import type { Charter, Party, Text } from './schema.ts';

/**
 * Temporal membership, compiled once per charter: each party's membership
 * intervals and suspensions become integer day ranges, so "is X a party on
 * day d" is a few integer comparisons. Start days are inclusive; `left` and
 * suspension `to` are exclusive (the day the change took effect).
 */

export interface CompiledParty {
  code: string;
  /** Membership intervals [joined, left) as day numbers. */
  joined: number[];
  left: number[];
  /** The source strings, for traces. */
  joinedIso: string[];
  leftIso: (string | null)[];
  susFrom: number[];
  susTo: number[];
  susFromIso: string[];
  susScope: Text[];
  susBy: (string | undefined)[];
}

export function compileParty(p: Party): CompiledParty {
  return {
    code: p.country,
    joined: p.membership.map((m) => dayNumber(m.joined)),
    left: p.membership.map((m) => (m.left ? dayNumber(m.left) : OPEN_END)),
    joinedIso: p.membership.map((m) => m.joined),
    leftIso: p.membership.map((m) => m.left),
    susFrom: p.suspensions.map((s) => dayNumber(s.from)),
    susTo: p.suspensions.map((s) => (s.to ? dayNumber(s.to) : OPEN_END)),
    susFromIso: p.suspensions.map((s) => s.from),
    susScope: p.suspensions.map((s) => s.scope),
    susBy: p.suspensions.map((s) => s.decided_by),
  };
}

/** Index of the membership interval containing `day`, or -1. */
export function intervalAt(p: CompiledParty, day: number): number {
  const j = p.joined;
  for (let i = 0; i < j.length; i++) if (day >= j[i]! && day < p.left[i]!) return i;
  return -1;
}

/** Index of the suspension in effect on `day`, or -1. */
export function suspensionAt(p: CompiledParty, day: number): number {
  const f = p.susFrom;
  for (let i = 0; i < f.length; i++) if (day >= f[i]! && day < p.susTo[i]!) return i;
  return -1;
}

/** Why a state is not a party on `day`: it joins later, it left, or never. */
export type NotPartyReason = { kind: 'never' } | { kind: 'later'; joined: string } | { kind: 'left'; left: string; rejoined?: string };

export function notPartyReason(p: CompiledParty | undefined, day: number): NotPartyReason {
  if (!p) return { kind: 'never' };
  let lastLeft: string | null = null;
  for (let i = 0; i < p.joined.length; i++) {
    if (day < p.joined[i]!) return lastLeft ? { kind: 'left', left: lastLeft, rejoined: p.joinedIso[i]! } : { kind: 'later', joined: p.joinedIso[i]! };
    lastLeft = p.leftIso[i] ?? null;
  }
  return lastLeft ? { kind: 'left', left: lastLeft } : { kind: 'never' };
}

export class Membership {
  readonly parties: Map<string, CompiledParty>;
  /** Party codes in alphabetical order. */
  readonly codes: string[];
  private readonly list: CompiledParty[];

  constructor(charter: Charter) {
    this.list = charter.parties.map(compileParty).sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
    this.codes = this.list.map((p) => p.code);
    this.parties = new Map(this.list.map((p) => [p.code, p]));
  }

  isParty(code: string | undefined, day: number): boolean {
    if (code === undefined) return false;
    const p = this.parties.get(code);
    return p !== undefined && intervalAt(p, day) >= 0;
  }

  /** Parties in force on `day`, alphabetical (suspended parties included: suspension is not loss of membership). */
  inForce(day: number): string[] {
    return this.list.filter((p) => intervalAt(p, day) >= 0).map((p) => p.code);
  }
}
