import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../../api/client.ts';
import type { Session } from '../../api/types.ts';
import { LangSwitch } from '../../components/LangSwitch.tsx';
import './styles.css';

export function SignIn({ onSignedIn, notice }: { onSignedIn: (s: Session) => void; notice?: string | null }) {
  const { t } = useTranslation('signin');
  const tc = useTranslation('common').t;
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onSignedIn(await api.login(username.trim(), password));
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) setError(t('wrong'));
      else if (err instanceof ApiError && err.status === 429) setError(err.retryAfter ? t('rateLimitedFor', { seconds: err.retryAfter }) : t('rateLimited'));
      else if (err instanceof ApiError && err.status === 403) setError(t('disabled'));
      else if (err instanceof ApiError) setError(t('failed', { message: err.message }));
      else setError(t('unreachable'));
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="signin" id="main" tabIndex={-1}>
      <div className="signin-card">
        <div className="signin-top">
          <h1><span className="brand-mark" aria-hidden="true">◆</span> {tc('app')}</h1>
          <LangSwitch />
        </div>
        <p className="muted">{tc('tagline')}</p>
        {notice && <p className="notice" role="status">{notice}</p>}
        <form onSubmit={submit} aria-describedby={error ? 'signin-error' : undefined}>
          <label>
            <span>{t('username')}</span>
            <input name="username" autoComplete="username" required autoFocus value={username} onChange={(e) => setUsername(e.target.value)} />
          </label>
          <label>
            <span>{t('password')}</span>
            <input name="password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
          </label>
          {error && <p id="signin-error" className="field-error" role="alert" data-testid="signin-error">{error}</p>}
          <button type="submit" className="primary" disabled={busy}>{busy ? t('signingIn') : t('submit')}</button>
        </form>
        <p className="muted small">{t('help')}</p>
      </div>
    </main>
  );
}
