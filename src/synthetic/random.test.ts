import { describe, expect, it } from 'vitest';
import { createRandom } from './random.js';

const take = (seed: number, stream: string, n: number) => {
  const random = createRandom(seed, stream);
  return Array.from({ length: n }, () => random.next());
};

describe('createRandom', () => {
  it('gives the same numbers for the same seed and stream, and different ones otherwise', () => {
    expect(take(42, 'resident/1', 5)).toEqual(take(42, 'resident/1', 5));
    expect(take(42, 'resident/1', 5)).not.toEqual(take(42, 'resident/2', 5));
    expect(take(42, 'resident/1', 5)).not.toEqual(take(43, 'resident/1', 5));
  });

  it('pins its output, so a change to the generator cannot pass unnoticed (it would change every population)', () => {
    expect(take(1, 'pin', 3).map((x) => x.toFixed(10))).toEqual([
      '0.0687286411',
      '0.1969373957',
      '0.5409635045',
    ]);
  });

  it('starts streams named alike (slot/0, slot/1, …) far apart: their first numbers are uniform and uncorrelated', () => {
    const streams = 100_000;
    const first = Array.from({ length: streams }, (_, k) => createRandom(1, `slot/${k}`).next());
    const bins = new Array<number>(10).fill(0);
    for (const x of first) bins[Math.floor(x * 10)]! += 1;
    // Each bin's share has a standard deviation of about 0.001: 0.005 is five of them.
    for (const count of bins) expect(Math.abs(count / streams - 0.1)).toBeLessThan(0.005);
    // Neighbours' first numbers: a correlation's standard deviation is about 1/√n = 0.003 here.
    const mean = first.reduce((sum, x) => sum + x, 0) / streams;
    let covariance = 0;
    let variance = 0;
    for (let k = 0; k < streams; k++) {
      variance += ((first[k] as number) - mean) ** 2;
      if (k > 0) covariance += ((first[k] as number) - mean) * ((first[k - 1] as number) - mean);
    }
    expect(Math.abs(covariance / variance)).toBeLessThan(0.02);
  });

  it('is uniform enough: 10 equal bins of 100,000 draws each hold 10% ± 0.5%', () => {
    const random = createRandom(7, 'uniformity');
    const bins = new Array<number>(10).fill(0);
    for (let i = 0; i < 100_000; i++) {
      const x = random.next();
      expect(x >= 0 && x < 1).toBe(true);
      bins[Math.floor(x * 10)]! += 1;
    }
    for (const count of bins) expect(Math.abs(count / 100_000 - 0.1)).toBeLessThan(0.005);
    expect(() => random.int(0)).toThrow();
  });
});
