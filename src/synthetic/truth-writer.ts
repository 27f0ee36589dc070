/**
 * @module synthetic/truth-writer
 * Writes a chunk of simulated lives as the columnar ground truth: Parquet files of persons, addresses, practice
 * registrations, carers, events and yearly activity, through an embedded DuckDB.
 *
 * The truth is a star: the large tables (events, activity) hold integer keys — person_key, code_index,
 * organisation_index — into the persons file and the two dictionaries written once (codes.parquet,
 * organisations.parquet), and the small closed vocabularies (kind, setting) as enums, which Parquet stores as
 * dictionary-encoded strings. Materialising a SNOMED CT code, display and person id on every one of tens of millions of
 * rows made DuckDB's copy ten times slower, for text any reader gets back with one join.
 *
 * Rows reach DuckDB through a table function that DuckDB pulls from while it writes the Parquet file, 2,048 rows
 * (its vector size) at a time, the simulator's typed-array columns copied into its vectors as raw memory: five
 * times faster here than appending to a table and copying the table, which cost more than the simulation itself.
 *
 * Each file is written under a temporary name and renamed once whole; the chunk's marker file is written last, so
 * a chunk either has its marker and every file, or is generated again on resume.
 */
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  BOOLEAN,
  DATE,
  DOUBLE,
  DuckDBInstance,
  DuckDBTableFunction,
  INTEGER,
  SMALLINT,
  TINYINT,
  UTINYINT,
  VARCHAR,
  type DuckDBConnection,
  type DuckDBDataChunk,
  type DuckDBType,
  type DuckDBValue,
} from '@duckdb/node-api';
import bindings from '@duckdb/node-bindings';
import type { ActivityColumns, CodeBook, EventColumns, OrganisationBook } from './life-course/events.js';
import { EVENT_KINDS } from './life-course/events.js';
import { SETTINGS } from './life-course/model.js';
import type { Person } from './life-course/simulate.js';

export const TRUTH_TABLES = [
  'persons',
  'addresses',
  'registrations',
  'carers',
  'events',
  'activity',
] as const;
export type TruthTable = (typeof TRUTH_TABLES)[number];

export const chunkFile = (table: TruthTable, chunk: number): string =>
  `${table}-${String(chunk).padStart(5, '0')}.parquet`;
export const chunkMarker = (chunk: number): string => `chunk-${String(chunk).padStart(5, '0')}.done`;

const BLOCK = 2048;

/** SQL: a raw day number (days since 1970-01-01, or NONE) as a DATE, or NULL. */
const day = (column: string) => `DATE '1970-01-01' + nullif(${column}, ${NONE})`;
const sqlList = (values: readonly string[]) => `[${values.map((v) => `'${v}'`).join(', ')}]`;

/** Rows for one COPY: named, typed columns that fill DuckDB's output vectors a block at a time. */
interface RowSource {
  readonly columns: readonly (readonly [name: string, type: DuckDBType])[];
  readonly length: number;
  fill(out: DuckDBDataChunk, from: number, count: number): void;
}

type NumericColumn = Int8Array | Uint8Array | Int16Array | Int32Array | Float64Array;

/**
 * A column either of typed-array values, copied as raw memory — the array's element type must be the column's
 * physical type (INTEGER and DATE ← Int32Array, SMALLINT ← Int16Array, TINYINT ← Int8Array, UTINYINT ←
 * Uint8Array, DOUBLE ← Float64Array), with no nulls ("none" is a sentinel the query over the rows turns into NULL) —
 * or of values made a row at a time (strings, and anything that may be null).
 */
type Column = readonly [
  name: string,
  type: DuckDBType,
  values: NumericColumn | ((row: number) => DuckDBValue),
];

/** The sentinel of "none" in a raw INTEGER column, turned into NULL by `nullif(column, ${NONE})`. */
const NONE = -2_147_483_648;

