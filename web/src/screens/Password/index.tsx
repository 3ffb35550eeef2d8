import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../../api/client.ts';
import type { Session } from '../../api/types.ts';
import { useAuth } from '../../lib/auth.tsx';
import './styles.css';

/** A new password: required after a one-time password, available to anyone signed in. */
export function Password({ onChanged, forced }: { onChanged: (s: Session) => void; forced: boolean }) {
  const { t } = useTranslation('password');
  const { user } = useAuth();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    if (next !== again) { setError(t('mismatch')); return; }
    if (next.length < 10) { setError(t('tooShort', { n: 10 })); return; }
    setBusy(true);
    try {
      await api.changePassword(current, next);
      setDone(true);
      onChanged(await api.me());
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <main id="main" tabIndex={-1} className="page password">
      <h1>{t('title')}</h1>
      {forced && <p className="notice" role="status">{t('forced', { user: user.username })}</p>}
      {done && <p role="status">{t('done')}</p>}
      <form onSubmit={submit}>
        <input type="text" name="username" autoComplete="username" value={user.username} readOnly hidden />
        <label><span>{t('current')}</span>
          <input type="password" name="current-password" autoComplete="current-password" required value={current} onChange={(e) => setCurrent(e.target.value)} />
        </label>
        <label><span>{t('new')}</span>
          <input type="password" name="new-password" autoComplete="new-password" required minLength={10} value={next} onChange={(e) => setNext(e.target.value)} />
        </label>
        <label><span>{t('again')}</span>
          <input type="password" name="new-password-again" autoComplete="new-password" required value={again} onChange={(e) => setAgain(e.target.value)} />
        </label>
        {error && <p className="field-error" role="alert">{error}</p>}
        <button type="submit" className="primary" disabled={busy}>{t('submit')}</button>
      </form>
    </main>
  );
}
