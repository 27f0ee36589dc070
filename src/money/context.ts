/**
 * @module money/context
 * How each step on the books runs: for one partnership, by someone acting for an organisation, at a moment passed
 * in (never read from the clock here), inside one transaction that a refusal rolls back whole.
 */
import type { Problem } from '../core/problem.js';
import { err, type Result } from '../core/result.js';
import type { Database, Queryable } from '../store/database.js';

export interface LedgerContext {
  readonly db: Database;
  /** The partnership whose books these are. */
  readonly partnershipId: string;
  /** This moment: when each change is recorded. */
  readonly now: Date;
}

/** Who is acting: a signed-in person and the organisation they act for. The records keep both. */
export interface Actor {
  readonly userId: string;
  readonly organisation: string;
}

/** Carries a refusal out of a transaction, so the transaction rolls back. */
class Refused extends Error {
  constructor(readonly problem: Problem) {
    super(problem.title);
  }
}

/** Runs `work` in one transaction; a Problem it returns rolls the transaction back, so nothing it wrote is kept. */
export async function inTransaction<T>(
  db: Database,
  work: (tx: Queryable) => Promise<Result<T, Problem>>,
): Promise<Result<T, Problem>> {
  try {
    return await db.transaction(async (tx) => {
      const result = await work(tx);
      if (!result.ok) throw new Refused(result.error);
      return result;
    });
  } catch (error) {
    if (error instanceof Refused) return err(error.problem);
    throw error;
  }
}
