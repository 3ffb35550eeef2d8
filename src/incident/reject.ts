import type { IncidentRecord } from './record.ts';
import type { RowError } from './csv.ts';

/**
 * How a CSV mapper (UCDP, ACLED) turns a bad value into a RowError: the
 * column readers throw Reject, and `mapOrReject` gives the error with its line
 * instead of the record.
 */

export class Reject extends Error {
  constructor(
    readonly column: string,
    readonly reason: string,
  ) {
    super(reason);
  }
}

export function isRowError(x: IncidentRecord | RowError): x is RowError {
  return !('incident' in x);
}

/** `map(row)`, or the RowError of the Reject it threw (other errors are bugs and go on up). */
export function mapOrReject<R>(row: R, line: number, map: (row: R) => IncidentRecord): IncidentRecord | RowError {
  try {
    return map(row);
  } catch (e) {
    if (e instanceof Reject) return { line, column: e.column, reason: e.reason };
    throw e;
  }
}

/** A latitude or longitude in decimal degrees, within ±limit. */
export function coordinate(value: string, column: string, limit: number): number {
  const v = value.trim();
  const n = Number(v);
  if (v === '' || !Number.isFinite(n)) throw new Reject(column, `${column} "${v}" is not a number in decimal degrees`);
  if (Math.abs(n) > limit) throw new Reject(column, `${column} ${n} is outside -${limit}–${limit}`);
  return n;
}
