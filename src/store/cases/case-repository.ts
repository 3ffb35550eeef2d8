import { caseParties, summarise, type Case, type CaseState, type CaseSummary } from '../../response/model.ts';
import type { RepositoryContext } from '../store.ts';
import { lockLedger } from '../ledger/ledger-repository.ts';
import { caseHash } from '../ledger/record-content.ts';

/**
 * Collective-response cases (one JSON document per case) and their notes.
 * Every write runs inside the caller's transaction, beside the ledger entry that
 * records it. `update` is conditional on the version the step was computed from:
 * it returns false when another step got there first (the caller answers 409).
 */

export interface CaseFilter {
  state?: CaseState | undefined;
  party?: string | undefined;
  exercise?: boolean | undefined;
  incidentId?: string | undefined;
  /** Keyset paging: cases with an id below this one (newest first). */
  before?: number | undefined;
  limit: number;
}

export interface CaseNote {
  id: number;
  caseId: number;
  /** A restricted note's party; a shared note's author's party (null: the secretariat). */
  party: string | null;
  restricted: boolean;
  text: string;
  at: string;
  by: string;
}

export interface CaseRepository {
  /** Stores a new case; returns it with its id. */
  insert(c: Case): Promise<Case>;
  get(id: number): Promise<Case | null>;
  /** Writes the case where the stored version is `expected`; false when it moved on. */
  update(c: Case, expected: number): Promise<boolean>;
  list(filter: CaseFilter): Promise<CaseSummary[]>;
  /**
   * Every case (documents) concerning a party, or all when party is null — for compliance and the inbox;
   * with `recent`, only that many, the most recently changed first (the CAP feed).
   */
  documents(filter: { party: string | null; openOnly?: boolean; recent?: number }): Promise<Case[]>;
  addNote(note: Omit<CaseNote, 'id'>): Promise<CaseNote>;
  notes(caseId: number): Promise<CaseNote[]>;
  /** The case's content hash as stored now (document and notes), for the ledger entry that records a write; in a transaction, after the ledger's lock. */
  contentHash(id: number): Promise<string | null>;
}

const FINAL: CaseState[] = ['closed', 'declined', 'withdrawn'];

/** The columns kept beside the document, derived from it (the records check compares them: src/store/ledger/record-content.ts). */
export function caseColumns(c: Case) {
  return {
    version: c.version,
    state: c.state,
    exercise: c.exercise ? 1 : 0,
    incident_id: c.incident.id,
    charter: c.provision.charter,
    provision: c.provision.provision,
    beneficiary: c.provision.beneficiary,
    parties: ` ${caseParties(c).join(' ')} `,
    opened_at: c.openedAt,
    updated_at: c.updatedAt,
    document: JSON.stringify(c),
  };
}

function toCase(r: { id: unknown; document: string }): Case {
  const c = JSON.parse(r.document) as Case;
  c.id = Number(r.id);
  return c;
}

function toNote(r: Record<string, any>): CaseNote {
  return { id: Number(r.id), caseId: Number(r.case_id), party: r.party ?? null, restricted: Number(r.restricted) === 1, text: r.text, at: r.at, by: r.by };
}

export function caseRepository(ctx: RepositoryContext): CaseRepository {
  const { db } = ctx;
  return {
    async insert(c) {
      const r = await db.insertInto('response_case').values(caseColumns(c)).returning('id').executeTakeFirstOrThrow();
      const stored = { ...c, id: Number(r.id) };
      // The id is known only now: write it into the document too.
      await db.updateTable('response_case').set({ document: JSON.stringify(stored) }).where('id', '=', stored.id).execute();
      return stored;
    },
    async get(id) {
      const r = await db.selectFrom('response_case').select(['id', 'document']).where('id', '=', id).executeTakeFirst();
      return r ? toCase(r) : null;
    },
    async update(c, expected) {
      const res = await db.updateTable('response_case').set(caseColumns(c)).where('id', '=', c.id).where('version', '=', expected).executeTakeFirst();
      return Number(res.numUpdatedRows) === 1;
    },
    async list(f) {
      let q = db.selectFrom('response_case').select(['id', 'document']);
      if (f.state) q = q.where('state', '=', f.state);
      if (f.party) q = q.where('parties', 'like', `% ${f.party} %`);
      if (f.exercise !== undefined) q = q.where('exercise', '=', f.exercise ? 1 : 0);
      if (f.incidentId) q = q.where('incident_id', '=', f.incidentId);
      if (f.before) q = q.where('id', '<', f.before);
      const rows = await q.orderBy('id', 'desc').limit(f.limit).execute();
      return rows.map((r: { id: unknown; document: string }) => summarise(toCase(r)));
    },
    async documents(f) {
      let q = db.selectFrom('response_case').select(['id', 'document']);
      if (f.party) q = q.where('parties', 'like', `% ${f.party} %`);
      if (f.openOnly) q = q.where('state', 'not in', FINAL);
      if (f.recent !== undefined) return (await q.orderBy('updated_at', 'desc').orderBy('id', 'desc').limit(f.recent).execute()).map(toCase);
      return (await q.orderBy('id').execute()).map(toCase);
    },
    async addNote(n) {
      const r = await db
        .insertInto('case_note')
        .values({ case_id: n.caseId, party: n.party, restricted: n.restricted ? 1 : 0, text: n.text, at: n.at, by: n.by })
        .returning('id')
        .executeTakeFirstOrThrow();
      return { ...n, id: Number(r.id) };
    },
    async notes(caseId) {
      return (await db.selectFrom('case_note').selectAll().where('case_id', '=', caseId).orderBy('id').execute()).map(toNote);
    },
    async contentHash(id) {
      await lockLedger(ctx); // see LedgerRepository.lock: a note and a step committed side by side
      return caseHash(db, id);
    },
  };
}
