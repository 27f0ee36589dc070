/**
 * The demo's returns: the same for the same seed, valid by the same checks as anyone's file, over 100,000 people in
 * West Yorkshire and Harrogate, and with rates in the ranges their sources give.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../core/paths.js';
import { loadPartnership, type Partnership } from '../partnership/index.js';
import { annualTurnover, breakdown, sectorOf, sumLines, vacancyRate, workingCarersOf } from './measures.js';
import { parseReturnCsv, type LocatedLine } from './return-csv.js';
import { syntheticPeriods, syntheticReturnCsv } from './synthetic-returns.js';

let wyh: Partnership;
let lines: LocatedLine[];
let text: string;

beforeAll(() => {
  const loaded = loadPartnership(join(packageRoot, 'partnerships', 'west-yorkshire-and-harrogate'));
  if (!loaded.ok) throw new Error('WY&H does not load');
  wyh = loaded.value.partnership;
  text = syntheticReturnCsv(wyh.organisations);
  const parsed = parseReturnCsv(text, {
    organisations: new Set(wyh.organisations.map((o) => o.id)),
    today: '2025-11-25',
  });
  if (!parsed.ok)
    throw new Error(`the synthetic returns are refused: ${JSON.stringify(parsed.error.slice(0, 3))}`);
  lines = parsed.value;
});

describe('synthetic workforce returns', () => {
  it('are the same for the same seed and differ for another', () => {
    expect(syntheticReturnCsv(wyh.organisations)).toBe(text);
    expect(syntheticReturnCsv(wyh.organisations, { seed: 7 })).not.toBe(text);
  });

  it('cover 12 quarters, 2022-Q2 to 2025-Q1, and every trust and social services council in force', () => {
    expect(syntheticPeriods()).toHaveLength(12);
    expect([...new Set(lines.map((l) => l.period))]).toEqual(syntheticPeriods());
    const latest = new Set(lines.filter((l) => l.period === '2025-Q1').map((l) => l.organisation));
    expect(latest).toContain('leeds-teaching-hospitals-nhs-trust');
    expect(latest).toContain('yorkshire-ambulance-service-nhs-trust');
    expect(latest).toContain('north-yorkshire-council');
    expect(latest).not.toContain('north-yorkshire-county-council'); // ended 31 March 2023
    expect(latest).not.toContain('west-yorkshire-icb');
    expect(new Set(lines.filter((l) => l.period === '2022-Q2').map((l) => l.organisation))).toContain(
      'north-yorkshire-county-council',
    );
  });

  it('add up to over 100,000 people in every quarter, as the partnership says of its workforce', () => {
    for (const period of syntheticPeriods()) {
      expect(sumLines(lines.filter((l) => l.period === period)).headcount).toBeGreaterThan(100_000);
    }
  });

  it('have vacancy and turnover rates in the ranges of their sources, falling gently', () => {
    const [nhs, care] = breakdown(lines, '2025-Q1', sectorOf, ['nhs', 'social-care'] as const);
    expect(vacancyRate(nhs!.totals)).toBeGreaterThan(0.06);
    expect(vacancyRate(nhs!.totals)).toBeLessThan(0.08);
    expect(vacancyRate(care!.totals)).toBeGreaterThan(0.075);
    expect(vacancyRate(care!.totals)).toBeLessThan(0.095);
    const nhsLines = lines.filter((l) => sectorOf(l) === 'nhs');
    const careLines = lines.filter((l) => sectorOf(l) === 'social-care');
    const nhsTurnover = annualTurnover(nhsLines, '2025-Q1')?.rate ?? 0;
    const careTurnover = annualTurnover(careLines, '2025-Q1')?.rate ?? 0;
    expect(nhsTurnover).toBeGreaterThan(0.09);
    expect(nhsTurnover).toBeLessThan(0.12);
    expect(careTurnover).toBeGreaterThan(0.23);
    expect(careTurnover).toBeLessThan(0.29);
    expect(annualTurnover(nhsLines, '2023-Q1')?.rate ?? 0).toBeGreaterThan(nhsTurnover);
  });

  it('report working carers for most organisations but not all, at 2% to 4% of the staff that report them', () => {
    expect(text.split('\n')[0]).toContain('working_carers_headcount');
    const latest = lines.filter((l) => l.period === '2025-Q1');
    const carers = workingCarersOf(latest);
    expect(carers.organisationsReporting).toBeGreaterThan(carers.organisations / 2);
    expect(carers.organisationsReporting).toBeLessThan(carers.organisations);
    expect(carers.share).toBeGreaterThan(0.02);
    expect(carers.share).toBeLessThan(0.04);
    for (const l of lines)
      if (l.workingCarers !== undefined) expect(l.workingCarers).toBeLessThanOrEqual(l.headcount);
    // An organisation reports them in every quarter or in none, and the community interest company in none.
    const byOrg = new Map<string, Set<boolean>>();
    for (const l of lines)
      byOrg.set(l.organisation, (byOrg.get(l.organisation) ?? new Set()).add(l.workingCarers !== undefined));
    for (const [, reported] of byOrg) expect(reported.size).toBe(1);
    expect(byOrg.get('locala-community-partnerships-cic')).toEqual(new Set([false]));
  });
});
