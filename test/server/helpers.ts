import { fileURLToPath } from 'node:url';
import { loadCharters } from '../../src/charter/loader.ts';
import type { Charter } from '../../src/charter/schema.ts';
import { buildApp, type BuildAppOptions, type FoedusApp } from '../../src/server/app.ts';
import { addUser, issueToken } from '../../src/accounts/accounts.ts';
import type { Dialect, StoreConfig } from '../../src/store/database.ts';
import type { Store } from '../../src/store/store.ts';
import { openTestStore } from '../../src/store/testing.ts';

/**
 * A real Foedus server for API tests: a fresh store of the given dialect,
 * the app listening on 127.0.0.1 (port 0), users of every role with bearer
 * tokens, and `api()` to call it with fetch.
 */

export const CHARTERS_DIR = fileURLToPath(new URL('../../charters/', import.meta.url));
let charters: Charter[] | null = null;
export function testCharters(): Charter[] {
  charters ??= loadCharters(CHARTERS_DIR);
  return charters;
}

export const PASSWORD = 'correct horse battery staple';
export type Who = 'secretariat' | 'observer' | 'liaisonMli' | 'liaisonBfa' | 'liaisonNer' | 'admin';
const USERS: Record<Who, { username: string; role: string; party?: string }> = {
  secretariat: { username: 'duty-officer', role: 'secretariat' },
  observer: { username: 'analyst', role: 'observer' },
  liaisonMli: { username: 'liaison-mli', role: 'liaison', party: 'MLI' },
  liaisonBfa: { username: 'liaison-bfa', role: 'liaison', party: 'BFA' },
  liaisonNer: { username: 'liaison-ner', role: 'liaison', party: 'NER' },
  admin: { username: 'root', role: 'admin' },
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are read loosely in tests
export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export interface TestServer {
  app: FoedusApp;
  store: Store;
  /** How the store was opened (a CLI run in the test can open the same one). */
  config: StoreConfig;
  url: string;
  tokens: Record<Who, string>;
  usernames: Record<Who, string>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- as above
  api<T = any>(method: string, path: string, opts?: { as?: Who | null; json?: unknown; body?: BodyInit; headers?: Record<string, string> }): Promise<ApiResponse<T>>;
  close(): Promise<void>;
}

export async function startTestServer(dialect: Dialect, extra: Partial<BuildAppOptions> = {}): Promise<TestServer> {
  const ts = await openTestStore(dialect);
  const store = ts.store;
  const tokens = {} as Record<Who, string>;
  const usernames = {} as Record<Who, string>;
  for (const [who, u] of Object.entries(USERS) as Array<[Who, (typeof USERS)[Who]]>) {
    await addUser(store, 'test', { username: u.username, role: u.role as never, party: u.party ?? null, password: PASSWORD });
    tokens[who] = (await issueToken(store, 'test', u.username)).token;
    usernames[who] = u.username;
  }
  const app = await buildApp({ store, charters: testCharters(), logger: false, webDir: null, ...extra });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const addr = app.server.address();
  const url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;

  const api: TestServer['api'] = async (method, path, opts = {}) => {
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    const who = opts.as === undefined ? 'secretariat' : opts.as;
    if (who) headers.authorization = `Bearer ${tokens[who]}`;
    let body: BodyInit | undefined = opts.body;
    if (opts.json !== undefined) {
      body = JSON.stringify(opts.json);
      headers['content-type'] ??= 'application/json';
    }
    const res = await fetch(url + path, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      /* not JSON */
    }
    return { status: res.status, headers: res.headers, body: parsed as never, text };
  };

  return {
    app,
    store,
    config: ts.config,
    url,
    tokens,
    usernames,
    api,
    close: async () => {
      await app.close();
      await ts.cleanup();
    },
  };
}

/** An incident in the engine's format: an armed attack by an armed group on Malian forces near Ménaka. */
export function sampleIncident(over: Record<string, unknown> = {}) {
  return {
    date: '2024-03-10',
    kind: 'armed_attack',
    location: { lat: 15.92, lon: 2.4 },
    perpetrator: { type: 'non_state_armed_group', name: 'IS Sahel' },
    target: { type: 'armed_forces', country: 'MLI' },
    fatalities: 12,
    ...over,
  };
}
