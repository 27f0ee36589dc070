/**
 * @module identity/linkage/parallel-compare
 * A linkage run whose comparing and scoring — most of the work at scale — use several threads. Helper threads start
 * while the main thread prepares the records; once it has blocked, each is given the record table, the pair columns
 * and the vectors to fill — all in shared memory, so nothing large is copied — and every thread, the main one too,
 * compares chunks of pairs taken from a shared counter (`work-share.ts`); once the model is estimated, they score the
 * pairs the same way. Everything else is `train.ts`'s, so the run is the same as `linkRecords` gives (tested).
 *
 * Helpers rebuild the comparisons from their kernels, so a comparison set with a comparison that has none (a
 * caller's own) runs in the calling thread, as does a run asked for one thread.
 */
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { WorkerReply, WorkerRequest } from './compare-worker.js';
import { compareInto } from './compiled-comparisons.js';
import { scoreColumns, scoreRange, scoringTables } from './pair-scoring.js';
import type { LinkRecord } from './record.js';
import {
  DEFAULT_SETTINGS,
  estimateModel,
  finishRun,
  frontStages,
  type LinkRun,
  linkRecords,
  type LinkSettings,
  Stopwatch,
} from './train.js';
import { CHUNK_PAIRS, forEachChunk, sharedCounter } from './work-share.js';

export interface ParallelOptions {
  /** Threads in all, the calling one included; default: the machine's available parallelism. */
  readonly threads?: number;
  /** Pairs a thread takes at a time; default `CHUNK_PAIRS`. Small chunks let a test's few pairs reach every thread. */
  readonly chunkPairs?: number;
}

/**
 * The worker's entry point. Built, it is the .js file beside this one. Run from TypeScript sources (tsx, vitest) it
 * is the .ts file, which a worker cannot load by itself: the worker first registers tsx's loader, then imports it.
 */
function workerScript(): [string | URL, { eval?: boolean }] {
  if (!import.meta.url.endsWith('.ts')) return [new URL('./compare-worker.js', import.meta.url), {}];
  const entry = new URL('./compare-worker.ts', import.meta.url).href;
  const tsx = createRequire(import.meta.url).resolve('tsx/cjs/api');
  const script = `require(${JSON.stringify(tsx)}).register(); require(${JSON.stringify(fileURLToPath(entry))});`;
  return [script, { eval: true }];
}

interface Helper {
  run(request: WorkerRequest): Promise<void>;
  stop(): Promise<number>;
}

/** Starts a helper at once (loading its modules overlaps the main thread's first stages); it is given its table later. */
function startHelper(): Helper {
  const [script, options] = workerScript();
  const worker = new Worker(script, options);
  return {
    run: (request) =>
      new Promise((resolve, reject) => {
        const fail = (error: Error) => {
          reject(error);
        };
        const exit = (code: number) => {
          reject(new Error(`comparison worker stopped (exit code ${code})`));
        };
        worker.once('error', fail);
        worker.once('exit', exit);
        worker.once('message', (reply: WorkerReply) => {
          worker.off('error', fail);
          worker.off('exit', exit);
          if (reply.type === 'done') resolve();
          else reject(new Error(`comparison worker: ${reply.message}`));
        });
        worker.postMessage(request);
      }),
    stop: () => worker.terminate(),
  };
}

/** The column itself when it is in shared memory already (blocking puts it there), else a shared copy. */
function shared(column: Int32Array): Int32Array {
  if (column.buffer instanceof SharedArrayBuffer) return column;
  const copy = new Int32Array(new SharedArrayBuffer(column.byteLength));
  copy.set(column);
  return copy;
}

/** As `linkRecords`, comparing and scoring the candidate pairs on `threads` threads. */
export async function linkRecordsInParallel(
  leftRecords: readonly LinkRecord[],
  rightRecords?: readonly LinkRecord[],
  settings: LinkSettings = DEFAULT_SETTINGS,
  options: ParallelOptions = {},
): Promise<LinkRun> {
  const threads = Math.max(1, Math.floor(options.threads ?? availableParallelism()));
  const kernels = settings.comparisons.map((comparison) => comparison.kernel);
  if (threads === 1 || !kernels.every((kernel) => kernel !== undefined))
    return linkRecords(leftRecords, rightRecords, settings);
  const clock = new Stopwatch();
  const helpers = Array.from({ length: threads - 1 }, () => startHelper());
  try {
    const front = frontStages(leftRecords, rightRecords, settings, clock);
    const { left, right, count } = front.candidates;
    // Shared memory for the pair columns, the vectors and the scores, so nothing is copied to or from a worker: at a
    // million records each copy is hundreds of megabytes, and allocating that much sets off a full collection of the
    // heap. Every thread, this one included, takes chunks of pairs from a shared counter until none are left.
    const pairsLeft = shared(left);
    const pairsRight = shared(right);
    const vectors = new Uint8Array(new SharedArrayBuffer(count * settings.comparisons.length));
    const chunk = options.chunkPairs ?? CHUNK_PAIRS;
    const pairs = { pairsLeft, pairsRight, count, chunk, vectors };

    const comparing = sharedCounter();
    const compared = helpers.map((helper) =>
      helper.run({
        type: 'compare',
        ...pairs,
        counter: comparing,
        kernels,
        table: front.table,
        rightBase: front.rightBase,
      }),
    );
    const rows = { pairsLeft, pairsRight, rightBase: front.rightBase };
    compareInto(settings.comparisons, front.table, rows, { counter: comparing, count, chunk }, vectors);
    await Promise.all(compared);
    clock.lap('comparing');

    const estimate = estimateModel(front, vectors, settings, clock);
    const tables = scoringTables(estimate.model, front.left, settings.thresholds);
    const scores = scoreColumns(count);
    const scoring = sharedCounter();
    const scored = helpers.map((helper) =>
      helper.run({ type: 'score', ...pairs, counter: scoring, tables, scores }),
    );
    forEachChunk(
      scoring,
      count,
      (range) => {
        scoreRange(tables, pairsLeft, vectors, range, scores);
      },
      chunk,
    );
    await Promise.all(scored);
    clock.lap('decisions');
    return finishRun(front, vectors, estimate, scores, settings, clock);
  } finally {
    await Promise.all(helpers.map((helper) => helper.stop()));
  }
}
