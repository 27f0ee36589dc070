/**
 * @module money/transformation/rules
 * Transformation funding, released as programmes deliver: a fund is allocated to one programme in tranches, each
 * tranche names the programme's milestones that must be verified first, and a release needs an agreed decision of
 * the fund's release body from the decision register. Pure checks, every problem at once with its field:
 *
 * - setting up a fund: its programme, release body, milestones (of that programme) and ledger accounts exist; the
 *   spending account is expenditure for revenue funding and an asset for capital, the fund's is a balance-sheet
 *   account; amounts in whole pence;
 * - releasing: no more than the tranche has left; every linked milestone verified on the release day (a reported but
 *   unverified milestone does not count — verification is a named officer's act); the decision agreed, by the
 *   release body, on or before the day, and not used for another release.
 */
import { z } from 'zod';
import { MAX_PENCE } from '../../core/money.js';
import type { Issue } from '../../core/problem.js';
import { err, ok, type Result } from '../../core/result.js';
import { Id, type Partnership } from '../../partnership/index.js';
import type { Account } from '../chart.js';
import { AccountCode } from '../ledger.js';

const text = (missing: string, max: number) =>
  z
    .string({ error: missing })
    .trim()
    .min(1, missing)
    .max(max, `must be ${max.toLocaleString('en-GB')} characters or fewer`);
const Pence = z
  .number({ error: 'must be an amount in whole pence' })
  .int('must be whole pence (no fractions of a penny)')
  .positive('must be more than nothing')
  .max(MAX_PENCE, 'is too large');
const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date, YYYY-MM-DD');

/**
 * Revenue pays for services and is charged to the year's spending; capital buys buildings, equipment and digital
 * systems and becomes an asset. NHS capital is controlled apart from revenue (the capital departmental expenditure
 * limit), so the two are reported apart and never added together.
 */
export const FUNDING = ['revenue', 'capital'] as const;
export type Funding = (typeof FUNDING)[number];

export const FundInput = z
  .object({
    name: text('Enter the fund’s name', 200),
    funding: z.enum(FUNDING, { error: 'must be revenue or capital' }).default('revenue'),
    programme: Id,
    source: text('Say where the money comes from', 500),
    releaseBody: Id,
    fundAccount: AccountCode,
    spendAccount: AccountCode,
    tranches: z
      .array(
        z
          .object({
            amountPence: Pence,
            description: text('Describe what the tranche pays for', 1000),
            milestones: z.array(Id).min(1, 'name at least one milestone that must be verified first'),
          })
          .strict(),
      )
      .min(1, 'a fund has at least one tranche'),
  })
  .strict();
export type FundInput = z.infer<typeof FundInput>;

export const ReleaseInput = z
  .object({
    tranche: z.number({ error: 'Choose the tranche' }).int().positive(),
    amountPence: Pence,
    /** The decision register's reference of the release body's decision, e.g. PB-2025-004. */
    decision: z
      .string({ error: 'Enter the decision’s reference' })
      .trim()
      .min(1, 'Enter the decision’s reference')
      .max(60),
    releasedOn: Day,
    reason: text('Say what the release is for', 2000),
  })
  .strict();
export type ReleaseInput = z.infer<typeof ReleaseInput>;

