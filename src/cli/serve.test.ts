import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectionUrl, createEmptyDatabase, type TestDatabase } from '../../test/support/db.js';
import { readConfig, type Config } from '../core/config.js';
import { packageRoot } from '../core/paths.js';
import { ProblemError } from '../core/problem.js';
import { startAccord } from './serve.js';

const fixtures = join(packageRoot, 'test', 'fixtures', 'partnerships');

function configFor(test: TestDatabase, overrides: Record<string, string>): Config {
  const config = readConfig({
    DATABASE_URL: connectionUrl(test.target),
    ACCORD_LOG_LEVEL: 'silent',
    ...overrides,
  });
  if (!config.ok) throw new Error(JSON.stringify(config.error));
  return config.value;
}

async function listeningPort(): Promise<{ server: Server; port: number }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return { server, port: address.port };
}

describe('startAccord', () => {
  let test: TestDatabase;
  beforeAll(async () => {
    test = await createEmptyDatabase();
  });
  afterAll(async () => {
    await test.drop();
  });

  it('migrates, loads the partnership and serves it; /ready answers 200', async () => {
    const running = await startAccord({
      // Port 0: the system picks a free one, so no other test or program can race for it.
      config: { ...configFor(test, { ACCORD_PARTNERSHIP: join(fixtures, 'riverside') }), port: 0 },
      demo: false,
      log: () => undefined,
    });
    try {
      expect(running.partnership.added).toBeGreaterThan(0);
      const ready = await fetch(`${running.url}/ready`);
      expect(ready.status).toBe(200);
    } finally {
      await running.stop();
    }
  });

  it('names the port and the fix when the port is in use, and writes nothing to the store', async () => {
    const { server, port } = await listeningPort();
    const empty = await createEmptyDatabase();
    try {
      const error = await startAccord({
        config: configFor(empty, { PORT: String(port), ACCORD_PARTNERSHIP: join(fixtures, 'riverside') }),
        demo: false,
        log: () => undefined,
      }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ProblemError);
      expect((error as ProblemError).message).toMatch(
        new RegExp(`Port ${port} on 127.0.0.1 is already in use.*set PORT`),
      );
      expect(await empty.db.query("SELECT 1 FROM pg_tables WHERE schemaname = 'public'")).toEqual([]);
    } finally {
      server.close();
      await empty.drop();
    }
  });

  it('refuses a broken partnership before touching the store', async () => {
    const empty = await createEmptyDatabase();
    try {
      const error = await startAccord({
        config: configFor(empty, { ACCORD_PARTNERSHIP: join(fixtures, 'broken') }),
        demo: false,
        log: () => undefined,
      }).catch((caught: unknown) => caught);
      expect((error as ProblemError).problem.issues?.length).toBe(8);
      const tables = await empty.db.query("SELECT 1 FROM pg_tables WHERE schemaname = 'public'");
      expect(tables).toEqual([]);
    } finally {
      await empty.drop();
    }
  });
});
