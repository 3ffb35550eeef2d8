import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client.ts';
import type { LedgerEntry, LedgerVerification } from '../../api/types.ts';
import { CheckpointCard } from '../../components/CheckpointCard.tsx';
import { ErrorBox, ServerText } from '../../components/ErrorBox.tsx';
import { LedgerHistory } from '../../components/LedgerHistory.tsx';
import { num } from '../../lib/format.ts';
import { currentLang } from '../../i18n/index.ts';
import { navigate } from '../../lib/router.ts';
import './styles.css';

const KINDS = ['incident', 'user', 'import'] as const;
const PAGE = 50;

/** `kind:id` from the screen's address (#/ledger?target=incident:42), or null. */
function splitTarget(target: string | null): { kind: (typeof KINDS)[number]; id: string } | null {
  const m = target?.match(/^(incident|user|import):(.+)$/);
  return m ? { kind: m[1] as (typeof KINDS)[number], id: m[2]! } : null;
}

function Verify() {
  const { t } = useTranslation('ledger');
  const [result, setResult] = useState<LedgerVerification | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const lang = currentLang();
  async function run() {
    setBusy(true);
    setError(null);
    try { setResult(await api.verifyLedger()); } catch (e) { setError(e); } finally { setBusy(false); }
  }
  return (
    <section className="card" aria-labelledby="verify-title">
      <h2 id="verify-title">{t('verify')}</h2>
      <button type="button" className="primary" onClick={() => void run()} disabled={busy} data-testid="verify">{busy ? t('verifying') : t('verify')}</button>
      <ErrorBox error={error} />
      {result && (
        <div className={`verdict ${result.ok ? 'ok' : 'bad'}`} role="status" data-testid="verdict">
          <p><strong>{result.ok ? t('intact', { n: num(result.checked, lang) }) : t('broken', { seq: result.firstBroken?.seq, reason: result.firstBroken?.reason })}</strong></p>
          {result.firstBroken && <p><ServerText message={result.firstBroken.detail} /></p>}
          <dl>
            <dt>{t('head')}</dt>
            <dd data-testid="head">{result.head ? <>{t('headSeq', { seq: result.head.seq })} · <code className="hash">{result.head.hash}</code></> : t('noHead')}</dd>
          </dl>
        </div>
      )}
    </section>
  );
}

function RecordHistory({ target }: { target: string | null }) {
  const { t } = useTranslation('ledger');
  const initial = splitTarget(target);
  const [kind, setKind] = useState<(typeof KINDS)[number]>(initial?.kind ?? 'incident');
  const [id, setId] = useState(initial?.id ?? '');
  const [entries, setEntries] = useState<LedgerEntry[] | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    const s = splitTarget(target);
    if (!s) { setEntries(null); return; }
    setKind(s.kind);
    setId(s.id);
    let live = true;
    setError(null);
    api.ledger({ target: target!, limit: 1000 }).then((p) => live && setEntries(p.entries), (e: unknown) => live && setError(e));
    return () => { live = false; };
  }, [target]);

  function submit(e: FormEvent) {
    e.preventDefault();
    const v = id.trim();
    if (v) navigate(`/ledger?target=${encodeURIComponent(`${kind}:${kind === 'user' ? v.toLowerCase() : v}`)}`);
  }

  return (
    <section className="card" aria-labelledby="history-title">
      <h2 id="history-title">{t('historyTitle')}</h2>
      <form className="row-form" onSubmit={submit}>
        <label><span>{t('kind')}</span>
          <select value={kind} onChange={(e) => setKind(e.target.value as (typeof KINDS)[number])} name="kind">
            {KINDS.map((k) => <option key={k} value={k}>{t(`kind.${k}`)}</option>)}
          </select>
        </label>
        <label className="grow"><span>{t('recordId')}</span>
          <input name="record-id" value={id} onChange={(e) => setId(e.target.value)} placeholder={t('recordIdHint')} required />
        </label>
        <button type="submit">{t('show')}</button>
      </form>
      <ErrorBox error={error} />
      {target && entries && (
        <>
          <h3>{t('open', { target })}</h3>
          {entries.length === 0 ? <p className="muted">{t('noEntries', { target })}</p> : <div className="table-wrap"><LedgerHistory entries={entries} /></div>}
        </>
      )}
    </section>
  );
}

function Recent() {
  const { t } = useTranslation('ledger');
  const [entries, setEntries] = useState<LedgerEntry[]>([]);
  const [next, setNext] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(async (after: number | null) => {
    try {
      const p = await api.ledger({ limit: PAGE, ...(after !== null ? { after } : {}) });
      setEntries((old) => (after === null ? p.entries : [...old, ...p.entries]));
      setNext(p.next);
    } catch (e) { setError(e); }
  }, []);
  useEffect(() => { void load(null); }, [load]);
  return (
    <section className="card" aria-labelledby="recent-title">
      <h2 id="recent-title">{t('recent')}</h2>
      <ErrorBox error={error} />
      <div className="table-wrap">
        <table className="table compact" data-testid="ledger-entries">
          <thead><tr><th scope="col" className="num">{t('seq')}</th><th scope="col">{t('actor')}</th><th scope="col">{t('action')}</th><th scope="col">{t('target')}</th></tr></thead>
          <tbody>
            {entries.map((e) => (
              <tr key={e.seq}>
                <td className="num">{e.seq}</td>
                <td>{e.actor.replace(/^user:/, '')}</td>
                <td>{t(`action.${e.action}`, { defaultValue: e.action })}</td>
                <td><a href={`#/ledger?target=${encodeURIComponent(e.target)}`}>{e.target}</a></td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {next !== null && <button type="button" onClick={() => void load(next)}>{t('more')}</button>}
    </section>
  );
}

/** The ledger for the admin: verify the chain, read any record's history with what changed. */
export function Ledger({ target }: { target: string | null }) {
  const { t } = useTranslation('ledger');
  return (
    <main id="main" tabIndex={-1} className="page ledger-page">
      <h1>{t('title')}</h1>
      <p className="muted intro">{t('intro')}</p>
      <Verify />
      <RecordHistory target={target} />
      <Recent />
      <CheckpointCard />
    </main>
  );
}
