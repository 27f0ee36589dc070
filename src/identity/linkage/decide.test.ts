import { describe, expect, it } from 'vitest';
import { defaultComparisons } from './comparisons.js';
import { decide, DEFAULT_THRESHOLDS } from './decide.js';
import type { LinkageModel } from './model.js';
import { type LinkRecord, prepareRecord } from './record.js';

const comparisons = defaultComparisons();
// Best level m 0.9 / u 0.01, the rest shared out; λ small, as among blocked pairs of a large population.
const shares = (best: number) =>
  comparisons.map((c) =>
    c.levels.map((level, l) =>
      level.neutral === true ? 1 : l === 1 ? best : (1 - best) / (c.levels.length - 2),
    ),
  );
const model: LinkageModel = { comparisons, m: shares(0.9), u: shares(0.01), lambda: 0.001 };

const person: LinkRecord = {
  id: 'a',
  forename: 'Margaret',
  surname: 'Ackroyd',
  dateOfBirth: '1948-06-14',
  sex: 'female',
  postcode: 'HX1 2AB',
  nhsNumber: '9434765919',
};
const run = (a: LinkRecord, b: LinkRecord) => decide(model, prepareRecord(a), prepareRecord(b));

describe('decisions', () => {
  it('auto-links an equal valid NHS number when the demographics agree', () => {
    const decision = run(person, { ...person, id: 'b', forename: 'Peggy', postcode: 'HX3 9ZZ' });
    expect(decision).toMatchObject({ outcome: 'auto-link', reason: 'nhs-number' });
  });

  it('sends an equal NHS number with clearly different demographics to review, not auto-link', () => {
    const stranger: LinkRecord = {
      ...person,
      id: 'b',
      forename: 'Tariq',
      surname: 'Hussain',
      dateOfBirth: '1990-11-02',
      sex: 'male',
      postcode: 'BD7 1AA',
    };
    const decision = run(person, stranger);
    expect(decision).toMatchObject({ outcome: 'review', reason: 'nhs-number-demographics-disagree' });
  });

  it('sends twins under one NHS number to review: everything agrees but a forename with nothing in common', () => {
    const twin = run(person, { ...person, id: 'b', forename: 'Susan' });
    expect(twin.evidence.find((e) => e.field === 'forename')?.level).toBe('else');
    // Their other fields alone would have linked them.
    expect(twin.weight - (twin.evidence[0]?.weight ?? 0)).toBeGreaterThan(
      DEFAULT_THRESHOLDS.nhsDemographicsFloor,
    );
    expect(twin).toMatchObject({ outcome: 'review', reason: 'nhs-number-demographics-disagree' });
  });

  it('links by probability without an NHS number, and shows the evidence field by field', () => {
    const decision = run({ ...person, nhsNumber: undefined }, { ...person, id: 'b', nhsNumber: undefined });
    expect(decision.outcome).toBe('auto-link');
    expect(decision.reason).toBe('probability');
    expect(decision.evidence.map((e) => [e.field, e.level])).toEqual([
      ['nhsNumber', 'missing'],
      ['forename', 'exact'],
      ['surname', 'exact'],
      ['dateOfBirth', 'exact'],
      ['sex', 'exact'],
      ['postcode', 'full'],
      ['address', 'missing'],
      ['email', 'missing'],
      ['otherIdentifier', 'missing'],
    ]);
    expect(decision.evidence.reduce((s, e) => s + e.weight, 0)).toBeCloseTo(decision.weight, 10);
  });

  it('puts a middling pair in review and a clear non-match in no-link', () => {
    const noNhs = { ...person, nhsNumber: undefined };
    // Same names and sex, but the date one component off and a different postcode: uncertain.
    const middling = run(noNhs, {
      ...noNhs,
      id: 'b',
      dateOfBirth: '1948-06-15',
      postcode: 'LS6 1AA',
    });
    expect(middling.probability).toBeGreaterThanOrEqual(DEFAULT_THRESHOLDS.review);
    expect(middling.probability).toBeLessThan(DEFAULT_THRESHOLDS.autoLink);
    expect(middling.outcome).toBe('review');
    const other = run(noNhs, { id: 'b', forename: 'Tariq', surname: 'Hussain', dateOfBirth: '1990-11-02' });
    expect(other.outcome).toBe('no-link');
  });

  it('does not auto-link two different valid NHS numbers, however alike the rest', () => {
    const decision = run(person, { ...person, id: 'b', nhsNumber: '9999999999' });
    expect(decision.evidence[0]).toMatchObject({ field: 'nhsNumber', level: 'different' });
    expect(decision.outcome).toBe('review');
    expect(decision.reason).toBe('nhs-numbers-differ');
    // The weights alone would have linked them: the rule, not the weights, keeps the pair from auto-link.
    expect(decision.probability).toBeGreaterThanOrEqual(DEFAULT_THRESHOLDS.autoLink);
  });
});
