import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.ts';
import { useLive } from '../lib/live.ts';

/**
 * The number of things waiting for the signed-in user, beside "My desk", kept current
 * from the live feed (inbox.changed). When it grows, a polite live region says so, and
 * a browser notification is shown if the user allowed them (My desk offers to).
 */
export function InboxCount() {
  const { t } = useTranslation('components');
  const [count, setCount] = useState<number | null>(null);
  const [overdue, setOverdue] = useState(0);
  const [notice, setNotice] = useState('');
  const last = useRef<number | null>(null);
  const load = useCallback(() => {
    api.inbox().then((r) => {
      const n = r.items.length;
      if (last.current !== null && n > last.current) {
        const msg = t('inbox.new', { count: n - last.current });
        setNotice(msg);
        if (typeof Notification !== 'undefined' && Notification.permission === 'granted') new Notification('Foedus', { body: msg });
      }
      last.current = n;
      setCount(n);
      setOverdue(r.overdue);
    }, () => undefined);
  }, [t]);
  useEffect(() => { load(); }, [load]);
  useLive('inbox.changed', load);
  return (
    <>
      {count !== null && count > 0 && (
        <span className={overdue > 0 ? 'inbox-count overdue' : 'inbox-count'} data-testid="inbox-count" aria-label={t('inbox.label', { count, overdue })}>{count}</span>
      )}
      <span className="visually-hidden" role="status" aria-live="polite" data-testid="inbox-notice">{notice}</span>
    </>
  );
}
