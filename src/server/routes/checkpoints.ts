import { createPublicKey } from 'node:crypto';
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { GENESIS_HASH } from '../../ledger/chain.ts';
import { CHECKPOINT_FORMAT, keyIdOf, NotAnExtension } from '../../ledger/checkpoint.ts';
import type { AppContext } from '../context.ts';
import { checkKeptCheckpoint, issueCheckpoint, issuedCheckpoints } from '../../store/ledger/checkpoints.ts';
import { HttpError } from '../http-error.ts';
import { authorize } from '../policy.ts';
import { LedgerVerification } from './ledger.ts';
import { ErrorResponse } from './schemas.ts';

/**
 * Signed ledger checkpoints (src/ledger/checkpoint.ts): any signed-in user takes one and keeps
 * it, and can later ask whether the ledger still holds what it signed.
 */

export const CheckpointSchema = z.object({
  format: z.literal(CHECKPOINT_FORMAT),
  origin: z.string().describe('This ledger\'s id'),
  size: z.number().int().describe('Entries in the ledger when signed'),
  hash: z.string().describe('The hash of entry `size` (64 zeros when empty)'),
  at: z.string(),
  keyId: z.string(),
  publicKey: z.string().describe('Ed25519 public key, PEM'),
  signature: z.string().describe('Ed25519 signature (base64) of the lines: format, origin, size, hash, at'),
}).meta({ id: 'LedgerCheckpoint' });

const CheckResult = z.object({
  ok: z.boolean(),
  reason: z.string().optional().describe('Why the checkpoint does not hold (when ok is false)'),
  checkpoint: z.object({ size: z.number().int(), hash: z.string(), at: z.string(), keyId: z.string() }).optional(),
  ledger: LedgerVerification.optional(),
});

export const checkpointRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  const { store } = ctx;
  const tags = ['ledger'];
  const denied = { 401: ErrorResponse, 403: ErrorResponse };
  const key = () => {
    if (!ctx.checkpointKey) {
      throw new HttpError(503, 'no_checkpoint_key', 'This server signs no checkpoints: its administrator must give it a key (FOEDUS_CHECKPOINT_KEY_FILE, made by "foedus ledger keygen"); see the README.');
    }
    return ctx.checkpointKey;
  };

  app.get('/api/v1/ledger/checkpoint', {
    schema: {
      tags,
      summary: 'A signed checkpoint of the ledger\'s head as it is now: keep it to prove later that the ledger only grew',
      response: { 200: CheckpointSchema, ...denied, 409: ErrorResponse, 503: ErrorResponse },
    },
  }, async (request, reply) => {
    authorize(request.actor, 'read', 'checkpoint');
    const k = key();
    const head = await store.ledger.head();
    const last = (await issuedCheckpoints(store))[0];
    const same = last && last.size === (head?.seq ?? 0) && last.hash === (head?.hash ?? GENESIS_HASH) && last.keyId === keyIdOf(createPublicKey(k));
    const c = same ? last : await issueCheckpoint(store, k, ctx.clock()).catch((err: unknown) => {
      // Never a signature over a rewritten history: the parties' earlier checkpoints would contradict it.
      if (err instanceof NotAnExtension) throw new HttpError(409, 'ledger_rewritten', err.message);
      throw err;
    });
    void reply.header('content-disposition', `attachment; filename="foedus-ledger-checkpoint-${c.size}.json"`);
    return c;
  });

  app.get('/api/v1/ledger/checkpoints', {
    schema: {
      tags,
      summary: 'The checkpoints signed so far, newest first (the last 100)',
      response: { 200: z.object({ checkpoints: z.array(CheckpointSchema) }), ...denied },
    },
  }, async (request) => {
    authorize(request.actor, 'read', 'checkpoint');
    return { checkpoints: await issuedCheckpoints(store) };
  });

  app.get('/api/v1/ledger/public-key', {
    schema: {
      tags,
      summary: 'The public key checkpoints are signed with (keep it beside your checkpoints)',
      response: { 200: z.object({ keyId: z.string(), publicKey: z.string() }), ...denied, 503: ErrorResponse },
    },
  }, async (request) => {
    authorize(request.actor, 'read', 'checkpoint');
    const pub = createPublicKey(key());
    return { keyId: keyIdOf(pub), publicKey: pub.export({ type: 'spki', format: 'pem' }).toString() };
  });

  app.post('/api/v1/ledger/checkpoints/check', {
    schema: {
      tags,
      summary: 'Does the ledger still hold what a kept checkpoint signed? (its signature, then the chain from it to today\'s head)',
      body: z.strictObject({
        checkpoint: z.record(z.string(), z.unknown()).describe('The checkpoint as downloaded'),
        trustedKey: z.string().max(2000).optional().describe('A public key (PEM) kept apart: the checkpoint must be signed by it'),
      }),
      response: { 200: CheckResult, 400: ErrorResponse, ...denied },
    },
  }, async (request) => {
    authorize(request.actor, 'verify', 'checkpoint');
    return checkKeptCheckpoint(store, request.body.checkpoint, request.body.trustedKey);
  });
};
