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

/**
 * A transaction already open, as a `Database`: code written for the pool (each step its own transaction) runs
 * inside it instead, each step a savepoint — so several steps commit or roll back together (a FHIR transaction
 * Bundle), and a step that fails rolls back to its savepoint without ending the outer transaction.
 */
export function withinTransaction(tx: Queryable, description: string): Database {
  let depth = 0;
  return {
    query: (text, params) => tx.query(text, params),
    async transaction(work) {
      const savepoint = `step_${String(++depth)}`;
      await tx.query(`SAVEPOINT ${savepoint}`);
      try {
        const result = await work(tx);
        await tx.query(`RELEASE SAVEPOINT ${savepoint}`);
        return result;
      } catch (error) {
        await tx.query(`ROLLBACK TO SAVEPOINT ${savepoint}`);
        throw error;
      } finally {
        depth -= 1;
      }
    },
    ping: async () => true,
    close: async () => {
      throw new Error('a transaction is closed by whoever opened it');
    },
    description,
  };
}
