/**
 * @module money/chart
 * The chart of accounts: what an account is and what makes a new one valid. Each account has a kind (which side its
 * balance normally falls on) and up to four dimensions — organisation, place, programme, category — by which the
 * reports add up. Organisation, place and programme must be ids of the partnership's files; category is the
 * partnership's own spending category (acute, mental-health, primary-care, social-care…), free until a later slice
 * gives categories a file of their own. Pure.
 */
import { z } from 'zod';
import type { Issue } from '../core/problem.js';
import { err, ok, type Result } from '../core/result.js';
import { Id, type Partnership } from '../partnership/index.js';
import { AccountCode, zodIssues } from './ledger.js';

export const ACCOUNT_KINDS = ['asset', 'liability', 'equity', 'income', 'expenditure'] as const;
export type AccountKind = (typeof ACCOUNT_KINDS)[number];

/** The side an account's balance normally falls on: debit (positive) for assets and spending, credit otherwise. */
export const normalSide = (kind: AccountKind): 'debit' | 'credit' =>
  kind === 'asset' || kind === 'expenditure' ? 'debit' : 'credit';

export const DIMENSIONS = ['organisation', 'place', 'programme', 'category'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

export const AccountInput = z
  .object({
    code: AccountCode,
    name: z.string().trim().min(1, 'must not be empty: what the account is for').max(200),
    kind: z.enum(ACCOUNT_KINDS, { error: `must be one of ${ACCOUNT_KINDS.join(', ')}` }),
    organisation: Id.optional(),
    place: Id.optional(),
    programme: Id.optional(),
    category: Id.optional(),
  })
  .strict();
export type NewAccount = z.infer<typeof AccountInput>;

/** An account as the books hold it. */
export interface Account extends NewAccount {
  readonly closed: boolean;
}

/** Checks a new account: its shape, and that its organisation, place and programme are the partnership's. */
export function checkAccount(input: unknown, partnership: Partnership): Result<NewAccount, Issue[]> {
  const parsed = AccountInput.safeParse(input);
  if (!parsed.success) return err(zodIssues(parsed.error));
  const account = parsed.data;
  const issues: Issue[] = [];
  const known = {
    organisation: new Set(partnership.organisations.map((o) => o.id)),
    place: new Set(partnership.places.map((p) => p.id)),
    programme: new Set(partnership.programmes.map((p) => p.id)),
  };
  for (const dimension of ['organisation', 'place', 'programme'] as const) {
    const id = account[dimension];
    if (id !== undefined && !known[dimension].has(id)) {
      issues.push({
        path: dimension,
        message: `${id} is not a${dimension === 'organisation' ? 'n' : ''} ${dimension} of ${partnership.info.name}`,
      });
    }
  }
  return issues.length === 0 ? ok(account) : err(issues);
}
