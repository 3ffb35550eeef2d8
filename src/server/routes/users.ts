import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { TOKEN_DAYS, addUser, disableUser, issueToken, resetPassword, revokeToken } from '../../accounts/accounts.ts';
import { PASSWORD_MAX_LENGTH } from '../../accounts/secrets.ts';
import { InputError } from '../../errors.ts';
import type { TokenRecord, User } from '../../store/accounts/account-repository.ts';
import type { AppContext } from '../context.ts';
import { HttpError } from '../http-error.ts';
import { ROLES, authorize, type RoleRequirement } from '../policy.ts';
import { ErrorResponse } from './schemas.ts';

/**
 * User accounts (admin only): list, add, disable, issue an API token.
 * Every change is written with its ledger entry in one transaction (src/accounts/accounts.ts).
 */

export const UserSchema = z
  .object({
    username: z.string(),
    role: z.enum(ROLES),
    party: z.string().nullable(),
    mustChangePassword: z.boolean(),
    createdAt: z.string(),
    disabledAt: z.string().nullable().describe('Set when the account was disabled: it can no longer sign in, its sessions and tokens stopped working'),
  })
  .meta({ id: 'User' });

export const UserList = z.object({ users: z.array(UserSchema) });
export const OneUser = z.object({ user: UserSchema });
export const TokenSchema = z
  .object({
    id: z.number().int(),
    label: z.string().nullable(),
    createdAt: z.string(),
    lastUsedAt: z.string().nullable().describe('Updated at most once a minute'),
    expiresAt: z.string(),
    revokedAt: z.string().nullable(),
  })
  .meta({ id: 'ApiToken' });
export const IssuedToken = z.object({ token: z.string().describe('Shown once: only its hash is kept'), tokenInfo: TokenSchema });
export const TokenList = z.object({ tokens: z.array(TokenSchema) });

const UsernameParams = z.strictObject({ username: z.string().min(1).max(64) });
const TokenParams = z.strictObject({ username: z.string().min(1).max(64), id: z.coerce.number().int().min(1).max(2 ** 53 - 1) });

function tokenView(t: TokenRecord): z.infer<typeof TokenSchema> {
  return { id: t.id, label: t.label, createdAt: t.createdAt, lastUsedAt: t.lastUsedAt, expiresAt: t.expiresAt, revokedAt: t.revokedAt };
}

function view(u: User): z.infer<typeof UserSchema> {
  return { username: u.username, role: u.role, party: u.party, mustChangePassword: u.mustChangePassword, createdAt: u.createdAt, disabledAt: u.disabledAt };
}

/** Account errors as HTTP: an existing name 409, an unknown user 404, the rest of bad input 400. */
export function accountHttpError(err: unknown): unknown {
  if (!(err instanceof InputError)) return err;
  if (err.code === 'user_exists') return new HttpError(409, 'user_exists', err.message);
  if (err.code === 'user_not_found' || err.code === 'token_not_found') return new HttpError(404, 'not_found', err.message);
  return new HttpError(400, err.code, err.message);
}

async function mapped<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw accountHttpError(err);
  }
}

