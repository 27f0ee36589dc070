/**
 * @module synthetic/generate-worker
 * A worker thread of `accord generate`: loads the same generator the main thread checked, opens its own DuckDB
 * writer, and generates the chunks it is sent, one at a time, reporting each when its files are whole.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Manifest } from './generate.js';
import { loadGenerator } from './generator.js';
import { TruthWriter } from './truth-writer.js';

interface Data {
  readonly partnershipDir: string;
  readonly referenceDir?: string;
  readonly manifest: Manifest;
  readonly outDir: string;
}

const port = parentPort;
if (port === null) throw new Error('generate-worker runs only as a worker thread');
const data = workerData as Data;
const context = loadGenerator({ partnershipDir: data.partnershipDir, referenceDir: data.referenceDir });
if (!context.ok) {
  port.postMessage({ error: context.error.title });
} else {
  const writer = await TruthWriter.open(context.value.codes, context.value.organisations);
  port.on('message', (chunk: number) => {
    context.value
      .writeChunk(writer, data.manifest, chunk, data.outDir)
      .then(() => port.postMessage({ done: chunk }))
      .catch((error: unknown) =>
        port.postMessage({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
      );
  });
  port.postMessage({ ready: true });
}
