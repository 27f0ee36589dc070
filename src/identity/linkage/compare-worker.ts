/**
 * @module identity/linkage/compare-worker
 * A worker thread that compares, then scores, its share of a run's candidate pairs (`parallel-compare.ts`). Each
 * request carries what the job needs as plain data — the record table (its rows in shared memory; only the
 * dictionaries are copied) and the comparisons by their kernels, or the scoring tables — with the pair columns, the
 * columns to fill and the counter the threads take chunks of pairs from, all in shared memory. So the worker needs
 * neither the records nor any function from the main thread, and nothing large is copied either way.
 */
import { parentPort } from 'node:worker_threads';
import type { Comparison, ComparisonKernel } from './comparisons.js';
import { compareInto } from './compiled-comparisons.js';
import { scoreRange, type Scores, type ScoringTables } from './pair-scoring.js';
import type { RecordTable } from './record-table.js';
import { forEachChunk } from './work-share.js';

interface SharedPairs {
  readonly pairsLeft: Int32Array;
  readonly pairsRight: Int32Array;
  readonly count: number;
  /** Chunks of pairs are taken from it (`work-share.ts`). */
  readonly counter: Int32Array;
  /** Pairs per chunk taken. */
  readonly chunk: number;
  readonly vectors: Uint8Array;
}

export type WorkerRequest =
  | (SharedPairs & {
      readonly type: 'compare';
      readonly kernels: readonly ComparisonKernel[];
      readonly table: RecordTable;
      readonly rightBase: number;
    })
  | (SharedPairs & { readonly type: 'score'; readonly tables: ScoringTables; readonly scores: Scores });

export type WorkerReply = { readonly type: 'done' } | { readonly type: 'error'; readonly message: string };

const port = parentPort;
if (port === null) throw new Error('compare-worker runs as a worker thread');

function run(request: WorkerRequest): void {
  const { pairsLeft, pairsRight, count, counter, chunk, vectors } = request;
  if (request.type === 'score') {
    forEachChunk(
      counter,
      count,
      (range) => {
        scoreRange(request.tables, pairsLeft, vectors, range, request.scores);
      },
      chunk,
    );
    return;
  }
  // Levels are never read: every comparison has a kernel (the main thread checks before starting workers).
  const comparisons: Comparison[] = request.kernels.map((kernel) => ({
    field: kernel.kind,
    levels: [],
    kernel,
  }));
  const { table, rightBase } = request;
  compareInto(comparisons, table, { pairsLeft, pairsRight, rightBase }, { counter, count, chunk }, vectors);
}

port.on('message', (request: WorkerRequest) => {
  try {
    run(request);
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
