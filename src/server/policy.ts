import { forbidden, unauthenticated } from './http-error.ts';
import type { Role } from '../store/accounts/account-repository.ts';

/**
 * THE authorisation policy of Foedus: every rule, in one table, resource × action ×
 * role (× party). Routes never test roles themselves; they call `authorize(actor,
 * action, resource)` (throws 401/403) or `can(…)` (to filter lists).
 *
 * A rule grants an action to a role either on every resource of that kind (`all`)
 * or only when the resource concerns the actor's own party (`own`: resource.party
 * === actor.party — the liaison scope). Anything not granted here is denied.
 */

export type { Role };
export { ROLES } from '../store/accounts/account-repository.ts';

/** Who is asking: the signed-in user (from a session cookie or a bearer token). */
export interface Actor {
  id: number;
  username: string;
  role: Role;
  /** ISO3 of the party a liaison acts for; null for other roles. */
  party: string | null;
}

export const RESOURCE_TYPES = [
  'charter',
  'assessment',
  'incident',
  'import',
  'feed',
  'ledger',
  'checkpoint',
  'user',
  'webhook',
  'case',
  'position',
  'obligation',
  'request',
  'pledge',
  'deployment',
  'note',
] as const;
export type ResourceType = (typeof RESOURCE_TYPES)[number];

/**
 * - read: see it; run: compute something without changing state (an assessment);
 *   verify: check the ledger — these three never write.
 * - create / update / delete: change records; acknowledge: a party acknowledges its
 *   obligation; decide: the secretariat takes a case step (consultation, decision, closure).
 */
export const ACTIONS = ['read', 'run', 'verify', 'create', 'update', 'delete', 'acknowledge', 'decide'] as const;
export type Action = (typeof ACTIONS)[number];
export const READ_ONLY_ACTIONS: ReadonlySet<Action> = new Set<Action>(['read', 'run', 'verify']);

/** What the policy looks at: the kind, the party it concerns (if any), and for notes whether it is restricted. */
export interface Resource {
  type: ResourceType;
  party?: string | null;
  /** Notes only: a restricted note of a party is for that party's liaison, the secretariat and admin. */
  restricted?: boolean;
}

type Scope = 'all' | 'own';
type Grants = Partial<Record<Role, Scope>>;
/** The kinds the table is keyed by: a restricted note is its own kind. */
type Kind = Exclude<ResourceType, 'note'> | 'note' | 'note.restricted';

const everyone: Grants = { secretariat: 'all', liaison: 'all', observer: 'all', admin: 'all' };
const staff: Grants = { secretariat: 'all', admin: 'all' };

/** The table. Read it as: "on <kind>, <action> is allowed to <role> for <scope>". */
export const POLICY: Record<Kind, Partial<Record<Action, Grants>>> = {
  // Charters are files in the repository: readable by all, changed by no one through the API.
  charter: { read: everyone },
  // An assessment is a pure computation (no state change): anyone signed in may run one.
  assessment: { read: everyone, run: everyone },
  // Incidents and imports: the operations centre records; everyone signed in reads.
  incident: { read: everyone, create: { secretariat: 'all' }, update: { secretariat: 'all' } },
  import: { read: everyone, create: { secretariat: 'all' } },
  // The live feed of changes (SSE).
  feed: { read: everyone },
  // The ledger's actors and payloads (payloads may carry any party's restricted notes): staff only.
  // This one rule also decides what a record's history shows (routes/ledger.ts historyFor):
  // without it, when and what changed, but not who nor the values.
  ledger: { read: staff, verify: staff },
  // A signed checkpoint of the ledger is a count and a hash: every party may take one and keep it, and
  // later ask whether the ledger still holds what it signed (the answer names no entry's content).
  checkpoint: { read: everyone, verify: everyone },
  // Accounts: admin only (a user sees itself through /auth/me, which needs no rule).
  user: { read: { admin: 'all' }, create: { admin: 'all' }, update: { admin: 'all' } },
  // Webhooks carry case events to other systems, signed with a secret: admin only.
  webhook: { read: { admin: 'all' }, create: { admin: 'all' }, update: { admin: 'all' } },
  // Collective-response cases are run by the secretariat; all parties follow them.
  case: { read: everyone, create: { secretariat: 'all' }, update: { secretariat: 'all' }, decide: { secretariat: 'all' } },
  // A party's position in consultation: its liaison states it; the secretariat may record one given in session.
  position: { read: everyone, create: { liaison: 'own', secretariat: 'all' } },
  // An obligation falls on one party: the secretariat records it, that party's liaison acknowledges it.
  obligation: { read: everyone, create: { secretariat: 'all' }, update: { secretariat: 'all' }, acknowledge: { liaison: 'own' } },
  // A request for assistance: posted by the secretariat or by the requesting party's liaison.
  request: { read: everyone, create: { secretariat: 'all', liaison: 'own' }, update: { secretariat: 'all', liaison: 'own' } },
  // Pledges (and a party's answer that it cannot pledge) are a party's own acts. The requesting side
  // accepts or declines them (decide): its liaison (the resource's party is then the requesting party)
  // or the secretariat.
  pledge: { read: everyone, create: { liaison: 'own' }, update: { liaison: 'own' }, decide: { secretariat: 'all', liaison: 'own' } },
  deployment: { read: everyone, create: { liaison: 'own' }, update: { liaison: 'own', secretariat: 'all' } },
  // Notes on a case: ordinary notes are shared; restricted ones stay with their party.
  note: { read: everyone, create: { secretariat: 'all', liaison: 'own' } },
  'note.restricted': { read: { liaison: 'own', secretariat: 'all', admin: 'all' }, create: { liaison: 'own', secretariat: 'all' } },
};

