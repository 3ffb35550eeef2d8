import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { InputError } from '../errors.ts';
import { HttpError, type ErrorBody } from './http-error.ts';

/**
 * The one error handler of the API: every failure leaves as
 * `{error: {code, message, details?}}` with a status a client can act on.
 * Nothing but our own messages reaches the client; stacks stay in the log.
 */

/** Seconds a client should wait before retrying when the store is away. */
export const STORE_RETRY_AFTER_S = 5;

const STORE_DOWN_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN',
  // PostgreSQL: admin_shutdown, crash_shutdown, cannot_connect_now, too_many_connections, connection exceptions.
  '57P01', '57P02', '57P03', '53300', '08000', '08001', '08003', '08004', '08006',
  'SQLITE_BUSY', 'SQLITE_LOCKED', 'SQLITE_CANTOPEN', 'SQLITE_IOERR',
  'store_unavailable',
]);
const STORE_DOWN_MESSAGES = [
  /Connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /Client has encountered a connection error/i,
  /Connection terminated unexpectedly/i,
  /the database system is (starting up|shutting down)/i,
  /database is locked/i,
  /Cannot use a pool after calling end/i,
];

/** The database's disk is full (SQLite, PostgreSQL disk_full): nothing was written, and nothing will be until space is freed. */
const STORE_FULL_CODES = new Set(['SQLITE_FULL', '53100']);

export function isStoreFull(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 6; depth++) {
    const o = e as { code?: unknown; cause?: unknown };
    if (typeof o.code === 'string' && STORE_FULL_CODES.has(o.code)) return true;
    e = o.cause;
  }
  return false;
}

/** True when `err` (or one of its causes) says the database cannot be reached right now. */
export function isStoreUnavailable(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 6; depth++) {
    if (typeof e !== 'object') return false;
    const o = e as { code?: unknown; message?: unknown; cause?: unknown; errors?: unknown };
    if (typeof o.code === 'string' && STORE_DOWN_CODES.has(o.code)) return true;
    if (typeof o.message === 'string' && STORE_DOWN_MESSAGES.some((re) => re.test(o.message as string))) return true;
    // AggregateError (connecting to several addresses at once).
    if (Array.isArray(o.errors) && o.errors.some((x) => isStoreUnavailable(x))) return true;
    e = o.cause;
  }
  return false;
}

/**
 * The one error body. `requestId` is the x-request-id of the answer: a client quoting it lets the
 * log line of its request be found.
 */
export function errorBody(code: string, message: string, details?: Record<string, unknown>, requestId?: string): ErrorBody {
  return { error: { code, message, ...(details ? { details } : {}), ...(requestId ? { requestId } : {}) } };
}

