import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.ts';
import type { Assessment, CharterArticle, CharterSummary, LocalText, NotTriggered, TraceStep, Triggered } from '../api/types.ts';
import { countryName } from '../lib/countries.ts';
import { day } from '../lib/format.ts';
import { currentLang } from '../i18n/index.ts';

const articleCache = new Map<string, Promise<Map<string, LocalText>>>();
/** Article titles ("6" → {fr, en}) of the charters an assessment names, read once per page from /charters/:id. */
export function useArticleTitles(ids: string[]): Map<string, LocalText> {
  const [titles, setTitles] = useState(new Map<string, LocalText>());
  const key = [...new Set(ids)].sort().join(',');
  useEffect(() => {
    let live = true;
    const list = key ? key.split(',') : [];
    Promise.all(list.map((id) => {
      let p = articleCache.get(id);
      if (!p) {
        p = api.charter(id).then((d) => new Map(((d.charter.articles as CharterArticle[] | undefined) ?? []).map((a) => [`${id}/${a.number}`, a.title])));
        p.catch(() => articleCache.delete(id));
        articleCache.set(id, p);
      }
      return p.catch(() => new Map<string, LocalText>());
    })).then((maps) => {
      if (live) setTitles(new Map(maps.flatMap((m) => [...m])));
    });
    return () => { live = false; };
  }, [key]);
  return titles;
}

type Titles = Map<string, LocalText>;

/** Articles the text leaves unnumbered are encoded as "unnumbered-…": a reader sees their title, never the code. */
export function isUnnumbered(article: string): boolean {
  return article.startsWith('unnumbered');
}

function ArticleName({ charter, article, titles }: { charter: string; article: string; titles: Titles }) {
  const { t } = useTranslation('components');
  const lang = currentLang();
  const title = titles.get(`${charter}/${article}`);
  if (isUnnumbered(article)) return <span title={article}>{title ? title[lang] : t('assess.unnumbered')}</span>;
  return <>{t('assess.article', { article })}{title ? ` (${title[lang]})` : ''}</>;
}

function Trace({ trace }: { trace: TraceStep[] }) {
  const { t } = useTranslation('components');
  return (
    <ol className="trace">
      {trace.map((s, i) => (
        <li key={i} className={s.held ? 'held' : 'failed'}>
          <span className="mark" aria-hidden="true">{s.held ? '✓' : '✗'}</span>
          <span className="visually-hidden">{s.held ? t('assess.held') : t('assess.failed')}: </span>
          <span className="detail">{s.detail || s.condition}</span>
          {s.detail && <code className="cond">{s.condition}</code>}
        </li>
      ))}
    </ol>
  );
}

/** "6.collective_defence" → "Collective defence" (the provision's type after the article prefix). */
function ProvisionName({ id }: { id: string }) {
  const { t } = useTranslation('components');
  const type = id.includes('.') ? id.slice(id.indexOf('.') + 1) : id;
  // Every provision of the shipped charters has a label (test/web/i18n.test.ts); a new one shows its code until it gets one.
  return <span title={id}>{t(`provision.${type}`, { defaultValue: type })}</span>;
}

function Parties({ codes }: { codes: string[] }) {
  const lang = currentLang();
  const { t } = useTranslation('common');
  if (codes.length === 0) return <span className="muted">{t('none')}</span>;
  return (
    <ul className="chips">
      {codes.map((c) => <li key={c} className="chip" title={c}>{countryName(c, lang)}</li>)}
    </ul>
  );
}

function TriggeredCard({ p, titles }: { p: Triggered; titles: Titles }) {
  const { t } = useTranslation('components');
  const lang = currentLang();
  return (
    <article className="provision triggered" data-testid="triggered" data-charter={p.charter} data-article={String(p.article)}>
      <header>
        <span className="badge hot">{t('assess.triggeredBadge')}</span>
        <h4><ArticleName charter={p.charter} article={p.article} titles={titles} /> · <ProvisionName id={p.provision} /></h4>
      </header>
      <dl className="facts">
        {p.beneficiary && (<><dt>{t('assess.beneficiary')}</dt><dd>{countryName(p.beneficiary, lang)}</dd></>)}
        <dt>{t('assess.obligated')}</dt><dd><Parties codes={p.obligated} /></dd>
        <dt>{t('assess.obligation')}</dt>
        <dd>{p.obligation.summary}{p.obligation.armed_force && <span className="muted small"> · {t('assess.armedForceIs', { v: t(`assess.force.${p.obligation.armed_force}`, { defaultValue: p.obligation.armed_force }) })}</span>}</dd>
        <dt>{t('assess.decision')}</dt><dd>{p.decision.summary}</dd>
        <dt>{t('assess.deadline')}</dt><dd>{p.deadline.text || t('assess.noDeadline')}{p.deadline.value && <span className="muted small"> ({p.deadline.value})</span>}</dd>
      </dl>
      <details>
        <summary>{t('assess.why', { count: p.trace.length })}</summary>
        <Trace trace={p.trace} />
      </details>
    </article>
  );
}

