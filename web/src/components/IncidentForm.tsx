import { useTranslation } from 'react-i18next';
import { INCIDENT_KINDS, PERPETRATOR_TYPES, TARGET_TYPES, type Incident, type IncidentKind, type PerpetratorType, type TargetType } from '../api/types.ts';
import { AES, countryName, isIso3 } from '../lib/countries.ts';
import { currentLang } from '../i18n/index.ts';
import { longDay, today } from '../lib/format.ts';
import { recordDayError } from '../lib/recordDays.ts';
import { CountrySelect } from './CountrySelect.tsx';
import { DateInput, useDatePattern } from './DateInput.tsx';
import { PointPicker } from './PointPicker.tsx';

/** The incident format as form fields (strings while typing). */
export interface IncidentDraft {
  date: string;
  kind: IncidentKind;
  lat: string;
  lon: string;
  country: string;
  perpType: PerpetratorType;
  perpCountry: string;
  perpName: string;
  targetType: TargetType;
  targetCountry: string;
  deployedAbroad: boolean;
  fatalities: string;
  assistance: string[];
  assistanceOther: string;
}

export function emptyDraft(date: string): IncidentDraft {
  return {
    date, kind: 'armed_attack', lat: '', lon: '', country: '', perpType: 'state', perpCountry: '', perpName: '',
    targetType: 'territory', targetCountry: '', deployedAbroad: false, fatalities: '', assistance: [], assistanceOther: '',
  };
}

/**
 * Field → message key for what is wrong before anything is sent; the server checks again.
 * `record`: the draft is a report of something that happened, so it cannot be dated after today (UTC);
 * a what-if may imagine one.
 */
export function draftErrors(d: IncidentDraft, opts: { record?: boolean } = {}): Record<string, string> {
  const e: Record<string, string> = {};
  if (!/^\d{4}-\d{2}-\d{2}$/.test(d.date)) e.date = 'form.err.date';
  else if (opts.record) {
    const day = recordDayError(d.date, today());
    if (day) e.date = day;
  }
  // The engine needs to know which state attacked; "unknown" is the honest type when nobody knows.
  if (d.perpType === 'state' && !d.perpCountry) e.perpCountry = 'form.err.stateCountry';
  const lat = d.lat.trim() === '' ? null : Number(d.lat);
  const lon = d.lon.trim() === '' ? null : Number(d.lon);
  if ((lat === null) !== (lon === null)) e.lat = 'form.err.both';
  if (lat !== null && (Number.isNaN(lat) || lat < -90 || lat > 90)) e.lat = 'form.err.lat';
  if (lon !== null && (Number.isNaN(lon) || lon < -180 || lon > 180)) e.lon = 'form.err.lon';
  if (lat === null && lon === null && !d.country) e.country = 'form.err.where';
  if (d.fatalities.trim() !== '' && !/^\d+$/.test(d.fatalities.trim())) e.fatalities = 'form.err.fatalities';
  const others = d.assistanceOther.split(/[\s,;]+/).filter(Boolean).map((s) => s.toUpperCase());
  if (others.some((c) => !isIso3(c))) e.assistanceOther = 'form.err.iso3';
  return e;
}

export function draftToIncident(d: IncidentDraft): Incident {
  const inc: Incident = {
    date: d.date,
    kind: d.kind,
    location: {},
    perpetrator: { type: d.perpType },
    target: { type: d.targetType },
  };
  if (d.lat.trim() !== '' && d.lon.trim() !== '') { inc.location.lat = Number(d.lat); inc.location.lon = Number(d.lon); }
  if (d.country) inc.location.country = d.country;
  if (d.perpCountry) inc.perpetrator.country = d.perpCountry;
  if (d.perpName.trim()) inc.perpetrator.name = d.perpName.trim();
  if (d.targetCountry) inc.target.country = d.targetCountry;
  if (d.deployedAbroad) inc.target.deployed_abroad = true;
  if (d.fatalities.trim() !== '') inc.fatalities = Number(d.fatalities);
  const asked = [...d.assistance, ...d.assistanceOther.split(/[\s,;]+/).filter(Boolean).map((s) => s.toUpperCase())];
  if (asked.length) inc.assistance_requested_by = [...new Set(asked)];
  return inc;
}

function Err({ id, errors, name }: { id: string; errors: Record<string, string>; name: string }) {
  const { t } = useTranslation('components');
  const key = errors[name];
  // The date message names the format the field expects in this language (jj/mm/aaaa, mm/dd/yyyy…).
  const pattern = useDatePattern();
  return key ? <span id={id} className="field-error" role="alert">{t(key, { pattern })}</span> : null;
}

