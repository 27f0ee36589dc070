/**
 * @module synthetic/life-course/compile
 * The national life-course reference (`reference/life-course/`) and a partnership's calibration tables, compiled
 * into flat lookup tables the simulator reads millions of times: for each condition, the chance of having had it by
 * each single year of age and sex, scaled so that each place's recorded prevalence on the reference date equals its
 * QOF figure, and tilted across IMD deciles as the modelled QOF gradient says; for mortality, England's life table
 * bent so that each IMD decile reaches its published life expectancy; and for each setting, contacts a year.
 *
 * Everything here is arithmetic on the tables, done once. The simulator (simulate.ts) never interprets the YAML.
 *
 * Three approximations, stated once here and in reference/README.md:
 * - Prevalence by age is read as "ever diagnosed by this age" (made non-decreasing), so a person's onset age can be
 *   drawn from it and the share with the condition on the reference date is the published prevalence.
 * - The modelled QOF gradient across IMD deciles is crude (not age-standardised). Deprived areas are younger, so part
 *   of the crude gradient is age; the partnership's own age structure by decile is used to take that part out
 *   before the gradient is applied, so age is not counted twice.
 * - A risk factor (obesity → diabetes) raises the chance in people who have it and lowers it in those who do not,
 *   so that the average stays at the calibrated prevalence: P(c | f) = p·RR / (1 + p_f·(RR − 1)).
 */
import { err, ok, type Result } from '../../core/result.js';
import { buildAlias, type AliasTable } from '../alias.js';
import type { Calibration } from '../calibration.js';
import type { AgeBand, CauseOfDeath, Coding, LifeCourseReference, Setting } from './model.js';
import { CAUSES_OF_DEATH, SETTINGS } from './model.js';

/** Single years of age the model covers: 0 … 105 (the oldest age anyone is given). */
export const MAX_AGE = 105;
const AGES = MAX_AGE + 1;
/** Index of (age, sex) in the flat per-age tables: male at 2·age, female at 2·age + 1. */
export const ageSex = (age: number, female: boolean): number =>
  Math.min(Math.max(0, Math.floor(age)), MAX_AGE) * 2 + (female ? 1 : 0);
/** Index of (decile, ageSex index) in the per-decile tables. */
export const decileAgeSex = (decile: number, index: number): number => decile * AGES * 2 + index;

export interface CompiledCondition {
  readonly index: number;
  readonly id: string;
  readonly name: string;
  readonly snomed: Coding;
  readonly qofGroup: string | undefined;
  readonly minimumAge: number;
  /** Ever-diagnosed-by-age curve, before the place scale and deprivation factor: [ageSex(age, female)]. */
  readonly cumulative: Float64Array;
  /** Scale for each place (by place index). */
  readonly placeScale: Float64Array;
  /** Deprivation factor by national IMD decile (index 1…10; index 0 unused). */
  readonly decileFactor: Float64Array;
  /** Risk factors: the other condition's index, its relative risk, and 1 + p_f·(RR − 1) by [decileAgeSex]. */
  readonly riskFactors: readonly {
    readonly condition: number;
    readonly relativeRisk: number;
    readonly normaliser: Float64Array;
  }[];
  readonly hazardRatio: number;
  readonly causeOfDeath: CauseOfDeath | undefined;
  readonly shareOfDeaths: number;
  readonly stages:
    | { readonly table: AliasTable; readonly codes: readonly Coding[]; readonly names: readonly string[] }
    | undefined;
  /** Extra contacts a year by setting index. */
  readonly care: Float64Array;
}

