/**
 * @module population/statistics/logistic
 * Logistic regression by Newton–Raphson (iteratively reweighted least squares) on grouped binomial data: each row is
 * a combination of features with its number of persons and how many had the outcome, so a model of millions of
 * persons is fitted from a few thousand aggregated cells and no row-level data is needed. With the canonical logit
 * link Newton's method and Fisher scoring are the same; a step that lowers the log-likelihood is halved.
 *
 * Standard errors are the square roots of the diagonal of the inverse information matrix at the estimate (Wald).
 * Pure; bad input and a singular information matrix (collinear features, a feature no one has) come back as
 * problems naming the cause.
 */
import { err, ok, type Result } from '../../core/result.js';

export interface BinomialRow {
  /** The design row, intercept included (a 1 in its column). */
  readonly x: readonly number[];
  /** Persons in the cell. */
  readonly n: number;
  /** Of them, with the outcome. */
  readonly y: number;
}

export interface LogisticFit {
  readonly coefficients: readonly number[];
  readonly standardErrors: readonly number[];
  readonly logLikelihood: number;
  readonly iterations: number;
}

export interface FitOptions {
  readonly maxIterations?: number;
  /** Stop when no coefficient moves by more than this. */
  readonly tolerance?: number;
}

/** log(p) and log(1 − p) for p = 1 / (1 + e^−η), without overflow. */
function logProbabilities(eta: number): [number, number] {
  // log p = −log(1 + e^−η); log(1 − p) = −log(1 + e^η)
  const softplus = (t: number) => (t > 30 ? t : Math.log1p(Math.exp(t)));
  return [-softplus(-eta), -softplus(eta)];
}

export const logistic = (eta: number): number => 1 / (1 + Math.exp(-eta));

function logLikelihood(rows: readonly BinomialRow[], beta: readonly number[]): number {
  let total = 0;
  for (const row of rows) {
    const [lp, lq] = logProbabilities(dot(row.x, beta));
    if (row.y > 0) total += row.y * lp;
    if (row.n - row.y > 0) total += (row.n - row.y) * lq;
  }
  return total;
}

const dot = (a: readonly number[], b: readonly number[]) =>
  a.reduce((sum, value, i) => sum + value * (b[i] ?? 0), 0);

/** Cholesky factor L (lower) of a symmetric positive definite matrix, or undefined when it is not. */
export function cholesky(matrix: readonly (readonly number[])[]): number[][] | undefined {
  const n = matrix.length;
  const l = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = matrix[i]?.[j] ?? 0;
      for (let k = 0; k < j; k++) sum -= (l[i]?.[k] ?? 0) * (l[j]?.[k] ?? 0);
      if (i === j) {
        // Relative to the diagonal's size: a pivot lost to rounding means a singular matrix.
        if (!(sum > 1e-10 * Math.max(1, Math.abs(matrix[i]?.[i] ?? 0)))) return undefined;
        (l[i] as number[])[i] = Math.sqrt(sum);
      } else {
        (l[i] as number[])[j] = sum / (l[j]?.[j] ?? 1);
      }
    }
  }
  return l;
}

/** Solves L Lᵀ x = b. */
function solve(l: readonly (readonly number[])[], b: readonly number[]): number[] {
  const n = l.length;
  const z = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) {
    let sum = b[i] ?? 0;
    for (let k = 0; k < i; k++) sum -= (l[i]?.[k] ?? 0) * (z[k] ?? 0);
    z[i] = sum / (l[i]?.[i] ?? 1);
  }
  const x = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let sum = z[i] ?? 0;
    for (let k = i + 1; k < n; k++) sum -= (l[k]?.[i] ?? 0) * (x[k] ?? 0);
    x[i] = sum / (l[i]?.[i] ?? 1);
  }
  return x;
}

function checkRows(rows: readonly BinomialRow[]): string | undefined {
  if (rows.length === 0) return 'there are no rows to fit';
  const p = rows[0]?.x.length ?? 0;
  if (p === 0) return 'the design rows have no columns';
  for (const [i, row] of rows.entries()) {
    if (row.x.length !== p) return `row ${i + 1} has ${row.x.length} columns, not ${p}`;
    if (!row.x.every(Number.isFinite)) return `row ${i + 1} has a value that is not a finite number`;
    if (!Number.isInteger(row.n) || row.n < 0) return `row ${i + 1}: persons must be a whole number ≥ 0`;
    if (!Number.isInteger(row.y) || row.y < 0 || row.y > row.n)
      return `row ${i + 1}: the outcome count must be a whole number from 0 to the persons`;
  }
  return undefined;
}

