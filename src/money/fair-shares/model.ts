/**
 * @module money/fair-shares/model
 * Need-weighted capitation, pure. Each person counts as their age and sex cost weight × their need index, where
 * the need index multiplies the deprivation index of their IMD quintile by the multimorbidity ratio when they have
 * two or more long-term conditions. Summed by place, scaled so the partnership's weighted total equals its
 * registered total, each place's weighted population over that total is its target share. Given what each place is
 * allocated now (whole pence), the same total split by target shares is its target allocation, and
 * (current − target) / target its distance from target.
 *
 * Money stays in whole pence: a total is split by the largest-remainder method, so the parts always add up to the
 * penny. Errors are values.
 */
import type { Issue } from '../../core/problem.js';
import { err, ok, type Result } from '../../core/result.js';
import { LIFE_TABLE_START_AGES } from '../../population/statistics/standard-population.js';
import { ageSexWeight, type CostWeights } from './cost-weights.js';
import type { NeedCell } from './need-cells.js';

export interface PlaceId {
  readonly id: string;
  readonly name: string;
}

/** The first age of the analytic store's age band `index` (<1, 1–4, 5–9, …, 90+: the life table's bands). */
export const bandStart = (index: number): number => LIFE_TABLE_START_AGES[index] ?? 0;

export interface PlaceNeed {
  readonly id: string;
  readonly name: string;
  /** Registered living persons. */
  readonly population: number;
  /** Of them, with two or more long-term conditions. */
  readonly multimorbid: number;
  /** Weighted by age and sex only, scaled as the weighted population is. */
  readonly ageSexPopulation: number;
  /** Weighted by age, sex and need, scaled so the places' total equals their registered total. */
  readonly weightedPopulation: number;
  /** weightedPopulation / the partnership's total: the place's target share (the shares add up to 1). */
  readonly targetShare: number;
  /** ageSexPopulation / population: above 1 for an older population. */
  readonly ageSexIndex: number;
  /** weightedPopulation / ageSexPopulation: above 1 for more deprivation and multimorbidity than the partnership. */
  readonly needIndex: number;
}

export interface NeedModel {
  readonly places: readonly PlaceNeed[];
  readonly population: number;
  /** Registered persons whose home is in none of the places (or unknown): not in any target. */
  readonly outsidePlaces: number;
}

/** Weighted populations and target shares of `places` from the need cells. */
export function needModel(
  cells: readonly NeedCell[],
  weights: CostWeights,
  places: readonly PlaceId[],
): Result<NeedModel, Issue[]> {
  const issues: Issue[] = [];
  if (places.length === 0) issues.push({ path: 'places', message: 'there are no places to share between' });
  const ids = new Set<string>();
  for (const place of places) {
    if (ids.has(place.id)) issues.push({ path: 'places', message: `place ${place.id} is listed twice` });
    ids.add(place.id);
  }
  const raw = new Map<string, { persons: number; multimorbid: number; ageSex: number; weighted: number }>();
  for (const place of places) raw.set(place.id, { persons: 0, multimorbid: 0, ageSex: 0, weighted: 0 });
  let outside = 0;
  const unknownQuintile = weights.deprivation.byQuintile[2] ?? 1;
  cells.forEach((cell, i) => {
    const bad =
      !Number.isInteger(cell.persons) ||
      cell.persons < 0 ||
      !Number.isInteger(cell.multimorbid) ||
      cell.multimorbid < 0 ||
      cell.multimorbid > cell.persons;
    if (bad) {
      issues.push({
        path: `cells[${i}]`,
        message: `persons (${cell.persons}) and multimorbid (${cell.multimorbid}) must be whole numbers, 0 ≤ multimorbid ≤ persons`,
      });
      return;
    }
    if (cell.imdQuintile !== null && ![1, 2, 3, 4, 5].includes(cell.imdQuintile)) {
      issues.push({
        path: `cells[${i}].imdQuintile`,
        message: `${cell.imdQuintile} is not a quintile (1 to 5)`,
      });
      return;
    }
    const totals = cell.place === null ? undefined : raw.get(cell.place);
    if (totals === undefined) {
      outside += cell.persons;
      return;
    }
    const ageSex = ageSexWeight(weights.ageSex.bands, bandStart(cell.ageBand), cell.sex);
    const deprivation =
      cell.imdQuintile === null
        ? unknownQuintile
        : (weights.deprivation.byQuintile[cell.imdQuintile - 1] ?? unknownQuintile);
    const morbidity = cell.persons - cell.multimorbid + cell.multimorbid * weights.multimorbidity.ratio;
    totals.persons += cell.persons;
    totals.multimorbid += cell.multimorbid;
    totals.ageSex += ageSex * cell.persons;
    totals.weighted += ageSex * deprivation * morbidity;
  });
  const population = [...raw.values()].reduce((sum, t) => sum + t.persons, 0);
  if (issues.length === 0 && population === 0) {
    issues.push({ path: 'cells', message: 'no registered person lives in any of the places' });
  }
  if (issues.length > 0) return err(issues);
  const ageSexTotal = [...raw.values()].reduce((sum, t) => sum + t.ageSex, 0);
  const weightedTotal = [...raw.values()].reduce((sum, t) => sum + t.weighted, 0);
  const ageSexScale = population / ageSexTotal;
  const scale = population / weightedTotal;
  return ok({
    population,
    outsidePlaces: outside,
    places: places.map((place): PlaceNeed => {
      const t = raw.get(place.id) ?? { persons: 0, multimorbid: 0, ageSex: 0, weighted: 0 };
      const ageSexPopulation = t.ageSex * ageSexScale;
      const weightedPopulation = t.weighted * scale;
      return {
        id: place.id,
        name: place.name,
        population: t.persons,
        multimorbid: t.multimorbid,
        ageSexPopulation,
        weightedPopulation,
        targetShare: weightedPopulation / population,
        ageSexIndex: t.persons === 0 ? 0 : ageSexPopulation / t.persons,
        needIndex: ageSexPopulation === 0 ? 0 : weightedPopulation / ageSexPopulation,
      };
    }),
  });
}