function rows(columns: readonly Column[], length: number): RowSource {
  return {
    columns: columns.map(([name, type]) => [name, type] as const),
    length,
    fill(out, from, count) {
      columns.forEach(([, , values], c) => {
        if (typeof values === 'function') {
          const block = new Array<DuckDBValue>(count);
          for (let i = 0; i < count; i++) block[i] = values(from + i);
          out.setColumnValues(c, block);
          return;
        }
        const size = values.BYTES_PER_ELEMENT;
        const vector = bindings.data_chunk_get_vector(out.chunk, c);
        // The simulator's arrays are never shared, so their buffer is a plain ArrayBuffer.
        bindings.copy_data_to_vector(
          vector,
          0,
          values.buffer as ArrayBuffer,
          values.byteOffset + from * size,
          count * size,
        );
      });
    },
  };
}

/**
 * The files are written in the order rows come, without sorting: persons by key, each one's homes and registrations
 * by date, as the simulator makes them. Checked here, since a reader relies on it and a sort would cost more.
 */
function inPersonOrder(persons: readonly Person[]): void {
  persons.forEach((p, i) => {
    if (i > 0 && p.key <= (persons[i - 1] as Person).key)
      throw new Error(`person ${p.key} is out of key order`);
    for (const list of [p.addresses, p.registrations]) {
      for (let k = 1; k < list.length; k++) {
        if ((list[k] as { fromDay: number }).fromDay < (list[k - 1] as { fromDay: number }).fromDay) {
          throw new Error(`person ${p.key}'s homes or registrations are out of date order`);
        }
      }
    }
  });
}

/**
 * The strings of a table's columns with few distinct values (sex, names, LSOA, town…), sent as indexes into one list
 * the query looks them up in: DuckDB takes a string from a list far faster than a string can be passed to it one by
 * one (a third of the time of writing the persons and addresses went on passing their strings).
 */
class Vocabulary {
  readonly #index = new Map<string, number>();
  readonly #words: string[] = [];

  /** An index a row (NONE where `value` gives undefined or null). */
  indexes<T>(items: readonly T[], value: (item: T) => string | null | undefined): Int32Array {
    return int32s(items, (item) => {
      const word = value(item);
      if (word === undefined || word === null) return undefined;
      let index = this.#index.get(word);
      if (index === undefined) {
        index = this.#words.length;
        this.#words.push(word);
        this.#index.set(word, index);
      }
      return index;
    });
  }

  /** SQL: the table `words` of one row, the list (joined to the rows, once). */
  get table(): string {
    return `(SELECT [${this.#words.map((w) => `'${w.replaceAll("'", "''")}'`).join(', ')}]::VARCHAR[] AS words)`;
  }
}

/** SQL: the word of an index column, from a Vocabulary's `words`. */
const word = (column: string) => `words[nullif(${column}, ${NONE}) + 1]`;

/** An Int32Array of a number a row (`NONE` where it gives undefined). */
function int32s<T>(items: readonly T[], value: (item: T) => number | undefined): Int32Array {
  const out = new Int32Array(items.length);
  items.forEach((item, i) => {
    out[i] = value(item) ?? NONE;
  });
  return out;
}

/** A row of organisations.parquet: every organisation an event can name, in the order of the organisation book. */
export interface OrganisationRow {
  /** The key: a practice's ODS code, or the partnership's organisation id. */
  readonly organisation: string;
  readonly name: string;
  readonly type: string;
  readonly odsCode: string | undefined;
  readonly onsCode: string | undefined;
}

export interface ChunkContent {
  readonly persons: readonly Person[];
  readonly nhsNumbers: ReadonlyMap<number, string>;
  readonly carers: readonly { carer: number; caredFor: number; fromDay: number; recorded: boolean }[];
  readonly events: EventColumns;
  readonly activity: ActivityColumns;
  /** The NHS ethnic category code (A–Z) of an ethnic group id. */
  readonly ethnicCategory: (group: string) => string;
}

