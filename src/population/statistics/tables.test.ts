import { describe, expect, it } from 'vitest';
import { ESP2013_BANDS, LIFE_TABLE_BANDS } from './standard-population.js';
import {
  DEFAULT_STATS_OPTIONS,
  formatNumber,
  methodColumnsHelp,
  runStatsMethod,
  STATS_METHODS,
} from './tables.js';

const csv = (...lines: string[]) => lines.join('\n') + '\n';

describe('runStatsMethod', () => {
  it('computes Wilson intervals row by row, quoted labels kept (Newcombe 1998: 81/263 → 0.2553 to 0.3662)', () => {
    const result = runStatsMethod('proportion', csv('Group , Numerator,denominator', '"North, East",81,263'));
    expect(result).toEqual({
      ok: true,
      value: {
        header: ['group', 'numerator', 'denominator', 'value', 'lower', 'upper', 'level', 'method'],
        rows: [['North, East', '81', '263', '0.307985', '0.255289', '0.36621', '95', 'Wilson score']],
      },
    });
  });

  it('reports every bad row with its line and computes nothing', () => {
    const result = runStatsMethod(
      'proportion',
      csv('numerator,denominator', '81,263', '-3,148', '30,20', 'x,', '2.5,10'),
    );
    expect(result).toEqual({
      ok: false,
      error: [
        { line: 3, message: 'numerator is negative (-3); counts must be whole numbers ≥ 0' },
        { line: 4, message: 'numerator (30) is greater than denominator (20); a proportion cannot exceed 1' },
        { line: 5, message: 'numerator is not a number ("x")' },
        { line: 5, message: 'denominator is empty' },
        { line: 6, message: 'numerator is not a whole number (2.5); counts must be whole numbers ≥ 0' },
      ],
    });
  });

  it('names every missing column', () => {
    const result = runStatsMethod('isr', csv('group,events', 'a,3'));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error[0]?.message).toBe(
      'missing columns: population, reference_events, reference_population (the header has group, events)',
    );
  });

  it('computes one DSR per group against ESP2013 and checks each group has every band once', () => {
    const rows = (group: string, events: number) =>
      ESP2013_BANDS.map((band) => `${group},${band},${events},1000`);
    const good = runStatsMethod(
      'dsr',
      csv('group,age_band,events,population', ...rows('a', 1), ...rows('b', 0)),
    );
    expect(good.ok).toBe(true);
    if (!good.ok) return;
    // 1 event per 1,000 in every band: the DSR is the crude rate, 100 per 100,000, from 19 events.
    expect(good.value.rows[0]?.slice(0, 4)).toEqual(['a', '19', '19000', '100']);
    expect(good.value.rows[0]?.[8]).toBe('yes');
    expect(good.value.rows[1]?.slice(0, 6)).toEqual(['b', '0', '19000', '0', '', '']);
    expect(good.value.rows[1]?.[8]).toBe('no');

    const bad = runStatsMethod(
      'dsr',
      csv(
        'age_band,events,population',
        ...ESP2013_BANDS.slice(1).map((b) => `${b},1,10`),
        '5 – 9,1,10',
        '95+,1,1',
      ),
    );
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(bad.error.map((issue) => issue.message)).toEqual([
      'age band 5-9 appears again in the file',
      'age_band "95+" is not one of 0-4, 5-9, 10-14, 15-19, 20-24, 25-29, 30-34, 35-39, 40-44, 45-49, 50-54, 55-59, 60-64, 65-69, 70-74, 75-79, 80-84, 85-89, 90+',
      'the file has no row for age band 0-4',
    ]);
  });

  it('takes a standard column instead of ESP2013 (the hand-computed DSR of dsr.test.ts: 300, 230.99 to 383.02)', () => {
    const result = runStatsMethod(
      'dsr',
      csv(
        'age_band,events,population,standard',
        'young,5,10000,5000',
        'middle,20,8000,3000',
        'old,40,4000,2000',
      ),
    );
    expect(result.ok && result.value.rows[0]?.slice(2, 5)).toEqual(['300', '230.989497', '383.021744']);
  });

  it('computes rates with the method named, per --per', () => {
    const result = runStatsMethod('rate', csv('events,denominator', '5,1000', '65,50000'), {
      ...DEFAULT_STATS_OPTIONS,
      per: 1000,
    });
    expect(result.ok && result.value.rows.map((row) => [row[2], row[7]])).toEqual([
      ['5', 'exact Poisson'],
      ['1.3', 'Byar'],
    ]);
  });

  it('computes an SII from limits instead of standard errors, quantiles in any order', () => {
    const result = runStatsMethod(
      'sii',
      csv(
        'quantile,population,value,lower_cl,upper_cl',
        '2,100,72,71,73',
        '1,200,70,69,71',
        '3,100,75,74,76',
      ),
      { ...DEFAULT_STATS_OPTIONS, repetitions: 200 },
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.header.slice(0, 3)).toEqual(['quantiles', 'sii', 'sii_lower']);
    // Ranks 0.25, 0.625, 0.875 with weights 2:1:1; x̄ = 0.5, ȳ = 71.75; by hand
    // Σw(x − x̄)(y − ȳ) / Σw(x − x̄)² = (0.875 + 0.03125 + 1.21875) / (0.125 + 0.015625 + 0.140625) = 7.555556.
    expect(Number(result.value.rows[0]?.[1])).toBeCloseTo(7.555556, 6);
  });

  it('refuses a repeated quantile and asks for a standard error or limits', () => {
    const repeated = runStatsMethod('sii', csv('quantile,population,value,se', '1,10,1,0', '1,10,2,0'));
    expect(!repeated.ok && repeated.error).toEqual([
      { line: 3, message: 'quantile 1 appears again in the file' },
    ]);
    const neither = runStatsMethod('sii', csv('quantile,population,value', '1,10,1'));
    expect(!neither.ok && neither.error[0]?.message).toBe('the header needs se, or lower_cl and upper_cl');
  });

  it('builds a life table per group and refuses deaths above population', () => {
    const pops = [
      7060, 35059, 46974, 48489, 43219, 38561, 46009, 57208, 61435, 55601, 50209, 56416, 46411, 39820,
    ];
    const more = [37978, 37039, 33288, 23306, 11936, 11936];
    const deaths = [
      17, 9, 4, 8, 20, 15, 24, 33, 50, 71, 100, 163, 263, 304, 536, 872, 1390, 1605, 1936, 1937,
    ];
    const lines = [...pops, ...more].map((p, i) => `${LIFE_TABLE_BANDS[i] ?? ''},${deaths[i] ?? 0},${p}`);
    const result = runStatsMethod('life-expectancy', csv('age_band,deaths,population', ...lines));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    // PHEindicatormethods' worked example (life-expectancy.test.ts): 80.1696 at birth.
    expect(result.value.rows[0]?.slice(0, 2)).toEqual(['<1', '80.169608']);
    const bad = runStatsMethod(
      'life-expectancy',
      csv('age_band,deaths,population', ...lines).replace('1937,11936', '1937,1000'),
    );
    expect(!bad.ok && bad.error).toEqual([
      { line: 21, message: 'deaths (1937) are more than the population (1000)' },
    ]);
  });

  it('documents the columns of every method', () => {
    for (const method of STATS_METHODS) expect(methodColumnsHelp(method)).toMatch(/^Columns/);
  });

  it('formats numbers to at most 6 decimals, and nothing for a missing one', () => {
    expect([formatNumber(1 / 3), formatNumber(2), formatNumber(undefined), formatNumber(-1e-9)]).toEqual([
      '0.333333',
      '2',
      '',
      '0',
    ]);
  });
});
