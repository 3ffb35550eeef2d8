import { Fragment, useCallback, useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../../api/client.ts';
import type { AccountUser, ApiToken, Role } from '../../api/types.ts';
import { CountrySelect } from '../../components/CountrySelect.tsx';
import { ErrorBox } from '../../components/ErrorBox.tsx';
import { countryName } from '../../lib/countries.ts';
import { stamp } from '../../lib/format.ts';
import { useAuth } from '../../lib/auth.tsx';
import { currentLang } from '../../i18n/index.ts';
import '../Ledger/styles.css';
import './styles.css';

const ROLES: Role[] = ['secretariat', 'liaison', 'observer', 'admin'];

/** A one-time password to hand over: 16 random characters from an alphabet without look-alikes. */
function oneTimePassword(): string {
  const abc = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const r = crypto.getRandomValues(new Uint32Array(16));
  return Array.from(r, (x) => abc[x % abc.length]).join('');
}

/** An account refusal in the user's language when its code is known, else the server's words. */
function Refusal({ error }: { error: unknown }) {
  const { t, i18n } = useTranslation('accounts');
  if (error instanceof ApiError && i18n.exists(`accounts:err.${error.code}`)) {
    return <p className="field-error" role="alert" data-code={error.code}>{t(`err.${error.code}`)}</p>;
  }
  return <ErrorBox error={error} />;
}

function CreateAccount({ onCreated }: { onCreated: (u: AccountUser, password: string) => void }) {
  const { t } = useTranslation('accounts');
  const [username, setUsername] = useState('');
  const [role, setRole] = useState<Role>('liaison');
  const [party, setParty] = useState('');
  const [password, setPassword] = useState(oneTimePassword);
  const [mustChange, setMustChange] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    setBusy(true);
    try {
      const u = await api.createUser({ username, role, party: role === 'liaison' ? party : null, password, mustChangePassword: mustChange });
      onCreated(u, password);
      setUsername('');
      setParty('');
      setPassword(oneTimePassword());
    } catch (err) { setError(err); } finally { setBusy(false); }
  }

  return (
    <section className="card" aria-labelledby="create-title">
      <h2 id="create-title">{t('create')}</h2>
      <form className="row-form" onSubmit={submit} data-testid="create-account">
        <label><span>{t('username')}</span>
          <input name="username" value={username} onChange={(e) => setUsername(e.target.value)} required pattern="[A-Za-z0-9][A-Za-z0-9._\-]{1,63}" autoComplete="off" />
        </label>
        <label><span>{t('role')}</span>
          <select name="role" value={role} onChange={(e) => setRole(e.target.value as Role)}>
            {ROLES.map((r) => <option key={r} value={r}>{t(`common:role.${r}`)}</option>)}
          </select>
        </label>
        {role === 'liaison' && (
          <label><span>{t('party')}</span>
            <CountrySelect id="new-party" value={party} onChange={setParty} emptyLabel={t('choose')} required />
          </label>
        )}
        <label className="grow"><span>{t('oneTimePassword')}</span>
          <span className="with-button">
            <input name="password" value={password} onChange={(e) => setPassword(e.target.value)} required minLength={10} autoComplete="off" spellCheck={false} />
            <button type="button" className="quiet" onClick={() => setPassword(oneTimePassword())}>{t('generate')}</button>
          </span>
        </label>
        <label className="check"><input type="checkbox" checked={mustChange} onChange={(e) => setMustChange(e.target.checked)} /> {t('mustChange')}</label>
        <button type="submit" className="primary" disabled={busy}>{t('createSubmit')}</button>
      </form>
      <Refusal error={error} />
    </section>
  );
}

