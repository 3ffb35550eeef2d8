import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { LangSwitch } from './LangSwitch.tsx';
import { InboxCount } from './InboxCount.tsx';
import { canAdminister, canRecord, useAuth } from '../lib/auth.tsx';
import { countryName } from '../lib/countries.ts';
import { currentLang } from '../i18n/index.ts';
import type { Route } from '../lib/router.ts';

export function Header({ route }: { route: Route }) {
  const { t } = useTranslation('common');
  const { user, signOut } = useAuth();
  const lang = currentLang();
  const section = route.parts[0] ?? (user.role === 'liaison' || user.role === 'secretariat' ? 'desk' : 'map');
  const ref = useRef<HTMLElement>(null);
  // The map page fills the window below the header, whose height changes when it wraps (narrow screens, French).
  // The header's own min-height must not read this variable, or it could only ever grow.
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const set = () => document.documentElement.style.setProperty('--header-h', `${el.getBoundingClientRect().height}px`);
    set();
    const ro = new ResizeObserver(set);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  const acts = user.role === 'liaison' || user.role === 'secretariat';
  const links: Array<[string, string]> = [
    ...(acts ? [['desk', t('nav.desk')] as [string, string]] : []),
    ['map', t('nav.map')],
    ['cases', t('nav.cases')],
    ['incidents', t('nav.incidents')],
    ['assess', t('nav.whatif')],
    ['charters', t('nav.charters')],
  ];
  if (canRecord(user)) links.push(['record', t('nav.record')], ['import', t('nav.import')]);
  if (canAdminister(user)) links.push(['accounts', t('nav.accounts')], ['ledger', t('nav.ledger')], ['webhooks', t('nav.webhooks')]);
  return (
    <header className="app-header" ref={ref}>
      <a className="skip" href="#main" onClick={(e) => { e.preventDefault(); document.getElementById('main')?.focus(); }}>{t('skip')}</a>
      <div className="brand">
        <span className="brand-mark" aria-hidden="true">◆</span>
        <span className="brand-name">{t('app')}</span>
        <span className="brand-tag">{t('tagline')}</span>
      </div>
      <nav aria-label="Foedus">
        <ul>
          {links.map(([key, label]) => (
            <li key={key}>
              <a href={`#/${key}`} aria-current={section === key ? 'page' : undefined} data-nav={key}>{label}{key === 'desk' && <InboxCount />}</a>
            </li>
          ))}
        </ul>
      </nav>
      <div className="session">
        {/* Who is signed in, as what (always shown: a liaison must see it acts for its party), and the way to the password. */}
        <div className="account">
          <span className="who" data-testid="who">
            <strong className="username">{user.username}</strong>
            <span className="role" data-testid="role">{t(`role.${user.role}`)}</span>
            {user.party && (
              <span className="party" data-testid="party" title={t('party')}>
                {t('partyOf', { name: countryName(user.party, lang), code: user.party })}
              </span>
            )}
          </span>
          <a href="#/password" className="password-link" data-nav="password" aria-current={section === 'password' ? 'page' : undefined}>{t('changePassword')}</a>
        </div>
        <LangSwitch />
        <button type="button" className="quiet" onClick={signOut}>{t('signOut')}</button>
      </div>
    </header>
  );
}
