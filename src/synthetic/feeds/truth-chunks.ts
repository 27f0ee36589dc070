/**
 * @module synthetic/feeds/truth-chunks
 * Reads a generated ground truth one chunk at a time for the feeds: the chunk's persons with their addresses and
 * practice registrations, and its events as typed-array columns. The truth holds tens of millions of events, so they
 * never become JavaScript objects: DuckDB turns each event's kind, codes, setting and organisation into indexes of
 * dictionaries read once (codes.parquet, organisations.parquet), and dates into day numbers (days since 1970-01-01).
 *
 * A chunk's persons are in every table's file of the same number (`persons-00003.parquet`, `events-00003.parquet`,
 * …), so a chunk can be read, and its feeds made, on its own. Rows are ordered by person, then date, then their
 * place in the file, so the same truth always reads the same way.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection, type DuckDBDataChunk } from '@duckdb/node-api';
import { problem, type Problem } from '../../core/problem.js';
import { err, ok, type Result } from '../../core/result.js';
import { readManifest, type Manifest } from '../generate.js';
import { EVENT_KINDS, type CodeSystem } from '../life-course/events.js';
import { SETTINGS } from '../life-course/model.js';
import { kindOfType, type FeedOrganisation } from './organisations.js';

export interface AddressRecord {
  readonly fromDay: number;
  readonly line: string;
  readonly town: string;
  readonly postcode: string;
}

export interface RegistrationRecord {
  /** Index into the organisations. */
  readonly practice: number;
  readonly fromDay: number;
  /** The last day registered; Infinity while the registration is open. */
  readonly toDay: number;
}

export interface PersonRecord {
  /** The number of the truth's person id ('P' and nine digits). */
  readonly key: number;
  readonly id: string;
  readonly nhsNumber: string | undefined;
  readonly given: string;
  readonly middle: string | undefined;
  readonly family: string;
  readonly sex: 'female' | 'male';
  readonly birthDay: number;
  readonly deathDay: number | undefined;
  /** The NHS ethnic category letter (A–Z). */
  readonly ethnicCategory: string | undefined;
  /** In date order. */
  readonly addresses: readonly AddressRecord[];
  /** In date order. */
  readonly registrations: readonly RegistrationRecord[];
  /** The person's events are rows firstEvent … endEvent − 1 of the chunk's events. */
  readonly firstEvent: number;
  readonly endEvent: number;
}

/** Event columns, one row an event; indexes are into EVENT_KINDS, SETTINGS and the dictionaries (−1: none). */
export interface EventTable {
  readonly length: number;
  readonly person: Int32Array;
  readonly day: Int32Array;
  readonly kind: Int8Array;
  readonly code: Int32Array;
  /** NaN when the event has no value. */
  readonly value: Float64Array;
  readonly setting: Int8Array;
  readonly organisation: Int32Array;
  readonly reason: Int32Array;
}

export interface TruthChunk {
  readonly persons: readonly PersonRecord[];
  readonly events: EventTable;
}

export interface CodeEntry {
  readonly system: CodeSystem;
  readonly code: string;
  readonly display: string;
}

const TABLES = ['persons', 'addresses', 'registrations', 'events'] as const;
const COLUMNS: Readonly<Record<(typeof TABLES)[number], readonly string[]>> = {
  persons: [
    'person_id',
    'nhs_number',
    'given_name',
    'middle_name',
    'family_name',
    'sex',
    'date_of_birth',
    'date_of_death',
    'ethnic_category',
  ],
  addresses: ['person_id', 'from_date', 'address_line', 'town', 'postcode'],
  registrations: ['person_id', 'practice_code', 'from_date', 'to_date'],
  events: [
    'person_id',
    'date',
    'kind',
    'code_system',
    'code',
    'value',
    'setting',
    'organisation',
    'reason_system',
    'reason_code',
  ],
};

const quote = (text: string) => `'${text.replaceAll("'", "''")}'`;
const chunkFile = (table: string, chunk: string) => `${table}-${chunk}.parquet`;
const day = (column: string) => `(${column} - DATE '1970-01-01')::INTEGER`;
const key = (column: string) => `CAST(substr(${column}, 2) AS INTEGER)`;
/** The largest INTEGER: an open end date. */
const OPEN = 2147483647;

