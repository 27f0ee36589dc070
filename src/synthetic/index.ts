/**
 * @module synthetic
 * The synthetic population: the calibration tables it is sampled from, seeded random streams, constant-time samplers,
 * and the demography of residents (where they live, their age and sex). Later: life courses and partner feeds.
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
  generateResidents,
  readGeneratedResidents,
  RESIDENTS_PER_CHUNK,
  type GenerateOptions,
  type GenerateReport,
} from './generate.js';
export { fidelityReport, formatFidelity, type FidelityRow, type GeneratedResident } from './fidelity.js';
