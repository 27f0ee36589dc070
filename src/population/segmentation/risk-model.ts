/**
 * @module population/segmentation/risk-model
 * A transparent model of emergency admission in the next 12 months: logistic regression on a few stated features
 * taken on 31 December of the year before (age band, sex, national IMD quintile, number of long-term conditions,
 * emergency admissions in the previous 12 months, eFI category, Bridges to Health segment), fitted on the earlier
 * years and evaluated on a later one it never saw — discrimination (AUC) and calibration by tenths of predicted
 * risk. It is fitted on the feature cells (persons and admissions per combination) the store returns, so no
 * row-level data is needed. Pure: the counts in the report are true counts, published only through disclosure
 * control (web/segmentation-view.ts).
 */
import { err, ok, type Result } from '../../core/result.js';
import { areaUnderCurve, calibrationGroups, type CalibrationGroup } from '../statistics/discrimination.js';
import { fitLogistic, predict } from '../statistics/logistic.js';
import { MAX_CONDITIONS, MAX_PRIOR_ADMISSIONS, SEGMENT_AGE_BANDS } from './cells-sql.js';
import type { ModelCell } from './cells.js';

/** One level of a feature: a column of the design (or the reference level, which has none). */
interface Level {
  readonly feature: string;
  readonly level: string;
  readonly reference: boolean;
  readonly has: (cell: ModelCell) => boolean;
}

const SEGMENT_NAMES: Readonly<Record<number, string>> = {
  1: 'Healthy',
  2: 'Maternal and infant health',
  3: 'Acutely ill',
  4: 'Chronic conditions',
  5: 'Stable but serious disability',
  6: 'Short period of decline',
  7: 'Limited reserve (organ failure)',
  8: 'Frailty and dementia',
};

/** The features and their levels, reference level first. */
export const LEVELS: readonly Level[] = [
  ...SEGMENT_AGE_BANDS.map((band, i) => ({
    feature: 'Age band',
    level: band.label,
    reference: i === 0,
    has: (c: ModelCell) => c.band === i,
  })),
  { feature: 'Sex', level: 'Female', reference: true, has: (c) => c.sex === 'female' },
  { feature: 'Sex', level: 'Male', reference: false, has: (c) => c.sex === 'male' },
  ...[5, 4, 3, 2, 1].map((q) => ({
    feature: 'IMD quintile',
    level: q === 1 ? '1 (most deprived)' : q === 5 ? '5 (least deprived)' : String(q),
    reference: q === 5,
    has: (c: ModelCell) => c.imdQuintile === q,
  })),
  ...Array.from({ length: MAX_CONDITIONS + 1 }, (_, n) => ({
    feature: 'Long-term conditions',
    level: n === MAX_CONDITIONS ? `${n} or more` : String(n),
    reference: n === 0,
    has: (c: ModelCell) => c.conditions === n,
  })),
  ...Array.from({ length: MAX_PRIOR_ADMISSIONS + 1 }, (_, n) => ({
    feature: 'Emergency admissions in the previous 12 months',
    level: n === MAX_PRIOR_ADMISSIONS ? `${n} or more` : String(n),
    reference: n === 0,
    has: (c: ModelCell) => c.prior === n,
  })),
  // Under 65 the eFI is not scored: those people share the reference level with the fit, so the eFI terms are
  // the difference frailty makes at 65 and over (a separate "under 65" level would be the age bands again).
  { feature: 'eFI category', level: 'Fit, or under 65', reference: true, has: (c) => c.efiRank <= 0 },
  ...['Mild', 'Moderate', 'Severe'].map((name, i) => ({
    feature: 'eFI category',
    level: name,
    reference: false,
    has: (c: ModelCell) => c.efiRank === i + 1,
  })),
  // Segments 1 and 4 share the reference level. Everyone in segments 1 to 3 has no long-term condition and everyone
  // in 4 to 8 has one, so one segment column is always the conditions' columns again (a collinear design); with 1
  // and 4 together, "healthy against chronic conditions" is what the number of conditions says, and the other
  // segments' terms are what they add at the same number of conditions.
  {
    feature: 'Segment',
    level: `1 ${SEGMENT_NAMES[1] ?? ''} or 4 ${SEGMENT_NAMES[4] ?? ''}`,
    reference: true,
    has: (c) => c.segment === 1 || c.segment === 4,
  },
  ...[2, 3, 5, 6, 7, 8].map((s) => ({
    feature: 'Segment',
    level: `${s} ${SEGMENT_NAMES[s] ?? ''}`,
    reference: false,
    has: (c: ModelCell) => c.segment === s,
  })),
];

export interface ModelTerm {
  readonly feature: string;
  readonly level: string;
  readonly reference: boolean;
  /** Persons and admissions at this level in the training years (true counts). */
  readonly persons: number;
  readonly admitted: number;
  /** Absent for the reference level and for a level nobody in the training years had. */
  readonly coefficient?: number;
  readonly standardError?: number;
  readonly oddsRatio?: number;
  readonly lower95?: number;
  readonly upper95?: number;
}

export interface RiskModelReport {
  readonly outcome: string;
  readonly featuresAsOf: string;
  readonly trainingYears: { readonly from: number; readonly to: number };
  readonly evaluationYear: number;
  readonly intercept: { readonly coefficient: number; readonly standardError: number };
  readonly terms: readonly ModelTerm[];
  readonly iterations: number;
  readonly training: {
    readonly persons: number;
    readonly admitted: number;
    readonly auc: number | undefined;
  };
  readonly evaluation: {
    readonly persons: number;
    readonly admitted: number;
    /** Admissions the model expected (sum of predicted risks). */
    readonly predicted: number;
    readonly auc: number | undefined;
    /** Calibration by tenths of predicted risk (groups of people with one risk are not split). */
    readonly calibration: readonly CalibrationGroup[];
  };
}

