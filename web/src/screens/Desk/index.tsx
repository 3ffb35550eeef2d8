import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client.ts';
import type { CaseSummary, InboxItem, PeriodCompliance } from '../../api/types.ts';
import { CheckpointCard } from '../../components/CheckpointCard.tsx';
import { ErrorBox } from '../../components/ErrorBox.tsx';
import { currentLang } from '../../i18n/index.ts';
import { useAuth } from '../../lib/auth.tsx';
import { countryName } from '../../lib/countries.ts';
import { day, stamp, today } from '../../lib/format.ts';
import { useLive } from '../../lib/live.ts';
import { href } from '../../lib/router.ts';
import { CaseCard } from '../Cases/index.tsx';
import '../Cases/styles.css';

/** Offers browser notifications for new items (the header's count and a polite notice say it anyway). */
function NotifyMe() {
  const { t } = useTranslation('desk');
  const [perm, setPerm] = useState(typeof Notification === 'undefined' ? 'unsupported' : Notification.permission);
  if (perm !== 'default') return null;
  return (
    <p className="notify-me">
      <button type="button" onClick={() => void Notification.requestPermission().then(setPerm)}>{t('notifyMe')}</button>
    </p>
  );
}

/**
 * My desk: what waits for this user, soonest due first (a liaison: its party's
 * obligations, requests to answer, pledges to accept, deployments to report; the
 * secretariat: cases awaiting a step, pledges awaiting acceptance, overdue duties to
 * chase), the open cases that concern it, and for a liaison its party's record over the
 * last twelve months. It follows the feed: a new case shows its obligation at once.
 */
export function Desk() {
  const { t } = useTranslation('desk');
  const { user } = useAuth();
  const lang = currentLang();
  const [items, setItems] = useState<InboxItem[] | null>(null);
  const [cases, setCases] = useState<CaseSummary[]>([]);
  const [record, setRecord] = useState<PeriodCompliance | null>(null);
  const [error, setError] = useState<unknown>(null);
  const party = user.role === 'liaison' ? user.party : null;

  const load = useCallback(async () => {
    try {
      const [inbox, list] = await Promise.all([api.inbox(), api.cases(party ? { party } : {})]);
      setItems(inbox.items);
      setCases(list.filter((c) => !['closed', 'declined', 'withdrawn'].includes(c.state)));
      if (party) {
        const from = new Date(Date.now() - 365 * 86_400_000).toISOString().slice(0, 10);
        setRecord(await api.partyCompliance(party, from, today()));
      }
      setError(null);
    } catch (err) { setError(err); }
  }, [party]);
  useEffect(() => { void load(); }, [load]);
  useLive('inbox.changed', load);

  return (
    <main id="main" tabIndex={-1} className="page desk-page">
      <h1>{party ? t('titleParty', { party: countryName(party, lang) }) : t('title')}</h1>
      <ErrorBox error={error} onRetry={() => void load()} />
      <NotifyMe />
      <section className="card" aria-labelledby="todo-title">
        <h2 id="todo-title">{t('todo')}</h2>
        {items && items.length === 0 && <p className="muted" data-testid="inbox-empty">{t('nothing')}</p>}
        {items && items.length > 0 && (
          <ul className="inbox" data-testid="inbox">
            {items.map((i) => (
              <li key={`${i.case}-${i.kind}-${i.item}`} data-kind={i.kind} data-overdue={i.overdue} className={i.overdue ? 'overdue' : ''}>
                <a href={href('cases', String(i.case))}>{i.text[lang]}</a>
                {i.exercise && <span className="tag exercise">{t('exercise')}</span>}
                {i.due && <span className={i.overdue ? 'due overdue' : 'due muted'}> — {i.overdue ? t('overdueSince', { when: stamp(i.due) }) : t('dueBy', { when: stamp(i.due) })}</span>}
              </li>
            ))}
          </ul>
        )}
      </section>
      <section className="card" aria-labelledby="open-title">
        <h2 id="open-title">{t('openCases')}</h2>
        {cases.length === 0 ? <p className="muted">{t('noOpenCases')}</p> : <ul className="case-list">{cases.map((c) => <CaseCard key={c.id} c={c} />)}</ul>}
      </section>
      {record && (
        <section className="card" aria-labelledby="record-title" data-testid="record">
          <h2 id="record-title">{t('record')}</h2>
          <p>{record.text[lang]}</p>
          <p className="muted small">{t('scope', { from: day(record.from), to: day(new Date(Date.parse(record.to) - 86_400_000).toISOString()), count: record.cases.length })}</p>
        </section>
      )}
      <CheckpointCard />
    </main>
  );
}
