/**
 * @module synthetic/feeds/feeds-worker
 * A worker thread of the feeds: writes the feeds of the organisations it was given (write-part.ts) with its own
 * DuckDB, reporting the persons read after each chunk, then its result.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { writePart, type PartOptions } from './write-part.js';

const port = parentPort;
if (port === null) throw new Error('feeds-worker runs only as a worker thread');
const options = workerData as Omit<PartOptions, 'onChunk'>;
writePart({ ...options, onChunk: (persons) => port.postMessage({ persons }) })
  .then((result) => port.postMessage({ result }))
  .catch((error: unknown) =>
    port.postMessage({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
  );