export interface LifeCourseModel {
  readonly places: readonly string[];
  readonly placeIndex: ReadonlyMap<string, number>;
  /** Conditions in an order where every risk factor comes before the conditions it affects. */
  readonly conditions: readonly CompiledCondition[];
  readonly conditionById: ReadonlyMap<string, CompiledCondition>;
  /** Yearly death probability for England by [ageSex]. */
  readonly qx: Float64Array;
  /** Hazard multiplier of each IMD decile by [decile·2 + (female ? 1 : 0)], decile 1…10. */
  readonly decileMortality: Float64Array;
  /** Expected largest hazard ratio of the conditions held, by [decileAgeSex], to keep each decile at its life table. */
  readonly conditionHazardNormaliser: Float64Array;
  /** Cause of death shares by [ageSex] as alias tables over CAUSES_OF_DEATH. */
  readonly causeTables: readonly AliasTable[];
  readonly causeCodes: ReadonlyMap<CauseOfDeath, Coding>;
  /** Relative suicide risk by decile (mean 1 over the population). */
  readonly suicideDecileFactor: Float64Array;
  /** Contacts a year by setting index and [ageSex]. */
  readonly encounterRates: readonly Float64Array[];
  /** Encounter deprivation factor by setting index and decile (mean 1 over the population). */
  readonly encounterDecileFactor: readonly Float64Array[];
  readonly encounterCodes: readonly Coding[];
  /** Whether each setting's contacts are counted by year rather than dated one by one (EncounterModule.recorded). */
  readonly encounterYearly: readonly boolean[];
  readonly smoking: {
    readonly current: Float64Array;
    readonly ex: Float64Array;
    readonly decileFactor: Float64Array;
    readonly codes: { readonly current: Coding; readonly ex: Coding; readonly never: Coding };
    readonly recordedPerYear: number;
  };
  readonly bmi: {
    readonly minimumAge: number;
    readonly mean: Float64Array;
    readonly sd: number;
    /** Shift of the mean by decile (mean 0 over the population). */
    readonly decileShift: Float64Array;
    readonly code: Coding;
    readonly recordedPerYear: number;
  };
  readonly immunisations: readonly {
    readonly id: string;
    readonly snomed: Coding;
    readonly schedule: LifeCourseReference['immunisations'][number]['schedule'];
    /** Uptake by decile. */
    readonly coverage: Float64Array;
  }[];
  readonly carers: {
    readonly prevalence: Float64Array;
    readonly recorded: number;
    readonly codes: LifeCourseReference['carers']['codes'];
  };
  readonly violence: {
    readonly rate: Float64Array;
    readonly decileFactor: Float64Array;
    readonly snomed: Coding;
  };
  readonly moves: { readonly perYear: Float64Array; readonly withinDistrict: number };
  /** People by place index, decile and [ageSex] on the reference date (from the calibration): weights for averages. */
  readonly population: Float64Array;
}

/** Expands age bands to a table by [ageSex] (ages beyond the last band's start take the last band). */
export function bandsToAges(bands: readonly AgeBand[]): Float64Array {
  const table = new Float64Array(AGES * 2);
  for (let age = 0; age < AGES; age++) {
    const band = bands.find((b) => age >= b.from && (b.to === undefined || age <= b.to)) ?? bands.at(-1);
    table[ageSex(age, false)] = band?.male ?? 0;
    table[ageSex(age, true)] = band?.female ?? 0;
  }
  return table;
}

/**
 * A prevalence table by band, as "ever diagnosed by this age": interpolated linearly between the middles of the
 * bands (so onset ages are spread across a band, not piled at its start) and made non-decreasing.
 */
export function cumulativeFromBands(bands: readonly AgeBand[]): Float64Array {
  const table = new Float64Array(AGES * 2);
  const middles = bands.map((b) => ({ at: (b.from + (b.to ?? Math.min(b.from + 9, MAX_AGE))) / 2, band: b }));
  for (const female of [false, true]) {
    let highest = 0;
    for (let age = 0; age < AGES; age++) {
      const value = (b: AgeBand) => (female ? b.female : b.male);
      const x = age + 0.5;
      let v: number;
      const first = middles[0];
      const last = middles.at(-1);
      if (first === undefined || last === undefined) v = 0;
      else if (x <= first.at) v = age < first.band.from ? 0 : value(first.band);
      else if (x >= last.at) v = value(last.band);
      else {
        const right = middles.findIndex((m) => m.at >= x);
        const a = middles[right - 1] ?? first;
        const b = middles[right] ?? last;
        v = value(a.band) + ((value(b.band) - value(a.band)) * (x - a.at)) / (b.at - a.at);
      }
      highest = Math.max(highest, v);
      table[ageSex(age, female)] = highest;
    }
  }
  return table;
}

/** Period life expectancy at birth from yearly death probabilities (deaths mid-year; the last age closes). */
export function lifeExpectancy(qx: (age: number) => number): number {
  let alive = 1;
  let years = 0;
  for (let age = 0; age < AGES; age++) {
    const q = age === MAX_AGE ? 1 : Math.min(1, qx(age));
    years += alive * (1 - q / 2);
    alive *= 1 - q;
  }
  return years;
}

