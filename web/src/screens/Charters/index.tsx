import { DateInput } from '../../components/DateInput.tsx';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client.ts';
import type { CharterArticle, CharterDetail, Lang } from '../../api/types.ts';
import { ErrorBox } from '../../components/ErrorBox.tsx';
import { countryName } from '../../lib/countries.ts';
import { day, today } from '../../lib/format.ts';
import { href, navigate } from '../../lib/router.ts';
import { currentLang } from '../../i18n/index.ts';
import { useCharters } from '../Incident/index.tsx';
import './styles.css';

/** The treaties as encoded: the list, then one charter's articles in both languages and its parties on a chosen day. */
export function Charters({ id, at }: { id: string | null; at: string | null }) {
  const { t } = useTranslation('charters');
  const tc = useTranslation('common').t;
  const tk = useTranslation('components').t;
  const lang = currentLang();
  const other: Lang = lang === 'fr' ? 'en' : 'fr';
  const charters = useCharters();
  const date = at ?? today();
  const selected = id ?? charters[0]?.id ?? null;
  const [detail, setDetail] = useState<CharterDetail | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [both, setBoth] = useState(false);

  useEffect(() => {
    if (!selected) return;
    let live = true;
    setError(null);
    api.charter(selected, date).then((d) => live && setDetail(d), (e: unknown) => live && setError(e));
    return () => { live = false; };
  }, [selected, date]);

  const go = (cid: string, d: string) => navigate(`/charters/${encodeURIComponent(cid)}?at=${d}`);
  const s = detail?.summary;
  const articles = (detail?.charter.articles as CharterArticle[] | undefined) ?? [];
  const inForce = detail?.parties.filter((p) => p.inForce) ?? [];
  const former = detail?.parties.filter((p) => !p.inForce) ?? [];

  return (
    <main id="main" tabIndex={-1} className="page wide charters">
      <h1>{t('title')}</h1>
      <div className="charters-layout">
        <nav aria-label={t('list')} className="charter-nav">
          <ul>
            {charters.map((c) => (
              <li key={c.id}>
                <a href={`${href('charters', c.id)}?at=${date}`} aria-current={c.id === selected ? 'page' : undefined}>
                  <strong>{(c.shortTitle ?? c.title)[lang]}</strong>
                  <span className="muted small">{t('signedOn', { date: day(c.signed.date) })}{c.inForce.until ? ` · ${t('until', { date: day(c.inForce.until) })}` : ''}</span>
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <section className="charter-detail" aria-live="polite">
          <ErrorBox error={error} />
          {!detail && !error && <p className="muted">{tc('loading')}</p>}
          {detail && s && (
            <>
              <header>
                <h2 lang={lang}>{s.title[lang]}</h2>
                <p className="muted" lang={other}>{s.title[other]}</p>
                <p className="small">{t('signedAt', { date: day(s.signed.date), place: s.signed.place })} · {s.inForce.until ? t('inForce', { from: day(s.inForce.from), until: day(s.inForce.until) }) : t('inForceSince', { from: day(s.inForce.from) })}</p>
              </header>
              <div className="row">
                <label><span>{t('at')}</span>
                  <DateInput name="at" value={date} onChange={(v) => { if (/^\d{4}-\d{2}-\d{2}$/.test(v)) go(s.id, v); }} />
                </label>
                <label className="check"><input type="checkbox" checked={both} onChange={(e) => setBoth(e.target.checked)} /><span>{t('both')}</span></label>
              </div>
              <h3>{t('parties', { date: day(detail.at) })}{!detail.charterInForce && <span className="warn-text"> — {t('notInForce')}</span>}</h3>
              {inForce.length === 0 ? <p className="muted">{t('noParties')}</p> : (
                <ul className="chips parties" data-testid="parties">
                  {inForce.map((p) => (
                    <li key={p.country} className={`chip${p.suspended ? ' suspended' : ''}`} title={p.suspension ? p.suspension.scope[lang] : p.country} data-suspended={p.suspended}>
                      {countryName(p.country, lang)}
                      {p.suspended && <span className="suspended-tag"> — {t('suspended')}{p.suspension ? ` ${t('since', { date: day(p.suspension.from) })}` : ''}</span>}
                    </li>
                  ))}
                </ul>
              )}
              {former.length > 0 && (
                <details className="former">
                  <summary>{t('notParties', { count: former.length })}</summary>
                  <ul className="chips">
                    {former.map((p) => (
                      <li key={p.country} className="chip muted">
                        {countryName(p.country, lang)} <span className="small">({p.membership.map((m) => `${day(m.joined)} → ${m.left ? day(m.left) : '…'}`).join(', ')})</span>
                      </li>
                    ))}
                  </ul>
                </details>
              )}
              <h3>{t('articles')}</h3>
              <ol className="articles">
                {articles.map((a) => (
                  <li key={a.number} className="article" id={`art-${a.number}`}>
                    <h4><span className="art-no" title={a.number}>{a.number.startsWith('unnumbered') ? t('unnumbered') : t('article', { n: a.number })}</span> <span lang={lang}>{a.title[lang]}</span>
                      {a.confidence && a.confidence !== 'verified' && <span className="tag doubt" title={t('confidenceHint')} data-confidence={a.confidence}>{t(`confidence.${a.confidence}`, { defaultValue: a.confidence })}</span>}</h4>
                    <p lang={lang}>{a.summary[lang]}</p>
                    {both && (
                      <div className="other-lang" lang={other}>
                        <p><strong>{a.title[other]}</strong></p>
                        <p>{a.summary[other]}</p>
                      </div>
                    )}
                    {a.provisions && a.provisions.length > 0 && (
                      <p className="small muted">{t('provisions')} {a.provisions.map((p) => tk(`provision.${p.type}`, { defaultValue: p.type })).join(', ')}</p>
                    )}
                  </li>
                ))}
              </ol>
            </>
          )}
        </section>
      </div>
    </main>
  );
}
