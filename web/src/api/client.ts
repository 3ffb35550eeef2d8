import type {
  Assessment, CharterDetail, CharterSummary, ClusterResponse, AreaCount, Incident, IncidentCreate, IncidentFilters, IncidentPatch,
  IncidentRecord, ImportJob, ImportStarted, Json, Lang, Page, Place, Session, TimelineBucket,
  AccountUser, ApiToken, HistoryEntry, IssuedToken, LedgerPage, LedgerVerification, LedgerCheckpoint, CheckpointCheck, NewAccount,
  Webhook, WebhookDelivery, WebhookEventName,
  Case, CaseNote, CaseStep, CaseSummary, InboxItem, OpenCase, PartyCompliance, PeriodCompliance,
} from './types.ts';

/** A refusal from the API: {error: {code, message, details?}} with its HTTP status. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: unknown;
  readonly retryAfter: number | null;
  constructor(status: number, code: string, message: string, details?: unknown, retryAfter: number | null = null) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
    this.retryAfter = retryAfter;
  }
}

let csrfToken: string | null = null;
let onUnauthorized: (() => void) | null = null;

export function setCsrfToken(token: string | null): void { csrfToken = token; }
/** Called when a request comes back 401 after sign-in (session expired). */
export function setUnauthorizedHandler(fn: (() => void) | null): void { onUnauthorized = fn; }

type Query = Record<string, string | number | boolean | null | undefined>;

export function qs(query: Query | undefined): string {
  if (!query) return '';
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === '') continue;
    p.set(k, String(v));
  }
  const s = p.toString();
  return s ? `?${s}` : '';
}

async function request<T>(method: string, path: string, opts: { query?: Query; body?: unknown; form?: FormData; signal?: AbortSignal; quiet401?: boolean } = {}): Promise<T> {
  // The server words its refusals (case steps) in the UI's language.
  const headers: Record<string, string> = { accept: 'application/json', 'accept-language': document.documentElement.lang === 'fr' ? 'fr, en;q=0.5' : 'en, fr;q=0.5' };
  let body: BodyInit | undefined;
  if (opts.form) body = opts.form;
  else if (opts.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  const res = await fetch(`/api/v1${path}${qs(opts.query)}`, {
    method, headers, body, credentials: 'same-origin', signal: opts.signal ?? null,
  });
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let data: unknown = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = null; }
  if (!res.ok) {
    const err = (data as { error?: { code?: string; message?: string; details?: unknown } } | null)?.error;
    const ra = res.headers.get('retry-after');
    const e = new ApiError(res.status, err?.code ?? `http_${res.status}`, err?.message ?? (text.slice(0, 200) || res.statusText), err?.details, ra ? Number(ra) : null);
    if (res.status === 401 && !opts.quiet401 && onUnauthorized) onUnauthorized();
    throw e;
  }
  return data as T;
}

type Filtered = IncidentFilters & { bbox?: string; admin1?: string; actor?: string; minFatalities?: number; cell?: string };

