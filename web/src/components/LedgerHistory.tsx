import { useTranslation } from 'react-i18next';
import { stamp } from '../lib/format.ts';

/** One ledger entry as the API gives it to this user: actor and values only when the policy allows them. */
export interface HistoryRow {
  seq: number;
  at: string;
  action: string;
  target?: string;
  actor?: string;
  hash?: string;
  changes?: Array<{ field: string; from?: unknown; to?: unknown }>;
}

/** A value as it was or became: text as is, instants and yes/no in the user's language, nothing as a dash. */
function shown(v: unknown, yes: string, no: string): string {
  if (v === null || v === undefined || v === '') return '—';
  if (typeof v === 'boolean') return v ? yes : no;
  if (typeof v === 'string' && /^\d{4}-\d\d-\d\dT\d\d:\d\d/.test(v)) return stamp(v);
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s.length > 140 ? `${s.slice(0, 139)}…` : s;
}

/**
 * A record's history from the ledger: when, who (if the user may know), what kind of
 * action in words, and field by field what changed, old → new (values only when the
 * user may see them). Used by the ledger screen and the incident page.
 */
export function LedgerHistory({ entries, showTarget = false }: { entries: HistoryRow[]; showTarget?: boolean }) {
  const { t, i18n } = useTranslation('ledger');
  const withActor = entries.some((e) => e.actor !== undefined);
  const action = (a: string) => (i18n.exists(`ledger:action.${a}`) ? t(`action.${a}`) : a);
  return (
    <table className="table compact ledger-history" data-testid="ledger-history">
      <thead>
        <tr>
          <th scope="col" className="num">{t('seq')}</th>
          <th scope="col">{t('at')}</th>
          {withActor && <th scope="col">{t('actor')}</th>}
          {showTarget && <th scope="col">{t('target')}</th>}
          <th scope="col">{t('action')}</th>
          <th scope="col">{t('changes')}</th>
        </tr>
      </thead>
      <tbody>
        {entries.map((e) => (
          <tr key={e.seq}>
            <td className="num">{e.seq}</td>
            <td className="nowrap">{stamp(e.at)}</td>
            {withActor && <td>{e.actor?.replace(/^user:/, '') ?? '—'}</td>}
            {showTarget && <td><code>{e.target}</code></td>}
            <td>
              {action(e.action)}
              {action(e.action) !== e.action && <> <code className="muted small">{e.action}</code></>}
            </td>
            <td>
              {e.changes && e.changes.length > 0 ? (
                <ul className="changes">
                  {e.changes.map((c) => (
                    <li key={c.field}>
                      <code>{c.field}</code>
                      {('from' in c || 'to' in c) && (
                        <>
                          {' : '}
                          <span className="old" title={t('old')}>{shown(c.from, t('yes'), t('no'))}</span>
                          <span aria-hidden="true"> → </span>
                          <span className="visually-hidden"> {t('becomes')} </span>
                          <span className="new" title={t('new')}>{shown(c.to, t('yes'), t('no'))}</span>
                        </>
                      )}
                    </li>
                  ))}
                </ul>
              ) : <span className="muted">—</span>}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
