import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { currentLang } from '../i18n/index.ts';
import { num } from '../lib/format.ts';
import { useLive } from '../lib/live.ts';

interface Progress { state: 'current' | 'refreshing'; reason: 'charters_changed' | 'new_incidents' | null; done: number; total: number }

/**
 * Says, under the header, when the stored assessments are being refreshed in the background
 * (after a charter file changed, or many incidents were imported), so that nobody reads a list
 * or a count filtered by "triggers" as final while it is not. Read from /readyz, then the feed.
 */
export function AssessmentNotice() {
  const { t } = useTranslation('components');
  const lang = currentLang();
  const [p, setP] = useState<Progress | null>(null);
  useEffect(() => {
    fetch('/readyz').then((r) => (r.ok ? r.json() : null)).then((b: { assessments?: Progress } | null) => setP(b?.assessments ?? null)).catch(() => undefined);
  }, []);
  useLive('assessments.progress', useCallback((d: unknown) => setP(d as Progress), []));
  // A few new incidents are assessed in a blink: only a real refresh is worth a notice.
  if (!p || p.state !== 'refreshing' || p.total < 200) return null;
  return (
    <p className="assessment-notice" role="status" data-testid="assessment-notice">
      {t(p.reason === 'charters_changed' ? 'refresh.charters' : 'refresh.incidents', { done: num(p.done, lang), total: num(p.total, lang) })}
    </p>
  );
}
