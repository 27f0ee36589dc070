/**
 * @module money/fair-shares/pace-of-change
 * Moving allocations towards target over the years, pure. Each year the partnership's total grows by the uplift;
 * the targets are the new total split by the (fixed) target shares. Then, in order:
 *
 * 1. every place gets at least the floor uplift, and a place under target at least enough to hold its position
 *    (the same distance from the new target as from the old), so no one under target falls further behind;
 * 2. a place still more than `maxBelowTargetPercent` below its new target is brought up to that line, as far as
 *    the money allows (shared in proportion to what each needs when it does not stretch);
 * 3. what is left raises the places under target, the furthest first, towards a common distance from target,
 *    none past its target;
 * 4. anything still left goes to every place towards a common distance (places above target thus get growth only
 *    when every place has reached its target).
 *
 * No place's uplift passes the ceiling, except by the few pence needed to spend the total exactly when every place
 * is at its ceiling. Every amount is whole pence and the places add up to the year's total to the penny; the same
 * inputs always give the same result. Parameters are checked first, every problem named (errors as values).
 */
import type { Issue } from '../../core/problem.js';
import { err, ok, type Result } from '../../core/result.js';
import { apportion } from './model.js';

export interface PaceOfChangePolicy {
  /** Years to simulate (1 to 30). */
  readonly years: number;
  /** The growth of the partnership's total each year, in per cent (0 to 50). */
  readonly upliftPercent: number;
  /** The least any place's allocation grows each year, in per cent (0 to upliftPercent). */
  readonly floorUpliftPercent: number;
  /** The most any place's allocation grows in a year, in per cent (upliftPercent to 100). */
  readonly ceilingUpliftPercent: number;
  /** No place more than this far below its target, in per cent (0 to 100), as far as the money allows. */
  readonly maxBelowTargetPercent: number;
}

/** A policy for the demo: 3% growth, at least 1.5% for everyone, at most 6%, none more than 5% under target. */
export const DEFAULT_POLICY: PaceOfChangePolicy = Object.freeze({
  years: 5,
  upliftPercent: 3,
  floorUpliftPercent: 1.5,
  ceilingUpliftPercent: 6,
  maxBelowTargetPercent: 5,
});

export function checkPolicy(policy: PaceOfChangePolicy): Result<PaceOfChangePolicy, Issue[]> {
  const issues: Issue[] = [];
  const range = (name: keyof PaceOfChangePolicy, min: number, max: number, integer = false) => {
    const value = policy[name];
    if (!Number.isFinite(value) || (integer && !Number.isInteger(value)) || value < min || value > max) {
      issues.push({
        path: name,
        message: `${name} is ${String(value)}; it must be ${integer ? 'a whole number' : 'a number'} from ${min} to ${max}`,
      });
      return false;
    }
    return true;
  };
  range('years', 1, 30, true);
  const uplift = range('upliftPercent', 0, 50);
  range('maxBelowTargetPercent', 0, 100);
  if (uplift) {
    range('floorUpliftPercent', 0, policy.upliftPercent);
    range('ceilingUpliftPercent', policy.upliftPercent, 100);
  } else {
    range('floorUpliftPercent', 0, 50);
    range('ceilingUpliftPercent', 0, 100);
  }
  return issues.length > 0 ? err(issues) : ok(policy);
}

export interface SimulatedPlace {
  readonly id: string;
  readonly allocationPence: number;
  readonly targetPence: number;
  /** (allocation − target) / target; null when the target is 0. */
  readonly distance: number | null;
  /** Growth on the year before, in per cent; null in year 0 or from nothing. */
  readonly upliftPercent: number | null;
}

export interface SimulatedYear {
  /** 0 is now; 1 the first year of the policy. */
  readonly year: number;
  readonly totalPence: number;
  readonly places: readonly SimulatedPlace[];
}

export interface SimulationInput {
  readonly places: readonly {
    readonly id: string;
    readonly currentPence: number;
    readonly targetShare: number;
  }[];
  readonly policy: PaceOfChangePolicy;
}

