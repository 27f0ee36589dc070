import { describe, expect, it } from 'vitest';
import {
  ageSex,
  compileLifeCourse,
  cumulativeFromBands,
  lifeExpectancy,
  MAX_AGE,
  scaleQ,
  type LifeCourseModel,
} from './compile.js';
import { loadLifeCourseReference } from './reference.js';
import { wyhCalibration } from '../../../test/support/calibration.js';

const calibration = wyhCalibration();
const reference = (() => {
  const result = loadLifeCourseReference();
  if (!result.ok) throw new Error('the reference does not load');
  return result.value;
})();
const model: LifeCourseModel = (() => {
  const result = compileLifeCourse(reference, calibration);
  if (!result.ok) throw new Error(result.error);
  return result.value;
})();

describe('cumulativeFromBands', () => {
  it('is zero before the first band, never decreases, and reaches the last band', () => {
    const table = cumulativeFromBands([
      { from: 20, to: 39, male: 0.1, female: 0.2 },
      { from: 40, to: 59, male: 0.3, female: 0.1 },
      { from: 60, male: 0.2, female: 0.4 },
    ]);
    expect(table[ageSex(10, false)]).toBe(0);
    for (let age = 1; age <= MAX_AGE; age++) {
      expect(table[ageSex(age, false)]).toBeGreaterThanOrEqual(table[ageSex(age - 1, false)] ?? 0);
      expect(table[ageSex(age, true)]).toBeGreaterThanOrEqual(table[ageSex(age - 1, true)] ?? 0);
    }
    expect(table[ageSex(90, false)]).toBeCloseTo(0.3, 10); // the highest reached, kept
    expect(table[ageSex(90, true)]).toBeCloseTo(0.4, 10);
  });
});

describe('life expectancy', () => {
  it('of a constant yearly death probability q is 1/q − ½ (deaths mid-year), when few live to the last age', () => {
    expect(lifeExpectancy(() => 0.2)).toBeCloseTo(1 / 0.2 - 0.5, 6);
  });

  it('of each IMD decile is the published figure once the life table is bent by its multiplier', () => {
    for (const row of reference.mortality.lifeExpectancyByDecile.deciles) {
      const male = lifeExpectancy((age) =>
        scaleQ(model.qx[ageSex(age, false)] ?? 1, model.decileMortality[row.decile * 2] ?? 1),
      );
      const female = lifeExpectancy((age) =>
        scaleQ(model.qx[ageSex(age, true)] ?? 1, model.decileMortality[row.decile * 2 + 1] ?? 1),
      );
      expect(male).toBeCloseTo(row.male, 2);
      expect(female).toBeCloseTo(row.female, 2);
    }
  });
});

describe('compileLifeCourse', () => {
  it('puts risk factors before the conditions they affect', () => {
    const position = new Map(model.conditions.map((c, i) => [c.id, i]));
    for (const definition of reference.conditions)
      for (const factor of definition.riskFactors ?? [])
        expect(position.get(factor.condition)).toBeLessThan(position.get(definition.id) ?? -1);
  });

  it("scales every QOF condition so that each place's expected prevalence on the reference date is its QOF figure", () => {
    // Expected cases = Σ people × curve × place scale × decile factor, over the calibration's people by place,
    // decile, age and sex (the risk factors average out by construction).
    const AGES = MAX_AGE + 1;
    for (const condition of model.conditions.filter((c) => c.qofGroup !== undefined)) {
      model.places.forEach((place, p) => {
        let people = 0;
        let cases = 0;
        for (let d = 1; d <= 10; d++)
          for (let i = 0; i < AGES * 2; i++) {
            const w = model.population[(p * 11 + d) * AGES * 2 + i] ?? 0;
            people += w;
            if (i >> 1 >= condition.minimumAge)
              cases +=
                w *
                (condition.cumulative[i] ?? 0) *
                (condition.placeScale[p] ?? 0) *
                (condition.decileFactor[d] ?? 0);
          }
        const target = calibration.prevalence.find(
          (row) => row.place === place && row.disease === condition.qofGroup,
        );
        expect((100 * cases) / people, `${condition.id} in ${place}`).toBeCloseTo(
          target?.prevalencePct ?? -1,
          6,
        );
      });
    }
  });

  it('makes diabetes commoner in the most deprived decile than in the least, as the QOF gradient does', () => {
    const diabetes = model.conditionById.get('type-2-diabetes');
    expect(diabetes?.decileFactor[1]).toBeGreaterThan(diabetes?.decileFactor[10] ?? Infinity);
  });

  it('fails, naming the group, when a QOF condition has no prevalence for a place', () => {
    const result = compileLifeCourse(reference, {
      ...calibration,
      prevalence: calibration.prevalence.filter((row) => !(row.disease === 'DM' && row.place === 'leeds')),
    });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(/no QOF prevalence of DM for leeds/);
  });

  it('fails on a cycle of risk factors', () => {
    const conditions = reference.conditions.map((c) =>
      c.id === 'obesity'
        ? { ...c, riskFactors: [{ condition: 'type-2-diabetes', relativeRisk: 2, source: 'x' }] }
        : c,
    );
    const hasObesityFactor = reference.conditions
      .find((c) => c.id === 'type-2-diabetes')
      ?.riskFactors?.some((f) => f.condition === 'obesity');
    const result = compileLifeCourse({ ...reference, conditions }, calibration);
    if (hasObesityFactor === true) {
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error).toMatch(/cycle/);
    }
  });
});