async function rowsOf<T>(connection: DuckDBConnection, sql: string): Promise<T[]> {
  const reader = await connection.runAndReadAll(sql);
  return reader.getRowObjectsJS() as T[];
}

async function readRows(
  connection: DuckDBConnection,
  sql: string,
  onChunk: (chunk: DuckDBDataChunk, rows: number) => void,
): Promise<void> {
  const result = await connection.run(sql);
  for (;;) {
    const chunk = await result.fetchChunk();
    if (chunk === null || chunk.rowCount === 0) break;
    onChunk(chunk, chunk.rowCount);
  }
}

/** A column of a fetched chunk as plain values. */
function column<T>(chunk: DuckDBDataChunk, index: number, rows: number): (T | null)[] {
  const vector = chunk.getColumnVector(index);
  const out = new Array<T | null>(rows);
  for (let i = 0; i < rows; i++) out[i] = vector.getItem(i) as T | null;
  return out;
}

export class TruthChunks {
  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    private readonly dir: string,
    readonly manifest: Manifest,
    /** The chunk numbers as they appear in the file names ('00000', …). */
    readonly chunks: readonly string[],
    readonly codes: readonly CodeEntry[],
    readonly organisations: readonly FeedOrganisation[],
    /** Persons in the whole truth. */
    readonly persons: number,
  ) {}

  /** Opens a generated folder; a folder that is not one, or lacks a column the feeds need, is refused. */
  static async open(dir: string, threads?: number): Promise<Result<TruthChunks, Problem>> {
    const manifest = readManifest(dir);
    const missing = ['codes.parquet', 'organisations.parquet'].filter((file) => !existsSync(join(dir, file)));
    if (manifest === undefined || missing.length > 0) {
      return err(
        problem(
          'not-found',
          `${dir} holds no generated population.`,
          'Run accord generate --out <dir> first.',
        ),
      );
    }
    // Every chunk the manifest implies, each with its marker (written once its files are whole) and its files.
    const count = Math.max(1, Math.ceil(manifest.residents / manifest.chunkSize));
    const chunks = Array.from({ length: count }, (_, i) => String(i).padStart(5, '0'));
    const incomplete = chunks.flatMap((chunk) =>
      [`chunk-${chunk}.done`, ...TABLES.map((table) => chunkFile(table, chunk))].filter(
        (file) => !existsSync(join(dir, file)),
      ),
    );
    if (incomplete.length > 0) {
      return err(
        problem(
          'not-found',
          `The ground truth in ${dir} is incomplete: ${incomplete.slice(0, 5).join(', ')}${incomplete.length > 5 ? ', …' : ''} missing.`,
          'Run accord generate again with the same settings to finish it.',
        ),
      );
    }
    const instance = await DuckDBInstance.create(
      ':memory:',
      threads === undefined ? {} : { threads: String(threads) },
    );
    const connection = await instance.connect();
    const close = () => {
      connection.closeSync();
      instance.closeSync();
    };
    try {
      const first = chunks[0] as string;
      const issues: string[] = [];
      for (const table of TABLES) {
        const described = await rowsOf<{ column_name: string }>(
          connection,
          `DESCRIBE SELECT * FROM read_parquet(${quote(join(dir, chunkFile(table, first)))})`,
        );
        const names = new Set(described.map((row) => row.column_name));
        const absent = COLUMNS[table].filter((name) => !names.has(name));
        if (absent.length > 0) issues.push(`${table} lacks ${absent.join(', ')}`);
      }
      if (issues.length > 0) {
        close();
        return err(
          problem(
            'bad-input',
            `The ground truth in ${dir} is of another format: ${issues.join('; ')}.`,
            'Generate it again with this version of accord.',
          ),
        );
      }
      const codes = await rowsOf<CodeEntry>(
        connection,
        `SELECT system, code, display FROM read_parquet(${quote(join(dir, 'codes.parquet'))}) ORDER BY system, code`,
      );
      const orgRows = await rowsOf<{
        organisation: string;
        name: string;
        type: string;
        ods_code: string | null;
        ons_code: string | null;
      }>(
        connection,
        `SELECT organisation, name, type, ods_code, ons_code FROM read_parquet(${quote(join(dir, 'organisations.parquet'))}) ORDER BY organisation`,
      );
      const organisations = orgRows.map((row) => ({
        key: row.organisation,
        name: row.name,
        type: row.type,
        kind: kindOfType(row.type),
        odsCode: row.ods_code ?? undefined,
        onsCode: row.ons_code ?? undefined,
      }));
      await connection.run(`
        CREATE TABLE feed_codes AS
          SELECT (row_number() OVER (ORDER BY system, code) - 1)::INTEGER AS i, system, code
          FROM read_parquet(${quote(join(dir, 'codes.parquet'))});
        CREATE TABLE feed_organisations AS
          SELECT (row_number() OVER (ORDER BY organisation) - 1)::INTEGER AS i, organisation
          FROM read_parquet(${quote(join(dir, 'organisations.parquet'))});
        CREATE TABLE feed_kinds (i INTEGER, kind VARCHAR);
        INSERT INTO feed_kinds VALUES ${EVENT_KINDS.map((k, i) => `(${i}, ${quote(k)})`).join(', ')};
        CREATE TABLE feed_settings (i INTEGER, setting VARCHAR);
        INSERT INTO feed_settings VALUES ${SETTINGS.map((s, i) => `(${i}, ${quote(s)})`).join(', ')};
      `);
      const count = await rowsOf<{ n: number }>(
        connection,
        `SELECT count(*)::INTEGER AS n FROM read_parquet(${quote(join(dir, 'persons-*.parquet'))})`,
      );
      const persons = count[0]?.n ?? 0;
      return ok(new TruthChunks(instance, connection, dir, manifest, chunks, codes, organisations, persons));
    } catch (error) {
      close();
      return err(
        problem(
          'bad-input',
          `The ground truth in ${dir} cannot be read: ${(error as Error).message.split('\n')[0] ?? ''}`,
          'Generate it again with accord generate.',
        ),
      );
    }
  }

  readonly #prepared = new Map<string, Promise<void>>();

  /** Events by organisation key in the first chunk: how the work of the feeds is spread over organisations. */
  async loads(): Promise<Map<string, number>> {
    const first = this.chunks[0] as string;
    const rows = await rowsOf<{ organisation: string; n: number }>(
      this.connection,
      `SELECT organisation, count(*)::INTEGER AS n
       FROM read_parquet(${quote(join(this.dir, chunkFile('events', first)))})
       WHERE organisation IS NOT NULL GROUP BY organisation`,
    );
    return new Map(rows.map((row) => [row.organisation, row.n]));
  }

  /**
   * Starts reading a chunk: DuckDB decodes, joins and sorts it into tables in its own threads, so this overlaps
   * whatever the caller does until `read`. Rows are stored in order, and read back in insertion order.
   */
  prepare(chunk: string): Promise<void> {
    let prepared = this.#prepared.get(chunk);
    if (prepared === undefined) {
      const file = (table: string, options = '') =>
        `read_parquet(${quote(join(this.dir, chunkFile(table, chunk)))}${options})`;
      const t = (table: string) => `feed_${table}_${chunk}`;
      prepared = this.connection
        .run(
          `CREATE OR REPLACE TEMP TABLE ${t('addresses')} AS
             SELECT ${key('person_id')} AS p, ${day('from_date')} AS d, address_line, town, postcode
             FROM ${file('addresses')} ORDER BY p, d, address_line, town, postcode;
           CREATE OR REPLACE TEMP TABLE ${t('registrations')} AS
             SELECT ${key('r.person_id')} AS p, o.i AS practice, ${day('r.from_date')} AS d,
                    coalesce(${day('r.to_date')}, ${OPEN}) AS t
             FROM ${file('registrations')} r JOIN feed_organisations o ON o.organisation = r.practice_code
             ORDER BY p, d, t, practice;
           CREATE OR REPLACE TEMP TABLE ${t('events')} AS
             SELECT ${key('e.person_id')} AS p, ${day('e.date')} AS d, k.i AS kind, code.i AS code, e.value,
                    coalesce(s.i, -1) AS setting, coalesce(o.i, -1) AS organisation, coalesce(reason.i, -1) AS reason
             FROM ${file('events', ', file_row_number = true')} e
             JOIN feed_kinds k ON k.kind = e.kind
             JOIN feed_codes code ON code.system = e.code_system AND code.code = e.code
             LEFT JOIN feed_settings s ON s.setting = e.setting
             LEFT JOIN feed_organisations o ON o.organisation = e.organisation
             LEFT JOIN feed_codes reason ON reason.system = e.reason_system AND reason.code = e.reason_code
             ORDER BY p, d, e.file_row_number;
           CREATE OR REPLACE TEMP TABLE ${t('persons')} AS
             SELECT ${key('person_id')} AS p, person_id, nhs_number, given_name, middle_name, family_name, sex,
                    ${day('date_of_birth')} AS birth, ${day('date_of_death')} AS death, ethnic_category
             FROM ${file('persons')} ORDER BY p;`,
        )
        .then(() => undefined);
      // Awaited by `read` or `close`; marked handled so a run that stops early does not report it twice.
      prepared.catch(() => undefined);
      this.#prepared.set(chunk, prepared);
    }
    return prepared;
  }

  /** A chunk's persons and events (prepared first, if `prepare` was not called). */
  async read(chunk: string): Promise<TruthChunk> {
    await this.prepare(chunk);
    this.#prepared.delete(chunk);
    const c = this.connection;
    const t = (table: string) => `feed_${table}_${chunk}`;

    const addresses = new Map<number, AddressRecord[]>();
    await readRows(c, `SELECT * FROM ${t('addresses')}`, (data, rows) => {
      const [person, from, line, town, postcode] = [0, 1, 2, 3, 4].map((i) => column<unknown>(data, i, rows));
      for (let i = 0; i < rows; i++) {
        const k = person?.[i] as number;
        const list = addresses.get(k) ?? [];
        list.push({
          fromDay: from?.[i] as number,
          line: (line?.[i] as string | null) ?? '',
          town: (town?.[i] as string | null) ?? '',
          postcode: (postcode?.[i] as string | null) ?? '',
        });
        addresses.set(k, list);
      }
    });

    const registrations = new Map<number, RegistrationRecord[]>();
    await readRows(c, `SELECT * FROM ${t('registrations')}`, (data, rows) => {
      const [person, practice, from, to] = [0, 1, 2, 3].map((i) => column<number>(data, i, rows));
      for (let i = 0; i < rows; i++) {
        const k = person?.[i] as number;
        const list = registrations.get(k) ?? [];
        const toDay = to?.[i] as number;
        list.push({
          practice: practice?.[i] as number,
          fromDay: from?.[i] as number,
          toDay: toDay === OPEN ? Infinity : toDay,
        });
        registrations.set(k, list);
      }
    });

    const events = new EventColumns();
    await readRows(c, `SELECT * FROM ${t('events')}`, (data, rows) => {
      const p = data.getColumnVector(0);
      const d = data.getColumnVector(1);
      const kind = data.getColumnVector(2);
      const code = data.getColumnVector(3);
      const value = data.getColumnVector(4);
      const setting = data.getColumnVector(5);
      const organisation = data.getColumnVector(6);
      const reason = data.getColumnVector(7);
      for (let i = 0; i < rows; i++) {
        events.push(
          p.getItem(i) as number,
          d.getItem(i) as number,
          kind.getItem(i) as number,
          code.getItem(i) as number,
          (value.getItem(i) as number | null) ?? Number.NaN,
          setting.getItem(i) as number,
          organisation.getItem(i) as number,
          reason.getItem(i) as number,
        );
      }
    });
    const table = events.table();
    // The feeds' determinism rests on this order; a table read back out of it would be a bug in the reading.
    for (let i = 1; i < table.length; i++) {
      const previous = table.person[i - 1] as number;
      const current = table.person[i] as number;
      if (
        current < previous ||
        (current === previous && (table.day[i] as number) < (table.day[i - 1] as number))
      ) {
        throw new Error(`the events of chunk ${chunk} were read out of order`);
      }
    }

    const persons: PersonRecord[] = [];
    let cursor = 0;
    await readRows(c, `SELECT * FROM ${t('persons')}`, (data, rows) => {
      const cols = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((i) => column<unknown>(data, i, rows));
      const at = (c: number, i: number) => cols[c]?.[i] ?? null;
      for (let i = 0; i < rows; i++) {
        const k = at(0, i) as number;
        // Events of persons the persons file lacks cannot be sent; skip them (a truth written by a bug).
        while (cursor < table.length && (table.person[cursor] as number) < k) cursor++;
        const firstEvent = cursor;
        while (cursor < table.length && table.person[cursor] === k) cursor++;
        const middle = at(4, i) as string | null;
        const death = at(8, i) as number | null;
        const nhs = at(2, i) as string | null;
        const ethnic = at(9, i) as string | null;
        persons.push({
          key: k,
          id: at(1, i) as string,
          nhsNumber: nhs === null || nhs === '' ? undefined : nhs,
          given: (at(3, i) as string | null) ?? '',
          middle: middle === null || middle === '' ? undefined : middle,
          family: (at(5, i) as string | null) ?? '',
          sex: at(6, i) === 'female' ? 'female' : 'male',
          birthDay: at(7, i) as number,
          deathDay: death ?? undefined,
          ethnicCategory: ethnic ?? undefined,
          addresses: addresses.get(k) ?? [],
          registrations: registrations.get(k) ?? [],
          firstEvent,
          endEvent: cursor,
        });
      }
    });
    await c.run(
      ['addresses', 'registrations', 'events', 'persons'].map((x) => `DROP TABLE ${t(x)};`).join(' '),
    );
    return { persons, events: table };
  }

  /** Closes the database, once any chunk still being prepared is done. */
  async close(): Promise<void> {
    await Promise.allSettled(this.#prepared.values());
    this.connection.closeSync();
    this.instance.closeSync();
  }
}

