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
 * - `category` Security; `urgency` Immediate while assistance is due, Past for the
 *   stand-down and a cancellation; `severity` Severe (a case is only opened on a
 *   provision that obliges the parties to assist); `certainty` Observed (a duty
 *   officer confirmed the incident before opening the case).
 * - one `info` in French (fr-FR) and one in English (en-US), since the AES states
 *   work in French; an `area` with the incident's point as a 10 km `circle`, or the
 *   country as a `geocode` when the incident has no point.
 * - `incidents` carries the Foedus incident id; the charter, article, beneficiary
 *   and obligated parties travel as `parameter`s.
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
  incident: { id: string; date: string; country: string | null; lat: number | null; lon: number | null; place: Bilingual | null };
  charter: { id: string; version: string; name: Bilingual };
  article: string;
  provisionTitle: Bilingual;
  beneficiary: string | null;
  obligated: readonly string[];
  /** The steps in the order they happened. */
  steps: readonly CaseAlertStep[];
}

/** Who sends: CAP's `sender` (no spaces, commas or `<&`) and a name people read. */
export interface CapSender {
  id: string;
  name: string;
}

export interface CapAlert {
  identifier: string;
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

/**
 * CAP's dateTime: seconds and an explicit offset, never "Z" nor fractions; UTC is written
 * "-00:00", as CAP 1.2 §3.3.2 requires ("2002-05-24T16:49:00-07:00"; UTC as -00:00).
 */
export function capDateTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) throw new Error(`not a date-time: ${iso}`);
  return `${d.toISOString().slice(0, 19)}-00:00`;
}

/** An identifier CAP accepts: none of space, comma, `<` or `&`. */
function capToken(s: string): string {
  return s.replace(/[\s,<&]+/g, '_');
}

function msgTypeOf(step: CapStep): CapAlert['msgType'] {
  if (step === 'activation') return 'Alert';
  return step === 'withdrawn' || step === 'declined' ? 'Cancel' : 'Update';
}

/** Every alert of a case, oldest first; each one after the first references those before it. */
export function caseAlerts(source: CaseAlertSource, sender: CapSender): CapAlert[] {
  const senderId = capToken(sender.id);
  const alerts: CapAlert[] = [];
  source.steps.forEach((step, i) => {
    const identifier = capToken(`foedus-case-${source.caseId}-${i + 1}`);
    const sent = capDateTime(step.at);
    const references = alerts.map((a) => `${senderId},${a.identifier},${a.sent}`).join(' ');
    const alert: Omit<CapAlert, 'xml'> = {
      identifier,
      sent,
      msgType: msgTypeOf(step.step),
      status: source.exercise ? 'Exercise' : 'Actual',
      step: step.step,
      headline: headlineOf(source, step.step),
    };
    alerts.push({ ...alert, xml: alertXml(source, sender, senderId, alert, step, references) });
  });
  return alerts;
}

function headlineOf(source: CaseAlertSource, step: CapStep): Bilingual {
  const who = source.beneficiary ?? '—';
  const prefix = source.exercise ? { fr: 'EXERCICE — ', en: 'EXERCISE — ' } : { fr: '', en: '' };
  return {
    fr: `${prefix.fr}${STEP_WORD[step].fr} : ${source.charter.name.fr}, ${source.provisionTitle.fr} (bénéficiaire ${who})`,
    en: `${prefix.en}${STEP_WORD[step].en}: ${source.charter.name.en}, ${source.provisionTitle.en} (beneficiary ${who})`,
  };
}

function alertXml(source: CaseAlertSource, sender: CapSender, senderId: string, alert: Omit<CapAlert, 'xml'>, step: CaseAlertStep, references: string): string {
  const root = create({ version: '1.0', encoding: 'UTF-8' }).ele(CAP_NAMESPACE, 'alert');
  root.ele('identifier').txt(alert.identifier);
  root.ele('sender').txt(senderId);
  root.ele('sent').txt(alert.sent);
  root.ele('status').txt(alert.status);
  root.ele('msgType').txt(alert.msgType);
  root.ele('scope').txt('Restricted');
  root.ele('restriction').txt(`${RESTRICTION.en} / ${RESTRICTION.fr}`);
  if (source.exercise) root.ele('note').txt('Exercise: no real assistance is due. / Exercice : aucune assistance réelle n’est due.');
  if (references) root.ele('references').txt(references);
  root.ele('incidents').txt(capToken(source.incident.id));
  for (const lang of ['fr', 'en'] as const) {
    const info = root.ele('info');
    info.ele('language').txt(lang === 'fr' ? 'fr-FR' : 'en-US');
    info.ele('category').txt('Security');
    info.ele('event').txt(source.provisionTitle[lang]);
    info.ele('responseType').txt(alert.msgType === 'Alert' || step.step === 'decision' ? 'Execute' : 'AllClear');
    const over = step.step === 'stand_down' || alert.msgType === 'Cancel';
    info.ele('urgency').txt(over ? 'Past' : 'Immediate');
    info.ele('severity').txt('Severe');
    info.ele('certainty').txt('Observed');
    info.ele('senderName').txt(sender.name);
    info.ele('headline').txt(alert.headline[lang]);
    info.ele('description').txt(step.text[lang]);
    const params: [string, string][] = [
      ['charter', `${source.charter.id}@${source.charter.version}`],
      ['article', source.article],
      ['beneficiary', source.beneficiary ?? ''],
      ['obligated', source.obligated.join(' ')],
      ['case', source.caseId],
    ];
    for (const [valueName, value] of params) {
      const p = info.ele('parameter');
      p.ele('valueName').txt(valueName);
      p.ele('value').txt(value);
    }
    addArea(info.ele('area'), source, lang);
  }
  return root.end({ prettyPrint: true });
}

function addArea(area: XMLBuilder, source: CaseAlertSource, lang: 'fr' | 'en'): void {
  const { incident } = source;
  area.ele('areaDesc').txt(incident.place?.[lang] ?? incident.country ?? (lang === 'fr' ? 'Lieu de l’incident' : 'Place of the incident'));
  if (incident.lat !== null && incident.lon !== null) {
    // CAP's WGS 84 "lat,lon radius", radius in kilometres.
    area.ele('circle').txt(`${incident.lat},${incident.lon} ${AREA_RADIUS_KM}`);
  }
  if (incident.country) {
    const g = area.ele('geocode');
    g.ele('valueName').txt('ISO 3166-1 alpha-3');
    g.ele('value').txt(incident.country);
  }
}
