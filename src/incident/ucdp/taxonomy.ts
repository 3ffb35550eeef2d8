import type { IncidentKind, PerpetratorType, TargetType } from '../incident.ts';
import type { DatePrecision, LocationPrecision } from '../record.ts';
import { countryIso3FromName } from '../names.ts';

/**
 * UCDP GED → Foedus taxonomy: the ONE table, documented in
 * docs/taxonomy-ucdp.md. Sources: UCDP GED codebook (type_of_violence,
 * where_prec, date_prec; side A of a state-based conflict is always a
 * government), and the actor names of the real Sahel export
 * (../shared/data/ucdp_ged_sahel/raw).
 *
 * UCDP does not record who attacked whom: side_a/side_b are the dyad's
 * parties. A perpetrator is named only when the violence type makes it
 * unambiguous (one-sided violence: side A is the perpetrator; state-based
 * government vs group: the group's armed activity against the state is
 * what the charters' counter-terrorism/rebellion undertakings address).
 */

export const UCDP_VIOLENCE_LABELS: Record<string, string> = {
  '1': 'state-based conflict',
  '2': 'non-state conflict',
  '3': 'one-sided violence',
};

/** Jihadist groups (UCDP spellings first, then other common ones). Their armed activity is terrorism under AES art. 4. */
export const JIHADIST_GROUPS = [
  'JNIM', 'IS', 'ISGS', 'IS Sahel', 'ISWAP', 'Islamic State', 'AQIM', 'Ansar Dine', 'MUJAO', 'al-Murabitun', 'Al-Mourabitoune',
  'Signed-in-Blood Battalion', 'FLM', 'Katiba Macina', 'Ansaroul Islam', 'Ansarul Islam', 'Boko Haram', 'JAS', 'GSPC',
] as const;

/** Separatist and rebel movements fighting a government (Mali, Niger, Senegal, Côte d'Ivoire, Liberia). */
export const REBEL_GROUPS = [
  'CMA', 'MNLA', 'HCUA', 'MAA', 'CSP-PSD', 'FLAA', 'FIAA', 'FPLA', 'ARLA', 'MPA', 'ATNMC', 'CRA', 'FDR', 'MNJ', 'UFRA',
  'MFDC', 'MFDC - FN', 'MFDC - S', 'MFDC Front Nord - MD', 'MPCI', 'MPIGO', 'MJP', 'FN - IC', 'FRCI', 'FDSI-CI', 'NPFL', 'LPC',
] as const;

/** Factions of a state's own armed forces: their fighting against the government is a coup or counter-coup. */
export const MILITARY_FACTIONS = ['Military faction (Red Berets)'] as const;

/**
 * Communities and informally organised identity groups (UCDP non-state
 * conflicts of organisation level 3). Violence between them is communal:
 * its victims are counted as civilians.
 */
export const COMMUNAL_GROUPS = [
  'Arab', 'Kounta', 'Bete', 'Senufo', 'Burkinabé', 'Guéré', 'Daoussak (Tuareg)', 'Fulani', 'Dioula', 'Djerma (Zherma)', 'Dogon',
  'Koulango', 'Lobi', 'Malinké', 'Tuareg', 'Mauritanian', 'Senegalese', 'Moba', 'Chakosi', 'Toubou', 'Zaghawa',
  'Supporters of Laurent Gbagbo', 'Supporters of Alassane Outtara',
] as const;

export type ActorClass = 'government' | 'jihadist' | 'rebel' | 'military_faction' | 'communal' | 'civilians' | 'other_armed';

const norm = (s: string): string => s.trim().toLowerCase();
const jihadist = new Set(JIHADIST_GROUPS.map(norm));
const rebel = new Set(REBEL_GROUPS.map(norm));
const faction = new Set(MILITARY_FACTIONS.map(norm));
const communal = new Set(COMMUNAL_GROUPS.map(norm));

/** UCDP joins allied actors on one side with ", " ("GATIA, MSA"); the names themselves may contain " - ". */
export function splitSide(side: string): string[] {
  return side.split(/\s*,\s*/).map((s) => s.trim()).filter(Boolean);
}

export function classifyActor(name: string): ActorClass {
  const n = norm(name);
  if (n.startsWith('government of ')) return 'government';
  if (n === 'civilians') return 'civilians';
  if (jihadist.has(n)) return 'jihadist';
  if (rebel.has(n)) return 'rebel';
  if (faction.has(n)) return 'military_faction';
  if (communal.has(n)) return 'communal';
  // Self-defence and pro-government militias (Dozos, Dan na Ambassagou, Koglweogo, GATIA, MSA, Ganda Iso, CM-FPR …) and anything unlisted.
  return 'other_armed';
}

/** The classes present on one side ("GATIA, MSA" → both). */
export function classifySide(side: string): Set<ActorClass> {
  return new Set(splitSide(side).map(classifyActor));
}

export interface UcdpMapping {
  kind: IncidentKind;
  perpetrator: PerpetratorType;
  /** Which side is named as perpetrator, when one is. */
  perpetratorSide: 'side_a' | 'side_b' | null;
  target: TargetType;
  /** Which side's government is the target's state; 'event' = the state where the event took place. */
  targetState: 'side_a' | 'event' | null;
  /** Why, in one sentence (kept in docs and tests). */
  reason: string;
}