/** Growable event columns. */
class EventColumns {
  length = 0;
  #person = new Int32Array(4096);
  #day = new Int32Array(4096);
  #kind = new Int8Array(4096);
  #code = new Int32Array(4096);
  #value = new Float64Array(4096);
  #setting = new Int8Array(4096);
  #organisation = new Int32Array(4096);
  #reason = new Int32Array(4096);

  push(
    person: number,
    day: number,
    kind: number,
    code: number,
    value: number,
    setting: number,
    organisation: number,
    reason: number,
  ) {
    if (this.length === this.#day.length) this.#grow();
    const i = this.length++;
    this.#person[i] = person;
    this.#day[i] = day;
    this.#kind[i] = kind;
    this.#code[i] = code;
    this.#value[i] = value;
    this.#setting[i] = setting;
    this.#organisation[i] = organisation;
    this.#reason[i] = reason;
  }

  #grow() {
    const size = this.#day.length * 2;
    const grow = <T extends Int32Array | Int8Array | Float64Array>(old: T, next: T): T => {
      next.set(old);
      return next;
    };
    this.#person = grow(this.#person, new Int32Array(size));
    this.#day = grow(this.#day, new Int32Array(size));
    this.#kind = grow(this.#kind, new Int8Array(size));
    this.#code = grow(this.#code, new Int32Array(size));
    this.#value = grow(this.#value, new Float64Array(size));
    this.#setting = grow(this.#setting, new Int8Array(size));
    this.#organisation = grow(this.#organisation, new Int32Array(size));
    this.#reason = grow(this.#reason, new Int32Array(size));
  }

  table(): EventTable {
    return {
      length: this.length,
      person: this.#person,
      day: this.#day,
      kind: this.#kind,
      code: this.#code,
      value: this.#value,
      setting: this.#setting,
      organisation: this.#organisation,
      reason: this.#reason,
    };
  }
}