/** Where, when, what, who, against whom: every field of the incident format, with a map to pick the point. */
export function IncidentFields({ draft, onChange, errors, showErrors }: {
  draft: IncidentDraft; onChange: (d: IncidentDraft) => void; errors: Record<string, string>; showErrors: boolean;
}) {
  const { t } = useTranslation('components');
  const tc = useTranslation('common').t;
  const lang = currentLang();
  const set = (patch: Partial<IncidentDraft>) => onChange({ ...draft, ...patch });
  // A date after today is plainly wrong once typed: said at once. The rest waits for the first "send"
  // (a day before 1900 too: a year being typed passes through 0002, 0020, 0202 on its way to 2024).
  const errs = showErrors ? errors : errors.date === 'form.err.future' ? { date: errors.date } : {};
  const lat = draft.lat.trim() === '' ? null : Number(draft.lat);
  const lon = draft.lon.trim() === '' ? null : Number(draft.lon);
  return (
    <div className="incident-fields">
      <fieldset>
        <legend>{t('form.what')}</legend>
        <div className="row">
          <label><span>{t('form.date')}</span>
            <DateInput name="date" required value={draft.date} onChange={(v) => set({ date: v })} invalid={!!errs.date}
              describedBy={errs.date ? 'err-date' : 'date-said'} />
            {/* The browser writes the date its own way (possibly mm/dd/yyyy): said again in words, in the UI's language. */}
            {!errs.date && draft.date && <span id="date-said" className="hint" data-testid="date-said">{longDay(draft.date, lang)}</span>}
            <Err id="err-date" errors={errs} name="date" />
          </label>
          <label><span>{t('form.kind')}</span>
            <select name="kind" value={draft.kind} onChange={(e) => set({ kind: e.target.value as IncidentKind })}>
              {INCIDENT_KINDS.map((k) => <option key={k} value={k}>{tc(`kind.${k}`)}</option>)}
            </select>
          </label>
          <label><span>{t('form.fatalities')}</span>
            <input type="number" name="fatalities" min={0} step={1} inputMode="numeric" value={draft.fatalities} onChange={(e) => set({ fatalities: e.target.value })} aria-invalid={!!errs.fatalities} />
            <Err id="err-fat" errors={errs} name="fatalities" />
          </label>
        </div>
      </fieldset>
      <fieldset>
        <legend>{t('form.where')}</legend>
        <div className="row">
          <label><span>{t('form.lat')}</span>
            <input type="number" name="lat" step="any" min={-90} max={90} value={draft.lat} onChange={(e) => set({ lat: e.target.value })} aria-invalid={!!errs.lat} />
            <Err id="err-lat" errors={errs} name="lat" />
          </label>
          <label><span>{t('form.lon')}</span>
            <input type="number" name="lon" step="any" min={-180} max={180} value={draft.lon} onChange={(e) => set({ lon: e.target.value })} aria-invalid={!!errs.lon} />
            <Err id="err-lon" errors={errs} name="lon" />
          </label>
          <label><span>{t('form.country')}</span>
            <CountrySelect id="location-country" value={draft.country} onChange={(v) => set({ country: v })} emptyLabel={t('form.countryFromPoint')} />
            <Err id="err-country" errors={errs} name="country" />
          </label>
        </div>
        <PointPicker lat={lat} lon={lon} onPick={(la, lo) => set({ lat: String(la), lon: String(lo) })} />
      </fieldset>
      <fieldset>
        <legend>{t('form.perpetrator')}</legend>
        <div className="row">
          <label><span>{t('form.type')}</span>
            <select name="perpetrator-type" value={draft.perpType} onChange={(e) => set({ perpType: e.target.value as PerpetratorType })}>
              {PERPETRATOR_TYPES.map((k) => <option key={k} value={k}>{tc(`perp.${k}`)}</option>)}
            </select>
          </label>
          <label><span>{t('form.perpCountry')}</span>
            <CountrySelect id="perpetrator-country" value={draft.perpCountry} onChange={(v) => set({ perpCountry: v })} emptyLabel="—"
              invalid={!!errs.perpCountry} describedBy="err-perp-country" />
            <Err id="err-perp-country" errors={errs} name="perpCountry" />
          </label>
          <label className="grow"><span>{t('form.perpName')}</span>
            <input type="text" name="perpetrator-name" maxLength={500} value={draft.perpName} onChange={(e) => set({ perpName: e.target.value })} />
          </label>
        </div>
      </fieldset>
      <fieldset>
        <legend>{t('form.target')}</legend>
        <div className="row">
          <label><span>{t('form.type')}</span>
            <select name="target-type" value={draft.targetType} onChange={(e) => set({ targetType: e.target.value as TargetType })}>
              {TARGET_TYPES.map((k) => <option key={k} value={k}>{tc(`target.${k}`)}</option>)}
            </select>
          </label>
          <label><span>{t('form.targetCountry')}</span>
            <CountrySelect id="target-country" value={draft.targetCountry} onChange={(v) => set({ targetCountry: v })} emptyLabel={t('form.targetFromLocation')} />
          </label>
          <label className="check"><input type="checkbox" name="deployed-abroad" checked={draft.deployedAbroad} onChange={(e) => set({ deployedAbroad: e.target.checked })} />
            <span>{t('form.deployedAbroad')}</span>
          </label>
        </div>
      </fieldset>
      <fieldset>
        <legend>{t('form.assistance')}</legend>
        <div className="row">
          {AES.map((c) => (
            <label key={c} className="check">
              <input type="checkbox" name={`assist-${c}`} checked={draft.assistance.includes(c)}
                onChange={(e) => set({ assistance: e.target.checked ? [...draft.assistance, c] : draft.assistance.filter((x) => x !== c) })} />
              <span>{countryName(c, lang)}</span>
            </label>
          ))}
          <label className="grow"><span>{t('form.assistanceOther')}</span>
            <input type="text" name="assistance-other" placeholder="NGA, TCD" value={draft.assistanceOther} onChange={(e) => set({ assistanceOther: e.target.value })} aria-invalid={!!errs.assistanceOther} />
            <Err id="err-assist" errors={errs} name="assistanceOther" />
          </label>
        </div>
      </fieldset>
    </div>
  );
}
