/**
 * The indicator engine against a baseline engine and against hand-written SQL, side by side on one analytic store
 * (the demo's is `<data dir>/analytics/population.duckdb`; works on a copy, the store given is only read):
 *
 * 1. the whole catalogue's SQL, baseline and this engine in alternate rounds, best round of each, every cube checked
 *    identical; this engine's time includes making the shared demography table once;
 * 2. reading the cells into JavaScript, as row objects (what run.ts does) and as columns;
 * 3. for the three indicators of bench/population-hand-sql.ts, this engine (on the shared demography table) against
 *    the hand-written SQL, best of five each, cubes checked identical.
 *
 * The baseline is another version's sql-engine.ts exporting `cubeSql(indicator, codeLists)` — e.g. the commit
 * before a change, written out with `git show REV:src/population/indicators/sql-engine.ts` and its relative imports
 * pointed back at this tree's src/population/indicators/.
 *
 *   node --import tsx bench/indicator-engines.ts --store S.duckdb [--baseline /path/sql-engine.ts] [--rounds 3]
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { loadCatalogue } from '../src/population/indicators/catalogue.js';
import { sortCells, type CubeCell } from '../src/population/indicators/cube.js';
import type { CodeList, Indicator } from '../src/population/indicators/definition.js';
import {
  cellsOfRows,
  cubeSql,
  demographyTableSql,
  type CubeRow,
} from '../src/population/indicators/sql-engine.js';
import { HAND_WRITTEN } from './population-hand-sql.js';

const { values } = parseArgs({
  options: {
    store: { type: 'string' },
    baseline: { type: 'string' },
    rounds: { type: 'string', default: '3' },
  },
});
if (values.store === undefined) {
  console.error('Give the store: --store <data dir>/analytics/population.duckdb');
  process.exit(2);
}
type Compile = (indicator: Indicator, codeLists: Readonly<Record<string, CodeList>>) => string;
const baseline =
  values.baseline === undefined
    ? undefined
    : ((await import(values.baseline)) as { cubeSql: Compile }).cubeSql;

const catalogue = loadCatalogue(join(import.meta.dirname, '..', 'indicators'));
if (!catalogue.ok) throw new Error(`the catalogue does not load: ${JSON.stringify(catalogue.error)}`);
const { indicators, codeLists } = catalogue.value;
const YEARS = Array.from({ length: 10 }, (_, i) => 2016 + i);
if (indicators.some((i) => i.years.from < 2016 || i.years.to > 2025))
  throw new Error('years beyond 2016–2025');

const work = mkdtempSync(join(tmpdir(), 'accord-indicator-engines-'));
const copy = join(work, 'store.duckdb');
copyFileSync(values.store, copy);

const DEMOGRAPHY = 'bench_demography';
const ms = (value: number) => `${value.toFixed(0)} ms`;

async function cubeOf(connection: DuckDBConnection, sql: string): Promise<string> {
  const rows = (await connection.runAndReadAll(sql)).getRowObjects();
  return JSON.stringify(cellsOfRows(rows as unknown as CubeRow[]));
}

/** The whole catalogue: SQL time, and each cube (sorted cells as JSON) to compare. */
async function catalogueRun(
  connection: DuckDBConnection,
  compile: (indicator: Indicator) => string,
  before?: () => Promise<void>,
): Promise<{ sql: number; cubes: string[] }> {
  const started = performance.now();
  if (before !== undefined) await before();
  let reading = 0;
  const cubes: string[] = [];
  for (const indicator of indicators) {
    const reader = await connection.runAndReadAll(compile(indicator));
    const read = performance.now();
    cubes.push(JSON.stringify(cellsOfRows(reader.getRowObjects() as unknown as CubeRow[])));
    reading += performance.now() - read;
  }
  return { sql: performance.now() - started - reading, cubes };
}

const makeDemography = (connection: DuckDBConnection) => async () => {
  await connection.run(`DROP TABLE IF EXISTS ${DEMOGRAPHY}`);
  await connection.run(demographyTableSql(DEMOGRAPHY, YEARS));
};

async function best(connection: DuckDBConnection, sql: string, runs = 5): Promise<number> {
  let fastest = Infinity;
  for (let run = 0; run < runs; run++) {
    const started = performance.now();
    await connection.runAndReadAll(sql);
    fastest = Math.min(fastest, performance.now() - started);
  }
  return fastest;
}

