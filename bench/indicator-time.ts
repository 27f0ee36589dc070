/**
 * Where the indicators' time goes, on an analytic store already built (the demo's is
 * `<data dir>/analytics/population.duckdb`): every cube of the catalogue run one after the other, its SQL timed apart
 * from reading its cells into JavaScript; then each cube counted only, first with the pseudonym as the person key
 * and then on a copy whose `person` and `event` carry an INTEGER key instead — to see whether the key's width costs.
 * Works on copies; the store given is only read.
 *
 *   node --import tsx bench/indicator-time.ts --store /path/to/population.duckdb [--rounds 2]
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { loadCatalogue } from '../src/population/indicators/catalogue.js';
import { cubeSql } from '../src/population/indicators/sql-engine.js';

const { values } = parseArgs({
  options: { store: { type: 'string' }, rounds: { type: 'string', default: '2' } },
});
if (values.store === undefined) {
  console.error('Give the store: --store <data dir>/analytics/population.duckdb');
  process.exit(2);
}
const catalogue = loadCatalogue(join(import.meta.dirname, '..', 'indicators'));
if (!catalogue.ok) throw new Error(`the catalogue does not load: ${JSON.stringify(catalogue.error)}`);
const { indicators, codeLists } = catalogue.value;

const work = mkdtempSync(join(tmpdir(), 'accord-indicator-time-'));
const strings = join(work, 'strings.duckdb');
const integers = join(work, 'integers.duckdb');
copyFileSync(values.store, strings);
copyFileSync(values.store, integers);

async function connect(file: string): Promise<DuckDBConnection> {
  return (await DuckDBInstance.create(file, { threads: '2' })).connect();
}

async function countOnly(connection: DuckDBConnection): Promise<number> {
  const started = performance.now();
  for (const indicator of indicators) {
    await connection.runAndReadAll(`SELECT count(*) FROM (${cubeSql(indicator, codeLists)})`);
  }
  return performance.now() - started;
}

const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

try {
  const withStrings = await connect(strings);
  const sizes = (
    await withStrings.runAndReadAll(
      'SELECT (SELECT count(*) FROM person) AS p, (SELECT count(*) FROM event) AS e',
    )
  ).getRows()[0];
  console.log(
    `store: ${String(sizes?.[0])} persons, ${String(sizes?.[1])} events; ${indicators.length} indicators`,
  );

  let sql = 0;
  let read = 0;
  let cells = 0;
  for (const indicator of indicators) {
    const started = performance.now();
    const result = await withStrings.runAndReadAll(cubeSql(indicator, codeLists));
    const ran = performance.now();
    cells += result.getRowObjects().length;
    read += performance.now() - ran;
    sql += ran - started;
  }
  console.log(`cubes: SQL ${s(sql)}, reading ${cells.toLocaleString('en-GB')} cells ${s(read)}`);

  const withIntegers = await connect(integers);
  for (const statement of [
    'CREATE TABLE person_key AS SELECT person, row_number() OVER (ORDER BY person)::INTEGER AS id FROM person',
    'CREATE TABLE person_int AS SELECT k.id AS person, p.* EXCLUDE (person) FROM person p JOIN person_key k USING (person)',
    'CREATE TABLE event_int AS SELECT k.id AS person, e.* EXCLUDE (person) FROM event e JOIN person_key k USING (person) ORDER BY k.id',
    'DROP TABLE person',
    'DROP TABLE event',
    'ALTER TABLE person_int RENAME TO person',
    'ALTER TABLE event_int RENAME TO event',
    'CHECKPOINT',
  ]) {
    await withIntegers.run(statement);
  }
  for (let round = 1; round <= Number(values.rounds); round++) {
    const a = await countOnly(withStrings);
    const b = await countOnly(withIntegers);
    console.log(
      `round ${round}: counted only, pseudonym key ${s(a)}, integer key ${s(b)} (ratio ${(b / a).toFixed(2)})`,
    );
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