/**
 * Splits `total` pence in proportion to `weights` (≥ 0, not all 0) into whole pence that add up to `total`
 * exactly: each part's whole pence first, then the pence left over one each to the largest remainders (ties to the
 * earlier part), so the same inputs always give the same split.
 */
export function apportion(total: number, weights: readonly number[]): number[] {
  if (!Number.isSafeInteger(total) || total < 0) throw new Error(`not a whole amount of pence: ${total}`);
  const sum = weights.reduce((s, w) => s + w, 0);
  if (!(sum > 0) || weights.some((w) => !(w >= 0) || !Number.isFinite(w))) {
    throw new Error('weights must be finite, ≥ 0 and not all 0');
  }
  const exact = weights.map((w) => (total * w) / sum);
  const parts = exact.map((x) => Math.floor(x));
  let left = total - parts.reduce((s, p) => s + p, 0);
  const order = exact
    .map((x, i) => ({ i, rest: x - Math.floor(x) }))
    .sort((a, b) => b.rest - a.rest || a.i - b.i);
  // Floating error can leave the floors a penny or two off either way; the loop settles it exactly.
  for (let k = 0; left !== 0; k = (k + 1) % order.length) {
    const i = order[k]?.i ?? 0;
    if (left > 0) {
      parts[i] = (parts[i] ?? 0) + 1;
      left--;
    } else if ((parts[i] ?? 0) > 0) {
      parts[i] = (parts[i] ?? 0) - 1;
      left++;
    }
  }
  return parts;
}

export interface PlaceAllocation {
  readonly id: string;
  readonly name: string;
  readonly population: number;
  readonly weightedPopulation: number;
  readonly targetShare: number;
  readonly ageSexIndex: number;
  readonly needIndex: number;
  /** What the place is allocated now, in pence. */
  readonly currentPence: number;
  /** The same total split by target shares, in pence. */
  readonly targetPence: number;
  /** (current − target) / target: above 0 over target, below 0 under; null when the target is 0. */
  readonly distance: number | null;
  /** Per registered person, in pence (rounded); null for a place with no one registered. */
  readonly currentPerHeadPence: number | null;
  readonly targetPerHeadPence: number | null;
}

/** Target allocations and distances, given each place's current allocation in pence. */
export function allocate(
  model: NeedModel,
  current: ReadonlyMap<string, number>,
): Result<{ readonly places: readonly PlaceAllocation[]; readonly totalPence: number }, Issue[]> {
  const issues: Issue[] = [];
  for (const place of model.places) {
    const pence = current.get(place.id);
    if (pence === undefined)
      issues.push({ path: place.id, message: `no current allocation for ${place.name}` });
    else if (!Number.isSafeInteger(pence) || pence < 0) {
      issues.push({ path: place.id, message: `the allocation of ${place.name} must be whole pence ≥ 0` });
    }
  }
  for (const id of current.keys()) {
    if (!model.places.some((p) => p.id === id))
      issues.push({ path: id, message: `${id} is not one of the places` });
  }
  if (issues.length > 0) return err(issues);
  const currents = model.places.map((p) => current.get(p.id) ?? 0);
  const totalPence = currents.reduce((s, p) => s + p, 0);
  if (!Number.isSafeInteger(totalPence) || totalPence === 0) {
    return err([
      { message: 'the allocations add up to nothing (or too much to hold exactly): check the amounts' },
    ]);
  }
  const targets = apportion(
    totalPence,
    model.places.map((p) => p.targetShare),
  );
  return ok({
    totalPence,
    places: model.places.map((p, i): PlaceAllocation => {
      const currentPence = currents[i] ?? 0;
      const targetPence = targets[i] ?? 0;
      return {
        id: p.id,
        name: p.name,
        population: p.population,
        weightedPopulation: p.weightedPopulation,
        targetShare: p.targetShare,
        ageSexIndex: p.ageSexIndex,
        needIndex: p.needIndex,
        currentPence,
        targetPence,
        distance: targetPence === 0 ? null : (currentPence - targetPence) / targetPence,
        currentPerHeadPence: p.population === 0 ? null : Math.round(currentPence / p.population),
        targetPerHeadPence: p.population === 0 ? null : Math.round(targetPence / p.population),
      };
    }),
  });
}
