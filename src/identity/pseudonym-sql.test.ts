import { DuckDBInstance } from '@duckdb/node-api';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parsePseudonymKey, pseudonymOf, pseudonymSql, recordKeyOf, recordKeySql } from './pseudonym.js';

const quote = (text: string) => `'${text.replaceAll("'", "''")}'`;

describe('pseudonyms computed in DuckDB SQL', () => {
  it('equal the ones computed in JavaScript, for any key length and any text', async () => {
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    try {
      await fc.assert(
        fc.asyncProperty(
          // 32 to 100 bytes: our keys are 32; longer ones take RFC 2104's hash-the-key-first path.
          fc.uint8Array({ minLength: 32, maxLength: 100 }),
          fc.string({ unit: 'grapheme', maxLength: 40 }),
          fc.string({ maxLength: 20 }),
          async (bytes, personId, organisation) => {
            const key = parsePseudonymKey(Buffer.from(bytes).toString('hex'));
            if (!key.ok) throw new Error(key.error);
            const reader = await connection.runAndReadAll(
              `SELECT ${pseudonymSql(key.value, quote(personId))},
                      ${recordKeySql(key.value, quote(organisation), quote(personId))}`,
            );
            expect(reader.getRows()[0]).toEqual([
              pseudonymOf(key.value, personId),
              recordKeyOf(key.value, organisation, personId),
            ]);
          },
        ),
        { numRuns: 60 },
      );
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  });

  it('keep record keys apart from person pseudonyms', () => {
    const key = parsePseudonymKey('a3'.repeat(32));
    if (!key.ok) throw new Error(key.error);
    expect(recordKeyOf(key.value, 'B82004', '00809720')).not.toBe(pseudonymOf(key.value, '00809720'));
    expect(recordKeyOf(key.value, 'B82004', '00809720')).not.toBe(
      recordKeyOf(key.value, 'B82005', '00809720'),
    );
  });
});
