/**
 * @module outcomes/trajectory
 * Where an outcome's measure should be in a given year: on the line through its baseline, any stated points and its
 * target. Before the baseline year it is the baseline; after the target year it is the target (the outcome holds
 * what it reached). Pure.
 */
import type { Outcome, OutcomePoint } from '../partnership/index.js';

/** The points the trajectory runs through, in year order: baseline, stated points, target. */
export function trajectoryPoints(outcome: Outcome): readonly OutcomePoint[] {
  if (outcome.baseline === undefined || outcome.target === undefined) return [];
  return [outcome.baseline, ...outcome.trajectory, outcome.target];
}

/** The trajectory's value for `year`, or undefined for an outcome that is not measured. */
export function trajectoryValue(outcome: Outcome, year: number): number | undefined {
  const points = trajectoryPoints(outcome);
  const first = points[0];
  const last = points.at(-1);
  if (first === undefined || last === undefined) return undefined;
  if (year <= first.year) return first.value;
  if (year >= last.year) return last.value;
  for (let i = 1; i < points.length; i += 1) {
    const a = points[i - 1];
    const b = points[i];
    if (a === undefined || b === undefined) continue;
    if (year <= b.year) return a.value + ((b.value - a.value) * (year - a.year)) / (b.year - a.year);
  }
  return last.value;
}
