import { create } from 'xmlbuilder2';

/**
 * CAP 1.2 (OASIS Common Alerting Protocol) alerts for a collective-response case.
 * Pure: the case's alert-worthy steps in, one XML document per step out. The case
 * routes serve them at /api/v1/cases/{id}/cap.xml and, gathered, as an Atom feed
 * (./atom.ts).
 *
 * How a case maps to CAP (the choices the specification leaves to the sender):
 * - activation → msgType `Alert`; each decision and the stand-down → `Update`;
 *   a case withdrawn (opened in error) or declined (the decision went against
 *   action) → `Cancel`. Every message after the first `references` all the
 *   earlier ones (sender,identifier,sent triples), as CAP 1.2 §3.2.1 asks.
 * - `status` Actual, or Exercise for an exercise case; `scope` Restricted (the
 *   secretariat and the parties' liaisons), with that `restriction` written out.
 * - `category` Security; `responseType` Prepare at activation (the parties prepare
 *   their assistance), Execute once the decision to act is taken, AllClear at the
 *   stand-down and None for a cancellation (nothing is to be done: the case was opened
 *   in error, or the parties decided not to act — the threat may remain, so not
 *   AllClear); `urgency` Immediate while assistance is due, Past for the stand-down
 *   and a cancellation; `severity` Severe (a case is only opened on a provision that
 *   obliges the parties to assist); `certainty` Observed (a duty officer confirmed
 *   the incident before opening the case).
 * - one `info` in French (fr-FR) and one in English (en-US), since the AES states
 *   work in French; an `area` with the incident's point as a 10 km `circle`, or the
 *   country as a `geocode` when the incident has no point.
 * - `incidents` carries the Foedus incident id (none for a hypothetical incident);
 *   the charter, article, beneficiary and obligated parties travel as `parameter`s.
 *
 * What CAP forbids is refused, not rewritten: a sender or identifier with a space, a
 * comma, `<` or `&` throws, since a silently changed sender would no longer match the
 * one the recipients trust. Free text (descriptions, headlines, parameters, area names)
 * is cleaned of what XML cannot carry, so every document is well-formed.
 */

/** An element being built (xmlbuilder2 exports its builder type only through its functions). */
type XMLBuilder = ReturnType<typeof create>;

export const CAP_NAMESPACE = 'urn:oasis:names:tc:emergency:cap:1.2';
/** Radius (km) of the circle drawn around an incident's point. */
export const AREA_RADIUS_KM = 10;

export type CapStep = 'activation' | 'decision' | 'stand_down' | 'withdrawn' | 'declined';
export interface Bilingual {
  fr: string;
  en: string;
}

/** One step of a case that produces an alert. */
export interface CaseAlertStep {
  step: CapStep;
  /** When it was recorded (ISO 8601 instant). */
  at: string;
  /** What happened, in both languages (e.g. the decision and the rule that produced it). */
  text: Bilingual;
}

/** What the alerts of one case are made from. */
export interface CaseAlertSource {
  caseId: string;
  exercise: boolean;
  /** `id` is null for a hypothetical incident (not stored): the alerts then have no `incidents`. */
  incident: { id: string | null; date: string; country: string | null; lat: number | null; lon: number | null; place: Bilingual | null };
  charter: { id: string; version: string; name: Bilingual };
  article: string;
  provisionTitle: Bilingual;
  beneficiary: string | null;
  obligated: readonly string[];
  /** The steps in the order they happened; the first one, and only it, is the activation. */
  steps: readonly CaseAlertStep[];
}

/** Who sends: CAP's `sender` (no spaces, commas or `<&`) and a name people read. */
export interface CapSender {
  id: string;
  name: string;
}

export interface CapAlert {
  /** The CAP sender (the `sender` of CapSender), kept so a feed can name the alert. */
  sender: string;
  identifier: string;
  /** CAP dateTime, UTC written "-00:00" (see capDateTime). */
  sent: string;
  msgType: 'Alert' | 'Update' | 'Cancel';
  status: 'Actual' | 'Exercise';
  step: CapStep;
  /** The headline of the English info (for feeds and lists). */
  headline: Bilingual;
  xml: string;
}

export const RESTRICTION: Bilingual = {
  fr: 'Secrétariat de l’alliance et officiers de liaison des États parties uniquement.',
  en: 'Alliance secretariat and the liaison officers of the parties only.',
};

const STEP_WORD: Record<CapStep, Bilingual> = {
  activation: { fr: 'Activation', en: 'Activation' },
  decision: { fr: 'Décision', en: 'Decision' },
  stand_down: { fr: 'Fin de l’engagement', en: 'Stand-down' },
  withdrawn: { fr: 'Dossier retiré', en: 'Case withdrawn' },
  declined: { fr: 'Action écartée', en: 'Action declined' },
};

