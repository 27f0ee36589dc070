/**
 * @module identity/analytic-keys
 * What the pseudonymised analytic store needs from the master patient index, and nothing more: which person each
 * partner's record belongs to now (to key its events by the person's pseudonym, following merges and unmerges),
 * and which persons hold a given NHS number (the National Data Opt-out list arrives as NHS numbers). Both stay on
 * this side of the line: the caller turns person ids into pseudonyms before anything is stored.
 */
import { isValidNhsNumber } from './nhs-number.js';
import type { Queryable } from '../store/database.js';

export interface RecordOfPerson {
  readonly organisation: string;
  readonly localId: string;
  readonly personId: string;
}

/** A page of records in id order after `afterId`, with the id to ask from next (undefined when none are left). */
export async function recordsOfPersons(
  db: Queryable,
  afterId: number,
  limit: number,
): Promise<{ readonly records: RecordOfPerson[]; readonly next: number | undefined }> {
  const rows = await db.query<{ id: string; organisation: string; local_id: string; person_id: string }>(
    `SELECT id, organisation, local_id, person_id FROM identity_record WHERE id > $1 ORDER BY id LIMIT $2`,
    [afterId, limit],
  );
  const last = rows.at(-1);
  return {
    records: rows.map((row) => ({
      organisation: row.organisation,
      localId: row.local_id,
      personId: row.person_id,
    })),
    next: rows.length === limit && last !== undefined ? Number(last.id) : undefined,
  };
}

/**
 * The persons any of whose records carries one of these NHS numbers. Numbers that fail the modulus 11 check are
 * returned apart, for the caller to report: an opt-out list with a mistyped number must not silently keep a person in.
 */
export async function personsWithNhsNumbers(
  db: Queryable,
  numbers: readonly string[],
): Promise<{ readonly personIds: string[]; readonly invalid: string[]; readonly unknown: number }> {
  const valid = [...new Set(numbers.filter((n) => isValidNhsNumber(n)))];
  const invalid = numbers.filter((n) => !isValidNhsNumber(n));
  if (valid.length === 0) return { personIds: [], invalid, unknown: 0 };
  const rows = await db.query<{ person_id: string; nhs_number: string }>(
    `SELECT DISTINCT person_id, demographics->>'nhsNumber' AS nhs_number FROM identity_record
      WHERE demographics->>'nhsNumber' = ANY($1::text[])`,
    [valid],
  );
  const found = new Set(rows.map((row) => row.nhs_number));
  return {
    personIds: [...new Set(rows.map((row) => row.person_id))],
    invalid,
    unknown: valid.filter((n) => !found.has(n)).length,
  };
}
