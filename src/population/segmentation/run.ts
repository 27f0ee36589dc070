/**
 * @module population/segmentation/run
 * Computes the segmentation on the analytic store at every build: the rules (reference/segmentation/, with the
 * partnership's own PLUS groups when its folder has core20plus5.yaml) checked against the indicator catalogue's
 * code lists, the cells counted in DuckDB, then the figures and the emergency admission risk model — fitted on the
 * earlier years and evaluated on the latest full year the store covers.
 */
import { formatIssue } from '../../core/problem.js';
import { err, ok, type Result } from '../../core/result.js';
import type { Catalogue } from '../indicators/catalogue.js';
import type { AnalyticStore } from '../store/analytic-store.js';
import { writeRiskScores } from '../store/risk-scores.js';
import { personFeaturesSql, type CompileInput } from './cells-sql.js';
import { core20Cells, lastEventDate, listsRecorded, modelCells, segmentCells } from './cells.js';
import { segmentationFigures, type SegmentationResults } from './figures.js';
import { loadSegmentationRules } from './reference.js';
import { fitRiskModel, riskOf, type RiskModelReport } from './risk-model.js';

/** The indicator whose years the segmentation follows (its admissions are the model's outcome too). */
export const SEGMENTATION_INDICATOR = 'emergency-admissions';
/** The catalogue's list of emergency admission codes. */
export const EMERGENCY_ADMISSION_LIST = 'emergency-admission';

/** The latest year wholly covered by the store: the last event's year when it is 31 December, else the year before. */
export function latestFullYear(lastDate: string | undefined): number | undefined {
  if (lastDate === undefined) return undefined;
  const year = Number(lastDate.slice(0, 4));
  return lastDate.slice(5) === '12-31' ? year : year - 1;
}

export async function computeSegmentation(
  store: AnalyticStore,
  catalogue: Catalogue,
  where: {
    readonly partnershipDir: string;
    readonly places: readonly string[];
    /** Where to write each person's risk for case-finding (population/store/risk-scores.ts); none when absent. */
    readonly riskScoresFile?: string;
  },
): Promise<Result<SegmentationResults, string>> {
  const started = performance.now();
  const stated = catalogue.indicators.find((indicator) => indicator.id === SEGMENTATION_INDICATOR)?.years;
  if (stated === undefined)
    return err(`the indicator catalogue needs the indicator ${SEGMENTATION_INDICATOR}`);
  const emergencyAdmission = catalogue.codeLists[EMERGENCY_ADMISSION_LIST];
  if (emergencyAdmission === undefined)
    return err(`the indicator catalogue needs a code list "${EMERGENCY_ADMISSION_LIST}"`);
  const rules = loadSegmentationRules(catalogue.codeLists, where.partnershipDir);
  if (!rules.ok) return err(`the segmentation rules do not load: ${rules.error.map(formatIssue).join('; ')}`);

  const latest = latestFullYear(await lastEventDate(store));
  if (latest === undefined || latest < stated.from)
    return err('the analytic store holds no full year of events yet');
  const years = { from: stated.from, to: Math.min(stated.to, latest) };
  const input = { rules: rules.value, years, emergencyAdmission };
  const figures = segmentationFigures(
    rules.value,
    years,
    where.places,
    await segmentCells(store, input),
    await core20Cells(store, input),
    await listsRecorded(
      store,
      rules.value,
      rules.value.efi.deficits.flatMap((d) => d.codeLists ?? []),
    ),
  );

  // Outcome years from the first year to the last full one: features on 31 December of the year before each.
  const cells = await modelCells(store, { ...input, years: { from: years.from - 1, to: years.to - 1 } });
  const model =
    years.to > years.from
      ? fitRiskModel(cells, { from: years.from, to: years.to - 1 }, years.to)
      : err(
          'the store covers one full year: the model needs earlier years to fit and a later one to evaluate',
        );
  const riskScores =
    model.ok && where.riskScoresFile !== undefined
      ? await scoreEveryone(
          store,
          { ...input, years: { from: years.to, to: years.to } },
          model.value,
          where.riskScoresFile,
        )
      : undefined;
  return ok({
    ...figures,
    ...(model.ok ? { riskModel: model.value } : { modelProblem: model.error }),
    ...(riskScores === undefined ? {} : { riskScores }),
    computedSeconds: (performance.now() - started) / 1000,
  });
}

/**
 * Each person's risk of an emergency admission in the year after the latest full one, from their features on its
 * 31 December, by the model just fitted: the risk of every combination of features the year has, joined to the
 * people in DuckDB and written to the scores file.
 */
async function scoreEveryone(
  store: AnalyticStore,
  input: CompileInput,
  model: RiskModelReport,
  file: string,
): Promise<NonNullable<SegmentationResults['riskScores']>> {
  const year = input.years.to;
  const featuresOn = `${year}-12-31`;
  const combinations = await modelCells(store, input);
  const risks = combinations.map((cell) => ({ ...cell, risk: riskOf(model, cell).risk }));
  const persons = await writeRiskScores(store, personFeaturesSql(input), risks, featuresOn, file);
  return { featuresOn, predictingYear: year + 1, persons };
}