const row = (
  id: string,
  allocationPence: number,
  targetPence: number,
  before: number | undefined,
): SimulatedPlace => ({
  id,
  allocationPence,
  targetPence,
  distance: targetPence === 0 ? null : (allocationPence - targetPence) / targetPence,
  upliftPercent: before === undefined || before === 0 ? null : ((allocationPence - before) / before) * 100,
});

/**
 * Raises `x` (in place) by `amount` pence in all, each part towards `limit`, so that x[i] / weight[i] rises to a
 * common level from the bottom up (water filling). Returns the pence it could not place (all at their limits).
 */
function levelUp(x: number[], weight: readonly number[], limit: readonly number[], amount: number): number {
  const room = x.map((v, i) => Math.max(0, (limit[i] ?? v) - v));
  const roomTotal = room.reduce((s, r) => s + r, 0);
  if (amount <= 0) return 0;
  if (roomTotal <= amount) {
    room.forEach((r, i) => (x[i] = (x[i] ?? 0) + r));
    return amount - roomTotal;
  }
  const given = (level: number) =>
    x.map((v, i) =>
      (weight[i] ?? 0) > 0 ? Math.min(room[i] ?? 0, Math.max(0, level * (weight[i] ?? 0) - v)) : 0,
    );
  const sum = (parts: readonly number[]) => parts.reduce((s, p) => s + p, 0);
  let low = 0;
  let high = Math.max(...x.map((v, i) => ((weight[i] ?? 0) > 0 ? (limit[i] ?? v) / (weight[i] ?? 1) : 0)));
  for (let k = 0; k < 200 && high - low > high * 1e-15; k++) {
    const mid = (low + high) / 2;
    if (sum(given(mid)) > amount) high = mid;
    else low = mid;
  }
  const exact = given(low);
  const whole = exact.map((g) => Math.floor(g));
  let left = amount - sum(whole);
  // The pence the floors left: one each, largest fraction first (ties to the earlier place), to places with room.
  const order = exact
    .map((g, i) => ({ i, rest: g - Math.floor(g) }))
    .sort((a, b) => b.rest - a.rest || a.i - b.i);
  while (left > 0) {
    let placed = false;
    for (const { i } of order) {
      if (left === 0) break;
      if ((whole[i] ?? 0) < (room[i] ?? 0)) {
        whole[i] = (whole[i] ?? 0) + 1;
        left--;
        placed = true;
      }
    }
    if (!placed) break;
  }
  whole.forEach((g, i) => (x[i] = (x[i] ?? 0) + g));
  return left;
}

