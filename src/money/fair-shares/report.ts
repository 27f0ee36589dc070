/**
 * @module money/fair-shares/report
 * The fair-shares result as one plain (JSON-safe) object — per place: registered and weighted population, target
 * share, current and target allocation, distance from target, per head; the pace-of-change simulation year by
 * year; and the method, with every weight and its source — and its CSV, every table of it one after another.
 * Pure. Populations in the CSV pass disclosure control (population/disclosure): each is a count of people, rounded
 * to the nearest 5 (place totals are thousands, so nothing is withheld in practice).
 */
import type { Issue } from '../../core/problem.js';
import { err, ok, type Result } from '../../core/result.js';
import { formatForCsv, protectCount } from '../../population/disclosure/index.js';
import type { CurrentAllocations, AllocationSource } from './allocations.js';
import type { CostWeights } from './cost-weights.js';
import { allocate, needModel, type PlaceAllocation, type PlaceId } from './model.js';
import type { NeedCell } from './need-cells.js';
import { simulate, type PaceOfChangePolicy, type SimulatedYear } from './pace-of-change.js';

/** The weights as used, with the conditions that made multimorbidity, and the method in words. */
export interface FairSharesMethod extends Omit<CostWeights, 'multimorbidity'> {
  readonly multimorbidity: CostWeights['multimorbidity'] & {
    readonly conditions: readonly { readonly id: string; readonly title: string }[];
  };
  /** The method in words, paragraph by paragraph. */
  readonly text: readonly string[];
}

export interface FairSharesReport {
  /** The year whose registered population was weighted (people registered and alive on 31 December). */
  readonly year: number;
  readonly population: number;
  readonly outsidePlaces: number;
  readonly totalPence: number;
  readonly places: readonly PlaceAllocation[];
  readonly allocations: AllocationSource;
  readonly policy: PaceOfChangePolicy;
  readonly simulation: readonly SimulatedYear[];
  readonly method: FairSharesMethod;
}

export interface FairSharesInput {
  readonly year: number;
  readonly cells: readonly NeedCell[];
  readonly weights: CostWeights;
  readonly places: readonly PlaceId[];
  readonly allocations: CurrentAllocations;
  readonly policy: PaceOfChangePolicy;
  /** The conditions counted for multimorbidity, with their titles (from the catalogue's code lists). */
  readonly conditions: readonly { readonly id: string; readonly title: string }[];
}

const fixed = (n: number, d: number) => n.toFixed(d);

function methodText(weights: CostWeights, policy: PaceOfChangePolicy, conditions: number): string[] {
  const q = weights.deprivation.byQuintile.map((v) => fixed(v, 3));
  return [
    'Each place’s target share is its need-weighted population over the partnership’s. The population is the ' +
      'people registered with a partnership practice and alive on 31 December of the year, counted where they live, ' +
      'from the pseudonymised analytic store.',
    'Each person counts as their age and sex cost weight (relative NHS spend per head at their age, by sex; the mean ' +
      'of the two where sex is not recorded as male or female) times their need index. The need index is the ' +
      `deprivation index of their national IMD quintile (1 most deprived to 5: ${q.join(', ')}; quintile 3’s where ` +
      `unknown), times ${fixed(weights.multimorbidity.ratio, 2)} when they have ${weights.multimorbidity.minimumConditions} ` +
      `or more of ${conditions} long-term conditions recorded by then.`,
    'The weighted populations are scaled so that the partnership’s weighted total equals its registered total; a ' +
      'place’s target share is its weighted population divided by that total. The target allocation is the total ' +
      'of the current allocations split by target shares, in whole pence (largest remainders). Distance from ' +
      'target is (current − target) / target.',
    `Pace of change, each year for ${policy.years} years: the total grows by ${policy.upliftPercent}%; every place ` +
      `grows by at least ${policy.floorUpliftPercent}%, and a place under target at least enough to keep its ` +
      `distance from target; a place more than ${policy.maxBelowTargetPercent}% below target is brought to that line ` +
      'as far as the money allows; the rest goes to the places under target, the furthest first, then to all ' +
      `places; no place grows by more than ${policy.ceilingUpliftPercent}% in a year.`,
    'This is a simpler index than NHS England’s allocation formulae, which estimate age, need and cost jointly by ' +
      'regression: deprivation and multimorbidity overlap, and multiplying them counts some need twice. The age and ' +
      'sex weights are approximate (see their source); replace them in reference/money/cost-weights.yaml.',
  ];
}

