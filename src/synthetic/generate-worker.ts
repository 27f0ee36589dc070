/**
 * @module synthetic/generate-worker
 * A worker thread of `accord generate`: loads the same generator the main thread checked, opens its own DuckDB
 * writer, and generates chunks one at a time, taking each from the shared queue, reporting each when its files are
 * whole, and saying when the queue is empty.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { claimChunk, type ChunkQueue, type Manifest } from './generate.js';
import { loadGenerator } from './generator.js';
import { TruthWriter } from './truth-writer.js';

interface Data {
  readonly partnershipDir: string;
  readonly referenceDir?: string;
  readonly manifest: Manifest;
  readonly outDir: string;
  readonly queue: ChunkQueue;
}

const port = parentPort;
if (port === null) throw new Error('generate-worker runs only as a worker thread');
const data = workerData as Data;
const context = loadGenerator({ partnershipDir: data.partnershipDir, referenceDir: data.referenceDir });
if (!context.ok) {
  port.postMessage({ error: context.error.title });
} else {
  const writer = await TruthWriter.open(context.value.codes, context.value.organisations);
  try {
    for (let chunk = claimChunk(data.queue); chunk !== undefined; chunk = claimChunk(data.queue)) {
      await context.value.writeChunk(writer, data.manifest, chunk, data.outDir);
      port.postMessage({ done: chunk });
    }
    port.postMessage({ finished: true });
  } catch (error) {
    port.postMessage({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  } finally {
    writer.close();
  }
}
