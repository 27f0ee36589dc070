/**
 * @module governance/proposal
 * A proposal as its proposer writes it: title, summary, the places it affects, its programme, the money involved
 * (integer pence), the evidence, and the tests for collective action it claims to meet, each with its own evidence.
 *
 * Checked in two steps, both pure: its shape (every field, each problem with a message a person can act on), then
 * against the partnership on the day (the places, programme and tests must be ones in force). Every problem is
 * reported at once, with the path of its field, so a form or an API client can fix them all in one go.
 */
import { z } from 'zod';
import { pathText } from '../core/input-file.js';
import { MAX_PENCE } from '../core/money.js';
import type { Issue } from '../core/problem.js';
import { err, ok, type Result } from '../core/result.js';
import { Id, type Partnership } from '../partnership/index.js';
import { inForceOn } from '../partnership/views.js';

export const TITLE_MAX = 200;
export const SUMMARY_MAX = 5000;
export const EVIDENCE_MAX = 10000;
export const TEST_EVIDENCE_MAX = 5000;

/** Text a person must give: trimmed, not empty, not too long; `missing` says what to enter. */
export const requiredText = (missing: string, max: number) =>
  z
    .string({ error: (issue) => (issue.input === undefined ? missing : 'must be text') })
    .trim()
    .min(1, missing)
    .max(max, `must be ${max.toLocaleString('en-GB')} characters or fewer`);

export const TestClaim = z
  .object({
    /** An id from collective-action-tests.yaml. */
    test: Id,
    /** Why the proposal meets this test. */
    evidence: requiredText('Enter the evidence that the proposal meets this test', TEST_EVIDENCE_MAX),
  })
  .strict();

/** What a proposer sends to create or replace a draft. */
export const ProposalInput = z
  .object({
    title: requiredText('Enter a title', TITLE_MAX),
    summary: requiredText('Enter a summary of what is proposed', SUMMARY_MAX),
    /** Ids of the places it affects (places.yaml). */
    places: z
      .array(Id, {
        error: (issue) =>
          issue.input === undefined
            ? 'Choose at least one place the proposal affects'
            : 'must be a list of place ids',
      })
      .min(1, 'Choose at least one place the proposal affects')
      .describe('Ids of the places it affects (/api/partnership/places), at least one'),
    /** The programme it belongs to (programmes.yaml); absent or null when it belongs to none. */
    programme: Id.nullish().describe(
      'The programme it belongs to (/api/partnership/programmes); null for none',
    ),
    /** The money involved, in whole pence (25000000 is £250,000); absent or null when it involves none. */
    moneyPence: z
      .number({ error: 'must be a whole number of pence, e.g. 25000000 for £250,000' })
      .int('must be a whole number of pence, e.g. 25000000 for £250,000')
      .nonnegative('must not be negative')
      .max(MAX_PENCE, 'is too large')
      .nullish()
      .describe('The money involved, in whole pence (25000000 is £250,000); null for none'),
    evidence: requiredText('Enter the evidence for the proposal', EVIDENCE_MAX),
    /** The tests for collective action it claims to meet; none means it is a matter for its place. */
    tests: z
      .array(TestClaim, { error: 'must be a list of { test, evidence }' })
      .default([])
      .describe(
        'The tests for collective action claimed (/api/partnership/collective-action-tests), each with its evidence; none: a matter for its place',
      ),
  })
  .strict();
export type ProposalInput = z.input<typeof ProposalInput>;

export interface ClaimedTest {
  readonly test: string;
  readonly evidence: string;
}

/** A proposal's content once checked: ids in the partnership's own order, no duplicates. */
export interface ProposalContent {
  readonly title: string;
  readonly summary: string;
  readonly places: readonly string[];
  readonly programme: string | undefined;
  readonly moneyPence: number | undefined;
  readonly evidence: string;
  readonly tests: readonly ClaimedTest[];
}

