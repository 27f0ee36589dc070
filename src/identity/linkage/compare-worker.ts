/**
 * @module identity/linkage/compare-worker
 * A worker thread that compares a share of a run's candidate pairs (`parallel-compare.ts`). Each request carries the
 * record table (its rows in shared memory; only the dictionaries are copied), the comparisons by their kernels (plain
 * data), the pair columns and the vectors to fill (shared memory too), and the range of pairs that is this worker's,
 * so the worker needs neither the records nor any function from the main thread.
 */
import { parentPort } from 'node:worker_threads';
import type { Comparison, ComparisonKernel } from './comparisons.js';
import { compareInto } from './compiled-comparisons.js';
import type { RecordTable } from './record-table.js';

/**
 * One share of a run's pairs, with what is needed to compare them. The table's rows, the pair columns and the vectors
 * are shared memory: nothing large is copied, and the worker writes its share of the vectors in place.
 */
export interface WorkerRequest {
  readonly kernels: readonly ComparisonKernel[];
  readonly table: RecordTable;
  readonly rightBase: number;
  readonly pairsLeft: Int32Array;
  readonly pairsRight: Int32Array;
  readonly from: number;
  readonly to: number;
  readonly vectors: Uint8Array;
}

export type WorkerReply = { readonly type: 'done' } | { readonly type: 'error'; readonly message: string };

const port = parentPort;
if (port === null) throw new Error('compare-worker runs as a worker thread');

port.on('message', (request: WorkerRequest) => {
  try {
    // Levels are never read: every comparison has a kernel (the main thread checks before starting workers).
    const comparisons: Comparison[] = request.kernels.map((kernel) => ({
      field: kernel.kind,
      levels: [],
      kernel,
    }));
    const { table, rightBase, pairsLeft, pairsRight, from, to, vectors } = request;
    compareInto(comparisons, table, { pairsLeft, pairsRight, rightBase }, { from, to }, vectors);
    const reply: WorkerReply = { type: 'done' };
    port.postMessage(reply);
  } catch (error) {
    const reply: WorkerReply = {
      type: 'error',
      message: error instanceof Error ? error.message : String(error),
    };
    port.postMessage(reply);
  }
});
