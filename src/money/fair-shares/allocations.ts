/**
 * @module money/fair-shares/allocations
 * What each place is allocated now — the input fair shares compares with target. Either read from a CSV the user
 * supplies (columns `place` and `allocation_pounds`: the place's id or name, and pounds as people write them,
 * `1250000`, `1,250,000.50` or `£1,250,000`), every problem returned with its line; or, for the demo, an
 * ILLUSTRATIVE allocation: the partnership's stated budget split in proportion to registered population, each
 * place's part moved by a fixed pseudo-random amount within ±5% (a hash of the seed and the place id, so the same
 * seed always gives the same figures), so the demo shows places over and under target. It is not anyone's real
 * allocation and the pages say so. Pure.
 */
import { createHash } from 'node:crypto';
import { parsePounds } from '../../core/money.js';
import type { Issue } from '../../core/problem.js';
import { err, ok, type Result } from '../../core/result.js';
import { readCsvTable } from '../../population/statistics/csv-input.js';
import { apportion, type PlaceId } from './model.js';

export interface AllocationSource {
  readonly kind: 'supplied' | 'illustrative';
  /** Where the figures come from, as the pages say it. */
  readonly description: string;
}

export interface CurrentAllocations {
  /** Pence by place id. */
  readonly pence: ReadonlyMap<string, number>;
  readonly source: AllocationSource;
}

export const ALLOCATION_COLUMNS = ['place', 'allocation_pounds'] as const;

/** Reads a CSV of current allocations for `places`: each place exactly once, amounts in pounds ≥ 0. */
export function readAllocationsCsv(
  text: string,
  places: readonly PlaceId[],
  file: string,
): Result<CurrentAllocations, Issue[]> {
  const table = readCsvTable(text, ALLOCATION_COLUMNS);
  if (!table.ok) return err(table.error.map((issue) => ({ file, ...issue })));
  const issues: Issue[] = [];
  const byKey = new Map<string, PlaceId>();
  for (const place of places) {
    byKey.set(place.id.toLowerCase(), place);
    byKey.set(place.name.toLowerCase(), place);
  }
  const pence = new Map<string, number>();
  const lineOf = new Map<string, number>();
  for (const row of table.value.rows) {
    const name = row.cells.get('place') ?? '';
    const amount = row.cells.get('allocation_pounds') ?? '';
    const place = byKey.get(name.toLowerCase());
    if (name === '') {
      issues.push({ file, line: row.line, message: 'place is empty: give the place id or name' });
    } else if (place === undefined) {
      issues.push({
        file,
        line: row.line,
        message: `${JSON.stringify(name)} is not a place of the partnership (its places: ${places.map((p) => p.id).join(', ')})`,
      });
    } else {
      const first = lineOf.get(place.id);
      if (first === undefined) lineOf.set(place.id, row.line);
      else
        issues.push({
          file,
          line: row.line,
          message: `${place.name} is given twice (first on line ${first})`,
        });
    }
    const parsed = amount === '' ? undefined : parsePounds(amount);
    if (parsed === undefined) {
      issues.push({ file, line: row.line, message: 'allocation_pounds is empty' });
    } else if (!parsed.ok) {
      issues.push({
        file,
        line: row.line,
        message: `allocation_pounds ${JSON.stringify(amount)} is not an amount: ${parsed.error}`,
      });
    } else if (place !== undefined && lineOf.get(place.id) === row.line) {
      pence.set(place.id, parsed.value);
    }
  }
  const missing = places.filter((p) => !lineOf.has(p.id));
  if (issues.length === 0 && missing.length > 0) {
    issues.push({
      file,
      message: `no allocation for ${missing.map((p) => p.name).join(', ')}: every place needs one row`,
    });
  }
  if (issues.length === 0 && [...pence.values()].every((p) => p === 0)) {
    issues.push({ file, message: 'every allocation is 0: there is nothing to compare with target' });
  }
  if (issues.length > 0) return err(issues);
  return ok({ pence, source: { kind: 'supplied', description: `Current allocations supplied in ${file}.` } });
}

/** The fixed perturbation of a place in the demo, within ±`spread` (a fraction): from a hash, not a random draw. */
export function demoPerturbation(seed: string, placeId: string, spread = 0.05): number {
  const digest = createHash('sha256').update(`${seed}\u0000${placeId}`).digest();
  const unit = digest.readUInt32BE(0) / 0xffffffff; // 0 to 1
  return (unit * 2 - 1) * spread;
}

export const DEMO_SEED = 'accord-fair-shares-demo';

/**
 * An illustrative allocation of `budgetPence` for the demo: in proportion to each place's registered population,
 * moved by its fixed perturbation within ±5%, adding up to the budget exactly.
 */
export function demoAllocations(
  places: readonly { readonly id: string; readonly population: number }[],
  budgetPence: number,
  budgetSource: string,
  seed: string = DEMO_SEED,
): Result<CurrentAllocations, Issue[]> {
  if (!Number.isSafeInteger(budgetPence) || budgetPence <= 0) {
    return err([{ path: 'budget', message: 'the budget must be a whole number of pence above 0' }]);
  }
  if (!places.some((p) => p.population > 0)) {
    return err([{ path: 'places', message: 'no place has anyone registered: there is nothing to split by' }]);
  }
  const parts = apportion(
    budgetPence,
    places.map((p) => p.population * (1 + demoPerturbation(seed, p.id))),
  );
  return ok({
    pence: new Map(places.map((p, i) => [p.id, parts[i] ?? 0])),
    source: {
      kind: 'illustrative',
      description:
        `ILLUSTRATIVE DEMO DATA, not real allocations: the partnership's stated budget (${budgetSource}) split in ` +
        'proportion to registered population, each place then moved by a fixed amount within ±5% (seed ' +
        `"${seed}") so that some places are over target and some under. Supply real allocations as a CSV.`,
    },
  });
}
