import { useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { CAPABILITIES, type Case, type CaseStep } from '../../api/types.ts';
import { DateInput } from '../../components/DateInput.tsx';
import { countryName } from '../../lib/countries.ts';
import { currentLang } from '../../i18n/index.ts';
import { today } from '../../lib/format.ts';

/**
 * The forms that take a step on a case. Each one builds the step as the API names it
 * (src/response/commands.ts) and hands it to `run`, which sends it with the case's
 * version and shows the server's refusal in the page's language.
 */
export type Run = (step: CaseStep) => Promise<boolean>;

function Form({ testid, onSubmit, children, busy, label }: { testid: string; onSubmit: () => Promise<unknown>; children: ReactNode; busy: boolean; label: string }) {
  return (
    <form className="step-form" data-testid={testid} onSubmit={(e: FormEvent) => { e.preventDefault(); void onSubmit(); }}>
      {children}
      <button type="submit" className="primary" disabled={busy}>{label}</button>
    </form>
  );
}

/** The secretariat's steps on the case itself, each with the reason the record keeps. */
export function LifecycleForm({ c, run, busy }: { c: Case; run: Run; busy: boolean }) {
  const { t } = useTranslation('case');
  const [reason, setReason] = useState('');
  const [outcome, setOutcome] = useState<'act' | 'no_action'>('act');
  const next: Array<CaseStep['type']> = ({
    opened: ['start_consultation'], consultation: ['record_decision'], decided: ['activate', 'stand_down'], active: ['stand_down'], standing_down: ['close'],
  } as Record<string, Array<CaseStep['type']>>)[c.state] ?? [];
  const take = async (type: CaseStep['type']) => {
    const step = (type === 'record_decision' && c.provision.decision.rule === 'not_established' ? { type, reason, outcome } : { type, reason }) as CaseStep;
    if (await run(step)) setReason('');
  };
  return (
    <div className="step-form" data-testid="lifecycle">
      <label className="grow"><span>{t('reason')}</span>
        <input name="reason" value={reason} onChange={(e) => setReason(e.target.value)} placeholder={t('reasonHint')} />
      </label>
      {c.state === 'consultation' && c.provision.decision.rule === 'not_established' && (
        <label><span>{t('outcome')}</span>
          <select value={outcome} onChange={(e) => setOutcome(e.target.value as 'act' | 'no_action')}>
            <option value="act">{t('value.act')}</option><option value="no_action">{t('value.no_action')}</option>
          </select>
        </label>
      )}
      {next.map((type) => <button key={type} type="button" className="primary" disabled={busy} data-step={type} onClick={() => void take(type)}>{t(`step.${type}`)}</button>)}
      <button type="button" className="danger" disabled={busy} data-step="withdraw" onClick={() => void take('withdraw')}>{t('step.withdraw')}</button>
    </div>
  );
}

export function PositionForm({ c, parties, run, busy }: { c: Case; parties: string[]; run: Run; busy: boolean }) {
  const { t } = useTranslation('case');
  const lang = currentLang();
  const values = c.provision.decision.rule === 'national_discretion' ? ['act', 'not_act'] : ['support', 'oppose', 'abstain'];
  const [party, setParty] = useState(parties[0] ?? '');
  const [value, setValue] = useState(values[0]!);
  const [statement, setStatement] = useState('');
  return (
    <Form testid="position-form" busy={busy} label={t('statePosition')} onSubmit={async () => {
      if (await run({ type: 'record_position', party, value, statement: statement.trim() || null } as CaseStep)) setStatement('');
    }}>
      {parties.length > 1 ? (
        <label><span>{t('party')}</span>
          <select value={party} onChange={(e) => setParty(e.target.value)}>{parties.map((p) => <option key={p} value={p}>{countryName(p, lang)}</option>)}</select>
        </label>
      ) : <span className="muted">{countryName(party, lang)}</span>}
      <fieldset className="inline"><legend>{t('position')}</legend>
        {values.map((v) => <label key={v} className="check"><input type="radio" name="value" value={v} checked={value === v} onChange={() => setValue(v)} /> {t(`value.${v}`)}</label>)}
      </fieldset>
      <label className="grow"><span>{t('statement')}</span><input name="statement" value={statement} onChange={(e) => setStatement(e.target.value)} /></label>
    </Form>
  );
}

export function RequestForm({ run, busy }: { run: Run; busy: boolean }) {
  const { t } = useTranslation('case');
  const [capability, setCapability] = useState<string>('troops');
  const [quantity, setQuantity] = useState('1');
  const [unit, setUnit] = useState('');
  const [area, setArea] = useState('');
  const [lat, setLat] = useState('');
  const [lon, setLon] = useState('');
  const [from, setFrom] = useState(today());
  const [priority, setPriority] = useState('high');
  const [text, setText] = useState('');
  return (
    <Form testid="request-form" busy={busy} label={t('postRequest')} onSubmit={async () => {
      const where = lat !== '' && lon !== '' ? { lat: Number(lat), lon: Number(lon), area: area || null } : { area };
      const ok = await run({ type: 'post_request', capability, quantity: Number(quantity), unit, where, from, priority, text: text.trim() || null } as CaseStep);
      if (ok) { setUnit(''); setText(''); }
    }}>
      <label><span>{t('capability')}</span>
        <select name="capability" value={capability} onChange={(e) => setCapability(e.target.value)}>{CAPABILITIES.map((x) => <option key={x} value={x}>{t(`cap.${x}`)}</option>)}</select>
      </label>
      <label><span>{t('quantity')}</span><input name="quantity" type="number" min="0" step="any" required value={quantity} onChange={(e) => setQuantity(e.target.value)} /></label>
      <label><span>{t('unit')}</span><input name="unit" required value={unit} onChange={(e) => setUnit(e.target.value)} placeholder={t('unitHint')} /></label>
      <label><span>{t('area')}</span><input name="area" value={area} onChange={(e) => setArea(e.target.value)} required={lat === '' || lon === ''} /></label>
      <label><span>{t('lat')}</span><input name="lat" type="number" step="any" min="-90" max="90" value={lat} onChange={(e) => setLat(e.target.value)} /></label>
      <label><span>{t('lon')}</span><input name="lon" type="number" step="any" min="-180" max="180" value={lon} onChange={(e) => setLon(e.target.value)} /></label>
      <label><span>{t('from')}</span><DateInput name="from" value={from} onChange={setFrom} required /></label>
      <label><span>{t('priority')}</span>
        <select name="priority" value={priority} onChange={(e) => setPriority(e.target.value)}>{['critical', 'high', 'medium', 'low'].map((p) => <option key={p} value={p}>{t(`priority.${p}`)}</option>)}</select>
      </label>
      <label className="grow"><span>{t('details')}</span><input name="text" value={text} onChange={(e) => setText(e.target.value)} /></label>
    </Form>
  );
}

/** A party's answer to a request: a pledge, or that it cannot pledge (which also meets its obligation). */
export function PledgeForm({ request, party, unit, run, busy }: { request: string; party: string; unit: string; run: Run; busy: boolean }) {
  const { t } = useTranslation('case');
  const [quantity, setQuantity] = useState('1');
  const [availableFrom, setAvailableFrom] = useState(today());
  const [conditions, setConditions] = useState('');
  const [cannot, setCannot] = useState('');
  return (
    <div className="answer">
      <Form testid={`pledge-form-${request}`} busy={busy} label={t('pledge')} onSubmit={() => run({ type: 'pledge', request, party, quantity: Number(quantity), availableFrom, conditions: conditions.trim() || null } as CaseStep)}>
        <label><span>{t('quantityIn', { unit })}</span><input name="quantity" type="number" min="0" step="any" required value={quantity} onChange={(e) => setQuantity(e.target.value)} /></label>
        <label><span>{t('availableFrom')}</span><DateInput name="availableFrom" value={availableFrom} onChange={setAvailableFrom} required /></label>
        <label className="grow"><span>{t('conditions')}</span><input name="conditions" value={conditions} onChange={(e) => setConditions(e.target.value)} /></label>
      </Form>
      <Form testid={`cannot-form-${request}`} busy={busy} label={t('cannotPledge')} onSubmit={() => run({ type: 'answer_request', request, party, reason: cannot } as CaseStep)}>
        <label className="grow"><span>{t('why')}</span><input name="reason" value={cannot} onChange={(e) => setCannot(e.target.value)} required /></label>
      </Form>
    </div>
  );
}

/** Report a deployment against an accepted pledge, or move one forward. */
export function DeploymentForm({ pledge, max, run, busy }: { pledge: string; max: number; run: Run; busy: boolean }) {
  const { t } = useTranslation('case');
  const [status, setStatus] = useState('preparing');
  const [quantity, setQuantity] = useState(String(max));
  const [personnel, setPersonnel] = useState('');
  const [at, setAt] = useState(today());
  return (
    <Form testid={`deploy-form-${pledge}`} busy={busy} label={t('reportDeployment')} onSubmit={() => run({ type: 'report_deployment', pledge, status, at, quantity: Number(quantity), personnel: personnel === '' ? null : Number(personnel) } as CaseStep)}>
      <label><span>{t('status')}</span>
        <select name="status" value={status} onChange={(e) => setStatus(e.target.value)}>{['preparing', 'in_transit', 'on_site'].map((s) => <option key={s} value={s}>{t(`dep.${s}`)}</option>)}</select>
      </label>
      <label><span>{t('quantity')}</span><input name="quantity" type="number" min="0" max={max} step="any" required value={quantity} onChange={(e) => setQuantity(e.target.value)} /></label>
      <label><span>{t('personnel')}</span><input name="personnel" type="number" min="0" step="1" value={personnel} onChange={(e) => setPersonnel(e.target.value)} /></label>
      <label><span>{t('on')}</span><DateInput name="at" value={at} onChange={setAt} required /></label>
    </Form>
  );
}

export function NoteForm({ c, party, secretariat, onAdd, busy }: { c: Case; party: string | null; secretariat: boolean; onAdd: (text: string, restricted: boolean, party?: string) => Promise<boolean>; busy: boolean }) {
  const { t } = useTranslation('case');
  const lang = currentLang();
  const [text, setText] = useState('');
  const [restricted, setRestricted] = useState(false);
  const [forParty, setForParty] = useState(party ?? c.parties[0] ?? '');
  return (
    <Form testid="note-form" busy={busy} label={t('addNote')} onSubmit={async () => {
      if (await onAdd(text, restricted, restricted && secretariat ? forParty : undefined)) setText('');
    }}>
      <label className="grow"><span>{t('note')}</span><textarea name="note" rows={2} required value={text} onChange={(e) => setText(e.target.value)} /></label>
      <label className="check"><input type="checkbox" name="restricted" checked={restricted} onChange={(e) => setRestricted(e.target.checked)} /> {party ? t('restrictedTo', { party: countryName(party, lang) }) : t('restricted')}</label>
      {restricted && secretariat && (
        <label><span>{t('party')}</span>
          <select value={forParty} onChange={(e) => setForParty(e.target.value)}>{c.parties.map((p) => <option key={p} value={p}>{countryName(p, lang)}</option>)}</select>
        </label>
      )}
    </Form>
  );
}

/**
 * A step that needs a reason (declining or withdrawing a pledge): the button opens a small
 * inline form asking why, in words that say what the step means, and sends it.
 */
export function ReasonButton({ label, question, step, run, busy, danger, testid }: {
  label: string; question: string; step: (reason: string) => CaseStep; run: Run; busy: boolean; danger?: boolean; testid: string;
}) {
  const { t } = useTranslation('case');
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  if (!open) return <button type="button" className={danger ? 'danger' : undefined} disabled={busy} data-step={testid} onClick={() => setOpen(true)}>{label}</button>;
  return (
    <form className="step-form reason-form" data-testid={`${testid}-form`} onSubmit={(e: FormEvent) => { e.preventDefault(); void run(step(reason.trim())).then((ok) => { if (ok) setOpen(false); }); }}>
      <label className="grow"><span>{question}</span><input name="reason" required value={reason} onChange={(e) => setReason(e.target.value)} autoFocus /></label>
      <button type="submit" className={danger ? 'danger' : 'primary'} disabled={busy || reason.trim() === ''}>{label}</button>
      <button type="button" className="quiet" onClick={() => setOpen(false)}>{t('cancel')}</button>
    </form>
  );
}
