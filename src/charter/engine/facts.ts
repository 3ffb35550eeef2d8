import type { Incident, IncidentKind, PerpetratorType, TargetType } from '../../incident/incident.ts';
import { SENTENCES, partyName, type Sentences } from '../i18n.ts';
import type { Lang } from '../schema.ts';
import { KIND_BIT, PERP_BIT, TARGET_BIT } from './compile.ts';

/** What the checks read of one incident on one day, read once per assessment. */
export interface Facts {
  readonly day: number;
  readonly lang: Lang;
  readonly S: Sentences;
  readonly kind: IncidentKind;
  readonly perpType: PerpetratorType;
  readonly perpCountry: string | undefined;
  readonly targetType: TargetType;
  /** The target's country; for a territory without one, the location's. */
  readonly targetCountry: string | undefined;
  readonly locCountry: string | undefined;
  readonly lat: number | undefined;
  readonly lon: number | undefined;
  readonly abroad: boolean;
  readonly requested: readonly string[] | undefined;
  readonly kindBit: number;
  readonly perpBit: number;
  readonly targetBit: number;
}

export function readFacts(incident: Incident, day: number, lang: Lang): Facts {
  const target = incident.target;
  const loc = incident.location;
  return {
    day,
    lang,
    S: SENTENCES[lang],
    kind: incident.kind,
    perpType: incident.perpetrator.type,
    perpCountry: incident.perpetrator.country,
    targetType: target.type,
    targetCountry: target.country ?? (target.type === 'territory' ? loc.country : undefined),
    locCountry: loc.country,
    lat: loc.lat,
    lon: loc.lon,
    abroad: target.deployed_abroad === true,
    requested: incident.assistance_requested_by,
    kindBit: KIND_BIT[incident.kind] ?? 0,
    perpBit: PERP_BIT[incident.perpetrator.type] ?? 0,
    targetBit: TARGET_BIT[target.type] ?? 0,
  };
}

/** The incident's place in words: its country (or the sea, or unknown), and its coordinates. */
export function placeText(f: Facts): string {
  const S = f.S;
  const base = f.locCountry ? partyName(f.locCountry, f.lang) : f.lat === undefined ? S.unknownPlace() : S.intlWaters();
  return f.lat !== undefined && f.lon !== undefined ? base + S.byCoordinates(f.lat, f.lon) : base;
}
