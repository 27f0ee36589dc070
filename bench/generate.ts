/**
 * Benchmark: `accord generate` at a given scale (default 1.0: the whole of West Yorkshire and Harrogate), printed
 * side by side with a baseline measured in the same run: DuckDB writing the same number of event and activity rows,
 * of the same columns and types, from its own generator into Parquet with the same settings (Zstandard level 1) — the
 * floor that the file format alone costs on this machine.
 *
 *   node --import tsx bench/generate.ts [--scale 1] [--workers 2] [--out /tmp/accord-bench-generate]
 *
 * Prints wall and CPU time, peak memory of the process (all worker threads included), residents, people, events and
 * activity rows, and the ratios. Results go in bench/RESULTS.md.
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
const { residents, persons, events, activity, chunks } = report.value;
const peakMiB = process.resourceUsage().maxRSS / 1024;

// Baseline: the same numbers of event and activity rows and columns, made by DuckDB itself and written as Parquet.
const db = await DuckDBInstance.create(':memory:', { threads: values.workers });
const connection = await db.connect();
const baselineStarted = performance.now();
await connection.run(`
  CREATE TYPE event_kind AS ENUM ('condition', 'stage', 'observation', 'immunisation', 'encounter', 'death', 'carer');
  CREATE TYPE care_setting AS ENUM ('gp', 'emergency-department', 'emergency-admission', 'elective-admission',
    'outpatient', 'mental-health', 'community', 'ambulance', 'social-care');
  COPY (SELECT (i // 16)::INTEGER AS person_key, DATE '2015-01-01' + (i % 4018)::INTEGER AS date,
               (['condition', 'observation', 'encounter'])[i % 3 + 1]::event_kind AS kind, (i % 60)::INTEGER AS code_index,
               CASE WHEN i % 20 = 0 THEN 27.5 END AS value,
               CASE WHEN i % 3 = 2 THEN 'ambulance'::care_setting END AS setting,
               (i % 330)::INTEGER AS organisation_index, NULL::INTEGER AS reason_index
        FROM range(${events}) t(i))
  TO '${out}/baseline-events.parquet' (FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL 1);
  COPY (SELECT (i // 24)::INTEGER AS person_key, (2015 + i % 11)::SMALLINT AS year,
               (['gp', 'outpatient', 'community', 'mental-health'])[i % 4 + 1]::care_setting AS setting,
               (i % 330)::INTEGER AS organisation_index, (1 + i % 9)::SMALLINT AS contacts,
               DATE '2015-01-01' + (i % 4018)::INTEGER AS first_date, DATE '2015-01-01' + (i % 4018)::INTEGER + 90 AS last_date
        FROM range(${activity}) t(i))
  TO '${out}/baseline-activity.parquet' (FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL 1)`);
const baselineSeconds = (performance.now() - baselineStarted) / 1000;
connection.closeSync();
db.closeSync();
rmSync(`${out}/baseline-events.parquet`);
rmSync(`${out}/baseline-activity.parquet`);

const fmt = (n: number) => n.toLocaleString('en-GB');
console.log(
  `machine: ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`,
);
console.log(`scale ${values.scale}, ${values.workers} worker(s), ${chunks} chunks`);
console.log(
  `residents ${fmt(residents)}, people ${fmt(persons)}, events ${fmt(events)}, activity rows ${fmt(activity)}`,
);
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
