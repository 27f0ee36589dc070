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
  DuckDBDataChunk,
  DuckDBDateValue,
  DuckDBInstance,
  DuckDBTableFunction,
  INTEGER,
  SMALLINT,
  TINYINT,
  UTINYINT,
  VARCHAR,
  type DuckDBConnection,
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

/** The person id of the ground truth and the feeds' truth: 'P' and nine digits of the person key. */
export const personId = (key: number): string => `P${String(key).padStart(9, '0')}`;

const BLOCK = 2048;

const date = (day: number): DuckDBDateValue => new DuckDBDateValue(day);
const sqlList = (values: readonly string[]) => `[${values.map((v) => `'${v}'`).join(', ')}]`;

/** Rows for one COPY: named, typed columns that fill DuckDB's output vectors a block at a time. */
interface RowSource {
  readonly columns: readonly (readonly [name: string, type: DuckDBType])[];
  readonly length: number;
  fill(out: DuckDBDataChunk, from: number, count: number): void;
}

type NumericColumn = Int8Array | Uint8Array | Int16Array | Int32Array | Float64Array;

/**
 * Typed-array columns copied as raw memory: each array's element type must be its column's physical type (INTEGER
 * and DATE ← Int32Array, SMALLINT ← Int16Array, TINYINT ← Int8Array, UTINYINT ← Uint8Array, DOUBLE ←
 * Float64Array). No value is null; "none" is a sentinel the query over the rows turns into NULL.
 */