/** Raises a yearly death probability by a hazard multiplier: 1 − (1 − q)^m. */
export const scaleQ = (q: number, multiplier: number): number => 1 - Math.pow(1 - Math.min(q, 1), multiplier);

/** Solves for the hazard multiplier that gives the target life expectancy (bisection on a monotone function). */
function multiplierFor(target: number, qx: (age: number) => number): number {
  let low = 0.05;
  let high = 20;
  for (let i = 0; i < 80; i++) {
    const mid = Math.sqrt(low * high);
    if (lifeExpectancy((age) => scaleQ(qx(age), mid)) > target) low = mid;
    else high = mid;
  }
  return Math.sqrt(low * high);
}

/** Log-linear factors across deciles 1…10 with decile 1 / decile 10 ≈ ratio, normalised to mean 1 under weights. */
function gradientFactors(ratioMostToLeast: number, decileWeights: Float64Array): Float64Array {
  const factors = new Float64Array(11);
  const slope = Math.log(ratioMostToLeast) / 9;
  let total = 0;
  let weight = 0;
  for (let d = 1; d <= 10; d++) {
    factors[d] = Math.exp(slope * (10 - d));
    total += (factors[d] ?? 0) * (decileWeights[d] ?? 0);
    weight += decileWeights[d] ?? 0;
  }
  const mean = weight > 0 ? total / weight : 1;
  for (let d = 1; d <= 10; d++) factors[d] = (factors[d] ?? 0) / mean;
  return factors;
}

/** Orders conditions so that each comes after its risk factors; fails on a cycle. */
function topologicalOrder(reference: LifeCourseReference): Result<string[], string> {
  const order: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const byId = new Map(reference.conditions.map((c) => [c.id, c]));
  const visit = (id: string, path: string[]): string | undefined => {
    if (state.get(id) === 'done') return undefined;
    if (state.get(id) === 'visiting') return `risk factors form a cycle: ${[...path, id].join(' → ')}`;
    const condition = byId.get(id);
    if (condition === undefined) return `unknown risk factor ${id} (in ${path.at(-1) ?? '?'})`;
    state.set(id, 'visiting');
    for (const factor of condition.riskFactors ?? []) {
      const problem = visit(factor.condition, [...path, id]);
      if (problem !== undefined) return problem;
    }
    state.set(id, 'done');
    order.push(id);
    return undefined;
  };
  for (const condition of reference.conditions) {
    const problem = visit(condition.id, []);
    if (problem !== undefined) return err(problem);
  }
  return ok(order);
}

