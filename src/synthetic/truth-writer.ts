/**
 * @module synthetic/truth-writer
 * Writes a chunk of simulated lives as the columnar ground truth: Parquet files of persons, addresses, practice
 * registrations, carers, events and yearly activity, through an embedded DuckDB.
 *
 * The truth is a star: the large tables (events, activity) hold integer keys — person_key, code_index,
 * organisation_index — into the persons file and the two dictionaries written once (codes.parquet,
 * organisations.parquet), and the small closed vocabularies (kind, setting) as enums, which Parquet stores as
 * dictionary-encoded strings. Materialising a SNOMED CT code, display and person id on every one of tens of millions of
 * rows made DuckDB's copy ten times slower, for text any reader gets back with one join. The typed-array columns of
 * the simulator are copied into DuckDB's vectors as raw memory, 2,048 rows (DuckDB's vector size) at a time.
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

/** Appends rows to a table in blocks: `column(c, from, to)` gives column c of rows from … to − 1. */
async function append(
  connection: DuckDBConnection,
  table: string,
  types: readonly DuckDBType[],
  rows: number,
  column: (c: number, from: number, to: number) => DuckDBValue[],
): Promise<void> {
  const appender = await connection.createAppender(table);
  for (let from = 0; from < rows; from += BLOCK) {
    const to = Math.min(rows, from + BLOCK);
    const chunk = DuckDBDataChunk.create([...types], to - from);
    chunk.setColumns(types.map((_, c) => column(c, from, to)));
    appender.appendDataChunk(chunk);
  }
  appender.closeSync();
}

type NumericColumn = Int8Array | Uint8Array | Int16Array | Int32Array | Float64Array;

/**
 * Appends typed-array columns as raw memory: each column's element type must be the table column's physical type
 * (INTEGER and DATE ← Int32Array, SMALLINT ← Int16Array, TINYINT ← Int8Array, UTINYINT ← Uint8Array, DOUBLE ←
 * Float64Array). No value is null; "none" is a sentinel the copy to Parquet turns into NULL.
 */
