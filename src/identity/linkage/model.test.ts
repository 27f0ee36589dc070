import { describe, expect, it } from 'vitest';
import { defaultComparisons } from './comparisons.js';
import { type LinkageModel, levelWeight, probabilityOfWeight, scorePair, termFrequencies } from './model.js';
import { type LinkRecord, prepareRecord } from './record.js';

const comparisons = defaultComparisons();
// A hand-set model: every field's best level m = 0.9, u = 0.01; every other level m = 0.1/(k), u spread likewise.
function handModel(lambda: number): LinkageModel {
  const shares = (best: number) =>
    comparisons.map((c) =>
      c.levels.map((level, l) =>
        level.neutral === true ? 1 : l === 1 ? best : (1 - best) / (c.levels.length - 2),
      ),
    );
  return { comparisons, m: shares(0.9), u: shares(0.01), lambda };
}

const person: LinkRecord = {
  id: 'a',
  forename: 'Ada',
  surname: 'Smith',
  dateOfBirth: '1990-01-02',
  sex: 'female',
  postcode: 'LS1 4AP',
};

describe('Fellegi–Sunter weights', () => {
  it('weighs a level log2(m/u) and a missing level 0', () => {
    const model = handModel(0.5);
    expect(levelWeight(model, 1, 1)).toBeCloseTo(Math.log2(0.9 / 0.01), 10);
    expect(levelWeight(model, 1, 0)).toBe(0);
  });

  it('turns a total weight into a probability through the prior', () => {
    expect(probabilityOfWeight(0, 0.5)).toBeCloseTo(0.5, 12);
    // Odds = λ/(1−λ) · 2^W = (1/9) · 8.
    expect(probabilityOfWeight(3, 0.1)).toBeCloseTo(8 / 17, 12);
  });

  it('sums field weights, and missing fields add nothing', () => {
    const model = handModel(0.01);
    const a = prepareRecord(person);
    const full = scorePair(model, a, prepareRecord({ ...person, id: 'b' }));
    const sum = full.evidence.reduce((s, e) => s + e.weight, 0);
    expect(full.weight).toBeCloseTo(sum, 10);
    // NHS number missing on both sides: neutral.
    expect(full.evidence.find((e) => e.field === 'nhsNumber')).toMatchObject({ level: 'missing', weight: 0 });
    const lessKnown = scorePair(model, a, prepareRecord({ ...person, id: 'c', postcode: undefined }));
    expect(lessKnown.weight).toBeCloseTo(full.weight - levelWeight(model, 5, 1), 10);
    expect(lessKnown.probability).toBeLessThan(full.probability);
  });
});

describe('term-frequency adjustment', () => {
  it('gives an exact match on a rare surname more weight than one on a common surname', () => {
    const records = [
      ...Array.from({ length: 98 }, (_, i) => prepareRecord({ id: `s${i}`, surname: 'Smith' })),
      prepareRecord({ id: 'r1', surname: 'Illingworth' }),
      prepareRecord({ id: 'r2', surname: 'Illingworth' }),
    ];
    const model: LinkageModel = { ...handModel(0.01), termFrequencies: termFrequencies(records) };
    const common = scorePair(model, prepareRecord(person), prepareRecord({ ...person, id: 'b' }));
    const rareRecord = { ...person, surname: 'Illingworth' };
    const rare = scorePair(model, prepareRecord(rareRecord), prepareRecord({ ...rareRecord, id: 'b' }));
    const surnameWeight = (score: typeof rare) => score.evidence.find((e) => e.field === 'surname');
    expect(surnameWeight(rare)).toMatchObject({ level: 'exact', termFrequencyAdjusted: true });
    // m / frequency: 0.9 / 0.02 against 0.9 / 0.98.
    expect(surnameWeight(rare)?.weight).toBeCloseTo(Math.log2(0.9 / 0.02), 10);
    expect(surnameWeight(common)?.weight).toBeCloseTo(Math.log2(0.9 / 0.98), 10);
    expect(rare.probability).toBeGreaterThan(common.probability);
  });
});
