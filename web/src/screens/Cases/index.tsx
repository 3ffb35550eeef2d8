import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client.ts';
import { CASE_STATES, type CaseSummary } from '../../api/types.ts';
import { ErrorBox } from '../../components/ErrorBox.tsx';
import { stamp } from '../../lib/format.ts';
import { useLive } from '../../lib/live.ts';
import { href } from '../../lib/router.ts';
import './styles.css';

/** One card of the board: the case, its beneficiary and parties, when it last moved. */
export function CaseCard({ c }: { c: CaseSummary }) {
  const { t } = useTranslation('cases');
  return (
    <li className="case-card" data-testid={`case-card-${c.id}`}>
      <a href={href('cases', String(c.id))}>
        <strong>{t('caseN', { id: c.id })}</strong> — {c.charter} {t('art', { n: c.article })}
      </a>
      {c.exercise && <span className="tag exercise">{t('exercise')}</span>}
      <div className="muted">{t('for', { party: c.beneficiary ?? '—' })} · {c.parties.join(', ')}</div>
      <div className="muted small">{t('updated', { when: stamp(c.updatedAt) })}</div>
    </li>
  );
}

/** The cases board: one column per state, real cases and exercises apart; it follows the feed. */
export function Cases() {
  const { t } = useTranslation('cases');
  const [list, setList] = useState<CaseSummary[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(() => api.cases().then(setList, setError), []);
  useEffect(() => { void load(); }, [load]);
  useLive('case.changed', load);
  const board = (exercise: boolean) => {
    const mine = (list ?? []).filter((c) => c.exercise === exercise);
    return (
      <div className="board" data-testid={exercise ? 'board-exercises' : 'board-real'}>
        {CASE_STATES.map((s) => {
          const col = mine.filter((c) => c.state === s);
          return (
            <section key={s} className="column" aria-labelledby={`col-${exercise ? 'x' : 'r'}-${s}`}>
              <h3 id={`col-${exercise ? 'x' : 'r'}-${s}`}>{t(`state.${s}`)} <span className="count">{col.length}</span></h3>
              {col.length > 0 && <ul>{col.map((c) => <CaseCard key={c.id} c={c} />)}</ul>}
            </section>
          );
        })}
      </div>
    );
  };
  return (
    <main id="main" tabIndex={-1} className="page cases-page">
      <h1>{t('title')}</h1>
      <p className="muted">{t('intro')}</p>
      <ErrorBox error={error} onRetry={() => void load()} />
      {list && list.length === 0 && <p data-testid="no-cases">{t('none')}</p>}
      {list && list.length > 0 && (
        <>
          <h2>{t('real')}</h2>
          {board(false)}
          {list.some((c) => c.exercise) && <><h2>{t('exercises')}</h2>{board(true)}</>}
        </>
      )}
    </main>
  );
}
