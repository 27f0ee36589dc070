/**
 * Benchmark: `accord generate` at a given scale (default 1.0: the whole of West Yorkshire and Harrogate), printed
 * side by side with a baseline measured in the same run: DuckDB writing the same number of event rows, of the same
 * columns, from its own generator into Parquet — the floor that the file format alone costs on this machine.
 *
 *   node --import tsx bench/generate.ts [--scale 1] [--workers 2] [--out /tmp/accord-bench-generate]
 *
 * Prints wall and CPU time, peak memory of the process (all worker threads included), residents, people and events,
 * and the ratios. Results go in bench/RESULTS.md.
 */
import { rmSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';
import { defaultPartnershipDir } from '../src/core/paths.js';
import { generatePopulation } from '../src/synthetic/generate.js';

const { values } = parseArgs({
  options: {
    scale: { type: 'string', default: '1' },
    workers: { type: 'string', default: '2' },
    out: { type: 'string', default: '/tmp/accord-bench-generate' },
  },
});
const out = values.out;
rmSync(out, { recursive: true, force: true });

const started = performance.now();
const cpuBefore = process.cpuUsage();
const report = await generatePopulation({
  partnershipDir: defaultPartnershipDir,
  partnershipId: 'west-yorkshire-and-harrogate',
  scale: Number(values.scale),
  seed: 1,
  outDir: out,
  workers: Number(values.workers),
  onProgress: (done, total) => process.stderr.write(`\r${done} / ${total} residents`),
});
process.stderr.write('\n');
const seconds = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpuBefore);
if (!report.ok) throw new Error(report.error.title);
const { residents, persons, events, chunks } = report.value;
const peakMiB = process.resourceUsage().maxRSS / 1024;

// Baseline: the same number of event rows and columns, made by DuckDB itself and written as Parquet.
const db = await DuckDBInstance.create(':memory:', { threads: values.workers });
const connection = await db.connect();
const baselineStarted = performance.now();
await connection.run(`
  COPY (SELECT 'P' || lpad((i // 110)::VARCHAR, 9, '0') AS person_id, DATE '2015-01-01' + (i % 4018)::INTEGER AS date,
               'encounter' AS kind, 'snomed' AS code_system, (185316007 + i % 40)::VARCHAR AS code,
               'Display text ' || (i % 40) AS display, CASE WHEN i % 20 = 0 THEN 27.5 END AS value,
               'gp' AS setting, 'B8' || lpad((i % 300)::VARCHAR, 4, '0') AS organisation,
               NULL::VARCHAR AS reason_system, NULL::VARCHAR AS reason_code, NULL::VARCHAR AS reason_display
        FROM range(${events}) t(i))
  TO '${out}/baseline.parquet' (FORMAT parquet, COMPRESSION zstd)`);
const baselineSeconds = (performance.now() - baselineStarted) / 1000;
connection.closeSync();
db.closeSync();
rmSync(`${out}/baseline.parquet`);

const fmt = (n: number) => n.toLocaleString('en-GB');
console.log(
  `machine: ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`,
);
console.log(`scale ${values.scale}, ${values.workers} worker(s), ${chunks} chunks`);
console.log(`residents ${fmt(residents)}, people ${fmt(persons)}, events ${fmt(events)}`);
console.log(
  `accord generate:          wall ${seconds.toFixed(1)} s, CPU ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s, peak ${peakMiB.toFixed(0)} MiB`,
);
console.log(
  `  ${fmt(Math.round(events / seconds))} events/s, ${fmt(Math.round(residents / seconds))} residents/s`,
);
console.log(`baseline (DuckDB writes the same rows from range()): wall ${baselineSeconds.toFixed(1)} s`);
console.log(`ratio accord / baseline: ${(seconds / baselineSeconds).toFixed(1)}`);
console.log(
  `anchor: Synthea at ~17 patients/s would take ${(residents / 17 / 3600).toFixed(1)} h; ratio ${(residents / 17 / seconds).toFixed(0)}× faster`,
);
