/**
 * @module cli/commands/population
 * `accord population build`: partners' feeds into the pseudonymised analytic store, each record keyed by its
 * person in the master patient index; then the indicators computed on it. Thin: the work is in src/population and
 * src/identity. Also used by the demo (cli/demo-analytics.ts).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../../core/config.js';
import { packageRoot } from '../../core/paths.js';
import { formatIssue } from '../../core/problem.js';
import { err, ok, type Result } from '../../core/result.js';
import { personsWithNhsNumbers, recordsOfPersons } from '../../identity/analytic-keys.js';
import { isValidNhsNumber } from '../../identity/nhs-number.js';
import { readPseudonymKey, type PseudonymKey } from '../../identity/pseudonym.js';
import { loadCatalogue, type Catalogue } from '../../population/indicators/catalogue.js';
import { RESULTS_FILE } from '../../population/indicators/results-file.js';
import { computeCatalogue } from '../../population/indicators/run.js';
import { saveBuildResults } from '../population-results.js';
import { AnalyticStore } from '../../population/store/analytic-store.js';
import { buildAnalyticStore, type BuildReport } from '../../population/store/build.js';
import { loadCalibration } from '../../synthetic/calibration.js';
import type { Database } from '../../store/database.js';
import type { Output } from './identity.js';

const count = (n: number) => n.toLocaleString('en-GB');
const SHOWN_ISSUES = 20;

export const analyticsDir = (config: Config): string =>
  config.analyticsDir ?? join(config.dataDir, 'analytics');
export const analyticStorePath = (config: Config): string => join(analyticsDir(config), 'population.duckdb');
export const pseudonymKeyFile = (config: Config): string =>
  config.pseudonymKeyFile ?? join(config.dataDir, 'pseudonym.key');
/** Accord's own indicator definitions (a partnership may later point at its own). */
export const defaultIndicatorsDir = (packageRoot: string): string => join(packageRoot, 'indicators');

/**
 * NHS numbers, one a line (blank lines and `#` comments ignored): the National Data Opt-out list as supplied. A line
 * that is not a valid NHS number is refused by its line number — never by its content, which would put an NHS
 * number in a log — because an opt-out dropped silently would put a person back in.
 */
