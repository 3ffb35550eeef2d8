import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client.ts';
import type { Case, CaseNote, CaseStep, LedgerEntry, PartyCompliance } from '../../api/types.ts';
import { ErrorBox } from '../../components/ErrorBox.tsx';
import { currentLang } from '../../i18n/index.ts';
import { useAuth } from '../../lib/auth.tsx';
import { countryName } from '../../lib/countries.ts';
import { day, stamp } from '../../lib/format.ts';
import { useLive } from '../../lib/live.ts';
import { href } from '../../lib/router.ts';
import { nextDeploymentStates, offer } from './can.ts';
import { DeploymentForm, LifecycleForm, NoteForm, PledgeForm, PositionForm, ReasonButton, RequestForm } from './forms.tsx';
import '../Cases/styles.css';
import './styles.css';

/**
 * A response case: what it applies, where it stands, each party's positions and
 * obligations (due times, overdue flags), requests with their shortfall, pledges,
 * deployments, notes, compliance, and its CAP alert and printable report. It offers only
 * the steps this user may take, and follows the live feed.
 */
export function CasePage({ id }: { id: number }) {
  const { t } = useTranslation('case');
  const tcs = useTranslation('cases').t;
  const tc = useTranslation('common').t;
  const { user } = useAuth();
  const lang = currentLang();
  const [c, setCase] = useState<Case | null>(null);
  const [notes, setNotes] = useState<CaseNote[]>([]);
  const [compliance, setCompliance] = useState<PartyCompliance[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  // The ledger's own record of the case, for those who may read the ledger (the secretariat, admins).
  const [ledger, setLedger] = useState<LedgerEntry[] | null>(null);
  const staff = user.role === 'secretariat' || user.role === 'admin';
  useEffect(() => {
    if (!staff || !c) return;
    api.ledger({ target: `case:${id}`, limit: 1000 }).then((p) => setLedger(p.entries), () => setLedger(null));
  }, [staff, id, c?.version]);

  const load = useCallback(async () => {
    try {
      const [k, n, comp] = await Promise.all([api.case(id), api.caseNotes(id), api.caseCompliance(id)]);
      setCase(k);
      setNotes(n);
      setCompliance(comp);
      setLoadError(null);
    } catch (err) { setLoadError(err); }
  }, [id]);
  useEffect(() => { void load(); }, [load]);
  useLive('case.changed', useCallback((d: unknown) => { if ((d as { id?: number } | null)?.id === id) void load(); }, [id, load]));
  useLive('case.note', useCallback((d: unknown) => { if ((d as { case?: number } | null)?.case === id) void load(); }, [id, load]));

  const run = useCallback(async (step: CaseStep): Promise<boolean> => {
    if (!c) return false;
    setBusy(true);
    setError(null);
    try {
      setCase(await api.caseStep(c.id, c.version, step));
      void api.caseCompliance(c.id).then(setCompliance, () => undefined);
      return true;
    } catch (err) {
      setError(err);
      return false;
    } finally { setBusy(false); }
  }, [c]);

  const addNote = useCallback(async (text: string, restricted: boolean, party?: string) => {
    setBusy(true);
    setError(null);
    try {
      await api.addCaseNote(id, { text, restricted, ...(party ? { party } : {}) });
      setNotes(await api.caseNotes(id));
      return true;
    } catch (err) { setError(err); return false; } finally { setBusy(false); }
  }, [id]);

  if (loadError) return <main id="main" tabIndex={-1} className="page case-page"><h1>{tcs('caseN', { id })}</h1><ErrorBox error={loadError} onRetry={() => void load()} /></main>;
  if (!c) return <main id="main" tabIndex={-1} className="page case-page"><h1>{tcs('caseN', { id })}</h1><p className="muted">{t('loading')}</p></main>;

  const can = offer(user, c);
  const party = (p: string | null | undefined) => (p ? `${countryName(p, lang)} (${p})` : '—');
  const requestOf = (rid: string) => c.requests.find((r) => r.id === rid);
  const myOpenAnswer = (rid: string) => can.pledgeAs !== null && c.obligations.some((o) => o.kind === 'answer_request' && o.request === rid && o.party === can.pledgeAs && o.metAt === null && o.ended === null);

  return (
    <main id="main" tabIndex={-1} className="page case-page" data-state={c.state}>
      <p className="crumbs"><a href={href('cases')}>{tcs('title')}</a></p>
      <h1>{tcs('caseN', { id: c.id })} — {c.provision.charter} {tcs('art', { n: c.provision.article })} — {party(c.provision.beneficiary)}</h1>
      {c.exercise && <p className="exercise-banner" data-testid="exercise-banner">{t('exerciseBanner')}</p>}
      <p className="status-line">
        <span className={`state state-${c.state}`} data-testid="case-state">{tcs(`state.${c.state}`)}</span>
        {' · '}{t('version', { v: c.version })}{' · '}{t('openedBy', { when: stamp(c.openedAt), who: c.openedBy })}
        {' · '}<a href={`/api/v1/cases/${c.id}/export?format=html&lang=${lang}`} target="_blank" rel="noopener" data-testid="report-link">{t('report')}</a>
        {' · '}<a href={`/api/v1/cases/${c.id}/export?format=json`} target="_blank" rel="noopener">JSON</a>
        {' · '}<a href={`/api/v1/cases/${c.id}/cap.xml`} target="_blank" rel="noopener" data-testid="cap-link">{t('capAlert')}</a>
      </p>

      <section className="card" aria-labelledby="provision-title">
        <h2 id="provision-title">{t('provision')}</h2>
        <p>{c.provision.summary[lang]}</p>
        <dl className="facts">
          <dt>{t('obligation')}</dt><dd>{c.provision.obligation.summary[lang]}</dd>
          <dt>{t('decisionRule')}</dt><dd>{c.provision.decision.summary[lang]}</dd>
          <dt>{t('beneficiary')}</dt><dd>{party(c.provision.beneficiary)}</dd>
          <dt>{t('obligated')}</dt><dd>{c.provision.obligated.map(party).join(', ')}</dd>
          <dt>{t('incident')}</dt><dd>{c.incident.id ? <a href={href('incidents', c.incident.id)}>{day(c.incident.snapshot.date)}</a> : t('hypothetical')}{` — ${tc(`kind.${c.incident.snapshot.kind}`)}`}</dd>
          <dt>{t('deadlines')}</dt><dd>{t('deadlineHours', { a: c.deadlines.acknowledge, p: c.deadlines.statePosition, r: c.deadlines.answerRequest })} <span className="muted">{c.deadlines.basis[lang]}</span></dd>
        </dl>
      </section>

      <div aria-live="polite"><ErrorBox error={error} /></div>

      {(can.lifecycle || can.acknowledgeFor.length > 0 || can.positionFor.length > 0) && (
        <section className="card actions" aria-labelledby="actions-title" data-testid="actions">
          <h2 id="actions-title">{t('yourActions')}</h2>
          {can.acknowledgeFor.map((p) => (
            <button key={p} type="button" className="primary" disabled={busy} data-step="acknowledge" onClick={() => void run({ type: 'acknowledge', party: p } as CaseStep)}>{t('acknowledgeFor', { party: countryName(p, lang) })}</button>
          ))}
          {can.positionFor.length > 0 && <PositionForm c={c} parties={can.positionFor} run={run} busy={busy} />}
          {can.lifecycle && <LifecycleForm c={c} run={run} busy={busy} />}
        </section>
      )}

      <section className="card" aria-labelledby="positions-title">
        <h2 id="positions-title">{t('positions')}</h2>
        <table className="table compact" data-testid="positions">
          <thead><tr><th scope="col">{t('party')}</th><th scope="col">{t('position')}</th><th scope="col">{t('statementCol')}</th><th scope="col">{t('when')}</th></tr></thead>
          <tbody>
            {c.consulted.map((p) => {
              const last = [...c.positions].reverse().find((x) => x.party === p);
              return <tr key={p}><td>{party(p)}</td><td>{last ? t(`value.${last.value}`) : <span className="muted">{t('awaited')}</span>}</td><td>{last?.statement ?? ''}</td><td>{last ? stamp(last.recordedAt) : ''}</td></tr>;
            })}
          </tbody>
        </table>
        {c.decision && <p data-testid="decision"><strong>{t('decision')}:</strong> {c.decision.explanation[lang]}</p>}
      </section>

      <section className="card" aria-labelledby="obligations-title">
        <h2 id="obligations-title">{t('obligations')}</h2>
        <table className="table compact" data-testid="obligations">
          <thead><tr><th scope="col">{t('party')}</th><th scope="col">{t('duty')}</th><th scope="col">{t('due')}</th><th scope="col">{t('status')}</th></tr></thead>
          <tbody>
            {c.obligations.map((o) => (
              <tr key={o.id} data-status={o.status} data-party={o.party}>
                <td>{party(o.party)}</td>
                <td>{t(`duty.${o.kind}`)}{o.request ? ` ${o.request}` : ''}</td>
                <td>{stamp(o.due)}</td>
                <td className={`ob-${o.status}`}>{t(`ob.${o.status}`)}{o.metAt ? ` — ${stamp(o.metAt)}` : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      <section className="card" aria-labelledby="requests-title">
        <h2 id="requests-title">{t('requests')}</h2>
        {c.requests.length === 0 && <p className="muted">{t('noRequests')}</p>}
        {c.requests.map((r) => (
          <article key={r.id} className="request" data-testid={`request-${r.id}`}>
            <h3>{r.id} — {t(`cap.${r.capability}`)}: {r.quantity} {r.unit} <span className="muted">({t(`priority.${r.priority}`)}, {r.state === 'open' ? t('open') : t('closed')})</span></h3>
            <p className="muted">{'area' in r.where && r.where.area ? r.where.area : ''}{r.where.lat !== undefined ? ` (${r.where.lat}, ${r.where.lon})` : ''} · {t('fromDay', { day: day(r.from) })}{r.text ? ` · ${r.text}` : ''}</p>
            <p data-testid={`shortfall-${r.id}`}><strong>{t('shortfall')}: {r.shortfall.shortfall} {r.unit}</strong> <span className="muted">{t('shortfallDetail', { requested: r.shortfall.requested, delivered: r.shortfall.delivered, accepted: r.shortfall.acceptedOutstanding })}</span></p>
            {r.state === 'open' && can.pledgeAs && can.pledgeAs !== r.party && myOpenAnswer(r.id) && (
              <PledgeForm request={r.id} party={can.pledgeAs} unit={r.unit} run={run} busy={busy} />
            )}
          </article>
        ))}
        {can.postRequest && <details className="post-request"><summary>{t('postRequest')}</summary><RequestForm run={run} busy={busy} /></details>}
      </section>

      <section className="card" aria-labelledby="pledges-title">
        <h2 id="pledges-title">{t('pledges')}</h2>
        {c.pledges.length === 0 ? <p className="muted">{t('noPledges')}</p> : (
          <table className="table compact" data-testid="pledges">
            <thead><tr><th scope="col">{t('pledgeCol')}</th><th scope="col">{t('party')}</th><th scope="col">{t('quantity')}</th><th scope="col">{t('status')}</th><th scope="col">{t('actions')}</th></tr></thead>
            <tbody>
              {c.pledges.map((p) => {
                const r = requestOf(p.request);
                const engaged = c.deployments.filter((d) => d.pledge === p.id && d.status !== 'withdrawn').reduce((s, d) => s + d.quantity, 0);
                return (
                  <tr key={p.id} data-testid={`pledge-${p.id}`} data-state={p.state}>
                    <td>{p.id} → {p.request}</td>
                    <td>{party(p.party)}</td>
                    <td>{p.quantity} {r?.unit}{p.conditions ? <span className="muted"> — {p.conditions}</span> : null}</td>
                    <td>{t(`pledge.${p.state}`)}{p.honour ? ` (${t(`honour.${p.honour}`)})` : ''}</td>
                    <td className="row-actions">
                      {p.state === 'offered' && r && can.decidePledgesOf(r.party) && <>
                        <button type="button" disabled={busy} data-step="accept_pledge" onClick={() => void run({ type: 'accept_pledge', pledge: p.id } as CaseStep)}>{t('accept')}</button>
                        <ReasonButton testid="decline_pledge" label={t('decline')} question={t('declineWhy')} run={run} busy={busy} step={(reason) => ({ type: 'decline_pledge', pledge: p.id, reason } as CaseStep)} />
                      </>}
                      {can.open && (p.state === 'offered' || p.state === 'accepted') && can.actsFor(p.party) && (
                        <ReasonButton testid="withdraw_pledge" danger label={t('withdraw')} question={p.state === 'accepted' ? t('withdrawBinding') : t('withdrawWhy')} run={run} busy={busy} step={(reason) => ({ type: 'withdraw_pledge', pledge: p.id, reason } as CaseStep)} />
                      )}
                      {can.open && p.state === 'accepted' && can.actsFor(p.party) && engaged < p.quantity && <DeploymentForm pledge={p.id} max={p.quantity - engaged} run={run} busy={busy} />}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </section>

      <section className="card" aria-labelledby="deployments-title">
        <h2 id="deployments-title">{t('deployments')}</h2>
        {c.deployments.length === 0 ? <p className="muted">{t('noDeployments')}</p> : (
          <table className="table compact" data-testid="deployments">
            <thead><tr><th scope="col">{t('deploymentCol')}</th><th scope="col">{t('party')}</th><th scope="col">{t('quantity')}</th><th scope="col">{t('status')}</th><th scope="col">{t('actions')}</th></tr></thead>
            <tbody>
              {c.deployments.map((d) => {
                const next = nextDeploymentStates(d.status);
                return (
                  <tr key={d.id} data-testid={`deployment-${d.id}`} data-status={d.status}>
                    <td>{d.id} ({d.pledge})</td>
                    <td>{party(d.party)}</td>
                    <td>{d.quantity}{d.personnel !== null ? ` — ${t('people', { n: d.personnel })}` : ''}</td>
                    <td>{t(`dep.${d.status}`)} <span className="muted">{d.history.map((h) => `${t(`dep.${h.status}`)} ${day(h.at)}`).join(' → ')}</span></td>
                    <td className="row-actions">
                      {can.open && (can.actsFor(d.party) || user.role === 'secretariat') && next.map((s) => (
                        <button key={s} type="button" disabled={busy} data-step={`deploy-${s}`} onClick={() => void run({ type: 'update_deployment', deployment: d.id, status: s, at: new Date().toISOString() } as CaseStep)}>{t(`to.${s}`)}</button>
                      ))}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </section>

      <section className="card" aria-labelledby="compliance-title">
        <h2 id="compliance-title">{t('compliance')}</h2>
        <table className="table compact" data-testid="compliance">
          <thead><tr><th scope="col">{t('party')}</th><th scope="col">{t('ob.met')}</th><th scope="col">{t('ob.met_late')}</th><th scope="col">{t('ob.unmet')}</th><th scope="col">{t('ob.overdue')}</th><th scope="col">{t('honour.honoured')}</th><th scope="col">{t('honour.dishonoured')}</th><th scope="col">{t('mtta')}</th></tr></thead>
          <tbody>
            {compliance.map((f) => (
              <tr key={f.party} data-party={f.party}>
                <td>{party(f.party)}</td>
                <td title={f.obligations.met.items.map((i) => i.id).join(', ')}>{f.obligations.met.count}</td>
                <td title={f.obligations.metLate.items.map((i) => i.id).join(', ')}>{f.obligations.metLate.count}</td>
                <td title={f.obligations.unmet.items.map((i) => i.id).join(', ')}>{f.obligations.unmet.count}</td>
                <td title={f.obligations.overdue.items.map((i) => i.id).join(', ')}>{f.obligations.overdue.count}</td>
                <td>{f.pledges.honoured.count}</td>
                <td>{f.pledges.dishonoured.count + f.pledges.partlyHonoured.count}</td>
                <td>{f.meanTimeToAcknowledgeHours === null ? '—' : f.meanTimeToAcknowledgeHours < 1 ? t('minutes', { n: Math.round(f.meanTimeToAcknowledgeHours * 60) }) : t('hours', { n: f.meanTimeToAcknowledgeHours })}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      <section className="card" aria-labelledby="notes-title">
        <h2 id="notes-title">{t('notes')}</h2>
        {notes.length === 0 ? <p className="muted">{t('noNotes')}</p> : (
          <ul className="notes" data-testid="notes">
            {notes.map((n) => (
              <li key={n.id} data-restricted={n.restricted}>
                {n.restricted && <span className="tag restricted">{t('restrictedTo', { party: countryName(n.party ?? '', lang) })}</span>} {n.text}
                <div className="muted small">{n.by}, {stamp(n.at)}</div>
              </li>
            ))}
          </ul>
        )}
        {can.notes && can.open && <NoteForm c={c} party={user.role === 'liaison' ? user.party : null} secretariat={user.role === 'secretariat'} onAdd={addNote} busy={busy} />}
      </section>

      <section className="card" aria-labelledby="timeline-title">
        <h2 id="timeline-title">{t('timeline')}</h2>
        {staff && ledger ? (
          <>
            <p className="muted small">{t('fromLedger')}</p>
            <ol className="timeline" data-testid="timeline">
              {ledger.map((e) => (
                <li key={e.seq}>{stamp(e.at)} — <strong>{t(`action.${e.action.replace(/^case\./, '')}`, { defaultValue: e.action })}</strong> — {e.actor.replace(/^user:/, '')} <span className="muted small">#{e.seq} {e.hash.slice(0, 12)}…</span></li>
              ))}
            </ol>
          </>
        ) : (
          <ol className="timeline" data-testid="timeline">
            {c.transitions.map((tr, i) => <li key={i}>{stamp(tr.at)} — <strong>{tcs(`state.${tr.to}`)}</strong> — {tr.by}: {tr.reason}</li>)}
          </ol>
        )}
      </section>
    </main>
  );
}
