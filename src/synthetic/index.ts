/**
 * @module synthetic
 * The synthetic population: the calibration tables it is sampled from, seeded random streams, constant-time samplers,
 * the demography of residents (where they live, their age and sex), their life courses 2015-2025 (life-course/), and
 * the ground truth written as Parquet and read back for the fidelity report. Later: partner feeds.
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
  type AgeStructure,
  type LsoaPopulation,
  type PlacePrevalence,
  type SexRatio,
} from './calibration.js';
export { formatCsv, formatCsvField, parseCsv, type CsvRecord } from './csv.js';
export { createRandom, type Random } from './random.js';
export { buildAlias, drawAlias, type AliasTable } from './alias.js';
export { compileDemography, type Demography, type ResidentDemography, type Sex } from './demography.js';
export {
  generatePopulation,
  readManifest,
  RESIDENTS_PER_CHUNK,
  WINDOW,
  type GenerateOptions,
  type GenerateReport,
  type Manifest,
} from './generate.js';
export {
  fidelityReport,
  formatFidelity,
  mortalityFidelity,
  prevalenceFidelity,
  type FidelityRow,
  type GeneratedResident,
} from './fidelity.js';
export { readFidelity, Truth } from './truth-reader.js';
