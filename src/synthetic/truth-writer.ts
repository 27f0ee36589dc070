/**
 * @module synthetic/truth-writer
 * Writes a chunk of simulated lives as the columnar ground truth: Parquet files of persons, addresses, practice
 * registrations, carers and events, through an embedded DuckDB. Rows are appended in blocks of 2,048 (DuckDB's
 * vector size) from the simulator's columns, then copied to Parquet with codes and organisations resolved from the
 * dictionaries, so the files are self-explanatory (SNOMED CT code and display on every event) while the simulator
 * only ever handles integers.
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
  TINYINT,
  UTINYINT,
  VARCHAR,
  type DuckDBConnection,
  type DuckDBType,
  type DuckDBValue,
} from '@duckdb/node-api';
import type { CodeBook, EventColumns, OrganisationBook } from './life-course/events.js';
import { EVENT_KINDS } from './life-course/events.js';
import { SETTINGS } from './life-course/model.js';
import type { Person } from './life-course/simulate.js';

export const TRUTH_TABLES = ['persons', 'addresses', 'registrations', 'carers', 'events'] as const;
export type TruthTable = (typeof TRUTH_TABLES)[number];

export const chunkFile = (table: TruthTable, chunk: number): string =>
  `${table}-${String(chunk).padStart(5, '0')}.parquet`;
export const chunkMarker = (chunk: number): string => `chunk-${String(chunk).padStart(5, '0')}.done`;

/** The person id of the ground truth and the feeds' truth: 'P' and nine digits. */
export const personId = (key: number): string => `P${String(key).padStart(9, '0')}`;

const BLOCK = 2048;

const date = (day: number): DuckDBDateValue => new DuckDBDateValue(day);

/** Appends rows to a table in blocks: `column(c, i)` gives column c of row i. */
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

/** A row of organisations.parquet: every organisation an event can name. */
export interface OrganisationRow {
  /** The key events use: a practice's ODS code, or the partnership's organisation id. */
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
  /** The NHS ethnic category code (A–Z) of an ethnic group id. */
  readonly ethnicCategory: (group: string) => string;
}

