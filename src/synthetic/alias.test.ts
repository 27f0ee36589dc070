import { describe, expect, it } from 'vitest';
import { buildAlias, drawAlias } from './alias.js';
import { createRandom } from './random.js';

function frequencies(weights: number[], draws: number): number[] {
  const table = buildAlias(weights);
  if (!table.ok) throw new Error(table.error);
  const random = createRandom(11, 'alias');
  const counts = new Array<number>(weights.length).fill(0);
  for (let i = 0; i < draws; i++) counts[drawAlias(table.value, random)]! += 1;
  return counts.map((count) => count / draws);
}

describe('the alias sampler', () => {
  it('draws each category in proportion to its weight', () => {
    const weights = [1, 2, 3, 4, 0, 10];
    const total = weights.reduce((a, b) => a + b, 0);
    frequencies(weights, 200_000).forEach((share, i) => {
      expect(Math.abs(share - weights[i]! / total)).toBeLessThan(0.004);
    });
  });

  it('never draws a category of weight 0, and always draws the only one that has weight', () => {
    expect(frequencies([0, 0, 5, 0], 10_000)).toEqual([0, 0, 1, 0]);
  });

  it('refuses weights it cannot draw from, saying why', () => {
    expect(buildAlias([])).toEqual({ ok: false, error: 'there are no categories to draw from' });
    expect(buildAlias([0, 0])).toEqual({ ok: false, error: 'the weights add up to 0: nothing can be drawn' });
    expect(buildAlias([1, -1]).ok).toBe(false);
    expect(buildAlias([1, Number.NaN]).ok).toBe(false);
  });
});
