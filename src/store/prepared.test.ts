/**
 * A text marked `prepared` is prepared on the connection that runs it, by name, and answers as before; other texts
 * are not kept.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.js';
import { prepared } from './prepared.js';

let test: TestDatabase;
beforeAll(async () => {
  test = await createTestDatabase();
});
afterAll(async () => {
  await test.drop();
});

describe('prepared statements', () => {
  it('prepares a marked text once on its connection, and leaves unmarked ones alone', async () => {
    const marked = prepared('SELECT $1::int + 1 AS n');
    const kept = await test.db.transaction(async (tx) => {
      const first = await tx.query<{ n: number }>(marked, [1]);
      const second = await tx.query<{ n: number }>(marked, [41]);
      await tx.query('SELECT $1::int * 2 AS n', [2]);
      const statements = await tx.query<{ name: string; statement: string }>(
        'SELECT name, statement FROM pg_prepared_statements',
      );
      return { answers: [first[0]?.n, second[0]?.n], statements };
    });
    expect(kept.answers).toEqual([2, 42]);
    expect(kept.statements.filter((s) => s.statement === marked)).toHaveLength(1);
    expect(kept.statements.find((s) => s.statement === marked)?.name).toMatch(/^accord_\d+$/);
    expect(kept.statements.some((s) => s.statement.includes('* 2'))).toBe(false);
    expect(prepared(marked)).toBe(marked);
  });
});
