/**
 * @module synthetic/demography
 * Who lives where: the calibration tables compiled into samplers that give each synthetic resident an LSOA (in
 * proportion to its population), an age (from the age structure of LSOAs of the same place and deprivation decile)
 * and a sex (from the female share of the district at that age). Compiled once; each draw is constant time.
 */
import { err, ok, type Result } from '../core/result.js';
import { buildAlias, drawAlias, type AliasTable } from './alias.js';
import type { Calibration, LsoaEntry, SexRatio } from './calibration.js';
import type { Random } from './random.js';

export type Sex = 'female' | 'male';

export interface ResidentDemography {
  readonly lsoa11: string;
  readonly lad19: string;
  readonly place: string;
  readonly imdDecile: number;
  readonly imdQuintile: number;
  /** Age in completed years on the calibration date; 90 stands for 90 and over. */
  readonly age: number;
  readonly sex: Sex;
}

export interface Demography {
  draw(random: Random): ResidentDemography;
}

/** Compiles the samplers; fails (naming what is missing) if the tables do not cover one another. */
export function compileDemography(calibration: Calibration): Result<Demography, string> {
  const totals = new Map(calibration.population.map((row) => [row.lsoa11, row.total]));
  const lsoas: LsoaEntry[] = calibration.lsoas.filter((row) => (totals.get(row.lsoa11) ?? 0) > 0);
  const where = buildAlias(lsoas.map((row) => totals.get(row.lsoa11) ?? 0));
  if (!where.ok) return err(`LSOA populations: ${where.error}`);

  const ages = new Map<string, AliasTable>();
  for (const row of calibration.ageStructure) {
    const table = buildAlias(row.ages);
    if (!table.ok) return err(`age structure of ${row.place}, decile ${row.imdDecile}: ${table.error}`);
    ages.set(`${row.place} ${row.imdDecile}`, table.value);
  }
  for (const row of lsoas) {
    if (!ages.has(`${row.place} ${row.imdDecile}`)) {
      return err(`no age structure for ${row.place}, decile ${row.imdDecile} (needed by ${row.lsoa11})`);
    }
  }

  // Female share by district and single year of age, from the district's bands.
  const femaleShare = new Map<string, Float64Array>();
  const bandsOf = new Map<string, SexRatio[]>();
  for (const band of calibration.sexRatio) bandsOf.set(band.lad, [...(bandsOf.get(band.lad) ?? []), band]);
  for (const lad of new Set(lsoas.map((row) => row.lad19))) {
    const shares = new Float64Array(91);
    for (let age = 0; age <= 90; age++) {
      const band = bandsOf
        .get(lad)
        ?.find((b) => age >= b.ageFrom && (b.ageTo === undefined || age <= b.ageTo));
      if (band === undefined) return err(`no sex ratio for district ${lad} at age ${age}`);
      shares[age] = band.femaleShare;
    }
    femaleShare.set(lad, shares);
  }

  // Each LSOA's age table found once, not by a joined key for every resident drawn.
  const agesOf = lsoas.map((row) => ages.get(`${row.place} ${row.imdDecile}`) as AliasTable);
  return ok({
    draw(random) {
      const index = drawAlias(where.value, random);
      const lsoa = lsoas[index] as LsoaEntry;
      const age = drawAlias(agesOf[index] as AliasTable, random);
      const share = femaleShare.get(lsoa.lad19)?.[age] ?? 0.5;
      return {
        lsoa11: lsoa.lsoa11,
        lad19: lsoa.lad19,
        place: lsoa.place,
        imdDecile: lsoa.imdDecile,
        imdQuintile: lsoa.imdQuintile,
        age,
        sex: random.next() < share ? 'female' : 'male',
      };
    },
  });
}
