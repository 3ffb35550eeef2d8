import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/client.ts';
import { currentLang } from '../i18n/index.ts';
import { fieldLabelKey, serverText } from '../lib/serverText.ts';

interface FieldReason { field: string; reason: string }

/** The fields an API refusal names: {fields: [{field, reason}]} (validation) or {where} with the reason in the message. */
function fieldsOf(e: ApiError): FieldReason[] {
  const d = e.details as { fields?: FieldReason[]; where?: string } | null | undefined;
  if (Array.isArray(d?.fields)) return d.fields;
  if (typeof d?.where === 'string' && e.message.startsWith(`${d.where}: `)) {
    const field = d.where.replace(/^body\.incident:\s*/, '');
    return [{ field, reason: e.message.slice(d.where.length + 2) }];
  }
  return [];
}

/** One reason from the server, in French when recognised, else as sent and marked English. */
export function ServerText({ message }: { message: string }) {
  const s = serverText(message, currentLang());
  return s.english ? <span lang="en">{s.text}</span> : <>{s.text}</>;
}

/** An API refusal or a network failure, in words, with the server's code for support; each field at fault by its label. */
export function ErrorBox({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t, i18n } = useTranslation('common');
  const tf = useTranslation('components').t;
  if (!error) return null;
  const api = error instanceof ApiError ? error : null;
  const fields = api ? fieldsOf(api) : [];
  // A case step's refusal carries its reason in both languages: say the one of the page.
  const both = api?.details as { message_en?: string; message_fr?: string } | null | undefined;
  const localized = both?.message_en ? (currentLang() === 'fr' ? both.message_fr : both.message_en) ?? null : null;
  const known = api && (localized ?? (api.status === 403 ? t('forbidden') : i18n.exists(`common:apiError.${api.code}`) ? t(`apiError.${api.code}`) : ''));
  const message = known || (fields.length ? '' : null);
  return (
    <div className="error-box" role="alert" data-testid="error-box">
      <div>
        <p>
          {message !== null ? t('error', { message: message || t('apiError.invalid_request') })
            : <>{t('error', { message: '' })}<ServerText message={error instanceof Error ? error.message : String(error)} /></>}
          {api && <code className="muted"> {api.code}</code>}
        </p>
        {fields.length > 0 && (
          <ul className="field-error" data-testid="error-fields">
            {fields.map((f, i) => {
              const key = fieldLabelKey(f.field);
              return <li key={i}><strong>{key ? tf(key) : <code>{f.field}</code>}</strong>{t('colon')}<ServerText message={f.reason} /></li>;
            })}
          </ul>
        )}
      </div>
      {onRetry && <button type="button" onClick={onRetry}>{t('retry')}</button>}
    </div>
  );
}
