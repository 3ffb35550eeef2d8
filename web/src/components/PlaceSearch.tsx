import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.ts';
import type { Place } from '../api/types.ts';
import { countryName } from '../lib/countries.ts';
import { currentLang } from '../i18n/index.ts';

/** "Tillabéri → go there": a name typed (accents optional), the gazetteer's matches, one picked. Enter takes the first. */
export function PlaceSearch({ onPick, compact }: { onPick: (p: Place) => void; compact?: boolean }) {
  const { t } = useTranslation('components');
  const lang = currentLang();
  const id = useId();
  const [q, setQ] = useState('');
  const [hits, setHits] = useState<Place[] | null>(null);
  const list = useRef<HTMLUListElement>(null);
  // The name written back into the field after a pick is not a new question.
  const picked = useRef<string | null>(null);

  useEffect(() => {
    const text = q.trim();
    if (text.length < 2 || q === picked.current) { setHits(null); return; }
    const ctl = new AbortController();
    // Wait for a pause in typing: one request per word, not per key.
    const timer = window.setTimeout(() => {
      api.searchPlaces(text, ctl.signal).then(setHits, () => undefined);
    }, 180);
    return () => { window.clearTimeout(timer); ctl.abort(); };
  }, [q]);

  const pick = (p: Place) => { onPick(p); picked.current = p.name; setQ(p.name); setHits(null); };
  const onKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      if (hits?.[0]) pick(hits[0]);
    } else if (e.key === 'ArrowDown') {
      e.preventDefault();
      list.current?.querySelector('button')?.focus();
    } else if (e.key === 'Escape') setHits(null);
  };
  const where = (p: Place) => [t(`place.kind.${p.kind}`), p.kind === 'admin1' ? null : p.admin1, countryName(p.country, lang)].filter(Boolean).join(' · ');

  return (
    <div className={`place-search${compact ? ' compact' : ''}`} data-testid="place-search">
      <label htmlFor={id} className="visually-hidden">{t('place.label')}</label>
      <input id={id} type="search" name="place-search" autoComplete="off" placeholder={t('place.placeholder')} value={q}
        onChange={(e) => setQ(e.target.value)} onKeyDown={onKey} aria-describedby={`${id}-status`} />
      <span id={`${id}-status`} className="visually-hidden" aria-live="polite">
        {hits ? t('place.found', { count: hits.length }) : ''}
      </span>
      {hits && (
        <ul ref={list} className="place-hits" data-testid="place-hits">
          {hits.length === 0 && <li className="muted small">{t('place.none')}</li>}
          {hits.map((p) => (
            <li key={p.id}>
              <button type="button" className="quiet" onClick={() => pick(p)}
                onKeyDown={(e) => {
                  const li = e.currentTarget.parentElement;
                  if (e.key === 'ArrowDown') { e.preventDefault(); (li?.nextElementSibling?.querySelector('button'))?.focus(); }
                  if (e.key === 'ArrowUp') { e.preventDefault(); (li?.previousElementSibling?.querySelector('button') as HTMLElement | null ?? null)?.focus(); }
                  if (e.key === 'Escape') setHits(null);
                }}>
                <strong>{p.name}</strong> <span className="muted small">{where(p)}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** The zoom that shows a place with its neighbourhood: a region whole, a town with its villages. */
export function zoomFor(p: Place): number {
  return p.kind === 'admin1' ? 7 : p.kind === 'village' ? 12 : 11;
}
