import type { FastifyRequest } from 'fastify';
import { authorize, type Action, type Actor, type Resource } from './policy.ts';

/**
 * The routes' one call into the policy (src/server/policy.ts): 401 when
 * nobody is signed in, 403 with the policy's reason when it says no.
 */
export function actorOf(request: FastifyRequest): Actor | null {
  return request.actor ?? null;
}

export function guard(request: FastifyRequest, action: Action, resource: Resource): Actor {
  const actor = actorOf(request);
  authorize(actor, action, resource);
  return actor;
}

/** The actor's id as the ledger and the importer record it ("user:NAME"). */
export function actorId(request: FastifyRequest): string {
  const a = actorOf(request);
  return a ? `user:${a.username}` : 'anonymous';
}
