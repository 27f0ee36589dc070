/**
 * The report put together from the two-place example (model.test.ts) and through computeFairShares with Accord's
 * own weights and catalogue: the method names every weight and source, the CSV holds every table with
 * populations rounded to 5 by disclosure control, and a bad allocations CSV or policy comes back as issues.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../core/paths.js';
import { loadCatalogue } from '../../population/indicators/catalogue.js';
import { computeFairShares } from './index.js';
import type { NeedCell } from './need-cells.js';
import { DEFAULT_POLICY } from './pace-of-change.js';
import { fairSharesCsv, fairSharesReport, publishedPeople } from './report.js';
import { HAND_WEIGHTS } from './testing.js';

const PLACES = [
  { id: 'a', name: 'Place A' },
  { id: 'b', name: 'Place B' },
];
const CELLS: NeedCell[] = [
  { place: 'a', ageBand: 2, sex: 'male', imdQuintile: 1, persons: 1003, multimorbid: 0 },
  { place: 'b', ageBand: 15, sex: 'female', imdQuintile: 5, persons: 1001, multimorbid: 200 },
];
const catalogue = (() => {
  const loaded = loadCatalogue(join(packageRoot, 'indicators'));
  if (!loaded.ok) throw new Error('catalogue');
  return loaded.value;
})();

describe('the fair-shares report', () => {
  const report = fairSharesReport({
    year: 2024,
    cells: CELLS,
    weights: HAND_WEIGHTS,
    places: PLACES,
    allocations: {
      pence: new Map([
        ['a', 100_000_000],
        ['b', 100_000_000],
      ]),
      source: { kind: 'supplied', description: 'Current allocations supplied in test.csv.' },
    },
    policy: DEFAULT_POLICY,
    conditions: [{ id: 'asthma', title: 'Asthma' }],
  });

  it('holds every table and the method', () => {
    if (!report.ok) throw new Error(JSON.stringify(report.error));
    expect(report.value.places.map((p) => p.targetPence).reduce((s, p) => s + p, 0)).toBe(200_000_000);
    expect(report.value.simulation).toHaveLength(DEFAULT_POLICY.years + 1);
    expect(report.value.method.text.join(' ')).toMatch(/1\.500, 1\.375, 1\.250, 1\.125, 1\.000/);
    expect(report.value.method.text.join(' ')).toMatch(/times 2\.00 when they have 2 or more of 1 long-term/);
    expect(JSON.parse(JSON.stringify(report.value))).toEqual(report.value);
  });

  it('writes every table as CSV, the populations rounded to 5', () => {
    if (!report.ok) throw new Error('report');
    const csv = fairSharesCsv(report.value);
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe('"Fair shares, registered population on 31 December 2024"');
    const a = lines.find((l) => l.startsWith('a,Place A,'));
    expect(a?.split(',')[2]).toBe('1005'); // 1003 → 1005
    expect(lines).toContain('total,Partnership,2005,2005,1.000,1.000,100.000,2000000.00,2000000.00,0.00,,');
    for (const title of [
      'Places',
      'Pace of change',
      'Age and sex cost weights',
      'Deprivation index',
      'Multimorbidity',
      'Sources',
      'Method',
    ]) {
      expect(lines).toContain(title);
    }
    expect(lines).toContain('1,1.500,test');
    expect(csv.endsWith('\r\n')).toBe(true);
    expect(publishedPeople(5)).toBe('[c]');
  });

  it('comes from the need cells with Accord’s weights, and an illustrative demo allocation when none is given', () => {
    const demo = computeFairShares({
      year: 2024,
      cells: CELLS,
      catalogue,
      places: PLACES,
      budget: { pence: 550_000_000_000, source: 'wyh-five-year-plan-2020' },
    });
    if (!demo.ok) throw new Error(JSON.stringify(demo.error));
    expect(demo.value.allocations.kind).toBe('illustrative');
    expect(demo.value.totalPence).toBe(550_000_000_000);
    expect(demo.value.method.multimorbidity.conditions.map((c) => c.id)).toContain('diabetes-type2');
    expect(demo.value.method.sources.map((s) => s.id)).toContain('asaria-2016-jech');
    // A sample of a partnership of 2.6 million: the budget scaled to the 2,004 people counted, as published (2,005).
    const scaled = computeFairShares({
      year: 2024,
      cells: CELLS,
      catalogue,
      places: PLACES,
      budget: { pence: 550_000_000_000, source: 'plan', statedPopulation: 2_600_000 },
    });
    if (!scaled.ok) throw new Error('scaled');
    expect(scaled.value.totalPence).toBe(Math.round((550_000_000_000 * 2005) / 2_600_000));
    expect(scaled.value.allocations.description).toContain(
      'plan, scaled from its stated population of 2,600,000',
    );
    const supplied = computeFairShares({
      year: 2024,
      cells: CELLS,
      catalogue,
      places: PLACES,
      budget: { pence: 1, source: 'x' },
      allocationsCsv: { text: 'place,allocation_pounds\na,100\n', file: 'mine.csv' },
    });
    expect(!supplied.ok && supplied.error[0]).toMatchObject({
      file: 'mine.csv',
      message: 'no allocation for Place B: every place needs one row',
    });
    const badPolicy = computeFairShares({
      year: 2024,
      cells: CELLS,
      catalogue,
      places: PLACES,
      budget: { pence: 100_000, source: 'x' },
      policy: { ...DEFAULT_POLICY, years: 99 },
    });
    expect(!badPolicy.ok && badPolicy.error[0]?.path).toBe('policy.years');
  });
});