export function compileLifeCourse(
  reference: LifeCourseReference,
  calibration: Calibration,
): Result<LifeCourseModel, string> {
  // The population on the reference date by place, decile, age and sex: the weights for every average below.
  const places = [...new Set(calibration.ageStructure.map((row) => row.place))].sort();
  const placeIndex = new Map(places.map((place, i) => [place, i]));
  const cell = (place: number, decile: number, index: number) => (place * 11 + decile) * AGES * 2 + index;
  const population = new Float64Array(places.length * 11 * AGES * 2);
  const femaleShareByPlaceAge = new Map<string, number>();
  {
    // The sex split of each place at each age, from its districts' bands weighted by their people.
    const femalesOf = new Map<string, number>();
    const peopleOf = new Map<string, number>();
    for (const band of calibration.sexRatio) {
      for (let age = band.ageFrom; age <= (band.ageTo ?? 90); age++) {
        const key = `${band.place} ${age}`;
        femalesOf.set(key, (femalesOf.get(key) ?? 0) + band.females);
        peopleOf.set(key, (peopleOf.get(key) ?? 0) + band.females + band.males);
      }
    }
    for (const [key, people] of peopleOf) femaleShareByPlaceAge.set(key, (femalesOf.get(key) ?? 0) / people);
  }
  const addPeople = (index: number, people: number) => {
    population[index] = (population[index] ?? 0) + people;
  };
  for (const row of calibration.ageStructure) {
    const p = placeIndex.get(row.place) ?? 0;
    row.ages.forEach((people, age) => {
      const share = femaleShareByPlaceAge.get(`${row.place} ${Math.min(age, 90)}`) ?? 0.5;
      if (age < 90) {
        addPeople(cell(p, row.imdDecile, ageSex(age, true)), people * share);
        addPeople(cell(p, row.imdDecile, ageSex(age, false)), people * (1 - share));
      } else {
        // 90 and over, spread over 90…99 as a rough tail (only the weights of averages use this).
        for (let a = 90; a < 100; a++) {
          const w = (people * Math.pow(0.75, a - 90) * 0.25) / (1 - Math.pow(0.75, 10));
          addPeople(cell(p, row.imdDecile, ageSex(a, true)), w * share);
          addPeople(cell(p, row.imdDecile, ageSex(a, false)), w * (1 - share));
        }
      }
    });
  }
  const decileWeights = new Float64Array(11);
  for (let p = 0; p < places.length; p++)
    for (let d = 1; d <= 10; d++)
      for (let i = 0; i < AGES * 2; i++)
        decileWeights[d] = (decileWeights[d] ?? 0) + (population[cell(p, d, i)] ?? 0);
  /** Population-weighted mean of f(place, decile, ageSexIndex) over cells that pass `where`. */
  const weightedMean = (
    f: (p: number, d: number, i: number) => number,
    where: (p: number, d: number, i: number) => boolean = () => true,
  ) => {
    let total = 0;
    let weight = 0;
    for (let p = 0; p < places.length; p++)
      for (let d = 1; d <= 10; d++)
        for (let i = 0; i < AGES * 2; i++) {
          const w = population[cell(p, d, i)] ?? 0;
          if (w > 0 && where(p, d, i)) {
            total += w * f(p, d, i);
            weight += w;
          }
        }
    return weight > 0 ? total / weight : 0;
  };

  /** Average chance of having had a compiled condition, at [ageSex] index i, among the people of a decile. */
  const prevalenceIn = (c: CompiledCondition, d: number, i: number): number => {
    // Ages past 99 carry no weight in the table: they take the places' mix at 99.
    const j = Math.min(i, ageSex(99, (i & 1) === 1));
    let total = 0;
    let weight = 0;
    for (let p = 0; p < places.length; p++) {
      const w = population[cell(p, d, j)] ?? 0;
      total += w * (c.placeScale[p] ?? 0);
      weight += w;
    }
    const scale =
      weight > 0 ? total / weight : c.placeScale.reduce((a, b) => a + b, 0) / Math.max(1, places.length);
    return Math.min(1, (c.cumulative[i] ?? 0) * scale * (c.decileFactor[d] ?? 0));
  };

  // --- Conditions ----------------------------------------------------------------------------------------------
  const order = topologicalOrder(reference);
  if (!order.ok) return err(order.error);
  const definitions = new Map(reference.conditions.map((c) => [c.id, c]));
  const compiled: CompiledCondition[] = [];
  const byId = new Map<string, CompiledCondition>();
  const settingIndex = new Map(SETTINGS.map((s, i) => [s, i]));
  for (const id of order.value) {
    const definition = definitions.get(id);
    if (definition === undefined) return err(`condition ${id} is missing`);
    const minimumAge = definition.qofMinimumAge ?? 0;
    const cumulative = cumulativeFromBands(definition.prevalence.bands);
    for (let age = 0; age < minimumAge && age < AGES; age++) {
      cumulative[ageSex(age, false)] = 0;
      cumulative[ageSex(age, true)] = 0;
    }
    const ageOf = (i: number) => i >> 1;

    // Deprivation: the QOF gradient with the age part taken out, or the module's own ratio.
    let decileFactor: Float64Array;
    if (definition.qofGroup !== undefined) {
      const gradient = calibration.imdGradient.filter((row) => row.disease === definition.qofGroup);
      if (gradient.length !== 10)
        return err(`no IMD gradient for QOF group ${definition.qofGroup} (condition ${id})`);
      const overall = weightedMean((_p, _d, i) => cumulative[i] ?? 0);
      decileFactor = new Float64Array(11);
      for (const row of gradient) {
        const ofDecile = weightedMean(
          (_p, _d, i) => cumulative[i] ?? 0,
          (_p, d) => d === row.imdDecile,
        );
        const agePart = overall > 0 && ofDecile > 0 ? ofDecile / overall : 1;
        decileFactor[row.imdDecile] = row.ratioToEngland / agePart;
      }
    } else {
      decileFactor = gradientFactors(definition.deprivation?.ratioMostToLeast ?? 1, decileWeights);
    }

    // Normalised within each decile, so the decile's calibrated prevalence holds whatever its share of the factor.
    const riskFactors = (definition.riskFactors ?? []).map((factor) => {
      const other = byId.get(factor.condition) as CompiledCondition;
      const normaliser = new Float64Array(11 * AGES * 2).fill(1);
      for (let d = 1; d <= 10; d++)
        for (let i = 0; i < AGES * 2; i++) {
          normaliser[decileAgeSex(d, i)] = 1 + prevalenceIn(other, d, i) * (factor.relativeRisk - 1);
        }
      return { condition: other.index, relativeRisk: factor.relativeRisk, normaliser };
    });

    // Scale per place: recorded prevalence on the reference date = the place's QOF figure (all-age list size).
    const placeScale = new Float64Array(places.length);
    for (let p = 0; p < places.length; p++) {
      if (definition.qofGroup === undefined) {
        placeScale[p] = 1;
        continue;
      }
      const target = calibration.prevalence
        .filter((row) => row.place === places[p] && row.disease === definition.qofGroup)
        .sort((a, b) => b.year.localeCompare(a.year))[0]; // the latest year
      if (target === undefined)
        return err(`no QOF prevalence of ${definition.qofGroup} for ${places[p]} (condition ${id})`);
      let expected = 0;
      let people = 0;
      for (let d = 1; d <= 10; d++)
        for (let i = 0; i < AGES * 2; i++) {
          const w = population[cell(p, d, i)] ?? 0;
          people += w;
          if (ageOf(i) >= minimumAge) expected += w * (cumulative[i] ?? 0) * (decileFactor[d] ?? 0);
        }
      placeScale[p] = expected > 0 ? (target.prevalencePct / 100) * (people / expected) : 0;
    }

    const care = new Float64Array(SETTINGS.length);
    for (const entry of definition.care?.perYear ?? [])
      care[settingIndex.get(entry.setting) ?? 0] = entry.rate;

    let stages: CompiledCondition['stages'];
    if (definition.stages !== undefined) {
      const table = buildAlias(definition.stages.shares.map((s) => s.share));
      if (!table.ok) return err(`stages of ${id}: ${table.error}`);
      stages = {
        table: table.value,
        codes: definition.stages.shares.map((s) => s.snomed),
        names: definition.stages.shares.map((s) => s.stage),
      };
    }
    const condition: CompiledCondition = {
      index: compiled.length,
      id,
      name: definition.name,
      snomed: definition.snomed,
      qofGroup: definition.qofGroup,
      minimumAge,
      cumulative,
      placeScale,
      decileFactor,
      riskFactors,
      hazardRatio: definition.mortality?.hazardRatio ?? 1,
      causeOfDeath: definition.mortality?.cause,
      shareOfDeaths: definition.mortality?.shareOfDeaths ?? 0,
      stages,
      care,
    };
    compiled.push(condition);
    byId.set(id, condition);
  }

  // --- Mortality -----------------------------------------------------------------------------------------------
  const qx = new Float64Array(AGES * 2);
  for (const row of reference.mortality.lifeTable.qx) {
    for (let age = row.age; age <= (row.age === 100 ? MAX_AGE : row.age); age++) {
      qx[ageSex(age, false)] = row.age === 100 && age < MAX_AGE ? Math.min(row.male, 0.6) : row.male;
      qx[ageSex(age, true)] = row.age === 100 && age < MAX_AGE ? Math.min(row.female, 0.6) : row.female;
    }
  }
  const decileMortality = new Float64Array(22);
  for (const row of reference.mortality.lifeExpectancyByDecile.deciles) {
    decileMortality[row.decile * 2] = multiplierFor(row.male, (age) => qx[ageSex(age, false)] ?? 1);
    decileMortality[row.decile * 2 + 1] = multiplierFor(row.female, (age) => qx[ageSex(age, true)] ?? 1);
  }
  // A person's hazard ratio is that of the most lethal condition they have (products of published, mutually
  // adjusted ratios overstate the risk of the multimorbid, and make survivors so much healthier than those who died
  // that the population's death rates drift below the life table within a few years). Its expectation within each
  // decile, P(max = HR_k) = p_k · Π(1 − p_j) over the more lethal conditions j, is divided out so that each decile
  // keeps its published life expectancy.
  const conditionHazardNormaliser = new Float64Array(11 * AGES * 2).fill(1);
  const byLethality = compiled
    .filter((c) => c.hazardRatio !== 1)
    .sort((a, b) => b.hazardRatio - a.hazardRatio);
  for (let d = 1; d <= 10; d++)
    for (let i = 0; i < AGES * 2; i++) {
      let none = 1;
      let expected = 0;
      for (const condition of byLethality) {
        const p = prevalenceIn(condition, d, i);
        expected += none * p * condition.hazardRatio;
        none *= 1 - p;
      }
      conditionHazardNormaliser[decileAgeSex(d, i)] = expected + none;
    }
  const causeTables: AliasTable[] = [];
  for (let i = 0; i < AGES * 2; i++) {
    const weights = CAUSES_OF_DEATH.map((cause) => {
      const row = reference.mortality.causes.shares.find((s) => s.cause === cause);
      return row === undefined ? 0 : (bandsToAges(row.bands)[i] ?? 0);
    });
    const table = buildAlias(weights);
    if (!table.ok) return err(`causes of death at age ${i >> 1}: ${table.error}`);
    causeTables.push(table.value);
  }
  const causeCodes = new Map(reference.mortality.causeCodes.map((c) => [c.cause, c.icd10]));

  // --- Services, risk factors, programmes ------------------------------------------------------------------------
  const encounterRates: Float64Array[] = [];
  const encounterDecileFactor: Float64Array[] = [];
  const encounterCodes: Coding[] = [];
  const encounterYearly: boolean[] = [];
  for (const setting of SETTINGS) {
    const module = reference.encounters.find((e) => e.setting === setting);
    if (module === undefined) return err(`no encounter rates for the setting ${setting}`);
    encounterRates.push(bandsToAges(module.rates.bands));
    encounterDecileFactor.push(gradientFactors(module.deprivation.ratioMostToLeast, decileWeights));
    encounterCodes.push(module.snomed);
    encounterYearly.push(module.recorded === 'yearly');
  }
  const coverageByDecile = (value: number, ratio: number) => {
    const factors = gradientFactors(ratio, decileWeights);
    return factors.map((f) => Math.min(0.995, value * f));
  };

  return ok({
    places,
    placeIndex,
    conditions: compiled,
    conditionById: byId,
    qx,
    decileMortality,
    conditionHazardNormaliser,
    causeTables,
    causeCodes,
    suicideDecileFactor: gradientFactors(
      reference.mortality.suicideDeprivation.ratioMostToLeast,
      decileWeights,
    ),
    encounterRates,
    encounterDecileFactor,
    encounterCodes,
    encounterYearly,
    smoking: {
      current: bandsToAges(reference.smoking.current.bands),
      ex: bandsToAges(reference.smoking.ex.bands),
      decileFactor: gradientFactors(reference.smoking.deprivation.ratioMostToLeast, decileWeights),
      codes: reference.smoking.codes,
      recordedPerYear: reference.smoking.recordedPerYear.rate,
    },
    bmi: {
      minimumAge: reference.bmi.minimumAge,
      mean: bandsToAges(reference.bmi.mean.bands),
      sd: reference.bmi.standardDeviation.value,
      decileShift: gradientFactors(1, decileWeights).map((_, d) =>
        d === 0
          ? 0
          : (reference.bmi.deprivationShift.value * (10 - d)) / 9 - reference.bmi.deprivationShift.value / 2,
      ),
      code: reference.bmi.code,
      recordedPerYear: reference.bmi.recordedPerYear.rate,
    },
    immunisations: reference.immunisations.map((module) => ({
      id: module.id,
      snomed: module.snomed,
      schedule: module.schedule,
      coverage: coverageByDecile(module.coverage.value, module.coverage.ratioMostToLeast),
    })),
    carers: {
      prevalence: bandsToAges(reference.carers.prevalence.bands),
      recorded: reference.carers.recorded.value,
      codes: reference.carers.codes,
    },
    violence: {
      rate: bandsToAges(reference.violence.admissionsPerYear.bands),
      decileFactor: gradientFactors(reference.violence.deprivation.ratioMostToLeast, decileWeights),
      snomed: reference.violence.snomed,
    },
    moves: {
      perYear: bandsToAges(reference.moves.perYear.bands),
      withinDistrict: reference.moves.withinDistrict.value,
    },
    population,
  });
}

export type { Setting };
