import { describe, expect, it } from 'vitest';
import { ProblemError } from '../core/problem.js';
import { adminTarget } from '../../test/support/db.js';
import { openStore } from './index.js';

async function problemOf(databaseUrl: string): Promise<string> {
  try {
    await openStore({ dataDir: '/nonexistent', databaseUrl });
  } catch (error) {
    if (error instanceof ProblemError) return `${error.problem.title} ${error.problem.fix ?? ''}`;
    throw error;
  }
  throw new Error('expected openStore to fail');
}

describe('openStore with DATABASE_URL', () => {
  it('says plainly when nothing listens at the address, without printing the password', async () => {
    const message = await problemOf('postgresql://accord:s3cret@127.0.0.1:1/accord');
    expect(message).toMatch(/Cannot connect to the PostgreSQL server in DATABASE_URL .*nothing is listening/);
    expect(message).toMatch(/Check DATABASE_URL/);
    expect(message).not.toContain('s3cret');
  });

  it('says plainly when the database does not exist', async () => {
    const admin = adminTarget().config;
    const url =
      admin.connectionString !== undefined
        ? Object.assign(new URL(admin.connectionString), { pathname: '/no_such_database' }).toString()
        : `postgresql://${admin.user ?? ''}@${encodeURIComponent(admin.host ?? '')}:${String(admin.port)}/no_such_database`;
    expect(await problemOf(url)).toMatch(/the database does not exist/);
  });
});
