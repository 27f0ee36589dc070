/**
 * @module money/pooled-budget
 * Pooled budgets on the Section 75 model (NHS Act 2006, s.75): partners put money into one pool for an agreed scope,
 * a host organisation holds it and a pool manager runs it, spending is charged to it, and at the year end the over-
 * or underspend is shared by the agreement's risk-share rule. Pure: the agreement's checks, a contribution's checks
 * (only the pool's partners contribute), and the year-end split — in whole pence that add up exactly to the
 * over- or underspend (the largest remainders get the odd pennies, ties to the partner listed first).
 */
import { z } from 'zod';
import { MAX_PENCE } from '../core/money.js';
import type { Issue } from '../core/problem.js';
import { err, ok, type Result } from '../core/result.js';
import { Id, type Partnership } from '../partnership/index.js';
import { inForceOn } from '../partnership/views.js';
import type { Account } from './chart.js';
import { AccountCode } from './ledger.js';

export const RISK_SHARE_RULES = {
  'in-proportion': 'In proportion to each partner’s contribution',
  'fixed-shares': 'In fixed shares agreed in advance',
  'host-bears': 'The host organisation bears it all',
} as const;
export type RiskShareRule = keyof typeof RISK_SHARE_RULES;

const Pence = z
  .number({ error: 'must be an amount in whole pence' })
  .int('must be whole pence (no fractions of a penny)')
  .positive('must be more than nothing')
  .max(MAX_PENCE, 'is too large');
const text = (missing: string, max: number) => z.string({ error: missing }).trim().min(1, missing).max(max);

export const PoolInput = z
  .object({
    name: text('Enter the pool’s name', 200),
    financialYear: z.number().int().min(2000).max(2999),
    scope: text('Say what the pool pays for', 2000),
    host: Id,
    manager: text('Name the pool manager (a role)', 200),
    rule: z.enum(Object.keys(RISK_SHARE_RULES) as [RiskShareRule, ...RiskShareRule[]], {
      error: 'Choose the risk-share rule',
    }),
    partners: z
      .array(
        z
          .object({
            organisation: Id,
            /** The agreed contribution for the year. */
            plannedPence: Pence,
            /** Under fixed shares: the partner's share of an over- or underspend, in whole per cent. */
            sharePercent: z.number().int().min(0).max(100).optional(),
          })
          .strict(),
      )
      .min(2, 'a pool has at least two partners'),
    /** The ledger accounts: the pool's money held (asset), and its spending (expenditure). */
    cashAccount: AccountCode,
    spendAccount: AccountCode,
    /** Where contributions are received from (a liability or equity account: the partners' money in the pool). */
    fundAccount: AccountCode,
  })
  .strict();
export type PoolInput = z.infer<typeof PoolInput>;

export function checkPool(
  input: PoolInput,
  partnership: Partnership,
  chart: readonly Account[],
): Result<PoolInput, Issue[]> {
  const issues: Issue[] = [];
  const yearStart = `${input.financialYear}-04-01`;
  const organisation = (id: string) => partnership.organisations.find((o) => o.id === id);
  const host = organisation(input.host);
  if (host === undefined || !inForceOn(host, yearStart)) {
    issues.push({
      path: 'host',
      message: `${input.host} is not a partner organisation in force on ${yearStart}`,
    });
  }
  const seen = new Set<string>();
  input.partners.forEach((p, i) => {
    const o = organisation(p.organisation);
    if (o === undefined || !inForceOn(o, yearStart)) {
      issues.push({
        path: `partners[${i}].organisation`,
        message: `${p.organisation} is not a partner organisation in force on ${yearStart}`,
      });
    }
    if (seen.has(p.organisation))
      issues.push({ path: `partners[${i}].organisation`, message: `${p.organisation} is listed twice` });
    seen.add(p.organisation);
    if (input.rule === 'fixed-shares' && p.sharePercent === undefined) {
      issues.push({ path: `partners[${i}].sharePercent`, message: 'fixed shares need each partner’s share' });
    }
  });
  if (!seen.has(input.host))
    issues.push({ path: 'host', message: 'the host must be one of the pool’s partners' });
  if (input.rule === 'fixed-shares') {
    const total = input.partners.reduce((sum, p) => sum + (p.sharePercent ?? 0), 0);
    if (total !== 100)
      issues.push({ path: 'partners', message: `the fixed shares add up to ${total}%, not 100%` });
  }
  const account = (path: string, code: string, kinds: readonly Account['kind'][]) => {
    const found = chart.find((a) => a.code === code);
    if (found === undefined) issues.push({ path, message: `there is no account ${code} in the chart` });
    else if (found.closed) issues.push({ path, message: `account ${code} is closed` });
    else if (!kinds.includes(found.kind))
      issues.push({ path, message: `account ${code} is ${found.kind}; it must be ${kinds.join(' or ')}` });
  };
  account('cashAccount', input.cashAccount, ['asset']);
  account('spendAccount', input.spendAccount, ['expenditure']);
  account('fundAccount', input.fundAccount, ['liability', 'equity']);
  return issues.length === 0 ? ok(input) : err(issues);
}