/**
 * The table. `type` is UCDP type_of_violence; sides as given.
 * Returns null for an unknown violence type (the mapper reports it).
 */
export function mapUcdpTaxonomy(type: string, sideA: string, sideB: string): UcdpMapping | null {
  const a = classifySide(sideA), b = classifySide(sideB);
  switch (type) {
    case '1': {
      // State-based: side A is a government (UCDP convention).
      if (b.has('government')) {
        return {
          kind: 'armed_attack', perpetrator: 'unknown', perpetratorSide: null, target: 'armed_forces', targetState: null,
          reason: 'interstate: both sides are governments and UCDP does not say who attacked; both are kept as actors',
        };
      }
      if (b.has('jihadist')) {
        return {
          kind: 'terrorist_attack', perpetrator: 'non_state_armed_group', perpetratorSide: 'side_b', target: 'armed_forces', targetState: 'side_a',
          reason: "government vs a jihadist group: the group's armed attacks on the state's forces are terrorism",
        };
      }
      if (b.has('military_faction')) {
        return {
          kind: 'coup', perpetrator: 'rebel_group', perpetratorSide: 'side_b', target: 'government', targetState: 'side_a',
          reason: 'government vs a faction of its own army: a coup or counter-coup attempt',
        };
      }
      return {
        kind: 'armed_rebellion', perpetrator: 'rebel_group', perpetratorSide: 'side_b', target: 'armed_forces', targetState: 'side_a',
        reason: 'government vs a separatist or rebel movement (the default for a non-jihadist side B): armed rebellion',
      };
    }
    case '2': {
      // Non-state: neither side is a government; who attacked is not recorded.
      const both = new Set([...a, ...b]);
      if (both.has('jihadist')) {
        return {
          kind: 'terrorist_attack', perpetrator: 'non_state_armed_group', perpetratorSide: null, target: 'territory', targetState: 'event',
          reason: "fighting involving a jihadist group on a state's territory: terrorism; both sides are non-state, attacker not named",
        };
      }
      if (both.has('communal')) {
        return {
          kind: 'other', perpetrator: 'non_state_armed_group', perpetratorSide: null, target: 'civilians', targetState: 'event',
          reason: 'communal violence between identity groups: its victims are civilians; neither terrorism nor rebellion',
        };
      }
      return {
        kind: 'other', perpetrator: 'non_state_armed_group', perpetratorSide: null, target: 'territory', targetState: 'event',
        reason: "fighting between armed movements or militias on a state's territory, no government side",
      };
    }
    case '3': {
      // One-sided: side A is the perpetrator, side B is Civilians.
      if (a.has('government')) {
        return {
          kind: 'other', perpetrator: 'state', perpetratorSide: 'side_a', target: 'civilians', targetState: 'event',
          reason: "a government's violence against civilians (an armed_attack when the event lies in another state: see the mapper)",
        };
      }
      if (a.has('jihadist')) {
        return {
          kind: 'terrorist_attack', perpetrator: 'non_state_armed_group', perpetratorSide: 'side_a', target: 'civilians', targetState: 'event',
          reason: 'a jihadist group killing civilians: terrorism',
        };
      }
      if (a.has('rebel')) {
        return {
          kind: 'armed_rebellion', perpetrator: 'rebel_group', perpetratorSide: 'side_a', target: 'civilians', targetState: 'event',
          reason: 'a rebel movement killing civilians: part of the armed rebellion',
        };
      }
      return {
        kind: 'other', perpetrator: 'non_state_armed_group', perpetratorSide: 'side_a', target: 'civilians', targetState: 'event',
        reason: 'a militia or other armed group killing civilians',
      };
    }
    default:
      return null;
  }
}

/** where_prec (codebook): 1 exact place; 2 within ~25 km; 3 admin-2; 4 admin-1; 5 a part of the country / region larger than admin-1 (coarse: treated as admin-1 level); 6 country; 7 international waters or airspace. */
export const WHERE_PREC: Record<string, LocationPrecision> = {
  '1': 'exact', '2': 'near', '3': 'admin2', '4': 'admin1', '5': 'admin1', '6': 'country', '7': 'water_or_air',
};

/** date_prec (codebook): 1 exact day; 2 within 2–6 days; 3 the week; 4 within 8–30 days or the month; 5 within the year. */
export const DATE_PREC: Record<string, DatePrecision> = {
  '1': 'day', '2': 'days', '3': 'week', '4': 'month', '5': 'year',
};

/** UCDP country name ("Ivory Coast", "Mali") → ISO3, or undefined. */
export function ucdpCountryIso3(name: string): string | undefined {
  return countryIso3FromName(name);
}

/** "Government of Mali" → MLI; the first government named on a side. */
export function governmentIso3(side: string): string | undefined {
  if (!/government of/i.test(side)) return undefined;
  for (const actor of splitSide(side)) {
    const m = /^government of (.+)$/i.exec(actor);
    if (m) {
      const iso = ucdpCountryIso3(m[1]!);
      if (iso) return iso;
    }
  }
  return undefined;
}
