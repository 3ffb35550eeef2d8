import { Fragment, useCallback, useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client.ts';
import type { Webhook, WebhookDelivery, WebhookEventName } from '../../api/types.ts';
import { ErrorBox } from '../../components/ErrorBox.tsx';
import { stamp } from '../../lib/format.ts';
import '../Accounts/styles.css';

/** The events a webhook may subscribe to (as the API names them), "*" for all. */
const EVENTS: WebhookEventName[] = ['case.opened', 'case.state_changed', 'case.position', 'case.obligation', 'case.request', 'case.pledge', 'case.deployment', 'case.note'];

function AddWebhook({ onAdded }: { onAdded: (w: Webhook, secret: string) => void }) {
  const { t } = useTranslation('webhooks');
  const [url, setUrl] = useState('');
  const [all, setAll] = useState(true);
  const [events, setEvents] = useState<Set<WebhookEventName>>(new Set(['case.opened', 'case.state_changed']));
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    setBusy(true);
    try {
      const r = await api.createWebhook({ url: url.trim(), events: all ? ['*'] : [...events] });
      onAdded(r.webhook, r.secret);
      setUrl('');
    } catch (err) { setError(err); } finally { setBusy(false); }
  }
  const flip = (ev: WebhookEventName) => setEvents((s) => { const n = new Set(s); if (n.has(ev)) n.delete(ev); else n.add(ev); return n; });

  return (
    <section className="card" aria-labelledby="add-title">
      <h2 id="add-title">{t('add')}</h2>
      <form className="row-form" onSubmit={submit} data-testid="add-webhook">
        <label className="grow"><span>{t('url')}</span>
          <input name="url" type="url" value={url} onChange={(e) => setUrl(e.target.value)} required placeholder="https://ops.example/foedus" />
        </label>
        <fieldset className="events">
          <legend>{t('events')}</legend>
          <label className="check"><input type="checkbox" name="all" checked={all} onChange={(e) => setAll(e.target.checked)} /> {t('allEvents')}</label>
          {!all && EVENTS.map((ev) => (
            <label key={ev} className="check"><input type="checkbox" checked={events.has(ev)} onChange={() => flip(ev)} /> {t(`event.${ev}`)}</label>
          ))}
        </fieldset>
        <button type="submit" className="primary" disabled={busy || (!all && events.size === 0)}>{t('addSubmit')}</button>
      </form>
      <ErrorBox error={error} />
    </section>
  );
}

function Deliveries({ webhook }: { webhook: Webhook }) {
  const { t } = useTranslation('webhooks');
  const [list, setList] = useState<WebhookDelivery[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(() => api.webhookDeliveries(webhook.id).then(setList, setError), [webhook.id]);
  useEffect(() => {
    void load();
    // Retries happen on the server's clock: keep the log current while it is open.
    const timer = window.setInterval(() => void load(), 3000);
    return () => window.clearInterval(timer);
  }, [load]);
  async function test() {
    setError(null);
    try { await api.testWebhook(webhook.id); await load(); } catch (err) { setError(err); }
  }
  return (
    <div className="tokens" data-testid={`deliveries-${webhook.id}`}>
      <h3>{t('deliveriesOf', { url: webhook.url })}</h3>
      {!webhook.disabledAt && <p><button type="button" onClick={() => void test()}>{t('test')}</button></p>}
      {list && list.length === 0 && <p className="muted">{t('noDeliveries')}</p>}
      {list && list.length > 0 && (
        <table className="table compact">
          <thead><tr>
            <th scope="col">{t('d.event')}</th><th scope="col">{t('d.created')}</th><th scope="col">{t('d.status')}</th>
            <th scope="col">{t('d.attempts')}</th><th scope="col">{t('d.last')}</th><th scope="col">{t('d.next')}</th>
          </tr></thead>
          <tbody>
            {list.map((d) => (
              <tr key={d.id} data-status={d.status}>
                <td>{t(`event.${d.eventType}`, { defaultValue: d.eventType })}</td>
                <td>{stamp(d.createdAt)}</td>
                <td>{t(`status.${d.status}`)}{d.deliveredAt ? ` — ${stamp(d.deliveredAt)}` : ''}</td>
                <td>{d.attempts}</td>
                <td>{d.lastStatus !== null ? `HTTP ${d.lastStatus}` : ''}{d.lastError && d.lastStatus === null ? d.lastError : ''}</td>
                <td>{d.status === 'pending' && d.nextAttemptAt ? stamp(d.nextAttemptAt) : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <ErrorBox error={error} />
    </div>
  );
}

/** Webhooks for the admin: add a receiver of case events (its secret shown once), test it, read its deliveries, disable it. */
export function Webhooks() {
  const { t } = useTranslation('webhooks');
  const [hooks, setHooks] = useState<Webhook[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [open, setOpen] = useState<number | null>(null);
  const [secret, setSecret] = useState<{ url: string; secret: string } | null>(null);
  const load = useCallback(() => api.webhooks().then(setHooks, setError), []);
  useEffect(() => { void load(); }, [load]);

  async function disable(w: Webhook) {
    if (!window.confirm(t('disableConfirm', { url: w.url }))) return;
    setError(null);
    try { await api.disableWebhook(w.id); await load(); } catch (err) { setError(err); }
  }

  return (
    <main id="main" tabIndex={-1} className="page wide accounts-page">
      <h1>{t('title')}</h1>
      <p className="muted">{t('intro')}</p>
      <AddWebhook onAdded={(w, s) => { setSecret({ url: w.url, secret: s }); setOpen(w.id); void load(); }} />
      {secret && (
        <div className="secret" role="status" data-testid="webhook-secret">
          <p>{t('secretOnce', { url: secret.url })}</p>
          <code className="hash">{secret.secret}</code>
          <p className="muted small">{t('verifyHint')}</p>
        </div>
      )}
      <ErrorBox error={error} />
      <section className="card" aria-labelledby="list-title">
        <h2 id="list-title">{t('list')}</h2>
        {hooks && hooks.length === 0 && <p className="muted">{t('none')}</p>}
        {hooks && hooks.length > 0 && (
          <div className="table-wrap">
            <table className="table" data-testid="webhooks">
              <thead><tr>
                <th scope="col">{t('url')}</th><th scope="col">{t('events')}</th><th scope="col">{t('state')}</th>
                <th scope="col">{t('createdAt')}</th><th scope="col">{t('actions')}</th>
              </tr></thead>
              <tbody>
                {hooks.map((w) => (
                  <Fragment key={w.id}>
                    <tr className={w.disabledAt ? 'disabled' : undefined} data-webhook={w.id}>
                      <td><code>{w.url}</code></td>
                      <td>{w.events.includes('*') ? t('allEvents') : w.events.map((e) => t(`event.${e}`)).join(', ')}</td>
                      <td>{w.disabledAt ? t('disabledOn', { at: stamp(w.disabledAt) }) : t('active')}</td>
                      <td>{stamp(w.createdAt)}</td>
                      <td><div className="actions">
                        <button type="button" aria-expanded={open === w.id} onClick={() => setOpen((o) => (o === w.id ? null : w.id))}>{t('deliveries')}</button>
                        {!w.disabledAt && <button type="button" className="danger" onClick={() => void disable(w)}>{t('disable')}</button>}
                      </div></td>
                    </tr>
                    {open === w.id && <tr className="panel-row"><td colSpan={5}><Deliveries webhook={w} /></td></tr>}
                  </Fragment>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </main>
  );
}