function NotTriggeredItem({ p, titles }: { p: NotTriggered; titles: Titles }) {
  const failed = p.trace.filter((s) => !s.held);
  return (
    <li className="provision not-triggered" data-testid="not-triggered">
      <details>
        <summary>
          <strong><ArticleName charter={p.charter} article={p.article} titles={titles} /> · <ProvisionName id={p.provision} /></strong>
          {failed[0] && <span className="muted"> — {failed[0].detail || failed[0].condition}</span>}
        </summary>
        <Trace trace={p.trace} />
      </details>
    </li>
  );
}

/**
 * An assessment as the engine returns it: conflicts first, then each charter's
 * triggered provisions (obligated parties, obligation, decision rule, deadline,
 * the trace on demand) and, collapsed, the provisions that did not apply and why.
 * `columns` lays the charters side by side to compare overlapping treaties.
 */
export function AssessmentView({ assessment, charters, columns }: { assessment: Assessment; charters: CharterSummary[]; columns?: boolean }) {
  const { t } = useTranslation('components');
  const lang = currentLang();
  const title = (id: string) => {
    const c = charters.find((x) => x.id === id);
    return c ? (c.shortTitle ?? c.title)[lang] : id;
  };
  const titles = useArticleTitles([
    ...assessment.triggered.map((p) => p.charter),
    ...assessment.not_triggered.map((p) => p.charter),
  ]);
  const ids = [...new Set([
    ...assessment.triggered.map((p) => p.charter),
    ...charters.map((c) => c.id),
    ...assessment.not_triggered.map((p) => p.charter),
  ])];
  const groups = ids.map((id) => ({
    id,
    triggered: assessment.triggered.filter((p) => p.charter === id),
    not: assessment.not_triggered.filter((p) => p.charter === id),
  })).filter((g) => g.triggered.length + g.not.length > 0 || columns);
  groups.sort((a, b) => Number(b.triggered.length > 0) - Number(a.triggered.length > 0));
  return (
    <section className="assessment" data-testid="assessment" aria-label={t('assess.title')}>
      <p className="assess-at">{t('assess.at', { date: day(assessment.at) })} · <strong>{t('assess.summary', { count: assessment.triggered.length })}</strong></p>
      {assessment.conflicts.length > 0 && (
        <div className="conflicts" role="region" aria-label={t('assess.conflicts')}>
          <h3>⚠ {t('assess.conflicts')} ({assessment.conflicts.length})</h3>
          <ul>
            {assessment.conflicts.map((c, i) => (
              <li key={i} className="conflict" data-testid="conflict">
                <p><strong><Parties codes={c.parties} /></strong></p>
                <p>{c.between.map((b, k) => <span key={k}>{k > 0 && '  ↔  '}{title(b.charter)} — <ArticleName charter={b.charter} article={b.article} titles={titles} /></span>)}</p>
                <p className="explanation">{c.explanation}</p>
              </li>
            ))}
          </ul>
        </div>
      )}
      <div className={columns ? 'charter-columns' : 'charter-list'}>
        {groups.map((g) => (
          <section key={g.id} className={`charter-group${g.triggered.length ? ' has-triggered' : ''}`} data-testid="charter-group" data-charter={g.id}>
            <h3>{title(g.id)} <span className="muted code">{g.id}</span></h3>
            {g.triggered.length === 0 && <p className="muted">{t('assess.nothingTriggered')}</p>}
            {g.triggered.map((p, i) => <TriggeredCard key={i} p={p} titles={titles} />)}
            {g.not.length > 0 && (
              <details className="not-triggered-list">
                <summary>{t('assess.notTriggered', { count: g.not.length })}</summary>
                <ul>{g.not.map((p, i) => <NotTriggeredItem key={i} p={p} titles={titles} />)}</ul>
              </details>
            )}
          </section>
        ))}
      </div>
    </section>
  );
}

/**
 * A stored assessment's "charter/article" pairs by name: "AES 2023, art. 6 (Collective defence)".
 * What the incidents list shows, so nobody has to read codes.
 */
export function TriggerList({ pairs, charters }: { pairs: string[]; charters: CharterSummary[] }) {
  const lang = currentLang();
  const titles = useArticleTitles(pairs.map((p) => p.split('/')[0]!));
  const name = (id: string) => {
    const c = charters.find((x) => x.id === id);
    return c ? (c.shortTitle ?? c.title)[lang] : id;
  };
  return (
    <>
      {pairs.map((p, i) => {
        const [charter, article] = [p.slice(0, p.indexOf('/')), p.slice(p.indexOf('/') + 1)];
        return <span key={p} className="trigger">{i > 0 && '; '}{name(charter)}, <ArticleName charter={charter} article={article} titles={titles} /></span>;
      })}
    </>
  );
}
