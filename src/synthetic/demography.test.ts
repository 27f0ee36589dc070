import { describe, expect, it } from 'vitest';
import { wyhCalibration } from '../../test/support/calibration.js';
import type { Calibration } from './calibration.js';
import { compileDemography, type ResidentDemography } from './demography.js';
import { createRandom } from './random.js';

function residents(count: number): {
  calibration: Calibration;
  drawn: ResidentDemography[];
} {
  const calibration = wyhCalibration();
  const demography = compileDemography(calibration);
  if (!demography.ok) throw new Error(demography.error);
  const random = createRandom(2026, 'demography-test');
  return { calibration, drawn: Array.from({ length: count }, () => demography.value.draw(random)) };
}

describe('the demography of synthetic residents', () => {
  const { calibration, drawn } = residents(200_000);
  const share = (predicate: (r: ResidentDemography) => boolean) =>
    drawn.filter(predicate).length / drawn.length;

  it('puts residents in places in proportion to their population (within 0.5 percentage points)', () => {
    const placeOf = new Map(calibration.lsoas.map((row) => [row.lsoa11, row.place]));
    const perPlace = new Map<string, number>();
    let total = 0;
    for (const row of calibration.population) {
      const place = placeOf.get(row.lsoa11)!;
      perPlace.set(place, (perPlace.get(place) ?? 0) + row.total);
      total += row.total;
    }
    for (const [place, people] of perPlace) {
      expect(Math.abs(share((r) => r.place === place) - people / total)).toBeLessThan(0.005);
    }
  });

  it('keeps the deprivation gradient of age: more people over 65 in the least deprived decile than the most', () => {
    const over65 = (decile: number) => {
      const inDecile = drawn.filter((r) => r.imdDecile === decile);
      return inDecile.filter((r) => r.age >= 65).length / inDecile.length;
    };
    expect(over65(10)).toBeGreaterThan(over65(1) + 0.05);
  });

  it('gives sexes from the district and age: women outnumber men over 75, and boys girls under 16', () => {
    const female = (from: number, to: number) => {
      const band = drawn.filter((r) => r.age >= from && r.age <= to);
      return band.filter((r) => r.sex === 'female').length / band.length;
    };
    expect(female(75, 90)).toBeGreaterThan(0.53);
    expect(female(0, 15)).toBeLessThan(0.5);
  });

  it('is reproducible: the same seed and stream give the same residents', () => {
    expect(residents(50).drawn).toEqual(drawn.slice(0, 50));
  });

  it('refuses tables that do not cover one another, saying what is missing', () => {
    const broken = { ...calibration, ageStructure: calibration.ageStructure.slice(1) };
    const result = compileDemography(broken);
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.error).toMatch(/^no age structure for .*, decile \d+ \(needed by E01\d+\)$/);
  });
});