function Tokens({ user }: { user: AccountUser }) {
  const { t } = useTranslation('accounts');
  const [tokens, setTokens] = useState<ApiToken[] | null>(null);
  const [label, setLabel] = useState('');
  const [days, setDays] = useState(90);
  const [issued, setIssued] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(() => api.tokens(user.username).then(setTokens, setError), [user.username]);
  useEffect(() => { void load(); }, [load]);

  async function issue(e: FormEvent) {
    e.preventDefault();
    setError(null);
    try {
      const r = await api.issueToken(user.username, label.trim() || null, days);
      setIssued(r.token);
      setLabel('');
      await load();
    } catch (err) { setError(err); }
  }
  async function revoke(id: number) {
    setError(null);
    try { await api.revokeToken(user.username, id); await load(); } catch (err) { setError(err); }
  }
  const now = new Date().toISOString();
  const state = (k: ApiToken) => (k.revokedAt ? t('token.revoked') : k.expiresAt <= now ? t('token.expired') : t('token.live'));
  return (
    <div className="tokens" data-testid={`tokens-${user.username}`}>
      <h3>{t('tokens', { user: user.username })}</h3>
      {tokens && tokens.length === 0 && <p className="muted">{t('noTokens')}</p>}
      {tokens && tokens.length > 0 && (
        <table className="table compact">
          <thead><tr>
            <th scope="col">{t('token.label')}</th><th scope="col">{t('token.created')}</th><th scope="col">{t('token.expires')}</th>
            <th scope="col">{t('token.lastUsed')}</th><th scope="col">{t('token.state')}</th><th scope="col"><span className="visually-hidden">{t('actions')}</span></th>
          </tr></thead>
          <tbody>
            {tokens.map((k) => (
              <tr key={k.id}>
                <td>{k.label ?? <span className="muted">{t('token.unlabelled', { id: k.id })}</span>}</td>
                <td>{stamp(k.createdAt)}</td>
                <td>{stamp(k.expiresAt)}</td>
                <td>{stamp(k.lastUsedAt)}</td>
                <td>{state(k)}</td>
                <td>{!k.revokedAt && <button type="button" className="danger" onClick={() => void revoke(k.id)}>{t('token.revoke')}</button>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {!user.disabledAt && (
        <form className="row-form" onSubmit={issue}>
          <label className="grow"><span>{t('token.label')}</span><input name="token-label" value={label} onChange={(e) => setLabel(e.target.value)} maxLength={100} placeholder={t('token.labelHint')} /></label>
          <label><span>{t('token.days')}</span><input name="token-days" type="number" min={1} max={366} value={days} onChange={(e) => setDays(Number(e.target.value))} required /></label>
          <button type="submit">{t('token.issue')}</button>
        </form>
      )}
      {issued && (
        <div className="secret" role="status" data-testid="issued-token">
          <p>{t('token.once')}</p>
          <code className="hash">{issued}</code>
        </div>
      )}
      <Refusal error={error} />
    </div>
  );
}

function ResetPassword({ user, onDone }: { user: AccountUser; onDone: (u: AccountUser, password: string) => void }) {
  const { t } = useTranslation('accounts');
  const [password, setPassword] = useState(oneTimePassword);
  const [error, setError] = useState<unknown>(null);
  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    try { onDone(await api.resetPassword(user.username, password), password); } catch (err) { setError(err); }
  }
  return (
    <form className="row-form reset" onSubmit={submit} data-testid={`reset-${user.username}`}>
      <label className="grow"><span>{t('resetLabel', { user: user.username })}</span>
        <input name="reset-password" value={password} onChange={(e) => setPassword(e.target.value)} required minLength={10} autoComplete="off" spellCheck={false} />
      </label>
      <button type="submit" className="primary">{t('resetSubmit')}</button>
      <p className="muted small">{t('resetEffect')}</p>
      <Refusal error={error} />
    </form>
  );
}

/** Accounts for the admin: list, create (role and party), disable, reset a password, issue and revoke API tokens. */
export function Accounts() {
  const { t } = useTranslation('accounts');
  const { user: me } = useAuth();
  const lang = currentLang();
  const [users, setUsers] = useState<AccountUser[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [open, setOpen] = useState<{ username: string; panel: 'tokens' | 'reset' } | null>(null);
  const [notice, setNotice] = useState<{ text: string; password?: string } | null>(null);
  const load = useCallback(() => api.users().then(setUsers, setError), []);
  useEffect(() => { void load(); }, [load]);

  async function disable(u: AccountUser) {
    if (!window.confirm(t('disableConfirm', { user: u.username }))) return;
    setError(null);
    try { await api.disableUser(u.username); setNotice({ text: t('disabled', { user: u.username }) }); await load(); } catch (err) { setError(err); }
  }
  const toggle = (username: string, panel: 'tokens' | 'reset') =>
    setOpen((o) => (o?.username === username && o.panel === panel ? null : { username, panel }));

  return (
    <main id="main" tabIndex={-1} className="page wide accounts-page">
      <h1>{t('title')}</h1>
      <CreateAccount onCreated={(u, password) => { setNotice({ text: t('created', { user: u.username }), password }); void load(); }} />
      {notice && (
        <div className="notice" role="status" data-testid="accounts-notice">
          <p>{notice.text}</p>
          {notice.password && <p>{t('handOver')} <code className="hash">{notice.password}</code></p>}
        </div>
      )}
      <Refusal error={error} />
      <section className="card" aria-labelledby="list-title">
        <h2 id="list-title">{t('list')}</h2>
        <div className="table-wrap">
          <table className="table" data-testid="accounts">
            <thead><tr>
              <th scope="col">{t('username')}</th><th scope="col">{t('role')}</th><th scope="col">{t('party')}</th>
              <th scope="col">{t('state')}</th><th scope="col">{t('createdAt')}</th><th scope="col">{t('actions')}</th>
            </tr></thead>
            <tbody>
              {users?.map((u) => (
                <Fragment key={u.username}>
                  <tr data-user={u.username} className={u.disabledAt ? 'disabled' : undefined}>
                    <td><strong>{u.username}</strong></td>
                    <td>{t(`common:role.${u.role}`)}</td>
                    <td>{u.party ? `${countryName(u.party, lang)} (${u.party})` : '—'}</td>
                    <td>{u.disabledAt ? t('stateDisabled', { at: stamp(u.disabledAt) }) : u.mustChangePassword ? t('stateMustChange') : t('stateActive')}</td>
                    <td>{stamp(u.createdAt)}</td>
                    <td><div className="actions">
                      <button type="button" aria-expanded={open?.username === u.username && open.panel === 'tokens'} onClick={() => toggle(u.username, 'tokens')}>{t('tokensButton')}</button>
                      {!u.disabledAt && <button type="button" aria-expanded={open?.username === u.username && open.panel === 'reset'} onClick={() => toggle(u.username, 'reset')}>{t('reset')}</button>}
                      {!u.disabledAt && u.username !== me.username && <button type="button" className="danger" onClick={() => void disable(u)}>{t('disable')}</button>}
                      <a href={`#/ledger?target=${encodeURIComponent(`user:${u.username}`)}`}>{t('history')}</a>
                    </div></td>
                  </tr>
                  {open?.username === u.username && (
                    <tr className="panel-row">
                      <td colSpan={6}>
                        {open.panel === 'tokens'
                          ? <Tokens user={u} />
                          : <ResetPassword user={u} onDone={(x, password) => { setOpen(null); setNotice({ text: t('resetDone', { user: x.username }), password }); void load(); }} />}
                      </td>
                    </tr>
                  )}
                </Fragment>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </main>
  );
}
