/**
 * @module store/in-transaction
 * One domain step as one transaction that a refusal rolls back whole: `work` returns a Result, and a Problem makes
 * the transaction roll back, so nothing it wrote before finding the problem is kept. Governance, money and the
 * identity index all run their steps this way.
 */
import type { Problem } from '../core/problem.js';
import { err, type Result } from '../core/result.js';
import type { Database, Queryable } from './database.js';

/** Carries a refusal out of the transaction, so the transaction rolls back. */
class Refused<E> extends Error {
  constructor(readonly refusal: E) {
    super('refused');
  }
}

/** `E` is the domain's own error value: a Problem for most, the record's RecordError for the FHIR API. */
export async function inTransaction<T, E = Problem>(
  db: Database,
  work: (tx: Queryable) => Promise<Result<T, E>>,
): Promise<Result<T, E>> {
  try {
    return await db.transaction(async (tx) => {
      const result = await work(tx);
      if (!result.ok) throw new Refused(result.error);
      return result;
    });
  } catch (error) {
    if (error instanceof Refused) return err(error.refusal as E);
    throw error;
  }
}
