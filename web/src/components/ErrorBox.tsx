import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/client.ts';

/** An API refusal or a network failure, in words, with the server's code for support. */
export function ErrorBox({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useTranslation('common');
  if (!error) return null;
  const message = error instanceof ApiError && error.status === 403 ? t('forbidden')
    : error instanceof Error ? error.message : String(error);
  return (
    <div className="error-box" role="alert">
      <p>{t('error', { message })}{error instanceof ApiError && <code className="muted"> {error.code}</code>}</p>
      {onRetry && <button type="button" onClick={onRetry}>{t('retry')}</button>}
    </div>
  );
}
