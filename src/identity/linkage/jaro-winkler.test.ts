import { describe, expect, it } from 'vitest';
import { jaro, jaroWinkler, jaroWinklerBound, jaroWinklerFrom } from './jaro-winkler.js';
import { seededRng } from './random.js';

// Worked values published with the measure (Winkler 1990; reproduced in most references on record linkage).
describe('Jaro–Winkler', () => {
  it.each([
    ['MARTHA', 'MARHTA', 0.944, 0.961],
    ['DWAYNE', 'DUANE', 0.822, 0.84],
    ['DIXON', 'DICKSONX', 0.767, 0.813],
  ])('%s / %s: jaro %f, jaro–winkler %f', (a, b, j, jw) => {
    expect(jaro(a, b)).toBeCloseTo(j, 3);
    expect(jaroWinkler(a, b)).toBeCloseTo(jw, 3);
    expect(jaroWinkler(b, a)).toBeCloseTo(jw, 3);
  });

  it('is 1 for equal strings and 0 when nothing matches or one side is empty', () => {
    expect(jaroWinkler('SMITH', 'SMITH')).toBe(1);
    expect(jaroWinkler('ABC', 'XYZ')).toBe(0);
    expect(jaroWinkler('', 'SMITH')).toBe(0);
  });

  it('rewards a common prefix over the same errors later in the name', () => {
    expect(jaroWinkler('JONATHAN', 'JONATHON')).toBeGreaterThan(jaroWinkler('JONATHAN', 'XONATHAN'));
  });

  it('has a cheap bound that is never below the similarity, so ruling pairs out by it loses none', () => {
    const rng = seededRng(8);
    const word = () =>
      Array.from({ length: 1 + rng.int(9) }, () => 'ABEHNORST '.charAt(rng.int(10))).join('');
    let ruledOut = 0;
    for (let k = 0; k < 20_000; k++) {
      const [a, b] = [word(), word()];
      const similarity = jaroWinkler(a, b);
      expect(jaroWinklerBound(a, b)).toBeGreaterThanOrEqual(similarity - 1e-12);
      const from = jaroWinklerFrom(a, b, 0.88);
      if (from < 0) ruledOut++;
      // Ruled out only when below the floor; otherwise the exact similarity.
      expect(from < 0 ? similarity < 0.88 : from === similarity).toBe(true);
    }
    expect(ruledOut).toBeGreaterThan(1_000);
    // Beyond ASCII there is no bound.
    expect(jaroWinklerBound('ZOË', 'ZOE')).toBe(1);
  });
});
