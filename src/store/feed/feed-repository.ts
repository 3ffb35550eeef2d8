import { sql } from 'kysely';
import type { RepositoryContext } from '../store.ts';

/** One live-feed event as stored (migration 012). */
export interface StoredFeedEvent {
  id: number;
  type: string;
  /** The event's data, as JSON text. */
  data: string;
  /** The policy resource limiting who may read it, as JSON text; null: every reader. */
  audience: string | null;
  createdAt: string;
}

/** The live feed's events (src/server/feed.ts). */
export interface FeedRepository {
  /** Stores an event and returns its id, larger than the id of every event committed before it. */
  append(e: { type: string; data: string; audience: string | null; createdAt: string }): Promise<number>;
  /** Events with an id above `id`, oldest first, at most `limit`. */
  after(id: number, limit: number): Promise<StoredFeedEvent[]>;
  /** The highest id stored (0: none). */
  latest(): Promise<number>;
  /** Deletes the events made before `before`; returns how many. */
  prune(before: string): Promise<number>;
}

function toEvent(r: Record<string, unknown>): StoredFeedEvent {
  return { id: Number(r.id), type: String(r.type), data: String(r.data), audience: (r.audience as string | null) ?? null, createdAt: String(r.created_at) };
}

export function feedRepository(ctx: RepositoryContext): FeedRepository {
  const { db, database } = ctx;
  return {
    async append(e) {
      const row = { type: e.type, data: e.data, audience: e.audience, created_at: e.createdAt };
      if (database.dialect === 'sqlite') {
        // One writer at a time on SQLite: ids are given in commit order already.
        const r = await db.insertInto('feed_event').values(row).returning('id').executeTakeFirstOrThrow();
        return Number(r.id);
      }
      // PostgreSQL hands out sequence values before commit, so two processes' events could become
      // visible out of id order, and a reader past the later one would never see the earlier. A
      // transaction lock (per schema) taken before the id is drawn and held until commit makes the
      // order of ids the order of commits.
      const insert = async (tx: typeof db) => {
        await sql`select pg_advisory_xact_lock(727371, hashtext(current_schema()))`.execute(tx);
        const r = await tx.insertInto('feed_event').values(row).returning('id').executeTakeFirstOrThrow();
        return Number(r.id);
      };
      return ctx.inTransaction ? insert(db) : db.transaction().execute(insert);
    },
    async after(id, limit) {
      const rows = await db.selectFrom('feed_event').selectAll().where('id', '>', id).orderBy('id').limit(limit).execute();
      return rows.map(toEvent);
    },
    async latest() {
      const r = await db.selectFrom('feed_event').select((eb) => eb.fn.max('id').as('id')).executeTakeFirst();
      return Number(r?.id ?? 0);
    },
    async prune(before) {
      const r = await db.deleteFrom('feed_event').where('created_at', '<', before).executeTakeFirst();
      return Number(r.numDeletedRows);
    },
  };
}
