/**
 * @module identity/index/provider
 * The index for a long-running server: the linkage model is read from the store once and kept, and read again only
 * when a newer one has been estimated (a cheap check of the newest model's id per use), so a retrained model takes
 * effect without a restart and without reparsing megabytes of name frequencies on every request.
 */
import { problem, type Problem } from '../../core/problem.js';
import { err, ok, type Result } from '../../core/result.js';
import type { Database } from '../../store/database.js';
import { defaultComparisons } from '../linkage/comparisons.js';
import { loadModel } from './model-store.js';
import { identityIndex, type IdentityIndex } from './service.js';

export type IndexProvider = () => Promise<Result<IdentityIndex, Problem>>;

export function indexProvider(db: Database, now: () => Date): IndexProvider {
  const comparisons = defaultComparisons();
  let held: { id: number; index: IdentityIndex } | undefined;
  return async () => {
    const [newest] = await db.query<{ id: string | null }>('SELECT max(id) AS id FROM identity_model');
    const id = newest?.id === null || newest?.id === undefined ? undefined : Number(newest.id);
    if (id === undefined) {
      return err(
        problem(
          'unavailable',
          'The identity index has no linkage model yet.',
          'Estimate one from the records with `accord identity load` (the demo does it on its first start).',
        ),
      );
    }
    if (held?.id !== id) {
      const loaded = await loadModel(db, comparisons);
      if (!loaded.ok)
        return err(problem('unavailable', 'The stored linkage model cannot be used.', loaded.error));
      if (loaded.value === undefined) throw new Error('a model vanished between two reads');
      held = { id: loaded.value.id, index: identityIndex(db, loaded.value.model, { now }) };
    }
    return ok(held.index);
  };
}
