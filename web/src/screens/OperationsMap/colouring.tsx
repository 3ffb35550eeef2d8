import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CharterSummary, Cluster, LocalText } from '../../api/types.ts';
import { useOperativeArticles } from '../../lib/articles.ts';
import { isUnnumbered } from '../../components/AssessmentView.tsx';
import { articleColour, arcsOf, NONE_COLOUR } from '../../map/article-colours.ts';
import { currentLang } from '../../i18n/index.ts';

/** The operative articles of the charter the map is coloured by (those with provisions), in the text's order. */
export interface Colouring {
  charter: string;
  order: string[];
  titles: Map<string, LocalText>;
}

const KEY = 'foedus.map.colourBy';

/** Which charter colours the map ('' = by location precision), remembered in the browser. */
export function useColourBy(): [string, (v: string) => void] {
  const [by, setBy] = useState(() => localStorage.getItem(KEY) ?? '');
  return [by, (v: string) => { localStorage.setItem(KEY, v); setBy(v); }];
}

export function useColouring(charter: string): Colouring | null {
  const articles = useOperativeArticles(charter ? [charter] : []).get(charter);
  return useMemo(() => (charter && articles
    ? { charter, order: articles.map((a) => a.number), titles: new Map(articles.map((a) => [a.number, a.title])) }
    : null), [charter, articles]);
}

/** "Art. 6 — Collective defence", or the title alone for an article the text leaves unnumbered. */
export function useArticleLabel(c: Colouring | null): (article: string) => string {
  const tc = useTranslation('components').t;
  const lang = currentLang();
  return (article: string) => {
    const title = c?.titles.get(article)?.[lang];
    if (isUnnumbered(article)) return title ?? tc('assess.unnumbered');
    return title ? `${tc('assess.article', { article })} — ${title}` : tc('assess.article', { article });
  };
}

export function ColourSelect({ value, onChange, charters }: { value: string; onChange: (v: string) => void; charters: CharterSummary[] }) {
  const { t } = useTranslation('map');
  const lang = currentLang();
  return (
    <label className="colour-by">
      <span>{t('colourBy')}</span>
      <select name="colourBy" value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">{t('colourByPrecision')}</option>
        {charters.map((c) => <option key={c.id} value={c.id}>{t('colourByCharter', { charter: (c.shortTitle ?? c.title)[lang] })}</option>)}
      </select>
    </label>
  );
}

/** The legend of the article colours. */
export function ArticleLegend({ c }: { c: Colouring }) {
  const { t } = useTranslation('map');
  const label = useArticleLabel(c);
  return (
    <div className="legend" role="group" aria-label={t('legend')} data-testid="article-legend">
      {c.order.map((a, i) => (
        <span key={a}><span className="legend-dot" style={{ background: articleColour(i) }} aria-hidden="true" /> {label(a)}</span>
      ))}
      <span><span className="legend-dot" style={{ background: NONE_COLOUR }} aria-hidden="true" /> {t('triggersNone')}</span>
      <span><span className="legend-dot coarse-ring" aria-hidden="true" /> {t('legendCoarse')}</span>
    </div>
  );
}

/** What a coloured cluster holds, for its accessible name and tooltip: "art. 6: 12; none of these: 4". */
export function describeArcs(cl: Cluster, c: Colouring, label: (a: string) => string, none: string): string {
  return arcsOf(cl, c.order).map((a) => `${a.article === null ? none : label(a.article)}: ${a.n}`).join('; ');
}
