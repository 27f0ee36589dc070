import { describe, expect, it } from 'vitest';
import { directlyStandardisedRate, ESP2013, wilsonInterval } from '../statistics/index.js';
import type { CubeCell } from './cube.js';
import { parseIndicator, type Indicator } from './definition.js';
import { indicatorValues } from './measures.js';

function indicator(measure: Indicator['measure'], per: Indicator['per']): Indicator {
  const parsed = parseIndicator(
    {
      id: 'test',
      title: 'Test',
      description: 'x',
      rationale: 'x',
      source: 'x',
      priority: ['x'],
      measure,
      per,
      polarity: 'low-is-good',
      years: { from: 2020, to: 2020 },
      population: { at: 'start' },
      numerator: { where: { died: { within: 'period' } } },
    },
    'test',
  );
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.error));
  return parsed.value;
}

const cell = (over: Partial<CubeCell>): CubeCell => ({
  year: 2020,
  place: 'leeds',
  imdQuintile: 1,
  sex: 'female',
  ageBand: 10,
  ethnicGroup: 'White',
  numerator: 0,
  denominator: 0,
  ...over,
});

describe('indicator figures from the cube', () => {
  it('add up: every breakdown’s groups sum to the whole partnership', () => {
    const cells = [
      cell({ numerator: 3, denominator: 100 }),
      cell({ place: 'wakefield', imdQuintile: 5, sex: 'male', numerator: 7, denominator: 50 }),
      cell({ place: null, imdQuintile: null, ethnicGroup: 'Asian', numerator: 1, denominator: 10 }),
    ];
    const values = indicatorValues(indicator('proportion', 100), cells);
    const all = values.find((v) => v.breakdown === 'all');
    expect(all).toMatchObject({ numerator: 11, denominator: 160 });
    const expected = wilsonInterval(11, 160, 95);
    if (!expected.ok) throw new Error(expected.error);
    expect(all?.value).toBeCloseTo((11 / 160) * 100, 10);
    expect(all?.limits95?.lower).toBeCloseTo(expected.value.lower * 100, 10);
    const byEthnicGroup = values.filter((v) => v.breakdown === 'ethnic-group');
    expect(byEthnicGroup.reduce((sum, v) => sum + v.denominator, 0)).toBe(160);
    // Cells with no place are in the whole and in the breakdowns that know them, but in no place.
    expect(values.filter((v) => v.breakdown === 'place').map((v) => v.group)).toEqual(['leeds', 'wakefield']);
  });

  it('standardises a DSR over the ESP2013 bands its population covers (an under-75 rate has no one over 74)', () => {
    // Cube bands 0 (<1) and 1 (1-4) are ESP2013's first band together; cube band 15 (70-74) is ESP2013's 15th.
    const cells = [
      cell({ ageBand: 0, numerator: 1, denominator: 100 }),
      cell({ ageBand: 1, numerator: 1, denominator: 400 }),
      cell({ ageBand: 15, numerator: 20, denominator: 1000 }),
    ];
    const [all] = indicatorValues(indicator('directly-standardised-rate', 100000), cells);
    const expected = directlyStandardisedRate(
      [
        { events: 2, population: 500, standard: ESP2013[0] ?? 0 },
        { events: 20, population: 1000, standard: ESP2013[14] ?? 0 },
      ],
      { per: 100000 },
    );
    if (!expected.ok) throw new Error(expected.error);
    expect(all?.value).toBeCloseTo(expected.value.value, 8);
    expect(all?.method).toBe(expected.value.method);
  });

  it('gives the crude rate of each age band for an age-standardised measure, and says so', () => {
    const values = indicatorValues(indicator('directly-standardised-rate', 100000), [
      cell({ ageBand: 15, numerator: 20, denominator: 1000 }),
    ]);
    const band = values.find((v) => v.breakdown === 'age-band');
    expect(band).toMatchObject({ group: '70-74', value: 2000 });
    expect(band?.method).toMatch(/not standardised within an age band/);
  });

  it('standardises every group over the whole population’s bands, and gives none to a group missing one', () => {
    const cells = [
      cell({ place: 'leeds', ageBand: 2, numerator: 2, denominator: 400 }),
      cell({ place: 'leeds', ageBand: 15, numerator: 20, denominator: 1000 }),
      cell({ place: 'wakefield', ageBand: 2, numerator: 3, denominator: 300 }),
    ];
    const values = indicatorValues(indicator('directly-standardised-rate', 100000), cells);
    expect(values.find((v) => v.breakdown === 'place' && v.group === 'leeds')?.value).toBeDefined();
    expect(values.find((v) => v.breakdown === 'place' && v.group === 'wakefield')).toMatchObject({
      value: undefined,
      note: 'no population in some of the age bands standardised over',
    });
  });

  it('gives no life expectancy within an age band', () => {
    const values = indicatorValues(indicator('life-expectancy', 1), [
      cell({ ageBand: 15, numerator: 20, denominator: 1000 }),
    ]);
    expect(values.find((v) => v.breakdown === 'age-band')).toMatchObject({
      value: undefined,
      note: 'life expectancy is not computed within an age band',
    });
  });
});
