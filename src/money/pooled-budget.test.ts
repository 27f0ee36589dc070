/**
 * The year-end split of a pooled budget by each risk-share rule: whole pence that always add up to the over- or
 * underspend (fast-check), and the agreement's checks.
 */
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../core/paths.js';
import { loadPartnership } from '../partnership/index.js';
import type { Account } from './chart.js';
import {
  checkPool,
  contributionRefusal,
  yearEndSplit,
  type PoolInput,
  type RiskShareRule,
} from './pooled-budget.js';

const partners = [
  { organisation: 'north-bank-council', plannedPence: 300_000 },
  { organisation: 'riverside-icb', plannedPence: 700_000 },
];

describe('the year-end split', () => {
  it('in proportion to what each partner actually paid in', () => {
    const paid = new Map([
      ['north-bank-council', 250_000],
      ['riverside-icb', 750_000],
    ]);
    expect(yearEndSplit('in-proportion', 'riverside-icb', partners, paid, -100_001)).toEqual([
      { organisation: 'north-bank-council', sharePence: -25_000 },
      { organisation: 'riverside-icb', sharePence: -75_001 },
    ]);
  });

  it('in fixed shares, or all to the host', () => {
    const fixed = [
      { ...partners[0]!, sharePercent: 50 },
      { ...partners[1]!, sharePercent: 50 },
    ];
    expect(
      yearEndSplit('fixed-shares', 'riverside-icb', fixed, new Map(), 1_001).map((s) => s.sharePence),
    ).toEqual([501, 500]);
    expect(
      yearEndSplit('host-bears', 'riverside-icb', partners, new Map(), -999).map((s) => s.sharePence),
    ).toEqual([0, -999]);
  });

  it('always adds up to the balance, in whole pence', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 10_000_000 }), { minLength: 2, maxLength: 8 }),
        fc.integer({ min: -1_000_000_000, max: 1_000_000_000 }),
        fc.constantFrom<RiskShareRule>('in-proportion', 'fixed-shares', 'host-bears'),
        (amounts, balance, rule) => {
          const list = amounts.map((a, i) => ({
            organisation: `p${i}`,
            plannedPence: a + 1,
            sharePercent: i === 0 ? 100 : 0,
          }));
          const paid = new Map(amounts.map((a, i) => [`p${i}`, a]));
          const split = yearEndSplit(rule, 'p0', list, paid, balance);
          expect(split.reduce((s, x) => s + x.sharePence, 0)).toBe(balance);
          for (const x of split) expect(Number.isInteger(x.sharePence)).toBe(true);
        },
      ),
    );
  });
});

describe('the agreement', () => {
  const loaded = loadPartnership(join(packageRoot, 'test', 'fixtures', 'partnerships', 'riverside'));
  if (!loaded.ok) throw new Error('riverside does not load');
  const chart: Account[] = [
    { code: 'POOL-CASH', name: 'Pool cash', kind: 'asset', closed: false },
    { code: 'POOL-SPEND', name: 'Pool spending', kind: 'expenditure', closed: false },
    { code: 'POOL-FUND', name: 'Partners’ fund', kind: 'liability', closed: false },
  ];
  const pool: PoolInput = {
    name: 'Better Care Fund',
    financialYear: 2025,
    scope: 'Community health and care for older people.',
    host: 'north-bank-council',
    manager: 'Director of Adult Social Services',
    rule: 'fixed-shares',
    partners: [
      { organisation: 'north-bank-council', plannedPence: 100, sharePercent: 60 },
      { organisation: 'riverside-icb', plannedPence: 100, sharePercent: 30 },
    ],
    cashAccount: 'POOL-CASH',
    spendAccount: 'POOL-SPEND',
    fundAccount: 'POOL-CASH',
  };

  it('names every problem: shares not adding to 100, a host outside the pool, wrong kinds of account', () => {
    const result = checkPool({ ...pool, host: 'riverside-hospitals' }, loaded.value.partnership, chart);
    expect(!result.ok && result.error.map((i) => `${i.path}: ${i.message}`)).toEqual([
      'host: the host must be one of the pool’s partners',
      'partners: the fixed shares add up to 90%, not 100%',
      'fundAccount: account POOL-CASH is asset; it must be liability or equity',
    ]);
  });

  it('only the pool’s partners contribute', () => {
    expect(contributionRefusal(pool, 'riverside-hospitals')?.message).toBe(
      'riverside-hospitals is not a partner in this pool: only its partners contribute',
    );
    expect(contributionRefusal(pool, 'riverside-icb')).toBeUndefined();
  });
});