export function fitLogistic(
  rows: readonly BinomialRow[],
  options: FitOptions = {},
): Result<LogisticFit, string> {
  const problem = checkRows(rows);
  if (problem !== undefined) return err(problem);
  const maxIterations = options.maxIterations ?? 50;
  const tolerance = options.tolerance ?? 1e-10;
  const p = rows[0]?.x.length ?? 0;
  let beta = new Array<number>(p).fill(0);
  let current = logLikelihood(rows, beta);
  for (let iteration = 1; iteration <= maxIterations; iteration++) {
    const gradient = new Array<number>(p).fill(0);
    const information = Array.from({ length: p }, () => new Array<number>(p).fill(0));
    for (const row of rows) {
      if (row.n === 0) continue;
      const mu = logistic(dot(row.x, beta));
      const w = row.n * mu * (1 - mu);
      const r = row.y - row.n * mu;
      for (let i = 0; i < p; i++) {
        const xi = row.x[i] ?? 0;
        if (xi === 0) continue;
        gradient[i] = (gradient[i] ?? 0) + xi * r;
        const line = information[i] as number[];
        for (let j = 0; j <= i; j++) line[j] = (line[j] ?? 0) + xi * (row.x[j] ?? 0) * w;
      }
    }
    for (let i = 0; i < p; i++)
      for (let j = i + 1; j < p; j++) (information[i] as number[])[j] = information[j]?.[i] ?? 0;
    const l = cholesky(information);
    if (l === undefined) {
      return err(
        'the information matrix is singular: a feature is constant, empty or a combination of others (collinear), ' +
          'or the outcome is perfectly separated',
      );
    }
    const step = solve(l, gradient);
    // Halve the step until the log-likelihood does not fall (it cannot rise forever: it is bounded by 0).
    let scale = 1;
    let next = beta.map((b, i) => b + (step[i] ?? 0));
    let value = logLikelihood(rows, next);
    while (value < current - 1e-12 * Math.abs(current) && scale > 1e-6) {
      scale /= 2;
      next = beta.map((b, i) => b + scale * (step[i] ?? 0));
      value = logLikelihood(rows, next);
    }
    const moved = Math.max(...step.map((s) => Math.abs(s * scale)));
    beta = next;
    current = value;
    if (moved < tolerance) {
      const covariance = inverseFromCholesky(cholesky(informationAt(rows, beta)) ?? l);
      return ok({
        coefficients: beta,
        standardErrors: covariance.map((row, i) => Math.sqrt(row[i] ?? Number.NaN)),
        logLikelihood: current,
        iterations: iteration,
      });
    }
  }
  return err(
    `the fit did not converge in ${maxIterations} iterations: the outcome may be (quasi-)perfectly separated by a feature`,
  );
}

function informationAt(rows: readonly BinomialRow[], beta: readonly number[]): number[][] {
  const p = beta.length;
  const information = Array.from({ length: p }, () => new Array<number>(p).fill(0));
  for (const row of rows) {
    const mu = logistic(dot(row.x, beta));
    const w = row.n * mu * (1 - mu);
    for (let i = 0; i < p; i++)
      for (let j = 0; j < p; j++)
        (information[i] as number[])[j] = (information[i]?.[j] ?? 0) + (row.x[i] ?? 0) * (row.x[j] ?? 0) * w;
  }
  return information;
}

function inverseFromCholesky(l: readonly (readonly number[])[]): number[][] {
  const n = l.length;
  const columns = Array.from({ length: n }, (_, j) =>
    solve(
      l,
      Array.from({ length: n }, (_, i) => (i === j ? 1 : 0)),
    ),
  );
  return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => columns[j]?.[i] ?? 0));
}

/** The prediction of a fitted model for a design row. */
export const predict = (fit: Pick<LogisticFit, 'coefficients'>, x: readonly number[]): number =>
  logistic(dot(x, fit.coefficients));