/** The media type CAP documents are served with (e.g. a case's cap.xml). */
export const CAP_MEDIA_TYPE = 'application/cap+xml';

/** An ISO 8601 instant: a date, a time and an explicit offset (or Z), so the server's time zone never matters. */
const ISO_INSTANT = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/i;

/**
 * CAP's dateTime (CAP 1.2 §3.2.1, `sent`): "2002-05-24T16:49:00-07:00", seconds and
 * no fractions; alphabetic zones such as "Z" MUST NOT be used and UTC MUST be written
 * "-00:00" (so never "+00:00" either). Every time is given in UTC.
 */
export function capDateTime(iso: string): string {
  const d = new Date(iso);
  if (!ISO_INSTANT.test(iso) || Number.isNaN(d.getTime())) throw new Error(`not a date-time with an offset (ISO 8601): ${JSON.stringify(iso)}`);
  return `${d.toISOString().slice(0, 19)}-00:00`;
}

/**
 * Text XML 1.0 can carry: C0 control characters other than tab, newline and carriage
 * return are dropped, and lone UTF-16 surrogates (half of a character, e.g. from text
 * cut in the middle of an emoji) and the non-characters U+FFFE, U+FFFF become U+FFFD.
 * xmlbuilder2 writes them as they are, which would make the document ill-formed.
 */
export function xmlSafeText(s: string): string {
  return s
    // eslint-disable-next-line no-control-regex -- removing control characters is the point
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, '')
    .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]|[\uFFFE\uFFFF]/g, '\uFFFD');
}

/**
 * Whether CAP accepts `s` as a sender or identifier: not empty, none of space, comma,
 * `<` or `&` (CAP 1.2 §3.2.1), and only characters XML can carry. The server can check
 * its configured sender with it before serving any alert.
 */
export function isCapToken(s: string): boolean {
  return s.length > 0 && !/[\s,<&]/.test(s) && xmlSafeText(s) === s;
}

function capToken(what: 'sender' | 'identifier', s: string): string {
  if (!isCapToken(s)) {
    throw new Error(`CAP ${what} ${JSON.stringify(s)} is not allowed: it must be non-empty, without spaces, commas, < or & (CAP 1.2 §3.2.1)`);
  }
  return s;
}

/**
 * CAP's `incidents` is a whitespace-separated list, a name with whitespace written in
 * double quotes (CAP 1.2 §3.2.1). A name with a double quote cannot be written: the
 * element is then left out (it is optional) rather than carry a different name.
 */
function capIncidents(id: string | null): string | null {
  if (id === null) return null;
  const clean = xmlSafeText(id);
  if (clean.includes('"') || clean.trim() === '') return null;
  return /\s/.test(clean) ? `"${clean}"` : clean;
}

/** A WGS 84 coordinate as the XSD's "-?d+(.d+)?" wants it: no exponent (1e-7), at most 6 decimals (~0.1 m). */
function capCoordinate(value: number, limit: 90 | 180): string {
  if (!Number.isFinite(value) || Math.abs(value) > limit) throw new Error(`not a WGS 84 coordinate: ${value}`);
  return String(Number(value.toFixed(6)));
}

function msgTypeOf(step: CapStep): CapAlert['msgType'] {
  if (step === 'activation') return 'Alert';
  return step === 'withdrawn' || step === 'declined' ? 'Cancel' : 'Update';
}

function responseTypeOf(step: CapStep): string {
  switch (step) {
    case 'activation': return 'Prepare';
    case 'decision': return 'Execute';
    case 'stand_down': return 'AllClear';
    case 'withdrawn':
    case 'declined': return 'None';
  }
}

/**
 * Every alert of a case, oldest first; each one after the first references all those
 * before it. Throws when the sender id or an identifier is not one CAP accepts, and
 * when the steps do not start with the (single) activation, since an Update or Cancel
 * must reference the Alert it follows.
 */