async function appendColumns(
  connection: DuckDBConnection,
  table: string,
  types: readonly DuckDBType[],
  rows: number,
  columns: readonly NumericColumn[],
): Promise<void> {
  const appender = await connection.createAppender(table);
  for (let from = 0; from < rows; from += BLOCK) {
    const count = Math.min(BLOCK, rows - from);
    const chunk = DuckDBDataChunk.create([...types], count);
    columns.forEach((source, c) => {
      const size = source.BYTES_PER_ELEMENT;
      const vector = bindings.data_chunk_get_vector(chunk.chunk, c);
      // The simulator's arrays are never shared, so their buffer is a plain ArrayBuffer.
      bindings.copy_data_to_vector(
        vector,
        0,
        source.buffer as ArrayBuffer,
        source.byteOffset + from * size,
        count * size,
      );
    });
    appender.appendDataChunk(chunk);
  }
  appender.closeSync();
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
    await connection.run(`
      CREATE TYPE event_kind AS ENUM (${EVENT_KINDS.map((k) => `'${k}'`).join(', ')});
      CREATE TYPE care_setting AS ENUM (${SETTINGS.map((k) => `'${k}'`).join(', ')});
      CREATE TABLE persons_raw (person_key INTEGER, nhs_number VARCHAR, given_name VARCHAR, middle_name VARCHAR,
        family_name VARCHAR, sex VARCHAR, date_of_birth DATE, date_of_death DATE, cause_of_death VARCHAR,
        ethnic_group VARCHAR, ethnic_category VARCHAR, origin VARCHAR);
      CREATE TABLE addresses_raw (person_key INTEGER, from_date DATE, to_date DATE, lsoa11_code VARCHAR,
        lad19_code VARCHAR, place VARCHAR, imd_decile TINYINT, address_line VARCHAR, town VARCHAR, postcode VARCHAR,
        postcode_district VARCHAR);
      CREATE TABLE registrations_raw (person_key INTEGER, practice_code VARCHAR, organisation_index INTEGER,
        from_date DATE, to_date DATE);
      CREATE TABLE carers_raw (carer_key INTEGER, cared_for_key INTEGER, from_date DATE, recorded BOOLEAN);
      CREATE TABLE events_raw (person_key INTEGER, date DATE, kind UTINYINT, code_index INTEGER, value DOUBLE,
        setting TINYINT, organisation_index INTEGER, reason_index INTEGER);
      CREATE TABLE activity_raw (person_key INTEGER, year SMALLINT, setting TINYINT, organisation_index INTEGER,
        contacts SMALLINT, first_date DATE, last_date DATE);
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
    const c = this.connection;
    await c.run(
      'CREATE OR REPLACE TABLE codes (code_index INTEGER, system VARCHAR, code VARCHAR, display VARCHAR)',
    );
    const entries = this.codes.entries;
    await append(c, 'codes', [INTEGER, VARCHAR, VARCHAR, VARCHAR], entries.length, (column, from, to) =>
      entries.slice(from, to).map((e, k) => [from + k, e.system, e.code, e.display][column] ?? null),
    );
    await this.#copy('SELECT * FROM codes ORDER BY code_index', join(outDir, 'codes.parquet'));
    await c.run(
      'CREATE OR REPLACE TABLE organisation_rows (organisation_index INTEGER, organisation VARCHAR, name VARCHAR, type VARCHAR, ods_code VARCHAR, ons_code VARCHAR)',
    );
    await append(
      c,
      'organisation_rows',
      [INTEGER, VARCHAR, VARCHAR, VARCHAR, VARCHAR, VARCHAR],
      organisations.length,
      (column, from, to) =>
        organisations
          .slice(from, to)
          .map(
            (o, k) =>
              [from + k, o.organisation, o.name, o.type, o.odsCode ?? null, o.onsCode ?? null][column] ??
              null,
          ),
    );
    await this.#copy(
      'SELECT * FROM organisation_rows ORDER BY organisation_index',
      join(outDir, 'organisations.parquet'),
    );
  }

  async writeChunk(outDir: string, chunk: number, content: ChunkContent): Promise<void> {
    const c = this.connection;
    await c.run(
      'DELETE FROM persons_raw; DELETE FROM addresses_raw; DELETE FROM registrations_raw; DELETE FROM carers_raw; DELETE FROM events_raw; DELETE FROM activity_raw;',
    );
    const persons = content.persons;
    await append(
      c,
      'persons_raw',
      [INTEGER, VARCHAR, VARCHAR, VARCHAR, VARCHAR, VARCHAR, DATE, DATE, VARCHAR, VARCHAR, VARCHAR, VARCHAR],
      persons.length,
      (column, from, to) =>
        persons.slice(from, to).map((p): DuckDBValue => {
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
        }),
    );
    const addresses = persons.flatMap((p) =>
      p.addresses.map((a, k) => ({ p, a, to: p.addresses[k + 1]?.fromDay })),
    );
    await append(
      c,
      'addresses_raw',
      [INTEGER, DATE, DATE, VARCHAR, VARCHAR, VARCHAR, TINYINT, VARCHAR, VARCHAR, VARCHAR, VARCHAR],
      addresses.length,
      (column, from, to) =>
        addresses.slice(from, to).map(({ p, a, to: next }): DuckDBValue => {
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
        }),
    );
    const registrations = persons.flatMap((p) =>
      p.registrations.map((r, k) => ({ p, r, to: p.registrations[k + 1]?.fromDay })),
    );
    await append(
      c,
      'registrations_raw',
      [INTEGER, VARCHAR, INTEGER, DATE, DATE],
      registrations.length,
      (column, from, to) =>
        registrations.slice(from, to).map(({ p, r, to: next }): DuckDBValue => {
          if (column === 0) return p.key;
          if (column === 1) return r.practice;
          if (column === 2) return r.organisation;
          if (column === 3) return date(r.fromDay);
          return next === undefined ? null : date(next - 1);
        }),
    );
    await append(
      c,
      'carers_raw',
      [INTEGER, INTEGER, DATE, BOOLEAN],
      content.carers.length,
      (column, from, to) =>
        content.carers.slice(from, to).map((pair): DuckDBValue => {
          if (column === 0) return pair.carer;
          if (column === 1) return pair.caredFor;
          if (column === 2) return date(pair.fromDay);
          return pair.recorded;
        }),
    );
    const ev = content.events;
    await appendColumns(
      c,
      'events_raw',
      [INTEGER, DATE, UTINYINT, INTEGER, DOUBLE, TINYINT, INTEGER, INTEGER],
      ev.length,
      [ev.person, ev.day, ev.kind, ev.code, ev.value, ev.setting, ev.organisation, ev.reason],
    );
    const ac = content.activity;
    await appendColumns(
      c,
      'activity_raw',
      [INTEGER, SMALLINT, TINYINT, INTEGER, SMALLINT, DATE, DATE],
      ac.length,
      [ac.person, ac.year, ac.setting, ac.organisation, ac.contacts, ac.first, ac.last],
    );

    // Enums from their indexes by list lookup (a list's element 0 is NULL, so the −1 of "none" becomes NULL).
    const kinds = sqlList(EVENT_KINDS);
    const settings = sqlList(SETTINGS);
    const files: [TruthTable, string][] = [
      [
        'persons',
        `SELECT person_key, 'P' || lpad(person_key::VARCHAR, 9, '0') AS person_id, * EXCLUDE (person_key)
         FROM persons_raw ORDER BY person_key`,
      ],
      ['addresses', 'SELECT * FROM addresses_raw ORDER BY person_key, from_date'],
      ['registrations', 'SELECT * FROM registrations_raw ORDER BY person_key, from_date'],
      ['carers', 'SELECT * FROM carers_raw ORDER BY carer_key'],
      [
        'events',
        // In the order simulated: each person's events together, persons in key order.
        `SELECT person_key, date, ${kinds}[kind + 1]::event_kind AS kind, code_index,
           CASE WHEN isnan(value) THEN NULL ELSE value END AS value,
           ${settings}[setting + 1]::care_setting AS setting, nullif(organisation_index, -1) AS organisation_index,
           nullif(reason_index, -1) AS reason_index
         FROM events_raw`,
      ],
      [
        'activity',
        `SELECT person_key, year, ${settings}[setting + 1]::care_setting AS setting,
           nullif(organisation_index, -1) AS organisation_index, contacts, first_date, last_date
         FROM activity_raw`,
      ],
    ];
    for (const [table, query] of files) await this.#copy(query, join(outDir, chunkFile(table, chunk)));
    writeFileSync(
      join(outDir, chunkMarker(chunk)),
      `${JSON.stringify({ persons: persons.length, events: ev.length, activity: ac.length })}\n`,
    );
  }

  async #copy(query: string, file: string): Promise<void> {
    const partial = `${file}.partial`;
    await this.connection.run(
      `COPY (${query}) TO '${partial.replaceAll("'", "''")}' (FORMAT parquet, COMPRESSION zstd)`,
    );
    renameSync(partial, file);
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }
}
