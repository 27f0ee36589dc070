/**
 * @module population/statistics/discrimination
 * How well a risk score separates and matches outcomes, from grouped data (persons with the same score counted
 * together): the area under the ROC curve with ties counted as half (the Mann–Whitney statistic, Hanley & McNeil
 * 1982), and calibration by tenths of predicted risk (predicted against observed, as Steyerberg's "Clinical
 * Prediction Models" reports it). Pure.
 */

export interface ScoredGroup {
  /** The predicted risk of everyone in the group. */
  readonly score: number;
  /** Persons in the group. */
  readonly persons: number;
  /** Of them, with the outcome. */
  readonly events: number;
}

/**
 * The probability that a random person with the outcome scores higher than a random person without it, a tie
 * counting one half. Undefined when either set is empty.
 */
export function areaUnderCurve(groups: readonly ScoredGroup[]): number | undefined {
  // Pool groups of equal score first: persons in them are tied whichever group they came from.
  const pooled = new Map<number, { positives: number; negatives: number }>();
  for (const g of groups) {
    const entry = pooled.get(g.score) ?? { positives: 0, negatives: 0 };
    entry.positives += g.events;
    entry.negatives += g.persons - g.events;
    pooled.set(g.score, entry);
  }
  const ordered = [...pooled.entries()].sort((a, b) => a[0] - b[0]);
  let negativesBelow = 0;
  let concordant = 0;
  let positives = 0;
  for (const [, { positives: pos, negatives: neg }] of ordered) {
    concordant += pos * negativesBelow + 0.5 * pos * neg;
    negativesBelow += neg;
    positives += pos;
  }
  const negatives = negativesBelow;
  if (positives === 0 || negatives === 0) return undefined;
  return concordant / (positives * negatives);
}

export interface CalibrationGroup {
  /** 1 = lowest predicted risk. */
  readonly group: number;
  readonly persons: number;
  /** Sum of predicted risks: the events the model expects. */
  readonly predicted: number;
  readonly observed: number;
  /** The lowest and highest predicted risk in the group. */
  readonly minScore: number;
  readonly maxScore: number;
}

/**
 * Persons ordered by predicted risk and cut into `count` groups of about equal size. A group of persons with the
 * same score is never split (they are indistinguishable), so each goes whole to the group its middle person falls
 * in, and groups may be unequal; a group nobody falls in is left out.
 */
export function calibrationGroups(groups: readonly ScoredGroup[], count = 10): CalibrationGroup[] {
  const ordered = [...groups].filter((g) => g.persons > 0).sort((a, b) => a.score - b.score);
  const total = ordered.reduce((sum, g) => sum + g.persons, 0);
  const out = new Map<
    number,
    { persons: number; predicted: number; observed: number; min: number; max: number }
  >();
  let before = 0;
  for (const g of ordered) {
    const middle = before + g.persons / 2;
    const group = Math.min(count, Math.floor((middle / total) * count) + 1);
    before += g.persons;
    const entry = out.get(group) ?? { persons: 0, predicted: 0, observed: 0, min: g.score, max: g.score };
    entry.persons += g.persons;
    entry.predicted += g.persons * g.score;
    entry.observed += g.events;
    entry.min = Math.min(entry.min, g.score);
    entry.max = Math.max(entry.max, g.score);
    out.set(group, entry);
  }
  return [...out.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([group, e]) => ({
      group,
      persons: e.persons,
      predicted: e.predicted,
      observed: e.observed,
      minScore: e.min,
      maxScore: e.max,
    }));
}
