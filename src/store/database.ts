/**
 * @module store/database
 * The one door to PostgreSQL. Everything else in Accord talks to a `Database`; only this folder knows the driver.
 */
import pg from 'pg';
import { preparedName } from './prepared.js';

export interface Queryable {
  query<R extends object = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<R[]>;
}

export interface Database extends Queryable {
  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  /** True when a trivial query succeeds within the pool's timeout. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
  /** Where the data lives, safe to print (no password). */
  readonly description: string;
}

export interface ConnectionTarget {
  readonly config: pg.PoolConfig;
  readonly description: string;
}

/** Describes a connection string for logs and messages without its password. */
export function redactConnectionString(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(an unparseable connection string)';
  }
}

export function createDatabase(target: ConnectionTarget, options: { max?: number } = {}): Database {
  const pool = new pg.Pool({
    max: options.max ?? 10,
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
    ...target.config,
  });
  // An idle client losing its connection (e.g. the server restarting) must not crash the process;
  // the next query gets a fresh connection or a clear error.
  pool.on('error', () => undefined);

  const query = async <R extends object>(
    client: pg.Pool | pg.PoolClient,
    text: string,
    params?: readonly unknown[],
  ) => {
    const values = params as unknown[] | undefined;
    // A text marked `prepared` (store/prepared.ts) is planned once per connection, by name.
    const name = values === undefined ? undefined : preparedName(text);
    return (await client.query<R>(name === undefined ? { text, values } : { name, text, values })).rows;
  };

  return {
    description: target.description,
    query: (text, params) => query(pool, text, params),
    async transaction(work) {
      const client = await pool.connect();
      let result;
      try {
        await client.query('BEGIN');
        result = await work({ query: (text, params) => query(client, text, params) });
        await client.query('COMMIT');
      } catch (error) {
        // A connection whose ROLLBACK failed is in an unknown state: destroy it rather than return it to the pool.
        const broken = await client.query('ROLLBACK').then(
          () => undefined,
          (rollbackError: unknown) =>
            rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError)),
        );
        client.release(broken);
        throw error;
      }
      client.release();
      return result;
    },
    async ping() {
      try {
        await pool.query('SELECT 1');
        return true;
      } catch {
        return false;
      }
    },
    close: () => pool.end(),
  };
}

/** A dedicated connection, for work that needs one session throughout (advisory locks, CREATE DATABASE). */
export async function withClient<T>(
  target: ConnectionTarget,
  work: (client: Queryable) => Promise<T>,
): Promise<T> {
  const client = new pg.Client({ connectionTimeoutMillis: 10_000, ...target.config });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await work({
      query: async <R extends object>(text: string, params?: readonly unknown[]) =>
        (await client.query<R>(text, params as unknown[] | undefined)).rows,
    });
  } finally {
    await client.end();
  }
}
