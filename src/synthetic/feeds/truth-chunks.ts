/**
 * @module synthetic/feeds/truth-chunks
 * Reads a generated ground truth one chunk at a time for the feeds: the chunk's persons with their addresses and
 * practice registrations, its events and its yearly activity as typed-array columns. The truth holds tens of millions
 * of events and activity rows, so they never become JavaScript objects. The truth is a star (truth-writer.ts): events,
 * activity and registrations name persons by person_key and codes and organisations by their position in the
 * dictionaries (codes.parquet, organisations.parquet), which are read once in that order, so the indexes are used as
 * they are; DuckDB turns the kind and setting enums into indexes of EVENT_KINDS and SETTINGS, and dates into day
 * numbers (days since 1970-01-01).
 *
 * A chunk's persons are in every table's file of the same number (`persons-00003.parquet`, `events-00003.parquet`,
 * …), so a chunk can be read, and its feeds made, on its own. The truth keeps each person's events in the order
 * simulated, not by date, so they are sorted here: by person, then date, then place in the file. Activity rows are
 * sorted by person, organisation, setting and year, so that a run of consecutive years at one organisation in one
 * setting (an episode of care, holdings.ts) is a run of rows. The same truth always reads the same way.
 *
 * A truth of another format (the earlier one named persons by person_id and codes by their text) is refused before
 * anything is read: every column the feeds read, of every table, is checked first.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection, type DuckDBDataChunk } from '@duckdb/node-api';
import { problem, type Problem } from '../../core/problem.js';
import { err, ok, type Result } from '../../core/result.js';
import { readManifest, type Manifest } from '../generate.js';
import { ActivityColumns, EVENT_KINDS, type CodeSystem } from '../life-course/events.js';
import { CAUSES_OF_DEATH, SETTINGS, type CauseOfDeath } from '../life-course/model.js';
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
  /** The certified cause of a death (one of CAUSES_OF_DEATH; the truth's `cause_of_death`). */
  readonly causeOfDeath: CauseOfDeath | undefined;
  /** The NHS ethnic category letter (A–Z). */
  readonly ethnicCategory: string | undefined;
  /** In date order. */
  readonly addresses: readonly AddressRecord[];
  /** In date order. */
  readonly registrations: readonly RegistrationRecord[];
  /** The person's events are rows firstEvent … endEvent − 1 of the chunk's events. */
  readonly firstEvent: number;
  readonly endEvent: number;
  /** The person's activity rows are rows firstActivity … endActivity − 1 of the chunk's activity. */
  readonly firstActivity: number;
  readonly endActivity: number;
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

/**
 * Activity columns, one row a person, calendar year, setting and organisation with contacts (the routine settings
 * the truth counts rather than dates: reference/life-course/encounters.yaml, `recorded: yearly`). Rows of general
 * practice, and rows naming no organisation, are left out: no feed sends them (holdings.ts).
 */
export interface ActivityTable {
  readonly length: number;
  readonly person: Int32Array;
  readonly year: Int16Array;
  /** Index into SETTINGS. */
  readonly setting: Int8Array;
  readonly organisation: Int32Array;
  readonly contacts: Int16Array;
  /** Day numbers of the year's first and last contacts. */
  readonly first: Int32Array;
  readonly last: Int32Array;
}

/** What holdings and records read of a chunk: its events and activity, indexed by the persons' row ranges. */
export interface ChunkTables {
  readonly events: EventTable;
  readonly activity: ActivityTable;
}

export interface TruthChunk extends ChunkTables {
  readonly persons: readonly PersonRecord[];
}

export interface CodeEntry {
  readonly system: CodeSystem;
  readonly code: string;
  readonly display: string;
}

const TABLES = ['persons', 'addresses', 'registrations', 'events', 'activity'] as const;
const DICTIONARIES = ['codes', 'organisations'] as const;
/** The columns the feeds read, by table: a truth lacking any is of another format. */
const COLUMNS: Readonly<Record<(typeof TABLES)[number] | (typeof DICTIONARIES)[number], readonly string[]>> =
  {
    persons: [
      'person_key',
      'person_id',
      'nhs_number',
      'given_name',
      'middle_name',
      'family_name',
      'sex',
      'date_of_birth',
      'date_of_death',
      'cause_of_death',
      'ethnic_category',
    ],
    addresses: ['person_key', 'from_date', 'address_line', 'town', 'postcode'],
    registrations: ['person_key', 'organisation_index', 'from_date', 'to_date'],
    events: [
      'person_key',
      'date',
      'kind',
      'code_index',
      'value',
      'setting',
      'organisation_index',
      'reason_index',
    ],
    activity: ['person_key', 'year', 'setting', 'organisation_index', 'contacts', 'first_date', 'last_date'],
    codes: ['code_index', 'system', 'code', 'display'],
    organisations: ['organisation_index', 'organisation', 'name', 'type', 'ods_code', 'ons_code'],
  };

