import { regionHit, type CompiledRegion, type RegionHit } from '../geo.ts';
import { partyName } from '../i18n.ts';
import type { Lang } from '../schema.ts';
import type { ClauseC, ProvisionC } from './compile.ts';
import { placeText, type Facts } from './facts.ts';

/**
 * The place condition of a provision: its clauses ("on the territory of a party",
 * "in these regions", "anywhere", each maybe only for some targets) and whether the
 * incident's place meets one of them. A clause that does not apply to the target is
 * skipped; the place holds when any applicable clause holds.
 */

export type ClauseResult = { applies: false } | { applies: true; held: boolean; detail: string };

const NOT_APPLICABLE: ClauseResult = { applies: false };

function regionList(c: ClauseC, lang: Lang): string {
  return c.regions.map((r) => (lang === 'fr' ? `« ${r.name.fr} »` : r.name.en)).join(', ');
}

function hitText(f: Facts, hit: RegionHit): string {
  if (hit === 'presumed') return f.S.presumed(partyName(f.locCountry!, f.lang));
  if (hit === 'country') return f.S.countryWhole(partyName(f.locCountry!, f.lang));
  return '';
}

function regionAt(f: Facts, r: CompiledRegion): RegionHit {
  return regionHit(r, f.day, f.locCountry, f.lon, f.lat);
}

/** One clause, for the beneficiary found (or null when the provision has none). */
export function evalClause(f: Facts, p: ProvisionC, c: ClauseC, beneficiary: string | null): ClauseResult {
  if (c.targetMask !== 0 && (c.targetMask & f.targetBit) === 0) return NOT_APPLICABLE;
  if (c.deployedAbroad && !f.abroad) return NOT_APPLICABLE;
  const { lang, S } = f;
  const a = c.articleRef[lang];
  const label = c.label[lang];
  switch (c.scope) {
    case 'anywhere':
      return { applies: true, held: true, detail: S.whereAnywhere(label, a) };
    case 'alliance_territory': {
      const ok = f.locCountry !== undefined && p.charter.membership.isParty(f.locCountry, f.day);
      return { applies: true, held: ok, detail: ok ? S.whereAlliance(partyName(f.locCountry!, lang), label, a) : S.whereNotAlliance(placeText(f), a) };
    }
    case 'party_territory': {
      const bene = beneficiary ?? f.locCountry;
      if (bene === undefined) return { applies: true, held: false, detail: S.noLocationCountry() };
      // Territory: the location's country, or a region that counted as the party's territory that day.
      const territoryOf = f.locCountry === bene ? null : p.charter.regions.find((r) => r.territoryOf === bene && regionAt(f, r) !== null) ?? null;
      if (f.locCountry !== bene && territoryOf === null) {
        return { applies: true, held: false, detail: S.whereNotOwnTerritory(partyName(bene, lang), placeText(f), a) };
      }
      const how = territoryOf ? S.territoryOf(territoryOf.name[lang], partyName(bene, lang)) : label;
      const own = S.whereOwnTerritory(partyName(bene, lang), how, a);
      if (c.regions.length === 0) return { applies: true, held: true, detail: own };
      for (const r of c.regions) {
        const hit = regionAt(f, r);
        if (hit !== null) return { applies: true, held: true, detail: `${own} ${S.whereRegion(r.name[lang], hitText(f, hit), a)}` };
      }
      return { applies: true, held: false, detail: `${S.whereOwnTerritory(partyName(bene, lang), label, a)} ${S.whereNotRegion(regionList(c, lang), a)} — ${placeText(f)}` };
    }
    case 'regions': {
      for (const r of c.regions) {
        const hit = regionAt(f, r);
        if (hit !== null) return { applies: true, held: true, detail: S.whereRegion(r.name[lang], hitText(f, hit), a) };
      }
      return { applies: true, held: false, detail: `${S.whereNotRegion(regionList(c, lang), a)} — ${placeText(f)}` };
    }
  }
}

/** The place condition as one trace item: the clause that held, or why none did. */
export function placeCondition(f: Facts, p: ProvisionC, beneficiary: string | null): { held: boolean; detail: string } {
  const failures: string[] = [];
  for (const c of p.clauses) {
    const r = evalClause(f, p, c, beneficiary);
    if (!r.applies) continue;
    if (r.held) return { held: true, detail: r.detail };
    failures.push(r.detail);
  }
  if (failures.length > 0) return { held: false, detail: failures.join(' ') };
  return { held: false, detail: p.clauses.map((c) => f.S.whereClauseNotApplicable(c.label[f.lang], c.articleRef[f.lang])).join(' ') };
}