/** Computes the whole report: need model, target allocations, and the pace-of-change simulation. */
export function fairSharesReport(input: FairSharesInput): Result<FairSharesReport, Issue[]> {
  const model = needModel(input.cells, input.weights, input.places);
  if (!model.ok) return model;
  const allocated = allocate(model.value, input.allocations.pence);
  if (!allocated.ok) return allocated;
  const simulation = simulate({ places: allocated.value.places, policy: input.policy });
  if (!simulation.ok)
    return err(simulation.error.map((issue) => ({ ...issue, path: `policy.${issue.path ?? ''}` })));
  const w = input.weights;
  return ok({
    year: input.year,
    population: model.value.population,
    outsidePlaces: model.value.outsidePlaces,
    totalPence: allocated.value.totalPence,
    places: allocated.value.places,
    allocations: input.allocations.source,
    policy: input.policy,
    simulation: simulation.value,
    method: {
      ageSex: w.ageSex,
      deprivation: w.deprivation,
      multimorbidity: { ...w.multimorbidity, conditions: input.conditions },
      sources: w.sources,
      text: methodText(w, input.policy, input.conditions.length),
    },
  });
}

/** A count of people as published: through disclosure control (rounded to 5, small counts withheld). */
export function publishedPeople(count: number): string {
  const cell = protectCount(Math.round(count));
  if (!cell.ok) throw new Error('a population must be a count ≥ 0');
  return formatForCsv(cell.value);
}

const field = (value: string) => (/[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);
const line = (values: readonly (string | number | null)[]) =>
  values.map((v) => field(v === null ? '' : String(v))).join(',');
const pounds = (pence: number) => (pence / 100).toFixed(2);
const percent = (fraction: number | null) => (fraction === null ? '' : (fraction * 100).toFixed(2));

/** Every table of the report as CSV (CRLF, RFC 4180), each table under a title line and separated by a blank line. */
export function fairSharesCsv(report: FairSharesReport): string {
  const out: string[] = [];
  out.push(
    line([`Fair shares, registered population on 31 December ${report.year}`]),
    line([report.allocations.description]),
    line([
      'Populations are counts of people rounded to the nearest 5 (disclosure control); money in pounds; distance from target in per cent.',
    ]),
    '',
    line(['Places']),
    line([
      'place_id',
      'place',
      'population',
      'weighted_population',
      'age_sex_index',
      'need_index',
      'target_share_percent',
      'current_allocation_pounds',
      'target_allocation_pounds',
      'distance_from_target_percent',
      'current_per_head_pounds',
      'target_per_head_pounds',
    ]),
  );
  for (const p of report.places) {
    out.push(
      line([
        p.id,
        p.name,
        publishedPeople(p.population),
        publishedPeople(p.weightedPopulation),
        p.ageSexIndex.toFixed(3),
        p.needIndex.toFixed(3),
        (p.targetShare * 100).toFixed(3),
        pounds(p.currentPence),
        pounds(p.targetPence),
        percent(p.distance),
        p.currentPerHeadPence === null ? '' : pounds(p.currentPerHeadPence),
        p.targetPerHeadPence === null ? '' : pounds(p.targetPerHeadPence),
      ]),
    );
  }
  out.push(
    line([
      'total',
      'Partnership',
      publishedPeople(report.population),
      publishedPeople(report.population),
      '1.000',
      '1.000',
      '100.000',
      pounds(report.totalPence),
      pounds(report.totalPence),
      '0.00',
      '',
      '',
    ]),
    '',
    line(['Pace of change']),
    line([
      'year',
      'place_id',
      'allocation_pounds',
      'target_pounds',
      'distance_from_target_percent',
      'uplift_percent',
    ]),
  );
  for (const year of report.simulation) {
    for (const p of year.places) {
      out.push(
        line([
          year.year,
          p.id,
          pounds(p.allocationPence),
          pounds(p.targetPence),
          percent(p.distance),
          p.upliftPercent === null ? '' : p.upliftPercent.toFixed(2),
        ]),
      );
    }
    out.push(line([year.year, 'total', pounds(year.totalPence), pounds(year.totalPence), '0.00', '']));
  }
  const m = report.method;
  out.push('', line(['Age and sex cost weights']), line(['from_age', 'to_age', 'male', 'female', 'source']));
  for (const band of m.ageSex.bands)
    out.push(line([band.from, band.to ?? '', band.male, band.female, m.ageSex.source]));
  out.push('', line(['Deprivation index']), line(['imd_quintile', 'index', 'source']));
  m.deprivation.byQuintile.forEach((v, i) => out.push(line([i + 1, v.toFixed(3), m.deprivation.source])));
  out.push(
    '',
    line(['Multimorbidity']),
    line(['minimum_conditions', 'cost_ratio', 'source']),
    line([m.multimorbidity.minimumConditions, m.multimorbidity.ratio, m.multimorbidity.source]),
    '',
    line(['Long-term conditions counted']),
    line(['code_list', 'title']),
    ...m.multimorbidity.conditions.map((c) => line([c.id, c.title])),
    '',
    line(['Pace-of-change policy']),
    line(['parameter', 'value']),
    ...Object.entries(report.policy).map(([k, v]) => line([k, String(v)])),
    '',
    line(['Sources']),
    line(['id', 'title', 'publisher', 'url', 'published', 'note']),
    ...m.sources.map((s) => line([s.id, s.title, s.publisher, s.url, s.published ?? '', s.note])),
    '',
    line(['Method']),
    ...m.text.map((t) => line([t])),
  );
  return `${out.join('\r\n')}\r\n`;
}