/** One year of the policy: from this year's allocations and targets to next year's. */
function step(
  current: readonly number[],
  targetsBefore: readonly number[],
  shares: readonly number[],
  policy: PaceOfChangePolicy,
): { allocations: number[]; targets: number[]; total: number } {
  const totalBefore = current.reduce((s, c) => s + c, 0);
  const total = Math.round(totalBefore * (1 + policy.upliftPercent / 100));
  const targets = apportion(total, shares);
  const under = current.map((c, i) => c < (targetsBefore[i] ?? 0));
  // 1. The floor, and holding position for places under target (floored, so never more than the total).
  // Targets scale with the total (the shares are fixed), so holding position is growing with the total: with the
  // total's exact ratio, not the rounded targets', the floors and holds can never add up to more than the total.
  const x = current.map((c, i) => {
    const floor = Math.floor(c * (1 + policy.floorUpliftPercent / 100));
    const hold = under[i] ? Number((BigInt(c) * BigInt(total)) / BigInt(totalBefore)) : 0;
    return Math.max(floor, hold);
  });
  const ceiling = current.map((c, i) =>
    Math.max(x[i] ?? 0, Math.floor(c * (1 + policy.ceilingUpliftPercent / 100))),
  );
  let left = total - x.reduce((s, v) => s + v, 0);
  // The floors are computed in floating point and may, at a boundary, round a penny up: take such pence back, one
  // from each of the largest allocations, so the year still adds up exactly.
  for (let k = 0; left < 0; k++) {
    const order = x.map((v, i) => ({ v, i })).sort((a, b) => b.v - a.v || a.i - b.i);
    const i = order[k % order.length]?.i ?? 0;
    x[i] = (x[i] ?? 0) - 1;
    left++;
  }
  // 2. No place more than maxBelowTargetPercent under its target, as far as the money allows.
  const line = targets.map((t) => Math.ceil(t * (1 - policy.maxBelowTargetPercent / 100)));
  const needs = x.map((v, i) => Math.max(0, Math.min(line[i] ?? 0, ceiling[i] ?? 0) - v));
  const needed = needs.reduce((s, n) => s + n, 0);
  if (needed > 0) {
    const give = needed <= left ? needs : apportion(left, needs);
    give.forEach((g, i) => (x[i] = (x[i] ?? 0) + g));
    left -= give.reduce((s, g) => s + g, 0);
  }
  // 3. Places under target, the furthest first, towards a common distance; none past its target.
  left = levelUp(
    x,
    targets,
    x.map((v, i) => (v < (targets[i] ?? 0) ? Math.min(targets[i] ?? 0, ceiling[i] ?? 0) : v)),
    left,
  );
  // 4. Everyone, towards a common distance, within the ceiling; then, only if every place is at its ceiling, beyond.
  left = levelUp(x, targets, ceiling, left);
  if (left > 0) {
    apportion(left, targets.some((t) => t > 0) ? targets : x.map(() => 1)).forEach(
      (g, i) => (x[i] = (x[i] ?? 0) + g),
    );
  }
  return { allocations: x, targets, total };
}

/** Year 0 (now) and each year of the policy. */
export function simulate(input: SimulationInput): Result<SimulatedYear[], Issue[]> {
  const checked = checkPolicy(input.policy);
  if (!checked.ok) return checked;
  const issues: Issue[] = [];
  if (input.places.length === 0) issues.push({ path: 'places', message: 'there are no places' });
  input.places.forEach((p, i) => {
    if (!Number.isSafeInteger(p.currentPence) || p.currentPence < 0) {
      issues.push({ path: `places[${i}].currentPence`, message: `${p.id}: must be whole pence ≥ 0` });
    }
    if (!Number.isFinite(p.targetShare) || p.targetShare < 0) {
      issues.push({ path: `places[${i}].targetShare`, message: `${p.id}: must be a share ≥ 0` });
    }
  });
  const shares = input.places.map((p) => p.targetShare);
  if (issues.length === 0 && !shares.some((s) => s > 0)) {
    issues.push({ path: 'places', message: 'every target share is 0' });
  }
  let allocations = input.places.map((p) => p.currentPence);
  const total0 = allocations.reduce((s, a) => s + a, 0);
  if (issues.length === 0 && total0 === 0)
    issues.push({ path: 'places', message: 'the allocations add up to 0' });
  if (issues.length > 0) return err(issues);
  let targets = apportion(total0, shares);
  const ids = input.places.map((p) => p.id);
  const years: SimulatedYear[] = [
    {
      year: 0,
      totalPence: total0,
      places: ids.map((id, i) => row(id, allocations[i] ?? 0, targets[i] ?? 0, undefined)),
    },
  ];
  for (let year = 1; year <= input.policy.years; year++) {
    const next = step(allocations, targets, shares, input.policy);
    if (!Number.isSafeInteger(next.total)) {
      return err([{ message: `year ${year}: the total grows beyond what pence can hold exactly` }]);
    }
    years.push({
      year,
      totalPence: next.total,
      places: ids.map((id, i) => row(id, next.allocations[i] ?? 0, next.targets[i] ?? 0, allocations[i])),
    });
    allocations = next.allocations;
    targets = next.targets;
  }
  return ok(years);
}