const Z95 = 1.959963984540054;

export function fitRiskModel(
  cells: readonly ModelCell[],
  trainingYears: { readonly from: number; readonly to: number },
  evaluationYear: number,
): Result<RiskModelReport, string> {
  if (evaluationYear <= trainingYears.to)
    return err('the evaluation year must come after the training years');
  const training = cells.filter((c) => c.year >= trainingYears.from && c.year <= trainingYears.to);
  const evaluation = cells.filter((c) => c.year === evaluationYear);
  if (training.length === 0)
    return err(`no one in the training years ${trainingYears.from}-${trainingYears.to}`);
  if (evaluation.length === 0) return err(`no one in the evaluation year ${evaluationYear}`);

  const tally = (level: Level) =>
    training
      .filter(level.has)
      .reduce((t, c) => ({ persons: t.persons + c.persons, admitted: t.admitted + c.admitted }), {
        persons: 0,
        admitted: 0,
      });
  const tallies = LEVELS.map(tally);
  // A level nobody had in the training years cannot be estimated: it gets no column (and no term).
  const columns = LEVELS.map((level, i) => ({ level, i })).filter(
    ({ level, i }) => !level.reference && (tallies[i]?.persons ?? 0) > 0,
  );
  const design = (cell: ModelCell) => [1, ...columns.map(({ level }) => (level.has(cell) ? 1 : 0))];
  const fit = fitLogistic(training.map((c) => ({ x: design(c), n: c.persons, y: c.admitted })));
  if (!fit.ok) return err(`the risk model could not be fitted: ${fit.error}`);

  const terms: ModelTerm[] = LEVELS.map((level, i) => {
    const t = tallies[i] ?? { persons: 0, admitted: 0 };
    const column = columns.findIndex((c) => c.i === i);
    if (column === -1)
      return { feature: level.feature, level: level.level, reference: level.reference, ...t };
    const coefficient = fit.value.coefficients[column + 1] ?? 0;
    const standardError = fit.value.standardErrors[column + 1] ?? 0;
    return {
      feature: level.feature,
      level: level.level,
      reference: false,
      ...t,
      coefficient,
      standardError,
      oddsRatio: Math.exp(coefficient),
      lower95: Math.exp(coefficient - Z95 * standardError),
      upper95: Math.exp(coefficient + Z95 * standardError),
    };
  });

  const scored = (list: readonly ModelCell[]) =>
    list.map((c) => ({ score: predict(fit.value, design(c)), persons: c.persons, events: c.admitted }));
  const evaluationGroups = scored(evaluation);
  const sum = (list: readonly ModelCell[], key: 'persons' | 'admitted') =>
    list.reduce((s, c) => s + c[key], 0);
  return ok({
    outcome: 'At least one emergency admission to hospital during the calendar year',
    featuresAsOf: '31 December of the year before',
    trainingYears,
    evaluationYear,
    intercept: {
      coefficient: fit.value.coefficients[0] ?? 0,
      standardError: fit.value.standardErrors[0] ?? 0,
    },
    terms,
    iterations: fit.value.iterations,
    training: {
      persons: sum(training, 'persons'),
      admitted: sum(training, 'admitted'),
      auc: areaUnderCurve(scored(training)),
    },
    evaluation: {
      persons: sum(evaluation, 'persons'),
      admitted: sum(evaluation, 'admitted'),
      predicted: evaluationGroups.reduce((s, g) => s + g.persons * g.score, 0),
      auc: areaUnderCurve(evaluationGroups),
      calibration: calibrationGroups(evaluationGroups, 10),
    },
  });
}

/** A person's features on the day they are scored: a model cell without its counts. */
export type RiskFeatures = Omit<ModelCell, 'year' | 'persons' | 'admitted'>;

/** One feature level behind a person's risk, as the published model states it. */
export interface RiskFactor {
  readonly feature: string;
  readonly level: string;
  readonly oddsRatio: number;
}

/**
 * The fitted model's risk for one set of features, from the report's own coefficients — so a score can be explained
 * with the odds ratios /population/risk-model publishes: the intercept plus each level's coefficient the features
 * have (reference levels and levels not estimated add nothing). Also the levels that raise the risk, largest first.
 */
export function riskOf(
  report: Pick<RiskModelReport, 'intercept' | 'terms'>,
  features: RiskFeatures,
): { readonly risk: number; readonly raisedBy: readonly RiskFactor[] } {
  const cell: ModelCell = { ...features, year: 0, persons: 0, admitted: 0 };
  let linear = report.intercept.coefficient;
  const raisedBy: RiskFactor[] = [];
  LEVELS.forEach((level, i) => {
    const coefficient = report.terms[i]?.coefficient;
    if (coefficient === undefined || !level.has(cell)) return;
    linear += coefficient;
    if (coefficient > 0)
      raisedBy.push({ feature: level.feature, level: level.level, oddsRatio: Math.exp(coefficient) });
  });
  raisedBy.sort((a, b) => b.oddsRatio - a.oddsRatio);
  return { risk: 1 / (1 + Math.exp(-linear)), raisedBy };
}
