import { sql, type Kysely, type RawBuilder } from 'kysely';
import { recordHash, type StoredRecord } from '../../ledger/records.ts';
import type { Dialect } from '../database.ts';
import { caseColumns } from '../cases/case-repository.ts';
import { prepareRecord, rowToRecord, type IncidentRow, type PreparedRecord } from '../incidents/rows.ts';

/**
 * What a record's content hash covers, kind by kind (src/ledger/records.ts hashes it): what the
 * store returns for the record, less what changes without a ledger entry.
 *
 * - Incident: its id, the stored record (the `record` column), its raw source reports (dataset,
 *   source id and stamp, raw row) in the order appended, and who corrected it by hand and when. The
 *   record and the raw rows are hashed as the text the store keeps (SQLite: the text written;
 *   PostgreSQL: jsonb's own text form), not re-serialised: an import of 25,000 rows would spend more
 *   on sorting their keys than on writing them (and an edit that only reorders a row's keys is
 *   named too, which is right: it was made around the ledger).
 *   Left out: the assessment (recomputed in the background by src/server/assessments.ts), the
 *   version and the created/updated stamps (bookkeeping: the ledger entry has its own), a report's
 *   import time. The columns kept beside the record for queries (date, country, fatalities,
 *   position…) are not hashed but recomputed from the record and compared: a fatality count
 *   edited in its column alone is named too.
 * - User: username, role, party, password hash (a replaced hash is a stolen account), must-change,
 *   created/disabled, and its API tokens (id, hash, label, created, expiry, revoked). Left out: a
 *   token's last use and the sessions, which sign-ins change without a ledger entry.
 * - Case: the case document (its steps are in it) and its notes. The columns kept beside the
 *   document for lists (state, version, parties…) are compared with it, as for incidents.
 *
 * Hashes are computed by reading the record back, in the writer's transaction, so what is
 * hashed at a write is what verification reads later, on either database.
 */

type Db = Kysely<any>;
type Row = Record<string, any>;

const parse = (v: unknown): unknown => (typeof v === 'string' ? JSON.parse(v) : v);

// ---------------------------------------------------------------- incidents

const INCIDENT_CHECKED = [
  'date', 'date_end', 'kind', 'country', 'admin1', 'admin1_derived', 'lat', 'lon', 'morton', 'location_precision', 'coarse',
  'perpetrator_type', 'target_type', 'fatalities_best', 'fatalities_low', 'fatalities_high', 'dataset', 'source_id', 'source_timestamp', 'actors_text',
] as const satisfies readonly (keyof IncidentRow)[];

const incidentRead = (dialect: Dialect) =>
  sql.raw(`id, ${dialect === 'postgres' ? 'record::text as record' : 'record'}, version, corrected_at, corrected_by, ${INCIDENT_CHECKED.join(', ')}`);

/** Numbers come back as strings from PostgreSQL bigints: compare them as numbers. */
function sameValue(stored: unknown, expected: unknown): boolean {
  if (stored === null || stored === undefined) return expected === null || expected === undefined;
  if (typeof expected === 'number') return Number(stored) === expected;
  return stored === expected;
}

function incidentContent(row: Row, reports: Row[]): unknown {
  return {
    id: row.id,
    record: String(row.record),
    reports: reports.map((r) => ({ dataset: r.dataset, sourceId: r.source_id ?? null, sourceTimestamp: r.source_timestamp == null ? null : Number(r.source_timestamp), raw: String(r.raw) })),
    correctedAt: row.corrected_at ?? null,
    correctedBy: row.corrected_by ?? null,
  };
}

/** The columns that disagree with the record they are derived from, or null. */
function incidentColumns(row: Row): string | null {
  let expected: IncidentRow;
  try {
    expected = prepareRecord(rowToRecord({ ...row, assessment: null, created_at: '', updated_at: '' }, [])).row;
  } catch (err) {
    return `its record cannot be read (${(err as Error).message})`;
  }
  const off = INCIDENT_CHECKED.filter((c) => !sameValue(row[c], expected[c]));
  return off.length ? `column ${off.map((c) => `${c} (${JSON.stringify(row[c])}, the record says ${JSON.stringify(expected[c])})`).join(', ')} disagrees with its record` : null;
}

