import { describe, expect, it } from 'vitest';
import { candidatePairs, DEFAULT_BLOCKING_RULES } from './blocking.js';
import { prepareRecord } from './record.js';
import { syntheticPairs } from './testing.js';

describe('blocking', () => {
  const { left, right } = syntheticPairs(2_000, 11);
  const a = left.map(prepareRecord);
  const b = right.map(prepareRecord);

  it('keeps at least 99% of true pairs while comparing a small share of the cross product', () => {
    const pairs = candidatePairs(DEFAULT_BLOCKING_RULES, a, b);
    const found = pairs.filter(([i, j]) => i === j).length;
    expect(found / a.length).toBeGreaterThanOrEqual(0.99);
    expect(pairs.length).toBeLessThan((a.length * b.length) / 20);
  });

  it('gives each pair once, and within one list only i < j', () => {
    const all = [...a, ...b];
    const pairs = candidatePairs(DEFAULT_BLOCKING_RULES, all);
    expect(pairs.every(([i, j]) => i < j)).toBe(true);
    expect(new Set(pairs.map(([i, j]) => `${i},${j}`)).size).toBe(pairs.length);
  });

  it('brings together a pair whose names are written the wrong way round and whose date and postcode differ', () => {
    const one = prepareRecord({ id: 'x', forename: 'Claudia', surname: 'Huxley', dateOfBirth: '1944-10-20' });
    const other = prepareRecord({
      id: 'y',
      forename: 'Huxley',
      surname: 'Claudia',
      dateOfBirth: '1985-10-22',
    });
    expect(candidatePairs(DEFAULT_BLOCKING_RULES, [one], [other])).toEqual([[0, 0]]);
  });

  it('brings together a pair whose names, date and postcode all differ but whose street address is the same', () => {
    const one = prepareRecord({
      id: 'x',
      forename: 'Harrison',
      surname: 'Capurso',
      postcode: 'LS6 2AB',
      address: '7 Erldunda Circuit, Headingley',
    });
    const other = prepareRecord({
      id: 'y',
      forename: 'Capurso',
      surname: 'Ruby',
      postcode: 'LS6 2BA',
      address: '7 Erldunda Circiut',
    });
    expect(candidatePairs(DEFAULT_BLOCKING_RULES, [one], [other])).toEqual([[0, 0]]);
  });

  it('blocks nothing on a missing key', () => {
    const empty = [prepareRecord({ id: 'x' }), prepareRecord({ id: 'y' })];
    expect(candidatePairs(DEFAULT_BLOCKING_RULES, empty)).toEqual([]);
  });
});
