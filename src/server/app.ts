import { randomUUID, type KeyObject } from 'node:crypto';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import fastifyMultipart from '@fastify/multipart';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import { createJsonSchemaTransform, jsonSchemaTransformObject, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { pino } from 'pino';
import type { Charter } from '../charter/schema.ts';
import type { Store } from '../store/store.ts';
import type { AppContext } from './context.ts';
import { registerAuth } from './auth/authenticate.ts';
import { registerInputGuard } from './input-guard.ts';
import { registerSecurityHeaders } from './headers.ts';
import { handleError, handleNotFound } from './errors.ts';
import { HttpError } from './http-error.ts';
import { clientErrorHandler, registerJsonParser } from './body.ts';
import { Feed } from './feed.ts';
import { heartbeatFromEnv, ImportJobs, type ImportRunner } from './jobs.ts';
import { WebhookDeliverer, type DelivererOptions } from './webhooks/deliverer.ts';
import { AssessmentRefresher } from './assessments.ts';
import { assessRoutes } from './routes/assess.ts';
import { authRoutes } from './routes/auth.ts';
import { charterRoutes } from './routes/charters.ts';
import { eventRoutes } from './routes/events.ts';
import { healthRoutes } from './routes/health.ts';
import { importRoutes } from './routes/imports.ts';
import { exportRoutes } from './routes/export.ts';
import { incidentRoutes } from './routes/incidents.ts';
import { ledgerRoutes } from './routes/ledger.ts';
import { checkpointRoutes } from './routes/checkpoints.ts';
import { CheckpointSigner } from './checkpoints.ts';
import { checkpointKeyFromEnv } from '../ledger/checkpoint-key.ts';
import { userRoutes } from './routes/users.ts';
import { placeRoutes } from './routes/places.ts';
import { webhookRoutes } from './routes/webhooks.ts';
import { caseRoutes } from './routes/cases.ts';
import { complianceRoutes } from './routes/compliance.ts';
import { capRoutes } from './routes/cap.ts';

/**
 * The Foedus HTTP server: Fastify with zod-validated routes under /api/v1,
 * the OpenAPI 3.1 document and its browsable docs, the live feed, import
 * jobs, and the web UI (web/dist) when it has been built.
 */

export const API_VERSION = '0.1.0';
/** JSON bodies larger than this are refused with 413. */
export const JSON_BODY_LIMIT = 1024 * 1024;
/** Import uploads larger than this are refused with 413. */
export const UPLOAD_LIMIT = 200 * 1024 * 1024;

/** The built UI: FOEDUS_WEB_DIR, else web/dist of this checkout. */
export const DEFAULT_WEB_DIR = process.env.FOEDUS_WEB_DIR ?? fileURLToPath(new URL('../../web/dist/', import.meta.url));

export interface BuildAppOptions {
  store: Store;
  charters: Charter[];
  /** A pino logger, or false for none (tests). Default: pino at FOEDUS_LOG_LEVEL or info, on stdout. */
  logger?: FastifyBaseLogger | false;
  /** Demo mode (demo accounts exist): only logged. */
  demo?: boolean;
  /** The built UI; default web/dist when it exists; null for none. */
  webDir?: string | null;
  uploadLimitBytes?: number;
  /** Where uploads wait for their import job; default FOEDUS_UPLOAD_DIR, else the system's temp folder. On PostgreSQL, one folder shared by every server process. */
  uploadDir?: string;
  bodyLimitBytes?: number;
  /** How often a process says its import jobs are alive, ms; six missed beats and another takes over. Default FOEDUS_IMPORT_HEARTBEAT_SECONDS, else 10 s. */
  importHeartbeatMs?: number;
  /** The import function the jobs call (default the real importer). */
  importRunner?: ImportRunner;
  /** false: no background refresh of the stored assessments (the OpenAPI document). */
  assessments?: boolean;
  /** The clock of case steps and deadlines (default: the system's); tests move their own. */
  clock?: () => Date;
  /** Webhook delivery: poll interval, backoff, clock (tests); false: no deliverer running (e.g. the OpenAPI document). */
  webhooks?: DelivererOptions | false;
  /** The ledger checkpoint key; default from FOEDUS_CHECKPOINT_KEY(_FILE); null for none. */
  checkpointKey?: KeyObject | null;
  /** Minutes between automatic checkpoints (when the ledger moved); default FOEDUS_CHECKPOINT_INTERVAL_MINUTES or 60; 0: on demand only. */
  checkpointIntervalMinutes?: number;
}

const DEFAULT_CHECKPOINT_MINUTES = 60;

export type FoedusApp = FastifyInstance & { foedus: AppContext };

export async function buildApp(opts: BuildAppOptions): Promise<FoedusApp> {
  const loggerInstance = opts.logger === false
    ? pino({ enabled: false })
    : (opts.logger ?? pino({ level: process.env.FOEDUS_LOG_LEVEL ?? 'info' }));
  const app = Fastify({
    loggerInstance,
    bodyLimit: opts.bodyLimitBytes ?? JSON_BODY_LIMIT,
    // One log line per request (the onResponse hook below), with the request id as reqId.
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'reqId' }),
    // A client's x-request-id is kept (echoed and logged) only when it is a plain token; any other is replaced.
    requestIdHeader: false,
    genReqId: (req) => {
      const sent = req.headers['x-request-id'];
      return typeof sent === 'string' && /^[A-Za-z0-9._:-]{1,128}$/.test(sent) ? sent : randomUUID();
    },
    // While the server drains, a new request gets 503 from the hook below, in the API's error shape
    // (Fastify's own answer would be another shape).
    return503OnClosing: false,
    // Behind a reverse proxy that terminates TLS, name it (FOEDUS_TRUST_PROXY=127.0.0.1, or a CIDR) so
    // request.protocol is https and HSTS is sent; never trusted by default.
    trustProxy: process.env.FOEDUS_TRUST_PROXY || false,
    routerOptions: { ignoreTrailingSlash: true },
    clientErrorHandler,
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  // Every answer is encoded by its route's zod schema: what the OpenAPI document says is what is sent
  // (unknown fields are dropped; an answer that does not fit is a 500 and a log line, not a silent leak).
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(handleError);
  // Only JSON (and multipart for uploads): anything else is 415, not a string body.
  app.removeContentTypeParser('text/plain');
  registerJsonParser(app);

  const feed = new Feed(opts.store);
  const assessments = new AssessmentRefresher(opts.store, opts.charters, app.log, feed);
  const jobs = new ImportJobs(opts.store, feed, app.log, opts.importRunner, () => assessments.kick(), opts.importHeartbeatMs ?? heartbeatFromEnv());
  const webhooks = new WebhookDeliverer(opts.store, app.log, opts.webhooks || {});
  if (opts.webhooks !== false) app.addHook('onReady', async () => webhooks.start());
  if (opts.assessments !== false) app.addHook('onReady', async () => assessments.start());
  // Jobs left by a server that died are interrupted (SQLite) or handed to another process (PostgreSQL); this one's are kept alive.
  app.addHook('onReady', async () => jobs.start());
  // The live feed delivers the stored events, this process's and (on PostgreSQL) the other processes'.
  app.addHook('onReady', async () => feed.connect(opts.store.notices('feed'), app.log));
  const ctx: AppContext = {
    store: opts.store,
    charters: opts.charters,
    feed,
    jobs,
    webhooks,
    assessments,
    clock: opts.clock ?? (() => new Date()),
    uploadLimitBytes: opts.uploadLimitBytes ?? UPLOAD_LIMIT,
    uploadDir: opts.uploadDir ?? (process.env.FOEDUS_UPLOAD_DIR || tmpdir()),
    checkpointKey: opts.checkpointKey === undefined ? checkpointKeyFromEnv() : opts.checkpointKey,
  };
  const minutes = opts.checkpointIntervalMinutes ?? Number(process.env.FOEDUS_CHECKPOINT_INTERVAL_MINUTES ?? DEFAULT_CHECKPOINT_MINUTES);
  const signer = ctx.checkpointKey && minutes > 0 ? new CheckpointSigner(opts.store, ctx.checkpointKey, app.log, ctx.clock) : null;
  if (signer) app.addHook('onReady', async () => signer.start(minutes * 60_000));
  app.decorate('foedus', ctx);
  if (opts.demo) app.log.info('demo mode: demo accounts are available');

  let draining = false;
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    if (draining) {
      done(new HttpError(503, 'shutdown', 'The server is shutting down; retry in a moment.'));
      return;
    }
    done();
  });
  registerSecurityHeaders(app);
  app.addHook('onResponse', (request, reply, done) => {
    if ((request.log as unknown as { isLevelEnabled(l: string): boolean }).isLevelEnabled?.('info')) {
      request.log.info(
        { method: request.method, route: request.routeOptions.url ?? null, url: request.url, status: reply.statusCode, ms: Math.round(reply.elapsedTime * 10) / 10 },
        'request',
      );
    }
    done();
  });
  // Shutdown: end live streams and stop the import queue before the server waits for open connections.
  app.addHook('preClose', async () => {
    draining = true;
    feed.close();
    await feed.disconnect();
    await jobs.close();
    await webhooks.stop();
    await assessments.stop();
    signer?.stop();
  });

  await app.register(fastifyMultipart, {
    limits: { fileSize: ctx.uploadLimitBytes, files: 1, fields: 4, parts: 5, fieldSize: 1024, headerPairs: 100 },
  });

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Foedus API',
        version: API_VERSION,
        description: 'Mutual-defence treaties as working software: charters, assessment, incidents, imports, live feed. Every error is `{error: {code, message, details?, requestId}}`, requestId being the x-request-id of the answer.',
      },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'foedus_session', description: 'Set by POST /api/v1/auth/login; writes also need the x-csrf-token header.' },
          bearer: { type: 'http', scheme: 'bearer', description: 'An API token from `foedus users token USERNAME`.' },
        },
      },
      security: [{ session: [] }, { bearer: [] }],
    },
    transform: createJsonSchemaTransform({ skipList: ['/api/docs', '/api/docs/*', '/api/docs/json', '/api/docs/yaml', '/api/docs/static/*', '/api/docs/uiConfig', '/api/docs/initOAuth'] }),
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/api/docs' });

  app.get('/api/v1/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  await app.register(healthRoutes, { ctx });
  // Authentication first (a hook on the root instance), then the routes it guards.
  await registerAuth(app, { store: ctx.store });
  registerInputGuard(app);
  await app.register(authRoutes, { ctx });
  await app.register(userRoutes, { ctx });
  await app.register(webhookRoutes, { ctx });
  await app.register(ledgerRoutes, { ctx });
  await app.register(checkpointRoutes, { ctx });
  await app.register(charterRoutes, { ctx });
  await app.register(assessRoutes, { ctx });
  await app.register(exportRoutes, { ctx });
  await app.register(incidentRoutes, { ctx });
  await app.register(placeRoutes);
  await app.register(importRoutes, { ctx });
  await app.register(caseRoutes, { ctx });
  await app.register(complianceRoutes, { ctx });
  await app.register(capRoutes, { ctx });
  await app.register(eventRoutes, { ctx });

  const webDir = opts.webDir === undefined ? (existsSync(DEFAULT_WEB_DIR) ? DEFAULT_WEB_DIR : null) : opts.webDir;
  if (webDir && existsSync(webDir)) {
    await app.register(fastifyStatic, { root: webDir, wildcard: false, index: ['index.html'] });
    app.setNotFoundHandler((request, reply) => {
      const path = request.url.split('?')[0] ?? '/';
      // The UI routes in the browser (hash routes): a non-API GET gets index.html, unless it names a file
      // (an asset that is not there is a 404, not a page a script tag would try to run).
      const file = /\.[A-Za-z0-9]+$/.test(path) || path.startsWith('/assets/');
      if (request.method === 'GET' && !file && !path.startsWith('/api/') && !/^\/(healthz|readyz)$/.test(path)) {
        return reply.type('text/html; charset=utf-8').sendFile('index.html');
      }
      return handleNotFound(request, reply);
    });
  } else {
    app.setNotFoundHandler(handleNotFound);
  }

  return app as unknown as FoedusApp;
}

/** The OpenAPI document of the API, built from the routes' schemas (no database needed: an in-memory store). */
export async function openApiDocument(charters: Charter[]): Promise<Record<string, unknown>> {
  const { openStore } = await import('../store/store.ts');
  const store = await openStore({ dialect: 'sqlite', path: ':memory:' });
  try {
    const app = await buildApp({ store, charters, logger: false, webDir: null, webhooks: false, assessments: false });
    await app.ready();
    const doc = app.swagger() as unknown as Record<string, unknown>;
    await app.close();
    return doc;
  } finally {
    await store.close();
  }
}
