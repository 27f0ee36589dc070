/**
 * The measures as worked examples: vacancy rate, annual turnover from quarterly returns (NHS Digital's leaver rate),
 * breakdowns and places, and the quarters they rest on.
 */
import { describe, expect, it } from 'vitest';
import {
  annualTurnover,
  breakdown,
  headlinePeriod,
  latestPeriod,
  placesOfOrganisations,
  SEVERAL_PLACES,
  sectorOf,
  sumLines,
  trend,
  vacancyRate,
  workingCarersOf,
  measuresAt,
} from './measures.js';
import { parseQuarter, quarterEnd, quarterLabel, quarterStart, shiftQuarter } from './quarters.js';
import type { ReturnLine } from './return-csv.js';

const line = (period: string, figures: Partial<ReturnLine> = {}): ReturnLine => ({
  organisation: 'riverside-hospitals',
  period,
  staffGroup: 'nurses-and-health-visitors',
  postsFte: 100,
  headcount: 100,
  staffFte: 90,
  vacanciesFte: 8,
  starters: 3,
  leavers: 3,
  newRoles: 0,
  ...figures,
});

describe('quarters', () => {
  it('are calendar quarters with their first and last days', () => {
    expect(quarterStart(parseQuarter('2024-Q2')!)).toBe('2024-04-01');
    expect(quarterEnd(parseQuarter('2024-Q2')!)).toBe('2024-06-30');
    expect(quarterEnd(parseQuarter('2024-Q3')!)).toBe('2024-09-30');
    expect(quarterEnd(parseQuarter('2024-Q4')!)).toBe('2024-12-31');
    expect(quarterEnd(parseQuarter('2025-Q1')!)).toBe('2025-03-31');
    expect(quarterLabel('2025-Q1')).toBe('January to March 2025');
    expect(shiftQuarter('2025-Q1', -1)).toBe('2024-Q4');
    expect(shiftQuarter('2024-Q4', 1)).toBe('2025-Q1');
    expect(parseQuarter('1999-Q1')).toBeUndefined();
  });
});

describe('vacancy rate', () => {
  it('is vacancies over funded posts, in FTE', () => {
    expect(vacancyRate(sumLines([line('2024-Q2', { postsFte: 200, vacanciesFte: 15 })]))).toBe(0.075);
    expect(vacancyRate(sumLines([line('2024-Q2', { postsFte: 0, vacanciesFte: 0 })]))).toBeUndefined();
  });
});

describe('annual turnover', () => {
  // A staff group of 100 at the start of 2024-Q2 (the first quarter's headcount 102, less 5 starters, plus 3
  // leavers), 104 at the end of 2025-Q1; 3 + 4 + 2 + 5 = 14 leavers; average headcount (100 + 104) / 2 = 102.
  const year = [
    line('2024-Q2', { headcount: 102, starters: 5, leavers: 3 }),
    line('2024-Q3', { headcount: 101, starters: 3, leavers: 4 }),
    line('2024-Q4', { headcount: 103, starters: 4, leavers: 2 }),
    line('2025-Q1', { headcount: 104, starters: 6, leavers: 5 }),
  ];

  it('is the leavers of 12 months over the average of the headcount at their start and end', () => {
    expect(annualTurnover(year, '2025-Q1')).toEqual({
      from: '2024-Q2',
      to: '2025-Q1',
      leavers: 14,
      openingHeadcount: 100,
      closingHeadcount: 104,
      averageHeadcount: 102,
      rate: 14 / 102,
    });
  });

  it('is not computed without four quarters of returns', () => {
    expect(annualTurnover(year.slice(1), '2025-Q1')).toBeUndefined();
  });

  it('counts only the staff groups with returns in all four quarters', () => {
    const extra = line('2025-Q1', { staffGroup: 'midwives', headcount: 50, leavers: 40 });
    expect(annualTurnover([...year, extra], '2025-Q1')?.leavers).toBe(14);
  });
});