export function caseAlerts(source: CaseAlertSource, sender: CapSender): CapAlert[] {
  const senderId = capToken('sender', sender.id);
  source.steps.forEach((s, i) => {
    if ((s.step === 'activation') !== (i === 0)) throw new Error(`case ${source.caseId}: the activation must be the first alert step, and the only one (step ${i + 1} is ${s.step})`);
  });
  const alerts: CapAlert[] = [];
  source.steps.forEach((step, i) => {
    const identifier = capToken('identifier', `foedus-case-${source.caseId}-${i + 1}`);
    const sent = capDateTime(step.at);
    // CAP 1.2 §3.2.1: "sender,identifier,sent" triples separated by whitespace.
    const references = alerts.map((a) => `${a.sender},${a.identifier},${a.sent}`).join(' ');
    const alert: Omit<CapAlert, 'xml'> = {
      sender: senderId,
      identifier,
      sent,
      msgType: msgTypeOf(step.step),
      status: source.exercise ? 'Exercise' : 'Actual',
      step: step.step,
      headline: headlineOf(source, step.step),
    };
    alerts.push({ ...alert, xml: alertXml(source, sender, alert, step, references) });
  });
  return alerts;
}

function headlineOf(source: CaseAlertSource, step: CapStep): Bilingual {
  const who = source.beneficiary ?? '—';
  const prefix = source.exercise ? { fr: 'EXERCICE — ', en: 'EXERCISE — ' } : { fr: '', en: '' };
  return {
    fr: xmlSafeText(`${prefix.fr}${STEP_WORD[step].fr} : ${source.charter.name.fr}, ${source.provisionTitle.fr} (bénéficiaire ${who})`),
    en: xmlSafeText(`${prefix.en}${STEP_WORD[step].en}: ${source.charter.name.en}, ${source.provisionTitle.en} (beneficiary ${who})`),
  };
}

/** A child element with text; all text goes through xmlSafeText, so no caller can forget it. */
function text(parent: XMLBuilder, name: string, value: string): void {
  parent.ele(name).txt(xmlSafeText(value));
}

function alertXml(source: CaseAlertSource, sender: CapSender, alert: Omit<CapAlert, 'xml'>, step: CaseAlertStep, references: string): string {
  // Element order is the one of the CAP 1.2 schema (alert, then info, then area).
  const root = create({ version: '1.0', encoding: 'UTF-8' }).ele(CAP_NAMESPACE, 'alert');
  text(root, 'identifier', alert.identifier);
  text(root, 'sender', alert.sender);
  text(root, 'sent', alert.sent);
  text(root, 'status', alert.status);
  text(root, 'msgType', alert.msgType);
  text(root, 'scope', 'Restricted');
  text(root, 'restriction', `${RESTRICTION.en} / ${RESTRICTION.fr}`);
  if (source.exercise) text(root, 'note', 'Exercise: no real assistance is due. / Exercice : aucune assistance réelle n’est due.');
  if (references) text(root, 'references', references);
  const incidents = capIncidents(source.incident.id);
  if (incidents) text(root, 'incidents', incidents);
  const over = step.step === 'stand_down' || alert.msgType === 'Cancel';
  for (const lang of ['fr', 'en'] as const) {
    const info = root.ele('info');
    text(info, 'language', lang === 'fr' ? 'fr-FR' : 'en-US');
    text(info, 'category', 'Security');
    text(info, 'event', source.provisionTitle[lang]);
    text(info, 'responseType', responseTypeOf(step.step));
    text(info, 'urgency', over ? 'Past' : 'Immediate');
    text(info, 'severity', 'Severe');
    text(info, 'certainty', 'Observed');
    text(info, 'senderName', sender.name);
    text(info, 'headline', alert.headline[lang]);
    text(info, 'description', step.text[lang]);
    const params: [string, string][] = [
      ['charter', `${source.charter.id}@${source.charter.version}`],
      ['article', source.article],
      ['beneficiary', source.beneficiary ?? ''],
      ['obligated', source.obligated.join(' ')],
      ['case', source.caseId],
    ];
    for (const [valueName, value] of params) {
      const p = info.ele('parameter');
      text(p, 'valueName', valueName);
      text(p, 'value', value);
    }
    addArea(info.ele('area'), source, lang);
  }
  return root.end({ prettyPrint: true });
}

function addArea(area: XMLBuilder, source: CaseAlertSource, lang: 'fr' | 'en'): void {
  const { incident } = source;
  text(area, 'areaDesc', incident.place?.[lang] ?? incident.country ?? (lang === 'fr' ? 'Lieu de l’incident' : 'Place of the incident'));
  if (incident.lat !== null && incident.lon !== null) {
    // CAP's WGS 84 "lat,lon radius", radius in kilometres.
    text(area, 'circle', `${capCoordinate(incident.lat, 90)},${capCoordinate(incident.lon, 180)} ${AREA_RADIUS_KM}`);
  }
  if (incident.country) {
    const g = area.ele('geocode');
    text(g, 'valueName', 'ISO 3166-1 alpha-3');
    text(g, 'value', incident.country);
  }
}