const quote = (text: string) => `'${text.replaceAll("'", "''")}'`;
const chunkFile = (table: string, chunk: string) => `${table}-${chunk}.parquet`;
const day = (column: string) => `(${column} - DATE '1970-01-01')::INTEGER`;
/** The index of an enum's value (read back from Parquet as text) in `values`; −1 for NULL or a value not there. */
const indexIn = (column: string, values: readonly string[]) =>
  `coalesce(list_position([${values.map(quote).join(', ')}], ${column}) - 1, -1)::TINYINT`;
/** The largest INTEGER: an open end date. */
const OPEN = 2147483647;

/** The format number of the truths this version writes and reads (generate.ts: Manifest). */
const FORMAT: Manifest['format'] = 3;

/** The format number a folder's manifest.json states, if it has one and it is readable. */
function formatOf(dir: string): number | undefined {
  try {
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { format?: unknown };
    return typeof manifest.format === 'number' ? manifest.format : undefined;
  } catch {
    return undefined;
  }
}

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
    /** By code_index. */
    readonly codes: readonly CodeEntry[],
    /** By organisation_index. */
    readonly organisations: readonly FeedOrganisation[],
    /** Persons in the whole truth. */
    readonly persons: number,
  ) {}

  /**
   * Opens a generated folder; a folder that is not one, is unfinished, or is of another format (lacks a column the
   * feeds read, in any table) is refused.
   */
  static async open(dir: string, threads?: number): Promise<Result<TruthChunks, Problem>> {
    const manifest = readManifest(dir);
    // A manifest of another format number is a truth this version does not read, not an absent one.
    const format = manifest === undefined ? formatOf(dir) : undefined;
    if (format !== undefined) {
      return err(
        problem(
          'bad-input',
          `The ground truth in ${dir} is of another format: format ${format}, where this version of accord reads format ${FORMAT}.`,
          'Generate it again with this version of accord.',
        ),
      );
    }
    const missing = DICTIONARIES.filter((table) => !existsSync(join(dir, `${table}.parquet`)));
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
      // The format first: a truth of the earlier format is complete in its own terms but lacks whole tables
      // (activity), which must not be reported as an unfinished generation.
      const first = chunks[0] as string;
      const issues: string[] = [];
      const finished = existsSync(join(dir, `chunk-${first}.done`));
      for (const table of [...DICTIONARIES, ...TABLES]) {
        const file = join(
          dir,
          (TABLES as readonly string[]).includes(table) ? chunkFile(table, first) : `${table}.parquet`,
        );
        if (!existsSync(file)) {
          // A finished chunk without the table's file was written by a generator that did not make it.
          if (finished) issues.push(`it has no ${table} files`);
          continue;
        }
        const described = await rowsOf<{ column_name: string }>(
          connection,
          `DESCRIBE SELECT * FROM read_parquet(${quote(file)})`,
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
      const incomplete = chunks.flatMap((chunk) =>
        [`chunk-${chunk}.done`, ...TABLES.map((table) => chunkFile(table, chunk))].filter(
          (file) => !existsSync(join(dir, file)),
        ),
      );
      if (incomplete.length > 0) {
        close();
        return err(
          problem(
            'not-found',
            `The ground truth in ${dir} is incomplete: ${incomplete.slice(0, 5).join(', ')}${incomplete.length > 5 ? ', …' : ''} missing.`,
            'Run accord generate again with the same settings to finish it.',
          ),
        );
      }
      // The dictionaries in index order: events, activity and registrations name codes and organisations by position.
      const codeRows = await rowsOf<CodeEntry & { code_index: number }>(
        connection,
        `SELECT code_index, system, code, display FROM read_parquet(${quote(join(dir, 'codes.parquet'))}) ORDER BY code_index`,
      );
      const orgRows = await rowsOf<{
        organisation_index: number;
        organisation: string;
        name: string;
        type: string;
        ods_code: string | null;
        ons_code: string | null;
      }>(
        connection,
        `SELECT organisation_index, organisation, name, type, ods_code, ons_code
         FROM read_parquet(${quote(join(dir, 'organisations.parquet'))}) ORDER BY organisation_index`,
      );
      const gaps = [
        ...(codeRows.some((row, i) => row.code_index !== i) ? ['codes'] : []),
        ...(orgRows.some((row, i) => row.organisation_index !== i) ? ['organisations'] : []),
      ];
      if (gaps.length > 0) {
        close();
        return err(
          problem(
            'bad-input',
            `The ground truth in ${dir} is of another format: the indexes of ${gaps.join(' and ')} do not run 0, 1, 2, ….`,
            'Generate it again with this version of accord.',
          ),
        );
      }
      const codes = codeRows.map((row) => ({ system: row.system, code: row.code, display: row.display }));
      const organisations = orgRows.map((row) => ({
        key: row.organisation,
        name: row.name,
        type: row.type,
        kind: kindOfType(row.type),
        odsCode: row.ods_code ?? undefined,
        onsCode: row.ons_code ?? undefined,
      }));
      const persons = await rowsOf<{ n: number }>(
        connection,
        `SELECT count(*)::INTEGER AS n FROM read_parquet(${quote(join(dir, 'persons-*.parquet'))})`,
      );
      return ok(
        new TruthChunks(
          instance,
          connection,
          dir,
          manifest,
          chunks,
          codes,
          organisations,
          persons[0]?.n ?? 0,
        ),
      );
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
  /** The columns chunks are read into, emptied for each: growing them anew to a chunk's size cost more than filling. */
  readonly #events = new EventColumns();
  readonly #activity = new ActivityColumns();

  /**
   * Rows by organisation key in the first chunk — events, and the activity rows sent (not general practice's) — as
   * a measure of the work each organisation's feed takes: how the feeds are spread over worker threads.
   */
  async loads(): Promise<Map<string, number>> {
    const file = (table: string) =>
      `read_parquet(${quote(join(this.dir, chunkFile(table, this.chunks[0] as string)))})`;
    const rows = await rowsOf<{ organisation: number; n: number }>(
      this.connection,
      `SELECT organisation_index AS organisation, count(*)::INTEGER AS n
       FROM (SELECT organisation_index FROM ${file('events')}
             UNION ALL SELECT organisation_index FROM ${file('activity')} WHERE setting <> 'gp')
       WHERE organisation_index IS NOT NULL GROUP BY organisation_index`,
    );
    return new Map(
      rows.flatMap((row) => {
        const organisation = this.organisations[row.organisation];
        return organisation === undefined ? [] : [[organisation.key, row.n] as [string, number]];
      }),
    );
  }

  /**
   * Starts reading a chunk: DuckDB decodes and sorts it into tables in its own threads, so this overlaps whatever
   * the caller does until `read`. Rows are stored in order, and read back in insertion order.
   */
  prepare(chunk: string): Promise<void> {
    let prepared = this.#prepared.get(chunk);
    if (prepared === undefined) {
      const file = (table: string, options = '') =>
        `read_parquet(${quote(join(this.dir, chunkFile(table, chunk)))}${options})`;
      const t = (table: string) => `feed_${table}_${chunk}`;
      const gp = SETTINGS.indexOf('gp');
      prepared = this.connection
        .run(
          `CREATE OR REPLACE TEMP TABLE ${t('addresses')} AS
             SELECT person_key AS p, ${day('from_date')} AS d, address_line, town, postcode
             FROM ${file('addresses')} ORDER BY p, d, address_line, town, postcode;
           CREATE OR REPLACE TEMP TABLE ${t('registrations')} AS
             SELECT person_key AS p, organisation_index AS practice, ${day('from_date')} AS d,
                    coalesce(${day('to_date')}, ${OPEN}) AS t
             FROM ${file('registrations')} WHERE organisation_index IS NOT NULL
             ORDER BY p, d, t, practice;
           CREATE OR REPLACE TEMP TABLE ${t('events')} AS
             SELECT person_key AS p, ${day('date')} AS d, ${indexIn('kind', EVENT_KINDS)} AS kind,
                    code_index AS code, coalesce(value, 'NaN'::DOUBLE) AS value,
                    ${indexIn('setting', SETTINGS)} AS setting, coalesce(organisation_index, -1) AS organisation,
                    coalesce(reason_index, -1) AS reason
             FROM ${file('events', ', file_row_number = true')}
             ORDER BY p, d, file_row_number;
           CREATE OR REPLACE TEMP TABLE ${t('activity')} AS
             SELECT * EXCLUDE (file_row_number) FROM (
               SELECT person_key AS p, year::SMALLINT AS y, ${indexIn('setting', SETTINGS)} AS setting,
                      organisation_index AS organisation, least(contacts, 32767)::SMALLINT AS contacts,
                      ${day('first_date')} AS first, ${day('last_date')} AS last, file_row_number
               FROM ${file('activity', ', file_row_number = true')}
               WHERE organisation_index IS NOT NULL)
             WHERE setting >= 0 AND setting <> ${gp}
             ORDER BY p, organisation, setting, y, file_row_number;
           CREATE OR REPLACE TEMP TABLE ${t('persons')} AS
             SELECT person_key AS p, person_id, nhs_number, given_name, middle_name, family_name, sex,
                    ${day('date_of_birth')} AS birth, ${day('date_of_death')} AS death, ethnic_category,
                    cause_of_death
             FROM ${file('persons')} ORDER BY p;`,
        )
        .then(() => undefined);
      // Awaited by `read` or `close`; marked handled so a run that stops early does not report it twice.
      prepared.catch(() => undefined);
      this.#prepared.set(chunk, prepared);
    }
    return prepared;
  }

  /**
   * A chunk's persons, events and activity (prepared first, if `prepare` was not called). Its event and activity
   * columns are valid until the next `read`, which reuses them.
   */
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

    const events = this.#events;
    events.clear();
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
          value.getItem(i) as number,
          setting.getItem(i) as number,
          organisation.getItem(i) as number,
          reason.getItem(i) as number,
        );
      }
    });
    const table = events.table();

    const activityColumns = this.#activity;
    activityColumns.clear();
    await readRows(c, `SELECT * FROM ${t('activity')}`, (data, rows) => {
      const p = data.getColumnVector(0);
      const year = data.getColumnVector(1);
      const setting = data.getColumnVector(2);
      const organisation = data.getColumnVector(3);
      const contacts = data.getColumnVector(4);
      const first = data.getColumnVector(5);
      const last = data.getColumnVector(6);
      for (let i = 0; i < rows; i++) {
        activityColumns.push(
          p.getItem(i) as number,
          year.getItem(i) as number,
          setting.getItem(i) as number,
          organisation.getItem(i) as number,
          contacts.getItem(i) as number,
          first.getItem(i) as number,
          last.getItem(i) as number,
        );
      }
    });
    const activity: ActivityTable = activityColumns;

    // The feeds' determinism rests on these orders; a table read back out of them would be a bug in the reading.
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
    for (let i = 1; i < activity.length; i++) {
      const order =
        (activity.person[i] as number) - (activity.person[i - 1] as number) ||
        (activity.organisation[i] as number) - (activity.organisation[i - 1] as number) ||
        (activity.setting[i] as number) - (activity.setting[i - 1] as number) ||
        (activity.year[i] as number) - (activity.year[i - 1] as number);
      if (order < 0) throw new Error(`the activity of chunk ${chunk} was read out of order`);
    }

    const persons: PersonRecord[] = [];
    let cursor = 0;
    let activityCursor = 0;
    await readRows(c, `SELECT * FROM ${t('persons')}`, (data, rows) => {
      const cols = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((i) => column<unknown>(data, i, rows));
      const at = (c: number, i: number) => cols[c]?.[i] ?? null;
      for (let i = 0; i < rows; i++) {
        const k = at(0, i) as number;
        // Rows of persons the persons file lacks cannot be sent; skip them (a truth written by a bug).
        while (cursor < table.length && (table.person[cursor] as number) < k) cursor++;
        const firstEvent = cursor;
        while (cursor < table.length && table.person[cursor] === k) cursor++;
        while (activityCursor < activity.length && (activity.person[activityCursor] as number) < k)
          activityCursor++;
        const firstActivity = activityCursor;
        while (activityCursor < activity.length && activity.person[activityCursor] === k) activityCursor++;
        const middle = at(4, i) as string | null;
        const death = at(8, i) as number | null;
        const nhs = at(2, i) as string | null;
        const ethnic = at(9, i) as string | null;
        const cause = at(10, i) as string | null;
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
          causeOfDeath: CAUSES_OF_DEATH.find((c) => c === cause),
          ethnicCategory: ethnic ?? undefined,
          addresses: addresses.get(k) ?? [],
          registrations: registrations.get(k) ?? [],
          firstEvent,
          endEvent: cursor,
          firstActivity,
          endActivity: activityCursor,
        });
      }
    });
    await c.run(
      ['addresses', 'registrations', 'events', 'activity', 'persons']
        .map((x) => `DROP TABLE ${t(x)};`)
        .join(' '),
    );
    return { persons, events: table, activity };
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

  /** Empties the columns, keeping their memory for the next chunk. */
  clear(): void {
    this.length = 0;
  }

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
