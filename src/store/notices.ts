import pg from 'pg';
import type { Database } from './database.ts';

/**
 * Messages between the server processes that share one PostgreSQL store, through LISTEN/NOTIFY:
 * the live feed's wake-ups (an event was stored in feed_event: read it) and its "end this user's
 * streams". The events themselves live in the store, so no size limit bites them; a message is
 * at most ~7,900 bytes (PostgreSQL's NOTIFY limit is 8,000). SQLite serves one process: nothing
 * to tell, so `send` does nothing and `listen` never calls back.
 *
 * The channel is per schema, so stores in different schemas of one database (the tests) do not hear
 * each other.
 */
export const MAX_NOTICE_BYTES = 7_900;

export interface Notices {
  send(message: string): Promise<void>;
  /** Calls `onMessage` for every message on the channel (this process's too) until the returned stop is called. */
  listen(onMessage: (message: string) => void): Promise<() => Promise<void>>;
}

export function notices(database: Database, name: string): Notices {
  if (database.dialect === 'sqlite') {
    return { send: async () => {}, listen: async () => async () => {} };
  }
  const config = database.config as { url: string; schema?: string };
  const channel = `foedus_${name}_${config.schema ?? 'public'}`;
  const pool = database.raw as pg.Pool;
  return {
    async send(message) {
      if (Buffer.byteLength(message) > MAX_NOTICE_BYTES) throw new Error(`a notice is at most ${MAX_NOTICE_BYTES} bytes`);
      await pool.query('select pg_notify($1, $2)', [channel, message]);
    },
    async listen(onMessage) {
      let client: pg.Client | null = null;
      let stopped = false;
      let retry: NodeJS.Timeout | null = null;
      // One dedicated connection (LISTEN holds it); when PostgreSQL goes away it is made again.
      const connect = async (): Promise<void> => {
        const c = new pg.Client({ connectionString: config.url });
        c.on('notification', (n) => { if (n.channel === channel && n.payload !== undefined) onMessage(n.payload); });
        const again = () => {
          if (stopped || client !== c) return;
          client = null;
          retry = setTimeout(() => void connect().catch(again), 1_000);
          retry.unref();
        };
        c.on('error', again);
        c.on('end', again);
        client = c;
        await c.connect();
        await c.query(`listen ${channel}`);
      };
      await connect();
      return async () => {
        stopped = true;
        if (retry) clearTimeout(retry);
        const c = client;
        client = null;
        await c?.end().catch(() => {});
      };
    },
  };
}