describe('breakdowns', () => {
  const lines = [
    line('2025-Q1', { headcount: 100, postsFte: 100, vacanciesFte: 10 }),
    line('2025-Q1', {
      staffGroup: 'direct-care',
      organisation: 'north-bank-council',
      headcount: 40,
      postsFte: 50,
      vacanciesFte: 5,
      staffFte: 32.5,
    }),
    line('2025-Q1', {
      staffGroup: 'midwives',
      headcount: 10,
      postsFte: 12.25,
      vacanciesFte: 2.25,
      staffFte: 9.75,
    }),
    line('2024-Q4', { headcount: 90 }),
  ];

  it('sums each key in the quarter asked for, in the order given, leaving out keys with no lines', () => {
    const rows = breakdown(lines, '2025-Q1', sectorOf, ['nhs', 'social-care'] as const);
    expect(rows.map((r) => [r.key, r.totals.headcount, r.totals.staffFte, r.totals.postsFte])).toEqual([
      ['nhs', 110, 99.75, 112.25],
      ['social-care', 40, 32.5, 50],
    ]);
    expect(rows[1]?.vacancyRate).toBe(0.1);
    expect(breakdown(lines, '2024-Q4', sectorOf, ['nhs', 'social-care'] as const).map((r) => r.key)).toEqual([
      'nhs',
    ]);
  });

  it('leads with the latest quarter at least half as many organisations returned as the best-returned one', () => {
    const org = (organisation: string, period: string) => line(period, { organisation });
    const returned = [
      ...['a', 'b', 'c', 'd'].map((o) => org(o, '2025-Q1')),
      ...['a', 'b'].map((o) => org(o, '2025-Q2')),
      org('a', '2025-Q3'),
    ];
    // One of four has sent 2025-Q3: too few to lead with; two of four have sent 2025-Q2.
    expect(latestPeriod(returned)).toBe('2025-Q3');
    expect(headlinePeriod(returned)).toBe('2025-Q2');
    expect(headlinePeriod([])).toBeUndefined();
  });

  it('gives a trend over every quarter in time order', () => {
    expect(trend(lines).map((t) => [t.period, t.totals.headcount])).toEqual([
      ['2024-Q4', 90],
      ['2025-Q1', 150],
    ]);
  });
});

describe('places', () => {
  it('counts an organisation to its one place, and one serving several places or all of them apart', () => {
    const placeOf = placesOfOrganisations([
      { id: 'a', places: ['north-bank'] },
      { id: 'b', places: ['north-bank', 'south-bank'] },
      { id: 'c' },
    ]);
    expect(['a', 'b', 'c', 'unknown'].map(placeOf)).toEqual([
      'north-bank',
      SEVERAL_PLACES,
      SEVERAL_PLACES,
      SEVERAL_PLACES,
    ]);
  });
});

describe('working carers recognised', () => {
  const lines = [
    line('2025-Q1', { staffGroup: 'midwives', headcount: 200, workingCarers: 6 }),
    line('2025-Q1', { staffGroup: 'nurses-and-health-visitors', headcount: 300, workingCarers: 9 }),
    // Reported by no line of this organisation: unknown, so not in the share's denominator.
    line('2025-Q1', { organisation: 'riverside-minds', headcount: 1000 }),
    line('2025-Q1', { organisation: 'north-bank-council', staffGroup: 'direct-care', headcount: 500 }),
    line('2025-Q1', {
      organisation: 'north-bank-council',
      staffGroup: 'managerial',
      headcount: 100,
      workingCarers: 0,
    }),
  ];

  it('sums the lines that reported it, and takes the share over their headcount only', () => {
    expect(workingCarersOf(lines)).toEqual({
      recognised: 15,
      headcountReporting: 600,
      linesReporting: 3,
      organisationsReporting: 2,
      organisations: 3,
      share: 15 / 600,
    });
  });

  it('has no share when nobody reported it, rather than a share of 0', () => {
    expect(workingCarersOf([line('2025-Q1')])).toEqual({
      recognised: 0,
      headcountReporting: 0,
      linesReporting: 0,
      organisationsReporting: 0,
      organisations: 1,
      share: undefined,
    });
  });

  it('is part of a quarter’s measures and its breakdowns', () => {
    const all = [...lines, line('2024-Q4', { headcount: 50, workingCarers: 50 })];
    expect(measuresAt(all, '2025-Q1').workingCarers.recognised).toBe(15);
    expect(measuresAt(all, '2024-Q4').workingCarers).toMatchObject({ recognised: 50, share: 1 });
    const rows = breakdown(all, '2025-Q1', (l) => l.organisation, ['riverside-hospitals', 'riverside-minds']);
    expect(rows.map((r) => [r.key, r.workingCarers.recognised, r.workingCarers.share])).toEqual([
      ['riverside-hospitals', 15, 15 / 500],
      ['riverside-minds', 0, undefined],
    ]);
  });
});