/** Checks a fund against the partnership and the chart of accounts. */
export function checkFund(
  input: FundInput,
  partnership: Partnership,
  chart: readonly Account[],
): Result<FundInput, Issue[]> {
  const issues: Issue[] = [];
  if (!partnership.programmes.some((p) => p.id === input.programme)) {
    issues.push({ path: 'programme', message: `there is no programme ${input.programme}` });
  }
  if (!partnership.bodies.some((b) => b.id === input.releaseBody)) {
    issues.push({ path: 'releaseBody', message: `there is no body ${input.releaseBody}` });
  }
  const account = (path: string, code: string, kinds: readonly Account['kind'][]) => {
    const found = chart.find((a) => a.code === code);
    if (found === undefined) issues.push({ path, message: `there is no account ${code} in the chart` });
    else if (found.closed) issues.push({ path, message: `account ${code} is closed` });
    else if (!kinds.includes(found.kind)) {
      issues.push({ path, message: `account ${code} is ${found.kind}; it must be ${kinds.join(' or ')}` });
    }
  };
  // Capital spending is capitalised: it adds to the scheme's asset (assets under construction), not to the year's
  // expenditure. Revenue spending is expenditure.
  account('spendAccount', input.spendAccount, input.funding === 'capital' ? ['asset'] : ['expenditure']);
  account('fundAccount', input.fundAccount, ['asset', 'liability', 'equity']);
  input.tranches.forEach((tranche, t) => {
    tranche.milestones.forEach((id, m) => {
      const milestone = partnership.milestones?.find((x) => x.id === id);
      const path = `tranches[${t}].milestones[${m}]`;
      if (milestone === undefined)
        issues.push({ path, message: `there is no milestone ${id} in milestones.yaml` });
      else if (milestone.programme !== input.programme) {
        issues.push({
          path,
          message: `milestone ${id} belongs to the ${milestone.programme} programme, not ${input.programme}`,
        });
      }
    });
  });
  return issues.length === 0 ? ok(input) : err(issues);
}

/** What the records say around a release. */
export interface ReleaseFacts {
  readonly releaseBody: { readonly id: string; readonly name: string };
  /** The tranche asked for, with what has been released from it; undefined when the fund has no such tranche. */
  readonly tranche:
    | { readonly amountPence: number; readonly releasedPence: number; readonly milestones: readonly string[] }
    | undefined;
  /** Each linked milestone's state on the release day (outcomes/progress.ts) and its title. */
  readonly milestones: ReadonlyMap<string, { readonly title: string; readonly state: string }>;
  /** The decision named, from the register; undefined when there is none. */
  readonly decision:
    | {
        readonly bodyId: string;
        readonly outcome: 'agreed' | 'not-agreed';
        readonly decidedOn: string;
        readonly usedBy?: string;
      }
    | undefined;
  /** Today in London: a release is not dated in the future. */
  readonly today: string;
}

const pounds = (pence: number) =>
  `£${(pence / 100).toLocaleString('en-GB', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

export function checkRelease(input: ReleaseInput, facts: ReleaseFacts): Issue[] {
  const issues: Issue[] = [];
  if (input.releasedOn > facts.today)
    issues.push({ path: 'releasedOn', message: 'must not be in the future' });
  const tranche = facts.tranche;
  if (tranche === undefined) return [...issues, { path: 'tranche', message: 'the fund has no such tranche' }];
  const left = tranche.amountPence - tranche.releasedPence;
  if (input.amountPence > left) {
    issues.push({
      path: 'amountPence',
      message: `is beyond the tranche: ${pounds(left)} of its ${pounds(tranche.amountPence)} is left to release`,
    });
  }
  for (const id of tranche.milestones) {
    const m = facts.milestones.get(id);
    if (m?.state !== 'verified') {
      const state =
        m === undefined
          ? 'unknown'
          : m.state === 'reported'
            ? 'reported complete but not yet verified'
            : m.state.replace('-', ' ');
      issues.push({
        path: 'tranche',
        message: `milestone “${m?.title ?? id}” is not verified (${state}) on ${input.releasedOn}`,
      });
    }
  }
  const d = facts.decision;
  if (d === undefined)
    issues.push({ path: 'decision', message: `there is no decision ${input.decision} in the register` });
  else {
    if (d.bodyId !== facts.releaseBody.id) {
      issues.push({
        path: 'decision',
        message: `${input.decision} is not a decision of the ${facts.releaseBody.name}, which releases this fund`,
      });
    }
    if (d.outcome !== 'agreed')
      issues.push({ path: 'decision', message: `${input.decision} was not agreed` });
    if (d.decidedOn > input.releasedOn)
      issues.push({ path: 'decision', message: `${input.decision} was made after the release date` });
    if (d.usedBy !== undefined)
      issues.push({ path: 'decision', message: `${input.decision} has already released ${d.usedBy}` });
  }
  return issues;
}