function numericRows(
  columns: readonly (readonly [name: string, type: DuckDBType, values: NumericColumn])[],
  length: number,
): RowSource {
  return {
    columns: columns.map(([name, type]) => [name, type] as const),
    length,
    fill(out, from, count) {
      columns.forEach(([, , values], c) => {
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

/** Columns of values made a block at a time: `value(c, row)` is column c of a row. */
function valueRows<T>(
  columns: readonly (readonly [name: string, type: DuckDBType])[],
  rows: readonly T[],
  value: (c: number, row: T) => DuckDBValue,
): RowSource {
  return {
    columns,
    length: rows.length,
    fill(out, from, count) {
      const block = rows.slice(from, from + count);
      columns.forEach((_, c) => {
        out.setColumnValues(
          c,
          block.map((row) => value(c, row)),
        );
      });
    },
  };
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
          if (source === undefined) return bind.setError('truth_rows() is read only while the writer copies');
          for (const [name, type] of source.columns) bind.addResultColumn(name, type);
        },
        initFunction: (init) => init.setMaxThreads(1),
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
    const codes = this.codes.entries.map((entry, index) => ({ index, ...entry }));
    await this.#copy(
      valueRows(
        [
          ['code_index', INTEGER],
          ['system', VARCHAR],
          ['code', VARCHAR],
          ['display', VARCHAR],
        ],
        codes,
        (c, e) => [e.index, e.system, e.code, e.display][c] ?? null,
      ),
      (rows) => `SELECT * FROM ${rows}`,
      join(outDir, 'codes.parquet'),
    );
    const rows = organisations.map((o, index) => ({ index, ...o }));
    await this.#copy(
      valueRows(
        [
          ['organisation_index', INTEGER],
          ['organisation', VARCHAR],
          ['name', VARCHAR],
          ['type', VARCHAR],
          ['ods_code', VARCHAR],
          ['ons_code', VARCHAR],
        ],
        rows,
        (c, o) => [o.index, o.organisation, o.name, o.type, o.odsCode ?? null, o.onsCode ?? null][c] ?? null,
      ),
      (from) => `SELECT * FROM ${from}`,
      join(outDir, 'organisations.parquet'),
    );
  }

  async writeChunk(outDir: string, chunk: number, content: ChunkContent): Promise<void> {
    const file = (table: TruthTable) => join(outDir, chunkFile(table, chunk));
    const persons = content.persons;
    await this.#copy(
      valueRows(
        [
          ['person_key', INTEGER],
          ['nhs_number', VARCHAR],
          ['given_name', VARCHAR],
          ['middle_name', VARCHAR],
          ['family_name', VARCHAR],
          ['sex', VARCHAR],
          ['date_of_birth', DATE],
          ['date_of_death', DATE],
          ['cause_of_death', VARCHAR],
          ['ethnic_group', VARCHAR],
          ['ethnic_category', VARCHAR],
          ['origin', VARCHAR],
        ],
        persons,
        (column, p): DuckDBValue => {
          switch (column) {
            case 0:
              return p.key;
            case 1:
              return content.nhsNumbers.get(p.key) ?? null;
            case 2:
              return p.given;
            case 3:
              return p.middle ?? null;
            case 4:
              return p.family;
            case 5:
              return p.sex;
            case 6:
              return date(p.birthDay);
            case 7:
              return p.deathDay === undefined ? null : date(p.deathDay);
            case 8:
              return p.cause ?? null;
            case 9:
              return p.ethnicity;
            case 10:
              return content.ethnicCategory(p.ethnicity);
            default:
              return p.origin;
          }
        },
      ),
      (rows) =>
        `SELECT person_key, 'P' || lpad(person_key::VARCHAR, 9, '0') AS person_id, * EXCLUDE (person_key)
         FROM ${rows} ORDER BY person_key`,
      file('persons'),
    );
    const addresses = persons.flatMap((p) =>
      p.addresses.map((a, k) => ({ p, a, to: p.addresses[k + 1]?.fromDay })),
    );
    await this.#copy(
      valueRows(
        [
          ['person_key', INTEGER],
          ['from_date', DATE],
          ['to_date', DATE],
          ['lsoa11_code', VARCHAR],
          ['lad19_code', VARCHAR],
          ['place', VARCHAR],
          ['imd_decile', TINYINT],
          ['address_line', VARCHAR],
          ['town', VARCHAR],
          ['postcode', VARCHAR],
          ['postcode_district', VARCHAR],
        ],
        addresses,
        (column, { p, a, to: next }): DuckDBValue => {
          switch (column) {
            case 0:
              return p.key;
            case 1:
              return date(a.fromDay);
            case 2:
              return next === undefined ? null : date(next - 1);
            case 3:
              return a.lsoa11;
            case 4:
              return a.lad19;
            case 5:
              return a.place;
            case 6:
              return a.imdDecile;
            case 7:
              return a.line;
            case 8:
              return a.town;
            case 9:
              return a.postcode;
            default:
              return a.postcodeDistrict;
          }
        },
      ),
      (rows) => `SELECT * FROM ${rows} ORDER BY person_key, from_date`,
      file('addresses'),
    );
    const registrations = persons.flatMap((p) =>
      p.registrations.map((r, k) => ({ p, r, to: p.registrations[k + 1]?.fromDay })),
    );
    await this.#copy(
      valueRows(
        [
          ['person_key', INTEGER],
          ['practice_code', VARCHAR],
          ['organisation_index', INTEGER],
          ['from_date', DATE],
          ['to_date', DATE],
        ],
        registrations,
        (column, { p, r, to: next }): DuckDBValue => {
          if (column === 0) return p.key;
          if (column === 1) return r.practice;
          if (column === 2) return r.organisation;
          if (column === 3) return date(r.fromDay);
          return next === undefined ? null : date(next - 1);
        },
      ),
      (rows) => `SELECT * FROM ${rows} ORDER BY person_key, from_date`,
      file('registrations'),
    );
    await this.#copy(
      valueRows(
        [
          ['carer_key', INTEGER],
          ['cared_for_key', INTEGER],
          ['from_date', DATE],
          ['recorded', BOOLEAN],
        ],
        content.carers,
        (column, pair): DuckDBValue =>
          column === 0
            ? pair.carer
            : column === 1
              ? pair.caredFor
              : column === 2
                ? date(pair.fromDay)
                : pair.recorded,
      ),
      (rows) => `SELECT * FROM ${rows} ORDER BY carer_key`,
      file('carers'),
    );

    // Enums from their indexes by list lookup (a list's element 0 is NULL, so the −1 of "none" becomes NULL).
    const kinds = sqlList(EVENT_KINDS);
    const settings = sqlList(SETTINGS);
    const ev = content.events;
    await this.#copy(
      numericRows(
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
      numericRows(
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
