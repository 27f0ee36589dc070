/**
 * @module synthetic
 * The synthetic population: the calibration tables it is sampled from (and, later, the generator itself).
 */
export {
  AGE_COLUMNS,
  CALIBRATION_FILES,
  ENGLAND_LSOAS_2019,
  loadCalibration,
  type Calibration,
  type CalibrationContext,
  type ImdGradient,
  type LsoaEntry,
  type LsoaPopulation,
  type PlacePrevalence,
  type SexRatio,
} from './calibration.js';
export { formatCsv, formatCsvField, parseCsv, type CsvRecord } from './csv.js';