async function reportsOf(db: Db, dialect: Dialect, ids: string[]): Promise<Map<string, Row[]>> {
  const by = new Map<string, Row[]>();
  if (ids.length === 0) return by;
  const order = sql.raw(dialect === 'postgres' ? 'incident_id, seq' : 'incident_id, rid');
  const res = await sql<Row>`select incident_id, dataset, source_id, source_timestamp, ${sql.raw(dialect === 'postgres' ? 'raw::text as raw' : 'raw')} from incident_reports where incident_id in (${sql.join(ids)}) order by ${order}`.execute(db);
  for (const r of res.rows) {
    let l = by.get(r.incident_id);
    if (!l) by.set(r.incident_id, (l = []));
    l.push(r);
  }
  return by;
}

export interface BoundIncident {
  version: number;
  contentHash: string;
  /** The stored record (the `record` column). */
  record: Record<string, unknown>;
}

/**
 * The content hash an incident will have once `p` is stored as a new incident (its only reports are
 * p's, and nobody corrected it): the same as reading it back, without the read. SQLite keeps the text
 * written; on PostgreSQL (jsonb's text is its own) null: read it back.
 */
export function newIncidentHash(p: PreparedRecord, dialect: Dialect): string | null {
  if (dialect !== 'sqlite') return null;
  return recordHash({
    id: p.row.id,
    record: p.row.record,
    reports: p.reports.map((r) => ({ dataset: r.dataset, sourceId: r.sourceId, sourceTimestamp: r.sourceTimestamp, raw: r.rawJson })),
    correctedAt: null,
    correctedBy: null,
  });
}

/** The content hash (and version, and stored record) of each of these incidents as stored now; absent ids are left out. */
export async function incidentHashes(db: Db, dialect: Dialect, ids: readonly string[]): Promise<Map<string, BoundIncident>> {
  const out = new Map<string, BoundIncident>();
  const unique = [...new Set(ids)];
  for (let i = 0; i < unique.length; i += 500) {
    const part = unique.slice(i, i + 500);
    const rows = (await sql<Row>`select ${incidentRead(dialect)} from incidents where id in (${sql.join(part)})`.execute(db)).rows;
    const reports = await reportsOf(db, dialect, part);
    for (const r of rows) {
      out.set(r.id, { version: Number(r.version), contentHash: recordHash(incidentContent(r, reports.get(r.id) ?? [])), record: parse(r.record) as Record<string, unknown> });
    }
  }
  return out;
}

async function* storedIncidents(db: Db, dialect: Dialect, pageSize: number): AsyncGenerator<StoredRecord> {
  let after: string | null = null;
  for (;;) {
    const where = after === null ? sql`` : sql`where id > ${after}`;
    const rows = (await sql<Row>`select ${incidentRead(dialect)} from incidents ${where} order by id limit ${pageSize}`.execute(db)).rows;
    const reports = await reportsOf(db, dialect, rows.map((r) => r.id as string));
    for (const r of rows) {
      const inconsistent = incidentColumns(r);
      yield { kind: 'incident', id: r.id, hash: recordHash(incidentContent(r, reports.get(r.id) ?? [])), ...(inconsistent ? { inconsistent } : {}) };
    }
    if (rows.length < pageSize) return;
    after = rows.at(-1)!.id as string;
  }
}

// ---------------------------------------------------------------- users

const USER_READ = sql.raw('id, username, role, party, password_hash, must_change_password, created_at, disabled_at');

function userContent(u: Row, tokens: Row[]): unknown {
  return {
    username: u.username,
    role: u.role,
    party: u.party ?? null,
    passwordHash: u.password_hash,
    mustChangePassword: Number(u.must_change_password) === 1,
    createdAt: u.created_at,
    disabledAt: u.disabled_at ?? null,
    tokens: tokens.map((t) => ({ id: Number(t.id), tokenHash: t.token_hash, label: t.label ?? null, createdAt: t.created_at, expiresAt: t.expires_at ?? null, revokedAt: t.revoked_at ?? null })),
  };
}

/**
 * The rows a page of records owns (a user's tokens, a case's notes), grouped by the owner's id in
 * column `owner`; `query` selects them for the given ids, in order.
 */
async function ownedBy(db: Db, ids: number[], owner: string, query: (ids: RawBuilder<unknown>) => RawBuilder<Row>): Promise<Map<number, Row[]>> {
  const by = new Map<number, Row[]>();
  if (ids.length === 0) return by;
  for (const r of (await query(sql.join(ids)).execute(db)).rows) {
    const k = Number(r[owner]);
    let l = by.get(k);
    if (!l) by.set(k, (l = []));
    l.push(r);
  }
  return by;
}