export function readOptOuts(file: string): Result<string[], string> {
  if (!existsSync(file)) return err(`the opt-out list ${file} does not exist`);
  const numbers: string[] = [];
  const bad: number[] = [];
  readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .forEach((text, i) => {
      const line = text.replace(/#.*/, '').replace(/\s+/g, '');
      if (line === '') return;
      if (isValidNhsNumber(line)) numbers.push(line);
      else bad.push(i + 1);
    });
  if (bad.length > 0) {
    return err(
      `the opt-out list ${file} has ${bad.length} line(s) that are not valid NHS numbers (line ` +
        `${bad.slice(0, 10).join(', ')}${bad.length > 10 ? ', …' : ''}); correct them: an opt-out must never be ` +
        'dropped silently',
    );
  }
  return ok(numbers);
}

export interface BuildOptions {
  readonly feedsDir: string;
  readonly postcodes: string;
  /** The National Data Opt-out list; `undefined` only when the caller has chosen to build without one. */
  readonly optOutsFile?: string | undefined;
  /** The places' current allocations for fair shares (place,allocation_pounds); absent, an illustrative split. */
  readonly allocationsFile?: string | undefined;
}

/** Builds (or brings up to date) the analytic store; the store is left open for the caller. */
export async function buildPopulation(
  db: Database,
  config: Config,
  key: PseudonymKey,
  options: BuildOptions,
  io: Output,
): Promise<Result<{ store: AnalyticStore; report: BuildReport }, string>> {
  const calibration = loadCalibration(join(config.partnershipDir, 'calibration'));
  if (!calibration.ok) {
    return err(
      `the partnership's calibration tables do not load: ${calibration.error.map(formatIssue).join('; ')}`,
    );
  }
  let optedOut: string[] = [];
  if (options.optOutsFile !== undefined) {
    const numbers = readOptOuts(options.optOutsFile);
    if (!numbers.ok) return numbers;
    const found = await personsWithNhsNumbers(db, numbers.value);
    optedOut = found.personIds;
    io.out(
      `opt-outs: ${count(numbers.value.length)} NHS numbers, ${count(found.personIds.length)} persons in the index` +
        (found.unknown > 0 ? `, ${count(found.unknown)} not known here` : ''),
    );
  }
  const opened = await AnalyticStore.open(analyticStorePath(config), key.id);
  if (!opened.ok) return opened;
  const store = opened.value;
  const built = await buildAnalyticStore(store, key, {
    feedsDir: options.feedsDir,
    postcodeLookup: options.postcodes,
    lsoas: calibration.value.lsoas.map((l) => ({
      lsoa11: l.lsoa11,
      place: l.place,
      lad19: l.lad19,
      imdDecile: l.imdDecile,
      imdQuintile: l.imdQuintile,
    })),
    records: (after, limit) => recordsOfPersons(db, after, limit),
    optedOut,
  });
  if (!built.ok) {
    store.close();
    return built;
  }
  return ok({ store, report: built.value });
}

export function describeBuild(report: BuildReport, seconds: number): string {
  const i = report.ingest;
  return (
    `analytic store: ${count(i.filesRead)} files read (${count(i.filesUnchanged)} unchanged, ${count(i.filesRemoved)} ` +
    `removed), ${count(i.resourcesRead)} resources, ${count(i.resourcesKept)} kept, ${count(i.skipped)} skipped; ` +
    `${count(report.persons)} persons, ${count(report.events)} events, ${count(report.optedOut)} opted out, ` +
    `${count(report.eventsUnlinked)} events of records not yet linked; ${seconds.toFixed(1)} s`
  );
}

export async function populationBuild(
  db: Database,
  config: Config,
  options: BuildOptions,
  io: Output,
): Promise<number> {
  const key = readPseudonymKey(pseudonymKeyFile(config));
  if (!key.ok) {
    io.fail(`accord population build: ${key.error}`);
    return 1;
  }
  const catalogue = indicatorCatalogue();
  if (!catalogue.ok) {
    io.fail(`accord population build: ${catalogue.error}`);
    return 1;
  }
  const started = performance.now();
  const built = await buildPopulation(db, config, key.value, options, io);
  if (!built.ok) {
    io.fail(`accord population build: ${built.error}`);
    return 1;
  }
  const { store, report } = built.value;
  try {
    for (const issue of report.issues.slice(0, SHOWN_ISSUES)) io.fail(formatIssue(issue));
    if (report.issues.length > SHOWN_ISSUES)
      io.fail(`… and ${count(report.issues.length - SHOWN_ISSUES)} more`);
    io.out(describeBuild(report, (performance.now() - started) / 1000));
    const computing = performance.now();
    const computed = await computeCatalogue(store, catalogue.value);
    const saved = await saveBuildResults(
      store,
      {
        analyticsDir: analyticsDir(config),
        partnershipDir: config.partnershipDir,
        allocationsFile: options.allocationsFile,
      },
      catalogue.value,
      computed,
      io.out,
    );
    if (!saved.ok) {
      io.fail(`accord population build: ${saved.error}`);
      return 1;
    }
    io.out(
      `indicators: ${computed.length} computed in ${((performance.now() - computing) / 1000).toFixed(1)} s, ` +
        `kept in ${join(analyticsDir(config), RESULTS_FILE)}`,
    );
    return report.ingest.skipped > 0 ? 1 : 0;
  } finally {
    store.close();
  }
}

/** Accord's indicator definitions, checked: loaded before any build, so a bad definition stops it at once. */
export function indicatorCatalogue(): Result<Catalogue, string> {
  const catalogue = loadCatalogue(defaultIndicatorsDir(packageRoot));
  return catalogue.ok
    ? catalogue
    : err(`the indicators do not load:\n${catalogue.error.map(formatIssue).join('\n')}`);
}
