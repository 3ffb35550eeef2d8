import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { errorBody } from './errors.ts';
import { HttpError } from './http-error.ts';

/**
 * What reaches the API before a route: the JSON body parser, and the answer to a request
 * too broken for Fastify to route (Node's own 400 and 431). Both answer in the API's one
 * error shape, `{error: {code, message, requestId}}`.
 */

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * JSON bodies: refused when they are not UTF-8 (a lenient decoder would store U+FFFD in
 * place of the bad bytes) and when a key is `__proto__` (or `constructor` holding a
 * `prototype`), which could reach an object's prototype; each refusal says which it is.
 */
export function registerJsonParser(app: FastifyInstance): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body: Buffer, done) => {
    let text: string;
    try {
      text = UTF8.decode(body);
    } catch {
      done(new HttpError(400, 'invalid_utf8', 'The request body is not valid UTF-8: send JSON encoded in UTF-8.'), undefined);
      return;
    }
    if (text.trim() === '') {
      done(new HttpError(400, 'malformed_json', 'The request body is empty but its Content-Type says JSON: send a JSON document.'), undefined);
      return;
    }
    try {
      done(null, JSON.parse(text, refuseProtoKeys));
    } catch (err) {
      if (err instanceof HttpError) done(err, undefined);
      else done(new HttpError(400, 'malformed_json', `The request body is not valid JSON (${(err as Error).message}).`), undefined);
    }
  });
}

function refuseProtoKeys(key: string, value: unknown): unknown {
  if (key === '__proto__' || (key === 'constructor' && value !== null && typeof value === 'object' && 'prototype' in value)) {
    throw new HttpError(400, 'forbidden_key', `The request body has a field named "${key}", which Foedus does not accept (it could reach an object's prototype): remove it.`);
  }
  return value;
}

/**
 * Node's own refusals of a request it could not parse, in the API's error shape. Such a request
 * never got an id, so it is given one here: in the answer and in the log line, as for any other.
 * (Node has no 414: a request line too long is a 431 like headers too large.)
 */
export function clientErrorHandler(this: FastifyInstance, err: NodeJS.ErrnoException, socket: Socket): void {
  // Nothing can be said to a connection that is gone.
  if (err.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const [status, code, message] = err.code === 'HPE_HEADER_OVERFLOW'
    ? [431, 'headers_too_large', 'The request line or headers are too large (at most 16 KiB together): send a shorter URL or fewer headers.']
    : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? [408, 'request_timeout', 'The request was not received in time.']
      : [400, 'bad_request', 'The request is not valid HTTP.'];
  const id = randomUUID();
  this.log.info({ reqId: id, status, err: { code: err.code, message: err.message } }, 'request refused by the HTTP parser');
  const body = JSON.stringify(errorBody(code, message, undefined, id));
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nX-Request-Id: ${id}\r\nConnection: close\r\n\r\n${body}`);
}