/** The feed is optional so that a test can mount these routes alone; the server always gives it. */
export const userRoutes: FastifyPluginAsyncZod<{ ctx: Pick<AppContext, 'store'> & Partial<Pick<AppContext, 'feed'>> }> = async (app, { ctx }) => {
  const { store } = ctx;
  /** A disabled user, or one whose password was reset, keeps no open live-feed stream. */
  const endStreams = (u: User) => ctx.feed?.endStreamsOf(u.id);
  const tags = ['users'];
  const denied = { 401: ErrorResponse, 403: ErrorResponse };

  app.get('/api/v1/users', {
    schema: { tags, summary: 'Every user account (admin)', response: { 200: UserList, ...denied } },
  }, async (request) => {
    authorize(request.actor, 'read', 'user');
    return { users: (await store.accounts.listUsers()).map(view) };
  });

  app.post('/api/v1/users', {
    config: { requires: [['create', 'user']] satisfies RoleRequirement },
    schema: {
      tags,
      summary: 'Add a user (admin). A liaison needs the ISO3 code of its party; other roles take none.',
      body: z.strictObject({
        username: z.string().min(1).max(64),
        role: z.enum(ROLES),
        party: z.string().min(3).max(3).nullable().optional(),
        password: z.string().min(1).max(PASSWORD_MAX_LENGTH),
        mustChangePassword: z.boolean().optional().describe('Make the user choose a new password at first sign-in'),
      }),
      response: { 201: OneUser, 400: ErrorResponse, ...denied, 409: ErrorResponse },
    },
  }, async (request, reply) => {
    const actor = request.actor;
    authorize(actor, 'create', 'user');
    const user = await mapped(() => addUser(store, `user:${actor.username}`, request.body));
    void reply.code(201);
    return { user: view(user) };
  });

  app.post('/api/v1/users/:username/disable', {
    schema: {
      tags,
      summary: 'Disable a user (admin): it can no longer sign in; its sessions and tokens stop working at once',
      params: UsernameParams,
      response: { 200: OneUser, 400: ErrorResponse, ...denied, 404: ErrorResponse },
    },
  }, async (request) => {
    const actor = request.actor;
    authorize(actor, 'update', 'user');
    if (request.params.username === actor.username) {
      throw new HttpError(400, 'cannot_disable_self', 'You cannot disable your own account; ask another admin.');
    }
    const user = await mapped(() => disableUser(store, `user:${actor.username}`, request.params.username));
    endStreams(user);
    return { user: view(user) };
  });

  app.post('/api/v1/users/:username/password', {
    config: { requires: [['update', 'user']] satisfies RoleRequirement },
    schema: {
      tags,
      summary: "Reset a user's password (admin): the user must choose a new one at next sign-in; its sessions and API tokens end",
      params: UsernameParams,
      body: z.strictObject({ password: z.string().min(1).max(PASSWORD_MAX_LENGTH).describe('A one-time password to hand to the user') }),
      response: { 200: OneUser, 400: ErrorResponse, ...denied, 404: ErrorResponse },
    },
  }, async (request) => {
    const actor = request.actor;
    authorize(actor, 'update', 'user');
    const user = await mapped(() => resetPassword(store, `user:${actor.username}`, request.params.username, request.body.password));
    endStreams(user);
    return { user: view(user) };
  });

  app.get('/api/v1/users/:username/tokens', {
    schema: {
      tags,
      summary: "A user's API tokens (admin): labels and dates, never the tokens themselves",
      params: UsernameParams,
      response: { 200: TokenList, 400: ErrorResponse, ...denied, 404: ErrorResponse },
    },
  }, async (request) => {
    authorize(request.actor, 'read', 'user');
    const user = await store.accounts.findUser(request.params.username.trim().toLowerCase());
    if (!user) throw new HttpError(404, 'not_found', `there is no user named "${request.params.username}"`);
    return { tokens: (await store.accounts.listTokens(user.id)).map(tokenView) };
  });

  app.post('/api/v1/users/:username/tokens', {
    config: { requires: [['update', 'user']] satisfies RoleRequirement },
    schema: {
      tags,
      summary: 'Issue a bearer API token for a user (admin). The token is shown once; only its hash is kept.',
      params: UsernameParams,
      body: z.strictObject({
        label: z.string().min(1).max(100).optional(),
        expiresInDays: z.number().int().min(1).max(TOKEN_DAYS.max).optional().describe(`Days until the token stops working (default ${TOKEN_DAYS.default})`),
      }).nullish(),
      response: { 201: IssuedToken, 400: ErrorResponse, ...denied, 404: ErrorResponse },
    },
  }, async (request, reply) => {
    const actor = request.actor;
    authorize(actor, 'update', 'user');
    const { token, record } = await mapped(() => issueToken(store, `user:${actor.username}`, request.params.username, request.body?.label ?? null, request.body?.expiresInDays));
    void reply.code(201);
    return { token, tokenInfo: tokenView(record) };
  });

  app.post('/api/v1/users/:username/tokens/:id/revoke', {
    schema: {
      tags,
      summary: 'Revoke one API token of a user (admin): it stops working at once',
      params: TokenParams,
      response: { 200: z.object({ token: TokenSchema }), 400: ErrorResponse, ...denied, 404: ErrorResponse },
    },
  }, async (request) => {
    const actor = request.actor;
    authorize(actor, 'update', 'user');
    const rec = await mapped(() => revokeToken(store, `user:${actor.username}`, request.params.username, request.params.id));
    return { token: tokenView(rec) };
  });
};