export const ContributionInput = z
  .object({
    organisation: Id,
    amountPence: Pence,
    date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date, YYYY-MM-DD'),
  })
  .strict();

export const ChargeInput = z
  .object({
    description: text('Say what the spending was', 500),
    amountPence: Pence,
    date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date, YYYY-MM-DD'),
  })
  .strict();

/** Why a contribution or charge dated `date` is not the pool's: it must fall in the pool's financial year. */
export function dateRefusal(financialYear: number, date: string): Issue | undefined {
  const from = `${financialYear}-04-01`;
  const to = `${financialYear + 1}-03-31`;
  return date >= from && date <= to
    ? undefined
    : { path: 'date', message: `must fall in the pool's financial year, ${from} to ${to}` };
}

/** Why a partner may not contribute: only the pool's partners do. */
export function contributionRefusal(
  pool: { readonly partners: readonly { readonly organisation: string }[] },
  organisation: string,
): Issue | undefined {
  return pool.partners.some((p) => p.organisation === organisation)
    ? undefined
    : {
        path: 'organisation',
        message: `${organisation} is not a partner in this pool: only its partners contribute`,
      };
}

export interface YearEndShare {
  readonly organisation: string;
  /** Positive: the partner's share of an underspend (returned to it); negative: its share of an overspend to meet. */
  readonly sharePence: number;
}

/**
 * Shares the year end — contributions less spending — by the rule, in whole pence summing exactly to it. Under
 * "in proportion", by each partner's actual contribution (by its planned contribution when nobody has paid in yet).
 */
export function yearEndSplit(
  rule: RiskShareRule,
  host: string,
  partners: readonly {
    readonly organisation: string;
    readonly plannedPence: number;
    readonly sharePercent?: number | undefined;
  }[],
  contributed: ReadonlyMap<string, number>,
  balancePence: number,
): YearEndShare[] {
  const paid = partners.reduce((sum, p) => sum + (contributed.get(p.organisation) ?? 0), 0);
  const weights = partners.map((p) =>
    rule === 'host-bears'
      ? p.organisation === host
        ? 1
        : 0
      : rule === 'fixed-shares'
        ? (p.sharePercent ?? 0)
        : paid > 0
          ? (contributed.get(p.organisation) ?? 0)
          : p.plannedPence,
  );
  const total = weights.reduce((a, b) => a + b, 0);
  if (total === 0 || balancePence === 0)
    return partners.map((p) => ({ organisation: p.organisation, sharePence: 0 }));
  const sign = Math.sign(balancePence);
  const magnitude = Math.abs(balancePence);
  const exact = weights.map((w) => (magnitude * w) / total);
  const floors = exact.map(Math.floor);
  let left = magnitude - floors.reduce((a, b) => a + b, 0);
  const order = exact
    .map((x, i) => ({ i, rest: x - Math.floor(x) }))
    .sort((a, b) => b.rest - a.rest || a.i - b.i);
  for (const { i } of order) {
    if (left === 0) break;
    floors[i] = (floors[i] ?? 0) + 1;
    left -= 1;
  }
  // Never −0: a partner with no share has nothing to pay or receive.
  return partners.map((p, i) => ({
    organisation: p.organisation,
    sharePence: (floors[i] ?? 0) === 0 ? 0 : sign * (floors[i] ?? 0),
  }));
}
