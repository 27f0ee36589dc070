/**
 * Starts one PostgreSQL for the whole test run: the embedded server in a scratch folder by default, or the server in
 * DATABASE_URL when it is set (.ci/run does both). Each test file then creates its own database on it
 * (test/support/db.ts), so files run in parallel without seeing each other's rows.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { packageVersion } from '../src/core/paths.js';
import { startEmbedded, type EmbeddedServer } from '../src/store/embedded.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Connection settings for the test server's admin database (a pg.PoolConfig). */
    pgAdmin: { connectionString?: string; host?: string; port?: number; user?: string; database?: string };
    pgDescription: string;
  }
}

let server: EmbeddedServer | undefined;
let scratch: string | undefined;

export async function setup(project: TestProject): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (url !== undefined && url !== '') {
    project.provide('pgAdmin', { connectionString: url });
    project.provide('pgDescription', 'DATABASE_URL');
    return;
  }
  scratch = mkdtempSync(join(tmpdir(), 'accord-test-'));
  server = await startEmbedded({ dataDir: join(scratch, 'data'), accordVersion: packageVersion });
  const { host, port, user } = server.target.config;
  project.provide('pgAdmin', {
    host: String(host),
    port: Number(port),
    user: String(user),
    database: 'postgres',
  });
  project.provide('pgDescription', server.target.description);
}

export async function teardown(): Promise<void> {
  await server?.stop();
  if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true });
}