function tokensOf(db: Db, userIds: number[]): Promise<Map<number, Row[]>> {
  return ownedBy(db, userIds, 'user_id', (ids) => sql<Row>`select id, user_id, token_hash, label, created_at, expires_at, revoked_at from api_token where user_id in (${ids}) order by user_id, id`);
}

/** A user's content hash as stored now; null when there is no such user. */
export async function userHash(db: Db, username: string): Promise<string | null> {
  const u = (await sql<Row>`select ${USER_READ} from app_user where username = ${username}`.execute(db)).rows[0];
  if (!u) return null;
  return recordHash(userContent(u, (await tokensOf(db, [Number(u.id)])).get(Number(u.id)) ?? []));
}

async function* storedUsers(db: Db, pageSize: number): AsyncGenerator<StoredRecord> {
  let after = 0;
  for (;;) {
    const rows = (await sql<Row>`select ${USER_READ} from app_user where id > ${after} order by id limit ${pageSize}`.execute(db)).rows;
    const tokens = await tokensOf(db, rows.map((u) => Number(u.id)));
    for (const u of rows) yield { kind: 'user', id: u.username, hash: recordHash(userContent(u, tokens.get(Number(u.id)) ?? [])) };
    if (rows.length < pageSize) return;
    after = Number(rows.at(-1)!.id);
  }
}

// ---------------------------------------------------------------- cases

const CASE_COLUMNS = ['version', 'state', 'exercise', 'incident_id', 'charter', 'provision', 'beneficiary', 'parties', 'opened_at', 'updated_at'] as const;
const CASE_READ = sql.raw(`id, document, ${CASE_COLUMNS.join(', ')}`);

function caseContent(row: Row, notes: Row[]): unknown {
  return {
    id: Number(row.id),
    document: parse(row.document),
    notes: notes.map((n) => ({ id: Number(n.id), party: n.party ?? null, restricted: Number(n.restricted) === 1, text: n.text, at: n.at, by: n.by })),
  };
}

function caseInconsistency(row: Row): string | null {
  let expected: Record<string, unknown>;
  try {
    expected = caseColumns(parse(row.document) as Parameters<typeof caseColumns>[0]);
  } catch (err) {
    return `its document cannot be read (${(err as Error).message})`;
  }
  const off = CASE_COLUMNS.filter((c) => !sameValue(row[c], expected[c]));
  return off.length ? `column ${off.map((c) => `${c} (${JSON.stringify(row[c])}, the document says ${JSON.stringify(expected[c])})`).join(', ')} disagrees with its document` : null;
}

function notesOf(db: Db, caseIds: number[]): Promise<Map<number, Row[]>> {
  return ownedBy(db, caseIds, 'case_id', (ids) => sql<Row>`select id, case_id, party, restricted, text, at, by from case_note where case_id in (${ids}) order by case_id, id`);
}

/** A case's content hash as stored now (document and notes); null when there is no such case. */
export async function caseHash(db: Db, id: number): Promise<string | null> {
  const row = (await sql<Row>`select ${CASE_READ} from response_case where id = ${id}`.execute(db)).rows[0];
  if (!row) return null;
  return recordHash(caseContent(row, (await notesOf(db, [id])).get(id) ?? []));
}

async function* storedCases(db: Db, pageSize: number): AsyncGenerator<StoredRecord> {
  let after = 0;
  for (;;) {
    const rows = (await sql<Row>`select ${CASE_READ} from response_case where id > ${after} order by id limit ${pageSize}`.execute(db)).rows;
    const notes = await notesOf(db, rows.map((r) => Number(r.id)));
    for (const r of rows) {
      const inconsistent = caseInconsistency(r);
      yield { kind: 'case', id: String(r.id), hash: recordHash(caseContent(r, notes.get(Number(r.id)) ?? [])), ...(inconsistent ? { inconsistent } : {}) };
    }
    if (rows.length < pageSize) return;
    after = Number(rows.at(-1)!.id);
  }
}

/** Every stored incident, user and case with its content hash now, kind by kind, in pages. */
export async function* storedRecords(db: Db, dialect: Dialect, pageSize = 500): AsyncGenerator<StoredRecord> {
  yield* storedIncidents(db, dialect, pageSize);
  yield* storedUsers(db, pageSize);
  yield* storedCases(db, pageSize);
}