function kindOf(resource: Resource): Kind {
  return resource.type === 'note' && resource.restricted ? 'note.restricted' : resource.type;
}

function asResource(resource: Resource | ResourceType): Resource {
  return typeof resource === 'string' ? { type: resource } : resource;
}

export type Decision = { allowed: true } | { allowed: false; status: 401 | 403; reason: string };

const ARTICLE: Record<Role, string> = { secretariat: 'the secretariat', liaison: 'a liaison', observer: 'an observer', admin: 'an admin' };
const NOUN: Record<Kind, string> = {
  charter: 'charters',
  assessment: 'assessments',
  incident: 'incidents',
  import: 'imports',
  feed: 'the live feed',
  ledger: 'the ledger',
  checkpoint: 'ledger checkpoints',
  user: 'user accounts',
  webhook: 'webhooks',
  case: 'response cases',
  position: 'positions',
  obligation: 'obligations',
  request: 'requests for assistance',
  pledge: 'pledges',
  deployment: 'deployments',
  note: 'notes',
  'note.restricted': 'restricted notes',
};

/** The decision with its reason (for 403 messages and tests). */
export function decide(actor: Actor | null | undefined, action: Action, resource: Resource | ResourceType): Decision {
  if (!actor) return { allowed: false, status: 401, reason: 'Sign in first: this needs a session cookie or a bearer token.' };
  const r = asResource(resource);
  const kind = kindOf(r);
  const scope = POLICY[kind]?.[action]?.[actor.role];
  const who = actor.role === 'liaison' ? `${ARTICLE.liaison} (for ${actor.party ?? 'no party'})` : ARTICLE[actor.role] ?? `role ${actor.role}`;
  if (!scope) {
    const what = `${action} ${NOUN[kind]}`;
    const hint = actor.role === 'observer' && !READ_ONLY_ACTIONS.has(action) ? ' Observers have read-only access.' : '';
    return { allowed: false, status: 403, reason: `${capital(who)} may not ${what}.${hint}` };
  }
  if (scope === 'own') {
    if (!actor.party || !r.party || r.party !== actor.party) {
      const theirs = r.party ? `of ${r.party}` : 'that concern no party';
      return { allowed: false, status: 403, reason: `${capital(who)} may ${action} only ${NOUN[kind]} of its own party, not ${NOUN[kind]} ${theirs}.` };
    }
  }
  return { allowed: true };
}

export function can(actor: Actor | null | undefined, action: Action, resource: Resource | ResourceType): boolean {
  return decide(actor, action, resource).allowed;
}

/** Throws 401 when nobody is signed in, 403 (with the reason) when the policy says no. */
export function authorize(actor: Actor | null | undefined, action: Action, resource: Resource | ResourceType): asserts actor is Actor {
  const d = decide(actor, action, resource);
  if (d.allowed) return;
  throw d.status === 401 ? unauthenticated(d.reason) : forbidden(d.reason);
}

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/**
 * What a route needs of a role before its input is even read: one of these (action, resource
 * type) pairs granted to the role for some party. The route still decides on the resource itself
 * (its party) after validation; this only refuses early the roles the table never lets in.
 */
export type RoleRequirement = Array<[Action, ResourceType]>;

export function requireRole(actor: Actor | null | undefined, needs: RoleRequirement): void {
  if (!actor) throw unauthenticated();
  if (needs.some(([action, type]) => grantsRole(actor.role, action, type))) return;
  const [action, type] = needs[0]!;
  // The table's own reason, for the first need.
  authorize(actor, action, { type, party: actor.party });
}

function grantsRole(role: Role, action: Action, type: ResourceType): boolean {
  const kinds: Kind[] = type === 'note' ? ['note', 'note.restricted'] : [type];
  return kinds.some((k) => POLICY[k]?.[action]?.[role] !== undefined);
}
