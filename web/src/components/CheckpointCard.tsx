import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.ts';
import type { CheckpointCheck } from '../api/types.ts';
import { stamp } from '../lib/format.ts';
import { ErrorBox } from './ErrorBox.tsx';

/**
 * The ledger's signed checkpoints, for every role: download one and keep it; later, give it back
 * and learn whether the ledger still holds what it signed (src/ledger/checkpoint.ts).
 */
export function CheckpointCard() {
  const { t } = useTranslation('components');
  const [error, setError] = useState<unknown>(null);
  const [check, setCheck] = useState<CheckpointCheck | null>(null);
  const [busy, setBusy] = useState(false);

  const download = async () => {
    setError(null);
    try {
      const c = await api.checkpoint();
      const url = URL.createObjectURL(new Blob([`${JSON.stringify(c, null, 2)}\n`], { type: 'application/json' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = `foedus-ledger-checkpoint-${c.size}.json`;
      a.click();
      URL.revokeObjectURL(url);
    } catch (e) {
      setError(e);
    }
  };

  const verify = async (file: File | undefined) => {
    if (!file) return;
    setError(null);
    setCheck(null);
    setBusy(true);
    try {
      let kept: unknown;
      try {
        kept = JSON.parse(await file.text());
      } catch {
        setCheck({ ok: false, reason: t('checkpoint.notJson') });
        return;
      }
      setCheck(await api.checkCheckpoint(kept));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card" aria-labelledby="checkpoint-title" data-testid="checkpoint-card">
      <h2 id="checkpoint-title">{t('checkpoint.title')}</h2>
      <p className="muted">{t('checkpoint.explain')}</p>
      <p className="row-actions">
        <button type="button" onClick={() => void download()}>{t('checkpoint.download')}</button>
        <label className="file-button">
          {t('checkpoint.check')}
          <input type="file" accept="application/json,.json" disabled={busy} onChange={(e) => void verify(e.target.files?.[0])} />
        </label>
      </p>
      <ErrorBox error={error} />
      {check && (
        <p role="status" data-testid="checkpoint-result" data-ok={check.ok} className={check.ok ? 'ok' : 'field-error'}>
          {check.ok && check.checkpoint
            ? t('checkpoint.holds', { size: check.checkpoint.size, at: stamp(check.checkpoint.at), now: check.ledger?.checked ?? 0 })
            : t('checkpoint.broken', { reason: check.reason ?? '' })}
        </p>
      )}
    </section>
  );
}
