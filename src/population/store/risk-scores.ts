/**
 * @module population/store/risk-scores
 * Each person's emergency admission risk on the latest scored day, under their pseudonym, for case-finding by the
 * care teams who look after them (record/case-finding.ts). Row-level, so it is written only here and read only by
 * the modules in ROW_LEVEL_READERS; it is never in indicators.json, nor published.
 *
 * A Parquet file beside the store (`risk-scores.parquet`, cli/commands/population.ts; readable only by Accord's user), not a table in it: the
 * server reads it while `accord population build` may hold the store open for writing, and DuckDB lets one process
 * at a time open a database file. Written to a temporary name and renamed, so a reader sees the old scores or the new,
 * never half of either.
 */
import { chmodSync, existsSync, renameSync, rmSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';
import { err, ok, type Result } from '../../core/result.js';
import { sqlText, type AnalyticStore } from './analytic-store.js';

/** The features the model scores (as segmentation/cells-sql.ts's model cells name them). */
export interface ScoredFeatures {
  readonly band: number;
  readonly sex: 'female' | 'male';
  readonly imdQuintile: number;
  readonly conditions: number;
  readonly prior: number;
  readonly efiRank: number;
  readonly segment: number;
}

export interface RiskScore extends ScoredFeatures {
  /** The person's pseudonym. */
  readonly person: string;
  /** The day the features were taken on (ISO). */
  readonly featuresOn: string;
  readonly risk: number;
}

/** The features of a row with the model's columns (band, sex, imd_quintile, conditions, prior, efi_rank, segment). */
export const scoredFeaturesOfRow = (row: Readonly<Record<string, unknown>>): ScoredFeatures => ({
  band: Number(row['band']),
  sex: row['sex'] === 'female' ? 'female' : 'male',
  imdQuintile: Number(row['imd_quintile']),
  conditions: Number(row['conditions']),
  prior: Number(row['prior']),
  efiRank: Number(row['efi_rank']),
  segment: Number(row['segment']),
});

const PSEUDONYM = /^[0-9a-f]{32}$/;
const whole = (value: number) => {
  if (!Number.isInteger(value)) throw new Error(`a feature level must be a whole number, not ${value}`);
  return String(value);
};

/**
 * Scores everyone `featuresSql` returns (one row per person: person, band, sex, imd_quintile, conditions, prior,
 * efi_rank, segment) with the risk of their combination of features, and replaces the file. A person whose
 * combination has no risk given is left out. Returns how many were scored.
 */
export async function writeRiskScores(
  store: AnalyticStore,
  featuresSql: string,
  risks: readonly (ScoredFeatures & { readonly risk: number })[],
  featuresOn: string,
  file: string,
): Promise<number> {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(featuresOn)) throw new Error(`not an ISO date: ${featuresOn}`);
  const temporary = `${file}.${process.pid}.tmp`;
  const select =
    risks.length === 0
      ? `SELECT NULL::VARCHAR AS person WHERE FALSE`
      : `SELECT f.person, DATE ${sqlText(featuresOn)} AS features_on, f.band, f.sex, f.imd_quintile, f.conditions,
              f.prior, f.efi_rank, f.segment, r.risk
         FROM (${featuresSql}) f
         JOIN (VALUES ${risks
           .map(
             (r) =>
               `(${whole(r.band)}, ${sqlText(r.sex)}, ${whole(r.imdQuintile)}, ${whole(r.conditions)}, ` +
               `${whole(r.prior)}, ${whole(r.efiRank)}, ${whole(r.segment)}, CAST(${String(r.risk)} AS DOUBLE))`,
           )
           .join(', ')}) r (band, sex, imd_quintile, conditions, prior, efi_rank, segment, risk)
           ON r.band = f.band AND r.sex = f.sex AND r.imd_quintile = f.imd_quintile
          AND r.conditions = f.conditions AND r.prior = f.prior AND r.efi_rank = f.efi_rank
          AND r.segment = f.segment`;
  try {
    await store.connection.run(`COPY (${select}) TO ${sqlText(temporary)} (FORMAT parquet)`);
    chmodSync(temporary, 0o600);
    const counted = await store.rows<{ n: number }>(
      `SELECT COUNT(*) AS n FROM read_parquet(${sqlText(temporary)})`,
    );
    renameSync(temporary, file);
    return counted[0]?.n ?? 0;
  } finally {
    rmSync(temporary, { force: true });
  }
}

/** The scores of the given pseudonyms (those the file holds); an error when there is no file yet. */
export async function readRiskScores(
  file: string,
  pseudonyms: readonly string[],
): Promise<Result<Map<string, RiskScore>, string>> {
  if (!existsSync(file)) {
    return err(
      'no risk scores have been computed yet: run `accord population build` (the demo computes them on its first start)',
    );
  }
  const wanted = [...new Set(pseudonyms)];
  const bad = wanted.find((p) => !PSEUDONYM.test(p));
  if (bad !== undefined) return err(`not a pseudonym: ${bad}`);
  if (wanted.length === 0) return ok(new Map());
  const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
  const connection = await instance.connect();
  try {
    const reader = await connection.runAndReadAll(
      `SELECT person, CAST(features_on AS VARCHAR) AS features_on, band, sex, imd_quintile, conditions, prior,
              efi_rank, segment, risk
         FROM read_parquet(${sqlText(file)})
        WHERE person IN (${wanted.map((p) => `'${p}'`).join(', ')})`,
    );
    const scores = new Map<string, RiskScore>();
    for (const row of reader.getRowObjects()) {
      const person = String(row['person']);
      scores.set(person, {
        person,
        featuresOn: String(row['features_on']),
        ...scoredFeaturesOfRow(row),
        risk: Number(row['risk']),
      });
    }
    return ok(scores);
  } catch (error) {
    return err(`the risk scores file ${file} cannot be read: ${(error as Error).message}`);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