/** zod's issues as Accord's, each with the dotted path of its field (`tests[0].evidence`). */
export function zodIssues(error: z.ZodError): Issue[] {
  return error.issues.map((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return {
        ...(issue.path.length === 0 ? {} : { path: pathText(issue.path) }),
        message: `unknown field${issue.keys.length === 1 ? '' : 's'} ${issue.keys.map((k) => `'${k}'`).join(', ')}: remove ${issue.keys.length === 1 ? 'it' : 'them'}`,
      };
    }
    return {
      ...(issue.path.length === 0 ? {} : { path: pathText(issue.path) }),
      message: issue.message,
    };
  });
}

const longDay = (iso: string) =>
  new Date(`${iso}T00:00:00Z`).toLocaleDateString('en-GB', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  });

/**
 * Checks a proposal against its schema and then against the partnership on `today`: every place and the programme
 * must be in force that day, every test one of the partnership's tests, none listed twice.
 */
export function checkProposal(
  input: unknown,
  partnership: Partnership,
  today: string,
): Result<ProposalContent, Issue[]> {
  const parsed = ProposalInput.safeParse(input);
  if (!parsed.success) return err(zodIssues(parsed.error));
  const data = parsed.data;
  const issues: Issue[] = [];

  const placeOrder = new Map(partnership.places.map((place, index) => [place.id, index]));
  const seenPlaces = new Set<string>();
  data.places.forEach((id, index) => {
    const path = `places[${index}]`;
    const place = partnership.places.find((candidate) => candidate.id === id);
    if (place === undefined) {
      issues.push({
        path,
        message: `unknown place '${id}': use the id of one of the partnership's places (see /api/partnership/places)`,
      });
    } else if (!inForceOn(place, today)) {
      issues.push({
        path,
        message: `'${id}' is not a place of the partnership on ${longDay(today)}${place.to === undefined ? '' : ` (it ended on ${longDay(place.to)})`}: choose a current place`,
      });
    } else if (seenPlaces.has(id)) {
      issues.push({ path, message: `'${id}' is listed twice: list each place once` });
    }
    seenPlaces.add(id);
  });

  const programmeId = data.programme ?? undefined;
  if (programmeId !== undefined) {
    const programme = partnership.programmes.find((candidate) => candidate.id === programmeId);
    if (programme === undefined) {
      issues.push({
        path: 'programme',
        message: `unknown programme '${programmeId}': use the id of one of the partnership's programmes (see /api/partnership/programmes), or leave it out`,
      });
    } else if (!inForceOn(programme, today)) {
      issues.push({
        path: 'programme',
        message: `the programme '${programmeId}' is not running on ${longDay(today)}: choose a current programme, or leave it out`,
      });
    }
  }

  const testOrder = new Map(partnership.tests.map((test, index) => [test.id, index]));
  const seenTests = new Set<string>();
  data.tests.forEach((claim, index) => {
    const path = `tests[${index}].test`;
    if (!testOrder.has(claim.test)) {
      issues.push({
        path,
        message: `unknown test '${claim.test}': use one of ${partnership.tests.map((t) => `'${t.id}'`).join(', ')}`,
      });
    } else if (seenTests.has(claim.test)) {
      issues.push({ path, message: `'${claim.test}' is claimed twice: claim each test once` });
    }
    seenTests.add(claim.test);
  });

  if (issues.length > 0) return err(issues);
  const byOrder = (order: Map<string, number>) => (a: string, b: string) =>
    (order.get(a) ?? 0) - (order.get(b) ?? 0);
  return ok({
    title: data.title,
    summary: data.summary,
    places: [...data.places].sort(byOrder(placeOrder)),
    programme: programmeId,
    moneyPence: data.moneyPence ?? undefined,
    evidence: data.evidence,
    tests: [...data.tests].sort((a, b) => byOrder(testOrder)(a.test, b.test)),
  });
}