function describeValidation(context: string | undefined, issues: ReadonlyArray<{ instancePath: string; message?: string; keyword: string; params: Record<string, unknown> }>): { message: string; fields: Array<{ field: string; reason: string }> } {
  const where = context === 'querystring' ? 'query' : context ?? 'request';
  const fields = issues.map((i) => {
    const path = i.instancePath.replace(/^\//, '').replace(/\//g, '.');
    if (i.keyword === 'unrecognized_keys') {
      const keys = (i.params.keys as string[] | undefined) ?? [];
      const field = [path, keys.join(',')].filter(Boolean).join('.');
      return { field: `${where}${field ? '.' + field : ''}`, reason: `unknown field(s) ${keys.map((k) => `"${k}"`).join(', ')}; remove them or check the spelling` };
    }
    return { field: `${where}${path ? '.' + path : ''}`, reason: i.message ?? i.keyword };
  });
  return { message: fields.map((f) => `${f.field}: ${f.reason}`).join('; '), fields };
}

const FASTIFY_CODES: Record<string, { status: number; code: string; message: string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: 'malformed_json', message: 'The request body is not valid JSON.' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: 'malformed_json', message: 'The request body is empty but its Content-Type says JSON: send a JSON document.' },
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: 'payload_too_large', message: 'The request body is too large.' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, code: 'unsupported_media_type', message: 'Unsupported Content-Type: send application/json (or multipart/form-data for uploads).' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: 'invalid_content_length', message: 'The Content-Length header does not match the body.' },
  FST_REQ_FILE_TOO_LARGE: { status: 413, code: 'payload_too_large', message: 'The uploaded file is too large.' },
  FST_FILES_LIMIT: { status: 413, code: 'payload_too_large', message: 'Too many files in the upload: send one file.' },
  FST_PARTS_LIMIT: { status: 413, code: 'payload_too_large', message: 'Too many parts in the upload.' },
  FST_FIELDS_LIMIT: { status: 413, code: 'payload_too_large', message: 'Too many fields in the upload.' },
  FST_PROTO_VIOLATION: { status: 400, code: 'forbidden_key', message: 'A multipart field is named "__proto__" or after another property every object has, which Foedus does not accept: rename it ("format" and "file" are the fields an upload needs).' },
  FST_INVALID_MULTIPART_CONTENT_TYPE: { status: 415, code: 'unsupported_media_type', message: 'Send the file as multipart/form-data.' },
  FST_ERR_BAD_URL: { status: 400, code: 'bad_url', message: 'The request URL is malformed.' },
};

export function handleError(this: FastifyInstance, err: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  if (hasZodFastifySchemaValidationErrors(err)) {
    const { message, fields } = describeValidation(err.validationContext, err.validation);
    void reply.code(400).send(errorBody('invalid_request', message, { fields }, request.id));
    return;
  }
  if (err instanceof HttpError) {
    if (err.status >= 500) request.log.error({ err }, 'request failed');
    if (err.status === 503) void reply.header('retry-after', String(STORE_RETRY_AFTER_S));
    void reply.code(err.status).send(errorBody(err.code, err.message, err.details, request.id));
    return;
  }
  if (isStoreFull(err)) {
    request.log.error({ err: { message: err.message, code: err.code } }, 'store full');
    void reply.code(507).send(errorBody('store_full', 'The database\'s disk is full: nothing was written. An administrator must free space on the store\'s volume; then retry.', undefined, request.id));
    return;
  }
  if (isStoreUnavailable(err)) {
    request.log.warn({ err: { message: err.message, code: err.code } }, 'store unavailable');
    void reply
      .code(503)
      .header('retry-after', String(STORE_RETRY_AFTER_S))
      .send(errorBody('store_unavailable', 'The database cannot be reached right now; retry in a few seconds.', undefined, request.id));
    return;
  }
  if (err instanceof InputError) {
    void reply.code(400).send(errorBody(err.code, err.message, err.where ? { where: err.where } : undefined, request.id));
    return;
  }
  const known = err.code ? FASTIFY_CODES[err.code] : undefined;
  if (known) {
    void reply.code(known.status).send(errorBody(known.code, known.message, undefined, request.id));
    return;
  }
  // Other 4xx errors thrown by Fastify or its plugins (rate limit, bad headers…): their message is meant for clients.
  const status = err.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    const code = status === 429 ? 'rate_limited' : (err.code ?? 'bad_request').toLowerCase().replace(/^fst_(err_)?/, '');
    void reply.code(status).send(errorBody(code, err.message, undefined, request.id));
    return;
  }
  request.log.error({ err }, 'unhandled error');
  void reply
    .code(500)
    .send(errorBody('internal', `Something went wrong on our side; the log has the details under request id ${request.id}.`, { requestId: request.id }, request.id));
}

/** Unknown routes: a JSON 404 in the error shape. */
export function handleNotFound(request: FastifyRequest, reply: FastifyReply): void {
  void reply.code(404).send(errorBody('not_found', `No route ${request.method} ${request.url.split('?')[0]}.`, undefined, request.id));
}
