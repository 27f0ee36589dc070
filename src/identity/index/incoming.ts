/**
 * @module identity/index/incoming
 * One partner's record as it arrives at the index (from the API or a feed): whose record it is, the partner's own id
 * for it, and the demographics. Checked before anything is stored. A malformed record is refused with every problem
 * named; a value the linkage can do without — an NHS number failing its check digit, an email that is not one — is
 * dropped with a warning, because refusing the whole record would leave the person unlinked for a typing error.
 * Messages name the field and what is wrong, never the value: they end up in logs.
 */
import { z } from 'zod';
import { pathText } from '../../core/input-file.js';
import { problem, type Issue, type Problem } from '../../core/problem.js';
import { err, ok, type Result } from '../../core/result.js';
import { nhsNumberProblem } from '../nhs-number.js';
import { normaliseEmail, parseDate } from '../linkage/normalise.js';
import type { Demographics } from './repository.js';

const text = z.string().trim().min(1).max(200);

const IncomingSchema = z.strictObject({
  organisation: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9-]*$/, 'must be an organisation id or ODS code (letters, digits, hyphens)'),
  localId: text,
  demographics: z.strictObject({
    forename: text.optional(),
    surname: text.optional(),
    dateOfBirth: text.optional(),
    sex: z.enum(['male', 'female', 'other', 'unknown']).optional(),
    postcode: z.string().trim().min(1).max(10).optional(),
    nhsNumber: z.string().trim().min(1).max(20).optional(),
    address: z.string().trim().min(1).max(500).optional(),
    email: text.optional(),
    otherIdentifier: text.optional(),
  }),
});

export interface IncomingRecord {
  readonly organisation: string;
  readonly localId: string;
  readonly demographics: Demographics;
}

export interface CheckedIncoming {
  readonly record: IncomingRecord;
  /** Values dropped, with why; the record is linked without them. */
  readonly warnings: readonly Issue[];
}

/** The earliest date of birth taken as real: anyone born before it would be over 140. */
const EARLIEST_BIRTH_YEAR = 1880;

export function checkIncoming(input: unknown, today: Date): Result<CheckedIncoming, Problem> {
  const parsed = IncomingSchema.safeParse(input);
  if (!parsed.success) {
    return err(
      problem(
        'bad-input',
        'The record is not in the shape the identity index takes.',
        'Send organisation, localId and demographics (forename, surname, dateOfBirth, sex, postcode, nhsNumber, address, email, otherIdentifier), each a string.',
        parsed.error.issues.map((issue) => ({ path: pathText(issue.path), message: issue.message })),
      ),
    );
  }
  const { organisation, localId } = parsed.data;
  const demographics: Record<string, string | undefined> = { ...parsed.data.demographics };
  const issues: Issue[] = [];
  const warnings: Issue[] = [];

  const dob = demographics.dateOfBirth;
  if (dob !== undefined) {
    const parts = parseDate(dob);
    if (parts === undefined)
      issues.push({ path: 'demographics.dateOfBirth', message: 'is not a real date (YYYY-MM-DD)' });
    else if (parts.year < EARLIEST_BIRTH_YEAR)
      issues.push({ path: 'demographics.dateOfBirth', message: `is before ${EARLIEST_BIRTH_YEAR}` });
    else if (Date.UTC(parts.year, parts.month - 1, parts.day) > today.getTime())
      issues.push({ path: 'demographics.dateOfBirth', message: 'is in the future' });
  }
  const nhs = demographics.nhsNumber;
  if (nhs !== undefined) {
    const fault = nhsNumberProblem(nhs);
    if (fault !== undefined) {
      warnings.push({
        path: 'demographics.nhsNumber',
        message: `is not a valid NHS number (${fault.replaceAll('-', ' ')}); linked without it`,
      });
      delete demographics.nhsNumber;
    }
  }
  if (demographics.email !== undefined && normaliseEmail(demographics.email) === undefined) {
    warnings.push({ path: 'demographics.email', message: 'is not an email address; linked without it' });
    delete demographics.email;
  }
  const usable = ['forename', 'surname', 'dateOfBirth', 'nhsNumber', 'otherIdentifier'].some(
    (field) => demographics[field] !== undefined,
  );
  if (issues.length === 0 && !usable) {
    issues.push({
      path: 'demographics',
      message: 'has nothing to link on: send at least a name, a date of birth or a valid NHS number',
    });
  }
  if (issues.length > 0) {
    return err(
      problem(
        'bad-input',
        'The record has values the index cannot take.',
        'Correct them and send it again.',
        issues,
      ),
    );
  }
  return ok({ record: { organisation, localId, demographics }, warnings });
}
