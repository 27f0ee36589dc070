/**
 * @module population/store/analytic-store
 * The pseudonymised analytic store: one DuckDB file under the data directory (`<dataDir>/analytics/population.duckdb`
 * by default). Opening it checks that it was built with the same pseudonym key (by the key's public id) and in this
 * format: a store of another key would silently fail to join new events to old ones, so it is refused with the fix;
 * one of an older format is emptied and rebuilt from the feeds, which is always possible; one of a newer format is
 * refused (a downgrade must not wipe it).
 *
 * Only the modules named in ROW_LEVEL_READERS may hold an `AnalyticStore` (row-level data, pseudonymised but still
 * about persons); everything published reads the aggregates they return, through disclosure control. A test checks
 * the imports.
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { err, ok, type Result } from '../../core/result.js';
import { SCHEMA, STORE_FORMAT } from './schema.js';

/** The modules allowed to import this one (paths under src/). */
export const ROW_LEVEL_READERS = [
  'population/store/',
  'population/indicators/run.ts',
  'cli/commands/population.ts',
  'cli/demo-analytics.ts',
  'carers/register.ts',
  'carers/run.ts',
  'money/fair-shares/need-cells.ts',
  'cli/population-results.ts',
  'population/segmentation/cells.ts',
  'population/segmentation/run.ts',
  // Reads its own people's scores (population/store/risk-scores.ts) for a care team's case-finding list.
  'record/case-finding.ts',
] as const;

const quote = (text: string) => `'${text.replaceAll("'", "''")}'`;

export class AnalyticStore {
  private constructor(
    private readonly instance: DuckDBInstance,
    readonly connection: DuckDBConnection,
    readonly path: string,
  ) {}

  /**
   * Opens (creating if need be) the store at `path` for the pseudonym key `keyId`. `:memory:` gives a store that
   * lives as long as the process (tests).
   */
  static async open(
    path: string,
    keyId: string,
    options: { readonly threads?: number } = {},
  ): Promise<Result<AnalyticStore, string>> {
    // Row-level data, pseudonymised but about persons: only Accord's user may read the folder.
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    const settings: Record<string, string> = {};
    if (options.threads !== undefined) settings['threads'] = String(options.threads);
    let store = await AnalyticStore.connect(path, settings);
    const meta = await store.meta();
    if (meta.size > 0 && meta.get('pseudonym_key_id') !== keyId) {
      store.close();
      return err(
        `the analytic store ${path} was built with another pseudonym key (${meta.get('pseudonym_key_id') ?? 'none'}, ` +
          `not ${keyId}): point ACCORD_PSEUDONYM_KEY_FILE at the key it was built with, or delete the store to ` +
          'rebuild it from the feeds',
      );
    }
    const format = Number(meta.get('format') ?? STORE_FORMAT);
    if (meta.size > 0 && format > STORE_FORMAT) {
      store.close();
      return err(
        `the analytic store ${path} is of a newer format (${format}) than this Accord reads (${STORE_FORMAT}): ` +
          'run the newer Accord, or delete the store to rebuild it from the feeds',
      );
    }
    if (meta.size > 0 && format < STORE_FORMAT && path !== ':memory:') {
      // An older layout: the store is derived data, so it is emptied and built again from the feeds.
      store.close();
      rmSync(path, { force: true });
      rmSync(`${path}.wal`, { force: true });
      store = await AnalyticStore.connect(path, settings);
    }
    await store.connection.run(SCHEMA);
    await store.setMeta('format', String(STORE_FORMAT));
    await store.setMeta('pseudonym_key_id', keyId);
    return ok(store);
  }

  private static async connect(path: string, settings: Record<string, string>): Promise<AnalyticStore> {
    const instance = await DuckDBInstance.create(path, settings);
    const connection = await instance.connect();
    return new AnalyticStore(instance, connection, path);
  }

  static exists(path: string): boolean {
    return existsSync(path);
  }

  async meta(): Promise<Map<string, string>> {
    const tables = await this.connection.runAndReadAll(
      `SELECT count(*) FROM information_schema.tables WHERE table_name = 'store_meta'`,
    );
    if (Number(tables.getRows()[0]?.[0] ?? 0) === 0) return new Map();
    const rows = await this.connection.runAndReadAll('SELECT key, value FROM store_meta');
    return new Map(rows.getRows().map(([key, value]) => [String(key), String(value)]));
  }

  async setMeta(key: string, value: string): Promise<void> {
    await this.connection.run(`INSERT OR REPLACE INTO store_meta VALUES (${quote(key)}, ${quote(value)})`);
  }

  /** Rows of a query as plain objects (BIGINT and HUGEINT as numbers: counts here stay far below 2^53). */
  async rows<T extends Record<string, unknown>>(sql: string): Promise<T[]> {
    const reader = await this.connection.runAndReadAll(sql);
    const columns = reader.columnNames();
    return reader.getRows().map((row) => {
      const object: Record<string, unknown> = {};
      row.forEach((value, i) => {
        object[columns[i] ?? String(i)] = typeof value === 'bigint' ? Number(value) : value;
      });
      return object as T;
    });
  }

  /** Runs `work` in one DuckDB transaction: committed when it resolves, rolled back when it throws. */
  async transaction<T>(work: () => Promise<T>): Promise<T> {
    await this.connection.run('BEGIN TRANSACTION');
    try {
      const result = await work();
      await this.connection.run('COMMIT');
      return result;
    } catch (error) {
      await this.connection.run('ROLLBACK');
      throw error;
    }
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }
}

export { quote as sqlText };