export class TruthWriter {
  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
  ) {}

  /** An in-memory DuckDB with one thread (the generator runs one writer per worker). */
  static async open(codes: CodeBook, organisations: OrganisationBook): Promise<TruthWriter> {
    const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
    const connection = await instance.connect();
    const writer = new TruthWriter(instance, connection);
    await connection.run(`
      CREATE TABLE codes (code_index INTEGER, system VARCHAR, code VARCHAR, display VARCHAR);
      CREATE TABLE organisations (organisation_index INTEGER, organisation VARCHAR);
      CREATE TABLE kinds (kind_index UTINYINT, kind VARCHAR);
      CREATE TABLE settings (setting_index TINYINT, setting VARCHAR);
      CREATE TABLE persons_raw (person_key INTEGER, nhs_number VARCHAR, given_name VARCHAR, middle_name VARCHAR,
        family_name VARCHAR, sex VARCHAR, date_of_birth DATE, date_of_death DATE, cause_of_death VARCHAR,
        ethnic_group VARCHAR, ethnic_category VARCHAR, origin VARCHAR);
      CREATE TABLE addresses_raw (person_key INTEGER, from_date DATE, to_date DATE, lsoa11_code VARCHAR,
        lad19_code VARCHAR, place VARCHAR, imd_decile TINYINT, address_line VARCHAR, town VARCHAR, postcode VARCHAR,
        postcode_district VARCHAR);
      CREATE TABLE registrations_raw (person_key INTEGER, practice_code VARCHAR, from_date DATE, to_date DATE);
      CREATE TABLE carers_raw (carer_key INTEGER, cared_for_key INTEGER, from_date DATE, recorded BOOLEAN);
      CREATE TABLE events_raw (person_key INTEGER, day INTEGER, kind_index UTINYINT, code_index INTEGER,
        value DOUBLE, setting_index TINYINT, organisation_index INTEGER, reason_index INTEGER);
    `);
    await append(
      connection,
      'codes',
      [INTEGER, VARCHAR, VARCHAR, VARCHAR],
      codes.entries.length,
      (c, from, to) =>
        codes.entries
          .slice(from, to)
          .map((entry, k) => [from + k, entry.system, entry.code, entry.display][c] ?? null),
    );
    await append(connection, 'organisations', [INTEGER, VARCHAR], organisations.keys.length, (c, from, to) =>
      organisations.keys.slice(from, to).map((key, k) => (c === 0 ? from + k : key)),
    );
    await append(connection, 'kinds', [UTINYINT, VARCHAR], EVENT_KINDS.length, (c, from, to) =>
      EVENT_KINDS.slice(from, to).map((kind, k) => (c === 0 ? from + k : kind)),
    );
    await append(connection, 'settings', [TINYINT, VARCHAR], SETTINGS.length, (c, from, to) =>
      SETTINGS.slice(from, to).map((setting, k) => (c === 0 ? from + k : setting)),
    );
    return writer;
  }

  /** Writes the dictionaries once for the whole generation (codes.parquet, organisations.parquet). */
  async writeDictionaries(outDir: string, organisations: readonly OrganisationRow[]): Promise<void> {
    await this.#copy(
      `SELECT system, code, display FROM codes ORDER BY code_index`,
      join(outDir, 'codes.parquet'),
    );
    await this.connection.run(
      'CREATE OR REPLACE TABLE organisation_rows (organisation VARCHAR, name VARCHAR, type VARCHAR, ods_code VARCHAR, ons_code VARCHAR)',
    );
    await append(
      this.connection,
      'organisation_rows',
      [VARCHAR, VARCHAR, VARCHAR, VARCHAR, VARCHAR],
      organisations.length,
      (c, from, to) =>
        organisations
          .slice(from, to)
          .map((o) => [o.organisation, o.name, o.type, o.odsCode ?? null, o.onsCode ?? null][c] ?? null),
    );
    await this.#copy(
      'SELECT * FROM organisation_rows ORDER BY organisation',
      join(outDir, 'organisations.parquet'),
    );
  }

  async writeChunk(outDir: string, chunk: number, content: ChunkContent): Promise<void> {
    const c = this.connection;
    await c.run(
      'DELETE FROM persons_raw; DELETE FROM addresses_raw; DELETE FROM registrations_raw; DELETE FROM carers_raw; DELETE FROM events_raw;',
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
      [INTEGER, VARCHAR, DATE, DATE],
      registrations.length,
      (column, from, to) =>
        registrations.slice(from, to).map(({ p, r, to: next }): DuckDBValue => {
          if (column === 0) return p.key;
          if (column === 1) return r.practice;
          if (column === 2) return date(r.fromDay);
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
    const columns = [ev.person, ev.day, ev.kind, ev.code, ev.value, ev.setting, ev.organisation, ev.reason];
    await append(
      c,
      'events_raw',
      [INTEGER, INTEGER, UTINYINT, INTEGER, DOUBLE, TINYINT, INTEGER, INTEGER],
      ev.length,
      (column, from, to) => {
        const source = columns[column] as ArrayLike<number>;
        const values: DuckDBValue[] = new Array<DuckDBValue>(to - from);
        for (let i = from; i < to; i++) {
          const v = source[i] ?? 0;
          // No nulls here (a validity mask costs more to fill than the values): "none" stays −1 or NaN and becomes
          // NULL in the copy below (a list's element 0 is NULL; NaN is tested for).
          values[i - from] = v;
        }
        return values;
      },
    );

    const pid = (key: string) => `'P' || lpad(${key}::VARCHAR, 9, '0')`;
    const files: [TruthTable, string][] = [
      [
        'persons',
        `SELECT ${pid('person_key')} AS person_id, * EXCLUDE (person_key) FROM persons_raw ORDER BY person_key`,
      ],
      [
        'addresses',
        `SELECT ${pid('person_key')} AS person_id, * EXCLUDE (person_key) FROM addresses_raw ORDER BY person_key, from_date`,
      ],
      [
        'registrations',
        `SELECT ${pid('person_key')} AS person_id, * EXCLUDE (person_key) FROM registrations_raw ORDER BY person_key, from_date`,
      ],
      [
        'carers',
        `SELECT ${pid('carer_key')} AS carer_id, ${pid('cared_for_key')} AS cared_for_id, from_date, recorded FROM carers_raw ORDER BY carer_key`,
      ],
      [
        'events',
        // Dictionary columns by list lookup rather than joins: about three times faster here, and row order kept.
        `WITH d AS (
           SELECT (SELECT list(kind ORDER BY kind_index) FROM kinds) AS kinds,
                  (SELECT list(system ORDER BY code_index) FROM codes) AS systems,
                  (SELECT list(code ORDER BY code_index) FROM codes) AS codes,
                  (SELECT list(display ORDER BY code_index) FROM codes) AS displays,
                  (SELECT list(setting ORDER BY setting_index) FROM settings) AS settings,
                  (SELECT list(organisation ORDER BY organisation_index) FROM organisations) AS organisations)
         SELECT ${pid('e.person_key')} AS person_id, DATE '1970-01-01' + e.day AS date,
           d.kinds[e.kind_index + 1] AS kind, d.systems[e.code_index + 1] AS code_system,
           d.codes[e.code_index + 1] AS code, d.displays[e.code_index + 1] AS display,
           CASE WHEN isnan(e.value) THEN NULL ELSE e.value END AS value,
           d.settings[e.setting_index + 1] AS setting, d.organisations[e.organisation_index + 1] AS organisation,
           d.systems[e.reason_index + 1] AS reason_system, d.codes[e.reason_index + 1] AS reason_code,
           d.displays[e.reason_index + 1] AS reason_display
         FROM events_raw e, d`,
      ],
    ];
    for (const [table, query] of files) await this.#copy(query, join(outDir, chunkFile(table, chunk)));
    writeFileSync(
      join(outDir, chunkMarker(chunk)),
      `${JSON.stringify({ persons: persons.length, events: ev.length })}\n`,
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
