import { useCallback, useEffect, useMemo, useState, type ReactElement } from 'react';
import { useTranslation } from 'react-i18next';
import { api, setCsrfToken, setUnauthorizedHandler } from './api/client.ts';
import type { IncidentFilters, Session } from './api/types.ts';
import { Header } from './components/Header.tsx';
import { AssessmentNotice } from './components/AssessmentNotice.tsx';
import { AuthContext, type AuthState } from './lib/auth.tsx';
import { FiltersContext } from './lib/filters.tsx';
import { startLiveFeed, stopLiveFeed } from './lib/live.ts';
import { useRoute } from './lib/router.ts';
import { SignIn } from './screens/SignIn/index.tsx';
import { OperationsMap } from './screens/OperationsMap/index.tsx';
import { IncidentPage } from './screens/Incident/index.tsx';
import { WhatIf } from './screens/WhatIf/index.tsx';
import { Incidents } from './screens/Incidents/index.tsx';
import { Charters } from './screens/Charters/index.tsx';
import { Record } from './screens/Record/index.tsx';
import { Import } from './screens/Import/index.tsx';
import { Password } from './screens/Password/index.tsx';
import { Accounts } from './screens/Accounts/index.tsx';
import { Webhooks } from './screens/Webhooks/index.tsx';
import { Ledger } from './screens/Ledger/index.tsx';
import { Cases } from './screens/Cases/index.tsx';
import { CasePage } from './screens/Case/index.tsx';
import { Desk } from './screens/Desk/index.tsx';
import { canAdminister } from './lib/auth.tsx';

const FILTERS_KEY = 'foedus.filters';

function loadFilters(): IncidentFilters {
  try { return JSON.parse(window.sessionStorage.getItem(FILTERS_KEY) ?? '{}') as IncidentFilters; } catch { return {}; }
}

/** Whether the server offers an export endpoint (read from its OpenAPI document). */
function useExportPath(enabled: boolean): string | null {
  const [path, setPath] = useState<string | null>(null);
  useEffect(() => {
    if (!enabled) return;
    fetch('/api/v1/openapi.json').then((r) => (r.ok ? r.json() : null)).then((doc: { paths?: Record<string, unknown> } | null) => {
      const p = Object.keys(doc?.paths ?? {}).find((k) => /incidents\/export/.test(k));
      if (p) setPath(p.startsWith('/api') ? p : `/api/v1${p}`);
    }).catch(() => undefined);
  }, [enabled]);
  return path;
}

export function App() {
  const { t } = useTranslation('common');
  const route = useRoute();
  const [session, setSession] = useState<Session | null>(null);
  const [checked, setChecked] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [filters, setFiltersState] = useState<IncidentFilters>(loadFilters);
  const setFilters = useCallback((f: IncidentFilters) => {
    setFiltersState(f);
    window.sessionStorage.setItem(FILTERS_KEY, JSON.stringify(f));
  }, []);
  const exportPath = useExportPath(!!session);

  const signedIn = useCallback((s: Session) => {
    setCsrfToken(s.csrfToken);
    setSession(s);
    setNotice(null);
  }, []);

  useEffect(() => {
    api.me().then(signedIn, () => undefined).finally(() => setChecked(true));
  }, [signedIn]);

  useEffect(() => {
    setUnauthorizedHandler(() => {
      setCsrfToken(null);
      setSession(null);
      setNotice(t('sessionExpired'));
    });
    return () => setUnauthorizedHandler(null);
  }, [t]);

  useEffect(() => {
    if (!session) return;
    startLiveFeed();
    return () => stopLiveFeed();
  }, [session]);

  const auth = useMemo<AuthState | null>(() => session && {
    user: session.user,
    signOut: () => {
      void api.logout().catch(() => undefined).finally(() => {
        setCsrfToken(null);
        setSession(null);
        setFilters({});
      });
    },
  }, [session, setFilters]);

  if (!checked) return <p className="muted" style={{ padding: '2rem' }}>{t('loading')}</p>;
  if (!auth) return <SignIn onSignedIn={signedIn} notice={notice} />;

  // A liaison's and the secretariat's home is their desk: what waits for them.
  const home = auth.user.role === 'liaison' || auth.user.role === 'secretariat' ? 'desk' : 'map';
  const [section = home, arg] = route.parts;
  let screen: ReactElement | null = null;
  if (session?.user.mustChangePassword) screen = <Password onChanged={signedIn} forced />;
  else switch (section) {
    case 'password': screen = <Password onChanged={signedIn} forced={false} />; break;
    case 'incidents': screen = arg ? <IncidentPage id={arg} /> : <Incidents exportPath={exportPath} />; break;
    case 'assess': screen = <WhatIf />; break;
    case 'desk': screen = <Desk />; break;
    case 'cases': screen = arg && /^\d+$/.test(arg) ? <CasePage key={arg} id={Number(arg)} /> : <Cases />; break;
    case 'charters': screen = <Charters id={arg ?? null} at={route.query.get('at')} />; break;
    case 'record': screen = <Record />; break;
    case 'import': screen = <Import />; break;
    // Administration: the admin's alone (the server refuses the others anyway; they get the map).
    case 'accounts': screen = canAdminister(auth.user) ? <Accounts /> : null; break;
    case 'ledger': screen = canAdminister(auth.user) ? <Ledger target={route.query.get('target')} /> : null; break;
    case 'webhooks': screen = canAdminister(auth.user) ? <Webhooks /> : null; break;
    default: screen = <main id="main" tabIndex={-1} className="page-map"><OperationsMap route={route} /></main>;
  }
  screen ??= <main id="main" tabIndex={-1} className="page-map"><OperationsMap route={route} /></main>;
  return (
    <AuthContext.Provider value={auth}>
      <FiltersContext.Provider value={[filters, setFilters]}>
        <Header route={route} />
        <AssessmentNotice />
        {screen}
      </FiltersContext.Provider>
    </AuthContext.Provider>
  );
}