export const api = {
  login: (username: string, password: string) => request<Session>('POST', '/auth/login', { body: { username, password }, quiet401: true }),
  logout: () => request<void>('POST', '/auth/logout', { body: {} }),
  me: () => request<Session>('GET', '/auth/me', { quiet401: true }),
  changePassword: (currentPassword: string, newPassword: string) =>
    request<Json<'/api/v1/auth/password', 'post'>>('POST', '/auth/password', { body: { currentPassword, newPassword } }),

  charters: () => request<CharterSummary[]>('GET', '/charters'),
  charter: (id: string, at?: string) => request<CharterDetail>('GET', `/charters/${encodeURIComponent(id)}`, { query: { at } }),
  assess: (incident: Incident, at?: string, lang?: Lang) => request<Assessment>('POST', '/assess', { body: { incident, ...(at ? { at } : {}), ...(lang ? { lang } : {}) } }),

  incidents: (f: Filtered & { cursor?: string | null; limit?: number }, signal?: AbortSignal) =>
    request<Page>('GET', '/incidents', { query: { ...f }, signal }),
  count: (f: Filtered, signal?: AbortSignal) => request<{ count: number }>('GET', '/incidents/count', { query: { ...f }, signal }),
  timeline: (f: Filtered & { interval: 'day' | 'week' | 'month' }, signal?: AbortSignal) =>
    request<{ buckets: TimelineBucket[] }>('GET', '/incidents/timeline', { query: { ...f }, signal }),
  byArea: (f: Filtered & { level: 'country' | 'admin1' }, signal?: AbortSignal) =>
    request<{ areas: AreaCount[] }>('GET', '/incidents/by-area', { query: { ...f }, signal }),
  clusters: (f: Filtered & { bbox: string; zoom: number; by?: string | undefined }, signal?: AbortSignal) =>
    request<ClusterResponse>('GET', '/incidents/clusters', { query: { ...f }, signal }),
  incident: (id: string) => request<IncidentRecord>('GET', `/incidents/${encodeURIComponent(id)}`),
  history: (id: string) => request<{ entries: HistoryEntry[] }>('GET', `/incidents/${encodeURIComponent(id)}/history`).then((r) => r.entries),
  createIncident: (body: IncidentCreate) => request<IncidentRecord>('POST', '/incidents', { body }),
  /** A stale `version` gets 409 version_conflict with {currentVersion, updatedBy, updatedAt}. */
  patchIncident: (id: string, body: IncidentPatch) => request<IncidentRecord>('PATCH', `/incidents/${encodeURIComponent(id)}`, { body }),

  /** The place names to print on a map view at a zoom, most important first. */
  places: (bbox: string, zoom: number, signal?: AbortSignal) =>
    request<{ places: Place[] }>('GET', '/places', { query: { bbox, zoom, limit: 120 }, signal }).then((r) => r.places),
  /** Places by name, accents and case ignored ("tillaberi" finds Tillabéri). */
  searchPlaces: (q: string, signal?: AbortSignal) =>
    request<{ places: Place[] }>('GET', '/places/search', { query: { q, limit: 8 }, signal }).then((r) => r.places),

  startImport: (file: File, format?: string) => {
    const form = new FormData();
    if (format) form.append('format', format);
    form.append('file', file, file.name);
    return request<ImportStarted>('POST', '/imports', { form }).then((r) => r.job);
  },
  importJob: (id: string) => request<ImportJob>('GET', `/imports/${encodeURIComponent(id)}`),

  // Administration (admin role): accounts, their tokens, the ledger.
  users: () => request<{ users: AccountUser[] }>('GET', '/users').then((r) => r.users),
  createUser: (body: NewAccount) => request<{ user: AccountUser }>('POST', '/users', { body }).then((r) => r.user),
  disableUser: (username: string) => request<{ user: AccountUser }>('POST', `/users/${encodeURIComponent(username)}/disable`, { body: {} }).then((r) => r.user),
  resetPassword: (username: string, password: string) =>
    request<{ user: AccountUser }>('POST', `/users/${encodeURIComponent(username)}/password`, { body: { password } }).then((r) => r.user),
  tokens: (username: string) => request<{ tokens: ApiToken[] }>('GET', `/users/${encodeURIComponent(username)}/tokens`).then((r) => r.tokens),
  issueToken: (username: string, label: string | null, expiresInDays: number) =>
    request<IssuedToken>('POST', `/users/${encodeURIComponent(username)}/tokens`, { body: { ...(label ? { label } : {}), expiresInDays } }),
  revokeToken: (username: string, id: number) =>
    request<{ token: ApiToken }>('POST', `/users/${encodeURIComponent(username)}/tokens/${id}/revoke`, { body: {} }).then((r) => r.token),
  ledger: (q: { target?: string; after?: number; limit?: number }) => request<LedgerPage>('GET', '/ledger', { query: q }),
  verifyLedger: () => request<LedgerVerification>('GET', '/ledger/verify'),
  /** A signed checkpoint of the ledger as it is now (every role: it is a count and a hash). */
  checkpoint: () => request<LedgerCheckpoint>('GET', '/ledger/checkpoint'),
  checkCheckpoint: (checkpoint: unknown) => request<CheckpointCheck>('POST', '/ledger/checkpoints/check', { body: { checkpoint } }),
  webhooks: () => request<{ webhooks: Webhook[] }>('GET', '/webhooks').then((r) => r.webhooks),
  createWebhook: (body: { url: string; events: Array<WebhookEventName | '*'> }) => request<{ webhook: Webhook; secret: string }>('POST', '/webhooks', { body }),
  disableWebhook: (id: number) => request<{ webhook: Webhook }>('POST', `/webhooks/${id}/disable`).then((r) => r.webhook),
  testWebhook: (id: number) => request<{ delivery: WebhookDelivery }>('POST', `/webhooks/${id}/test`).then((r) => r.delivery),
  webhookDeliveries: (id: number) => request<{ deliveries: WebhookDelivery[] }>('GET', `/webhooks/${id}/deliveries`).then((r) => r.deliveries),

  // Collective-response cases.
  cases: (q: { state?: string; party?: string; exercise?: 'true' | 'false'; incident?: string; limit?: number } = {}) =>
    request<{ cases: CaseSummary[]; next: number | null }>('GET', '/cases', { query: { limit: 500, ...q } }).then((r) => r.cases),
  openCase: (body: OpenCase) => request<{ case: Case }>('POST', '/cases', { body }).then((r) => r.case),
  case: (id: number) => request<{ case: Case }>('GET', `/cases/${id}`).then((r) => r.case),
  /** A stale `version` gets 409 version_conflict; a guard that fails, 409 with its reason in the UI's language. */
  caseStep: (id: number, version: number, step: CaseStep) => request<{ case: Case }>('POST', `/cases/${id}/steps`, { body: { version, step } }).then((r) => r.case),
  caseNotes: (id: number) => request<{ notes: CaseNote[] }>('GET', `/cases/${id}/notes`).then((r) => r.notes),
  addCaseNote: (id: number, body: { text: string; restricted: boolean; party?: string }) =>
    request<{ note: CaseNote }>('POST', `/cases/${id}/notes`, { body }).then((r) => r.note),
  caseCompliance: (id: number) => request<{ exercise: boolean; parties: PartyCompliance[] }>('GET', `/cases/${id}/compliance`).then((r) => r.parties),
  partyCompliance: (party: string, from: string, to: string) => request<PeriodCompliance>('GET', '/compliance', { query: { party, from, to } }),
  inbox: () => request<{ items: InboxItem[]; overdue: number }>('GET', '/inbox'),
};