try {
  const connection = await (await DuckDBInstance.create(copy, { threads: '2' })).connect();
  const sizes = (
    await connection.runAndReadAll(
      'SELECT (SELECT count(*) FROM person) AS p, (SELECT count(*) FROM event) AS e',
    )
  ).getRows()[0];
  console.log(
    `store: ${String(sizes?.[0])} persons, ${String(sizes?.[1])} events; ${indicators.length} indicators`,
  );

  const demographyStarted = performance.now();
  await makeDemography(connection)();
  const demographyRows = (
    await connection.runAndReadAll(`SELECT count(*), sum(persons) FROM ${DEMOGRAPHY}`)
  ).getRows()[0];
  console.log(
    `demography table: ${ms(performance.now() - demographyStarted)}, ${String(demographyRows?.[0])} keys ` +
      `for ${String(demographyRows?.[1])} person-years`,
  );

  // 1. The catalogue, alternate rounds.
  let bestNew = Infinity;
  let bestOld = Infinity;
  for (let round = 1; round <= Number(values.rounds); round++) {
    const fresh = await catalogueRun(
      connection,
      (indicator) => cubeSql(indicator, codeLists, DEMOGRAPHY),
      makeDemography(connection),
    );
    bestNew = Math.min(bestNew, fresh.sql);
    let line = `round ${round}: this engine ${ms(fresh.sql)} (demography table included)`;
    if (baseline !== undefined) {
      const old = await catalogueRun(connection, (indicator) => baseline(indicator, codeLists));
      bestOld = Math.min(bestOld, old.sql);
      const differ = indicators.filter((_, i) => old.cubes[i] !== fresh.cubes[i]).map((i) => i.id);
      line += `, baseline ${ms(old.sql)}; cubes ${differ.length === 0 ? 'identical' : `DIFFER: ${differ.join(', ')}`}`;
    }
    console.log(line);
  }
  console.log(
    `catalogue SQL, best round: this engine ${ms(bestNew)}` +
      (baseline === undefined
        ? ''
        : `, baseline ${ms(bestOld)}, ratio ${(bestNew / bestOld).toFixed(3)} (${(bestOld / bestNew).toFixed(1)}× faster)`),
  );

  // 2. Reading cells: as row objects (what run.ts does through the store) against columns, into sorted cells.
  let asRows = 0;
  let asColumns = 0;
  let cells = 0;
  for (const indicator of indicators) {
    const reader = await connection.runAndReadAll(cubeSql(indicator, codeLists, DEMOGRAPHY));
    let started = performance.now();
    cells += cellsOfRows(reader.getRowObjects() as unknown as CubeRow[]).length;
    asRows += performance.now() - started;
    started = performance.now();
    const columns = reader.getColumnsObject();
    const column = (name: string) => columns[name] ?? [];
    const fromColumns: CubeCell[] = column('year').map((year, i) => ({
      year: Number(year),
      place: column('place')[i] as string | null,
      imdQuintile: column('imd_quintile')[i] === null ? null : Number(column('imd_quintile')[i]),
      sex: String(column('sex')[i]),
      ageBand: Number(column('age_band')[i]),
      ethnicGroup: String(column('ethnic_group')[i]),
      numerator: Number(column('numerator')[i]),
      denominator: Number(column('denominator')[i]),
    }));
    sortCells(fromColumns);
    asColumns += performance.now() - started;
  }
  console.log(
    `reading ${cells.toLocaleString('en-GB')} cells into sorted cells: as row objects ${ms(asRows)}, ` +
      `as columns ${ms(asColumns)}`,
  );

  // 3. Against hand-written SQL.
  console.log(
    'this engine against hand-written SQL (best of 5 each, demography table shared, same cube checked):',
  );
  for (const [id, hand] of Object.entries(HAND_WRITTEN)) {
    const indicator = indicators.find((i) => i.id === id);
    if (indicator === undefined) throw new Error(id);
    const engineSql = cubeSql(indicator, codeLists, DEMOGRAPHY);
    const same = (await cubeOf(connection, engineSql)) === (await cubeOf(connection, hand));
    const engine = await best(connection, engineSql);
    const handed = await best(connection, hand);
    const old = baseline === undefined ? undefined : await best(connection, baseline(indicator, codeLists));
    console.log(
      `  ${id}: engine ${ms(engine)}, hand ${ms(handed)}, ratio ${(engine / handed).toFixed(2)}` +
        (old === undefined ? '' : `; baseline ${ms(old)} (ratio to hand ${(old / handed).toFixed(2)})`) +
        `; cubes ${same ? 'identical' : 'DIFFER'}`,
    );
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
