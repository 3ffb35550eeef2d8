import { describe, expect, it } from 'vitest';
import { HttpError } from './http-error.ts';
import { ACTIONS, POLICY, READ_ONLY_ACTIONS, RESOURCE_TYPES, authorize, can, decide, type Action, type Actor, type Resource } from './policy.ts';

const actor = (role: Actor['role'], party: string | null = null): Actor => ({ id: 1, username: `${role}-${party ?? 'x'}`, role, party });
const secretariat = actor('secretariat');
const observer = actor('observer');
const admin = actor('admin');
const mli = actor('liaison', 'MLI');
const bfa = actor('liaison', 'BFA');

const WRITE_ACTIONS = ACTIONS.filter((a) => !READ_ONLY_ACTIONS.has(a));
/** Every resource kind, with a party and with and without the restricted flag. */
const RESOURCES: Resource[] = RESOURCE_TYPES.flatMap((type) => [
  { type, party: 'MLI' },
  { type, party: 'BFA', restricted: true },
  { type },
]);

function status(fn: () => void): number | null {
  try {
    fn();
    return null;
  } catch (err) {
    return err instanceof HttpError ? err.status : -1;
  }
}

describe('policy: what it must deny', () => {
  it('unauthenticated → 401 on everything, reads included', () => {
    for (const r of RESOURCES) for (const a of ACTIONS) {
      expect(can(null, a, r)).toBe(false);
      expect(status(() => authorize(null, a, r))).toBe(401);
    }
  });

  it('an observer cannot write anything (403)', () => {
    for (const r of RESOURCES) for (const a of WRITE_ACTIONS) {
      expect(can(observer, a, r), `${a} ${r.type}`).toBe(false);
      expect(status(() => authorize(observer, a, r))).toBe(403);
    }
    expect(decide(observer, 'create', 'incident')).toMatchObject({ allowed: false, reason: expect.stringMatching(/read-only/) });
  });

  it('a liaison cannot act for another party', () => {
    const acts: Array<[Action, Resource['type']]> = [
      ['acknowledge', 'obligation'],
      ['create', 'pledge'],
      ['update', 'pledge'],
      ['create', 'deployment'],
      ['update', 'deployment'],
      ['create', 'request'],
      ['create', 'note'],
    ];
    for (const [a, type] of acts) {
      expect(can(mli, a, { type, party: 'MLI' }), `${a} own ${type}`).toBe(true);
      expect(can(mli, a, { type, party: 'BFA' }), `${a} BFA ${type}`).toBe(false);
      expect(can(mli, a, { type }), `${a} party-less ${type}`).toBe(false);
      expect(status(() => authorize(mli, a, { type, party: 'BFA' }))).toBe(403);
    }
    expect(decide(mli, 'acknowledge', { type: 'obligation', party: 'BFA' })).toMatchObject({ allowed: false, reason: expect.stringMatching(/own party.*BFA/) });
  });

  it('no write action of a liaison is granted beyond its own party', () => {
    for (const r of RESOURCES) for (const a of WRITE_ACTIONS) {
      if (r.party === 'MLI') continue;
      expect(can(mli, a, r), `${a} ${r.type} of ${r.party}`).toBe(false);
    }
  });

  it('a liaison without a party (bad data) acts for nobody', () => {
    const orphan = actor('liaison', null);
    expect(can(orphan, 'acknowledge', { type: 'obligation', party: 'MLI' })).toBe(false);
  });

  it("a liaison cannot read another party's restricted notes; its own party's, the secretariat and admin can", () => {
    const bfaNote: Resource = { type: 'note', party: 'BFA', restricted: true };
    expect(can(mli, 'read', bfaNote)).toBe(false);
    expect(status(() => authorize(mli, 'read', bfaNote))).toBe(403);
    expect(can(observer, 'read', bfaNote)).toBe(false);
    expect(can(bfa, 'read', bfaNote)).toBe(true);
    expect(can(secretariat, 'read', bfaNote)).toBe(true);
    expect(can(admin, 'read', bfaNote)).toBe(true);
    // An ordinary note is shared.
    expect(can(mli, 'read', { type: 'note', party: 'BFA' })).toBe(true);
  });

  it('nobody but admin manages users', () => {
    for (const who of [secretariat, observer, mli]) for (const a of ['read', 'create', 'update', 'delete'] as const) {
      expect(can(who, a, 'user'), `${who.role} ${a} user`).toBe(false);
      expect(status(() => authorize(who, a, 'user'))).toBe(403);
    }
    for (const a of ['read', 'create', 'update'] as const) expect(can(admin, a, 'user')).toBe(true);
  });

  it('the ledger is for the secretariat and admin only', () => {
    for (const who of [observer, mli]) {
      expect(can(who, 'read', 'ledger')).toBe(false);
      expect(can(who, 'verify', 'ledger')).toBe(false);
    }
    expect(can(secretariat, 'verify', 'ledger')).toBe(true);
    expect(can(admin, 'read', 'ledger')).toBe(true);
  });

  it('admin manages accounts but records no incidents and takes no case steps', () => {
    expect(can(admin, 'create', 'incident')).toBe(false);
    expect(can(admin, 'decide', 'case')).toBe(false);
    expect(can(admin, 'acknowledge', { type: 'obligation', party: 'MLI' })).toBe(false);
  });

  it('nobody deletes anything: the record is kept (changes are new versions)', () => {
    for (const who of [secretariat, observer, admin, mli]) for (const r of RESOURCES) expect(can(who, 'delete', r)).toBe(false);
  });
});

describe('policy: what it allows', () => {
  it('everyone signed in reads shared things and runs assessments', () => {
    for (const who of [secretariat, observer, admin, mli]) {
      for (const type of ['charter', 'incident', 'import', 'case', 'obligation', 'pledge', 'deployment', 'feed'] as const) {
        expect(can(who, 'read', { type, party: 'NER' }), `${who.role} read ${type}`).toBe(true);
      }
      expect(can(who, 'run', 'assessment')).toBe(true);
    }
  });

  it('the secretariat records incidents, imports and runs cases', () => {
    for (const [a, t] of [['create', 'incident'], ['update', 'incident'], ['create', 'import'], ['create', 'case'], ['decide', 'case'], ['create', 'obligation']] as const) {
      expect(can(secretariat, a, t), `${a} ${t}`).toBe(true);
      expect(can(mli, a, { type: t, party: 'MLI' }), `liaison ${a} ${t}`).toBe(false);
    }
  });

  it('the requesting side decides on a pledge: its liaison (the resource is the requesting party) or the secretariat', () => {
    expect(can(secretariat, 'decide', { type: 'pledge', party: 'NER' })).toBe(true);
    expect(can(mli, 'decide', { type: 'pledge', party: 'MLI' })).toBe(true);
    expect(can(mli, 'decide', { type: 'pledge', party: 'NER' })).toBe(false);
    expect(can(mli, 'create', { type: 'position', party: 'MLI' })).toBe(true);
    expect(can(mli, 'create', { type: 'position', party: 'NER' })).toBe(false);
  });

  it('the table grants nothing to an unknown role', () => {
    const stranger = { id: 9, username: 'x', role: 'superuser' as unknown as Actor['role'], party: null };
    for (const r of RESOURCES) for (const a of ACTIONS) expect(can(stranger, a, r)).toBe(false);
    expect(Object.keys(POLICY).length).toBe(RESOURCE_TYPES.length + 1);
  });
});
