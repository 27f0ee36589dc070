/**
 * @module identity/person-accounts
 * A member of the public's sign-in account, tied to their NHS number once their identity is verified: in production
 * by NHS login at identity level P9 (checked against photo ID), in the demo by seeding. The tie is what lets a
 * person see who has looked at their own shared care record — their record's access log, and nothing else. The NHS
 * number is identifiable, so it is kept here, in the identity module, not on the account.
 */
import { problem, type Problem } from '../core/problem.js';
import { err, ok, type Result } from '../core/result.js';
import type { Queryable } from '../store/database.js';
import { isValidNhsNumber, normaliseNhsNumber } from './nhs-number.js';

/** How the person's identity was verified before their account was tied to their NHS number. */
export type Verification = 'nhs-login' | 'demo';

/**
 * Ties an account to an NHS number. Idempotent for the same pair; refuses a number already tied to another account
 * (a verified number belongs to one person) and an account already tied to another number.
 */
export async function tieNhsNumber(
  db: Queryable,
  userId: string,
  nhsNumber: string,
  verifiedBy: Verification,
  now: Date,
): Promise<Result<void, Problem>> {
  const digits = normaliseNhsNumber(nhsNumber);
  if (!isValidNhsNumber(digits)) {
    return err(problem('bad-input', 'That is not a valid NHS number.', 'Give the ten digits of the number.'));
  }
  const rows = await db.query<{ user_id: string; nhs_number: string }>(
    `INSERT INTO person_account (user_id, nhs_number, verified_by, verified_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT DO NOTHING RETURNING user_id, nhs_number`,
    [userId, digits, verifiedBy, now],
  );
  if (rows.length > 0) return ok(undefined);
  const [held] = await db.query<{ user_id: string; nhs_number: string }>(
    'SELECT user_id, nhs_number FROM person_account WHERE user_id = $1 OR nhs_number = $2',
    [userId, digits],
  );
  if (held?.user_id === userId && held.nhs_number === digits) return ok(undefined);
  return err(
    problem(
      'conflict',
      'That account or that NHS number is already tied to another.',
      'Each verified NHS number belongs to one account: ask the service desk to check the accounts.',
    ),
  );
}

/** The verified NHS number of an account, or undefined when it has none (staff, or not yet verified). */
export async function nhsNumberOfAccount(db: Queryable, userId: string): Promise<string | undefined> {
  const [row] = await db.query<{ nhs_number: string }>(
    'SELECT nhs_number FROM person_account WHERE user_id = $1',
    [userId],
  );
  return row?.nhs_number;
}