export class TruthWriter {
  /** The rows the table function `truth_rows()` gives while a COPY runs. */
  #source: RowSource | undefined;
  #at = 0;

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    private readonly codes: CodeBook,
    private readonly organisations: OrganisationBook,
  ) {}

  /** An in-memory DuckDB with one thread (the generator runs one writer per worker). */
  static async open(codes: CodeBook, organisations: OrganisationBook): Promise<TruthWriter> {
    const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
    const connection = await instance.connect();
    const writer = new TruthWriter(instance, connection, codes, organisations);
    connection.registerTableFunction(
      DuckDBTableFunction.create({
        name: 'truth_rows',
        bindFunction: (bind) => {
          const source = writer.#source;
          if (source === undefined) bind.setError('truth_rows() is read only while the writer copies');
          else for (const [name, type] of source.columns) bind.addResultColumn(name, type);
        },
        initFunction: (init) => {
          init.setMaxThreads(1);
        },
        mainFunction: (_info, out) => {
          const source = writer.#source;
          const count = source === undefined ? 0 : Math.min(BLOCK, source.length - writer.#at);
          out.rowCount = count;
          if (source === undefined || count === 0) return;
          source.fill(out, writer.#at, count);
          writer.#at += count;
        },
      }),
    );
    await connection.run(`
      CREATE TYPE event_kind AS ENUM (${EVENT_KINDS.map((k) => `'${k}'`).join(', ')});
      CREATE TYPE care_setting AS ENUM (${SETTINGS.map((k) => `'${k}'`).join(', ')});
    `);
    return writer;
  }

  /**
   * Writes the dictionaries once for the whole generation: codes.parquet (code_index, system, code, display) and
   * organisations.parquet (organisation_index, organisation, name, type, ods_code, ons_code). `organisations` must
   * list the organisation book's keys in its order, since events name organisations by position.
   */
  async writeDictionaries(outDir: string, organisations: readonly OrganisationRow[]): Promise<void> {
    const keys = this.organisations.keys;
    if (organisations.length !== keys.length || organisations.some((o, i) => o.organisation !== keys[i])) {
      throw new Error('the organisation table is not in the order of the organisation book');
    }
    const codes = this.codes.entries;
    const code = (i: number) => codes[i] as (typeof codes)[number];
    await this.#copy(
      rows(
        [
          ['code_index', INTEGER, (i) => i],
          ['system', VARCHAR, (i) => code(i).system],
          ['code', VARCHAR, (i) => code(i).code],
          ['display', VARCHAR, (i) => code(i).display],
        ],
        codes.length,
      ),
      (from) => `SELECT * FROM ${from}`,
      join(outDir, 'codes.parquet'),
    );
    const organisation = (i: number) => organisations[i] as OrganisationRow;
    await this.#copy(
      rows(
        [
          ['organisation_index', INTEGER, (i) => i],
          ['organisation', VARCHAR, (i) => organisation(i).organisation],
          ['name', VARCHAR, (i) => organisation(i).name],
          ['type', VARCHAR, (i) => organisation(i).type],
          ['ods_code', VARCHAR, (i) => organisation(i).odsCode ?? null],
          ['ons_code', VARCHAR, (i) => organisation(i).onsCode ?? null],
        ],
        organisations.length,
      ),
      (from) => `SELECT * FROM ${from}`,
      join(outDir, 'organisations.parquet'),
    );
  }

  async writeChunk(outDir: string, chunk: number, content: ChunkContent): Promise<void> {
    const file = (table: TruthTable) => join(outDir, chunkFile(table, chunk));
    const persons = content.persons;
    inPersonOrder(persons);
    const person = (i: number) => persons[i] as Person;
    const personWords = new Vocabulary();
    await this.#copy(
      rows(
        [
          ['person_key', INTEGER, int32s(persons, (p) => p.key)],
          ['nhs_number', VARCHAR, (i) => content.nhsNumbers.get(person(i).key) ?? null],
          ['given_name', INTEGER, personWords.indexes(persons, (p) => p.given)],
          ['middle_name', INTEGER, personWords.indexes(persons, (p) => p.middle)],
          ['family_name', INTEGER, personWords.indexes(persons, (p) => p.family)],
          ['sex', INTEGER, personWords.indexes(persons, (p) => p.sex)],
          ['birth', INTEGER, int32s(persons, (p) => p.birthDay)],
          ['death', INTEGER, int32s(persons, (p) => p.deathDay)],
          ['cause_of_death', INTEGER, personWords.indexes(persons, (p) => p.cause)],
          ['ethnic_group', INTEGER, personWords.indexes(persons, (p) => p.ethnicity)],
          [
            'ethnic_category',
            INTEGER,
            personWords.indexes(persons, (p) => content.ethnicCategory(p.ethnicity)),
          ],
          ['origin', INTEGER, personWords.indexes(persons, (p) => p.origin)],
        ],
        persons.length,
      ),
      (from) =>
        // The person id the feeds' ground truth names: 'P' and nine digits of the key.
        `SELECT person_key, 'P' || lpad(person_key::VARCHAR, 9, '0') AS person_id, nhs_number,
           ${word('given_name')} AS given_name, ${word('middle_name')} AS middle_name,
           ${word('family_name')} AS family_name, ${word('sex')} AS sex, ${day('birth')} AS date_of_birth,
           ${day('death')} AS date_of_death, ${word('cause_of_death')} AS cause_of_death,
           ${word('ethnic_group')} AS ethnic_group, ${word('ethnic_category')} AS ethnic_category,
           ${word('origin')} AS origin
         FROM ${from}, ${personWords.table}`,
      file('persons'),
    );
    const addresses = persons.flatMap((p) =>
      p.addresses.map((a, k) => ({ p, a, to: p.addresses[k + 1]?.fromDay })),
    );
    const address = (i: number) => (addresses[i] as (typeof addresses)[number]).a;
    const addressWords = new Vocabulary();
    await this.#copy(
      rows(
        [
          ['person_key', INTEGER, int32s(addresses, ({ p }) => p.key)],
          ['from_day', INTEGER, int32s(addresses, ({ a }) => a.fromDay)],
          ['to_day', INTEGER, int32s(addresses, ({ to }) => (to === undefined ? undefined : to - 1))],
          ['lsoa11_code', INTEGER, addressWords.indexes(addresses, ({ a }) => a.lsoa11)],
          ['lad19_code', INTEGER, addressWords.indexes(addresses, ({ a }) => a.lad19)],
          ['place', INTEGER, addressWords.indexes(addresses, ({ a }) => a.place)],
          ['imd_decile', INTEGER, int32s(addresses, ({ a }) => a.imdDecile)],
          ['address_line', VARCHAR, (i) => address(i).line],
          ['town', INTEGER, addressWords.indexes(addresses, ({ a }) => a.town)],
          ['postcode', VARCHAR, (i) => address(i).postcode],
          ['postcode_district', INTEGER, addressWords.indexes(addresses, ({ a }) => a.postcodeDistrict)],
        ],
        addresses.length,
      ),
      (from) =>
        `SELECT person_key, ${day('from_day')} AS from_date, ${day('to_day')} AS to_date,
           ${word('lsoa11_code')} AS lsoa11_code, ${word('lad19_code')} AS lad19_code, ${word('place')} AS place,
           imd_decile::TINYINT AS imd_decile, address_line, ${word('town')} AS town, postcode,
           ${word('postcode_district')} AS postcode_district
         FROM ${from}, ${addressWords.table}`,
      file('addresses'),
    );
    const registrations = persons.flatMap((p) =>
      p.registrations.map((r, k) => ({ p, r, to: p.registrations[k + 1]?.fromDay })),
    );
    const registrationWords = new Vocabulary();
    await this.#copy(
      rows(
        [
          ['person_key', INTEGER, int32s(registrations, ({ p }) => p.key)],
          ['practice_code', INTEGER, registrationWords.indexes(registrations, ({ r }) => r.practice)],
          ['organisation_index', INTEGER, int32s(registrations, ({ r }) => r.organisation)],
          ['from_day', INTEGER, int32s(registrations, ({ r }) => r.fromDay)],
          ['to_day', INTEGER, int32s(registrations, ({ to }) => (to === undefined ? undefined : to - 1))],
        ],
        registrations.length,
      ),
      (from) =>
        `SELECT person_key, ${word('practice_code')} AS practice_code, organisation_index, ${day('from_day')} AS from_date,
           ${day('to_day')} AS to_date
         FROM ${from}, ${registrationWords.table}`,
      file('registrations'),
    );
    const carers = content.carers;
    await this.#copy(
      rows(
        [
          ['carer_key', INTEGER, int32s(carers, (pair) => pair.carer)],
          ['cared_for_key', INTEGER, int32s(carers, (pair) => pair.caredFor)],
          ['from_day', INTEGER, int32s(carers, (pair) => pair.fromDay)],
          ['recorded', BOOLEAN, (i) => (carers[i] as (typeof carers)[number]).recorded],
        ],
        carers.length,
      ),
      (from) =>
        `SELECT carer_key, cared_for_key, ${day('from_day')} AS from_date, recorded FROM ${from} ORDER BY carer_key`,
      file('carers'),
    );

    // Enums from their indexes by list lookup (a list's element 0 is NULL, so the −1 of "none" becomes NULL).
    const kinds = sqlList(EVENT_KINDS);
    const settings = sqlList(SETTINGS);
    const ev = content.events;
    await this.#copy(
      rows(
        [
          ['person_key', INTEGER, ev.person],
          ['date', DATE, ev.day],
          ['kind', UTINYINT, ev.kind],
          ['code_index', INTEGER, ev.code],
          ['value', DOUBLE, ev.value],
          ['setting', TINYINT, ev.setting],
          ['organisation_index', INTEGER, ev.organisation],
          ['reason_index', INTEGER, ev.reason],
        ],
        ev.length,
      ),
      // In the order simulated: each person's events together, persons in key order.
      (rows) =>
        `SELECT person_key, date, ${kinds}[kind + 1]::event_kind AS kind, code_index,
           CASE WHEN isnan(value) THEN NULL ELSE value END AS value,
           ${settings}[setting + 1]::care_setting AS setting, nullif(organisation_index, -1) AS organisation_index,
           nullif(reason_index, -1) AS reason_index
         FROM ${rows}`,
      file('events'),
    );
    const ac = content.activity;
    await this.#copy(
      rows(
        [
          ['person_key', INTEGER, ac.person],
          ['year', SMALLINT, ac.year],
          ['setting', TINYINT, ac.setting],
          ['organisation_index', INTEGER, ac.organisation],
          ['contacts', SMALLINT, ac.contacts],
          ['first_date', DATE, ac.first],
          ['last_date', DATE, ac.last],
        ],
        ac.length,
      ),
      (rows) =>
        `SELECT person_key, year, ${settings}[setting + 1]::care_setting AS setting,
           nullif(organisation_index, -1) AS organisation_index, contacts, first_date, last_date
         FROM ${rows}`,
      file('activity'),
    );
    writeFileSync(
      join(outDir, chunkMarker(chunk)),
      `${JSON.stringify({ persons: persons.length, events: ev.length, activity: ac.length })}\n`,
    );
  }

  /** Writes `select(rows)` over the source's rows to a Parquet file, under a temporary name until whole. */
  async #copy(source: RowSource, select: (rows: string) => string, file: string): Promise<void> {
    const partial = `${file}.partial`;
    this.#source = source;
    this.#at = 0;
    try {
      await this.connection.run(
        `COPY (${select('truth_rows()')}) TO '${partial.replaceAll("'", "''")}' (FORMAT parquet, COMPRESSION zstd)`,
      );
    } finally {
      this.#source = undefined;
    }
    if (this.#at !== source.length)
      throw new Error(`${file}: ${this.#at} of ${source.length} rows were written`);
    renameSync(partial, file);
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }
}
