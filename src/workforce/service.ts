/**
 * @module workforce/service
 * Submitting workforce returns and reading them back. A submission — a file, or one organisation's quarter typed
 * into the form — is checked whole (return-csv.ts), then its submitter's right to send it, then stored in one
 * transaction: every organisation and quarter of it, or nothing.
 *
 * Who may submit: a return is an employer's statement of its own workforce, so it is made for an organisation only by
 * someone acting for it — a signed-in person holding the `officer` role, for the organisation they act for, or a
 * partner system's token with the `workforce:write` scope, for the organisation it was issued to. Analysts and board
 * members read, compare and question the returns but do not make them: keeping those who scrutinise figures apart
 * from those who supply them is the separation of duties an audit expects, so holding only `analyst` or
 * `board-member` gives no right to submit.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Role } from '../access/principal.js';
import { problem, type Issue, type Problem } from '../core/problem.js';
import { err, ok, type Result } from '../core/result.js';
import type { Database, Queryable } from '../store/database.js';
import { inTransaction } from '../store/in-transaction.js';
import type { Partnership } from '../partnership/schema.js';
import { headlinePeriod, workingCarersOf } from './measures.js';
import {
  hasReturns,
  insertReturns,
  linesOf,
  readLatestReturns,
  readReturnHistory,
  readSubmission,
  type ReturnSource,
  type StoredReturn,
  type Submission,
} from './repository.js';
import { parseReturnCsv, type ReturnCheckContext, type ReturnError, type ReturnLine } from './return-csv.js';
import { syntheticReturnCsv } from './synthetic-returns.js';

/** The roles whose holders may submit, for their own organisation. */
export const SUBMITTING_ROLES: readonly Role[] = ['officer'];
/** The token scope a partner system needs to send returns. */
export const WRITE_SCOPE = 'workforce:write';

export type Submitter =
  | {
      readonly kind: 'user';
      readonly userId: string;
      readonly organisation: string;
      readonly roles: readonly Role[];
    }
  | {
      readonly kind: 'system';
      readonly tokenId: string;
      readonly organisation: string;
      readonly scopes: readonly string[];
    }
  /** The demo's synthetic returns, loaded at start: for every organisation, by no one. */
  | { readonly kind: 'demo' };

export interface WorkforceContext {
  readonly db: Database;
  readonly partnershipId: string;
  /** When the submission is recorded. */
  readonly now: Date;
  /** What the checks need: the partnership's organisations, and today. */
  readonly check: ReturnCheckContext;
}

/** Whether `submitter` may submit returns at all (the route's rule says the same; this is the domain's word). */
export function maySubmit(submitter: Submitter): boolean {
  switch (submitter.kind) {
    case 'user':
      return submitter.roles.some((role) => SUBMITTING_ROLES.includes(role));
    case 'system':
      return submitter.scopes.includes(WRITE_SCOPE);
    case 'demo':
      return true;
  }
}

/** Whether `submitter` may submit a return for `organisation`. */
export const maySubmitFor = (submitter: Submitter, organisation: string): boolean =>
  maySubmit(submitter) && (submitter.kind === 'demo' || submitter.organisation === organisation);

/** Row errors as a problem's issues: the line, and the column as the issue's path. */
export function rowIssues(errors: readonly ReturnError[]): Issue[] {
  return errors.map((e) => ({
    line: e.line,
    ...(e.column === undefined ? {} : { path: e.column }),
    message: e.message,
  }));
}

export const invalidReturn = (errors: readonly ReturnError[]): Problem =>
  problem(
    'bad-input',
    `The return has ${errors.length === 1 ? 'a problem' : `${errors.length} problems`}, so nothing was stored.`,
    'Correct every row listed in `issues` (by line and column) and send the whole return again.',
    rowIssues(errors),
  );

export interface Submitted {
  readonly submission: string;
  readonly returns: readonly { id: number; organisation: string; period: string; version: number }[];
  readonly lines: number;
}

function submissionOf(
  submitter: Submitter,
  at: Date,
  source: ReturnSource,
  file?: { name?: string | undefined; sha256: string },
): Submission {
  const who =
    submitter.kind === 'user'
      ? { byKind: 'user' as const, by: submitter.userId, byOrganisation: submitter.organisation }
      : submitter.kind === 'system'
        ? { byKind: 'system' as const, by: submitter.tokenId, byOrganisation: submitter.organisation }
        : { byKind: 'demo' as const, by: 'synthetic', byOrganisation: 'synthetic' };
  return {
    id: randomUUID(),
    ...who,
    at,
    source,
    ...(file === undefined ? {} : { fileName: file.name, fileSha256: file.sha256 }),
  };
}

/**
 * Stores checked lines as one submission after checking the submitter may send every organisation in them. Used by
 * the file and the form alike.
 */
export async function submitLines(
  ctx: WorkforceContext,
  submitter: Submitter,
  lines: readonly (ReturnLine & { readonly line?: number })[],
  source: ReturnSource,
  file?: { name?: string | undefined; sha256: string },
): Promise<Result<Submitted, Problem>> {
  if (!maySubmit(submitter)) {
    return err(
      problem(
        'forbidden',
        'You may not submit workforce returns.',
        'Returns are made by officers for their own organisation (role officer), or by a partner system with the workforce:write scope.',
      ),
    );
  }
  const notOwn = lines.filter((l) => !maySubmitFor(submitter, l.organisation));
  if (notOwn.length > 0 && submitter.kind !== 'demo') {
    const own = submitter.organisation;
    return err(
      problem(
        'forbidden',
        `You may submit returns only for your own organisation (${own}).`,
        'Remove the rows for other organisations: each partner sends its own return.',
        notOwn.slice(0, 50).map((l) => ({
          ...(l.line === undefined ? {} : { line: l.line }),
          path: 'organisation',
          message: `${l.organisation} is not your organisation`,
        })),
      ),
    );
  }
  if (lines.length === 0) {
    return err(
      problem(
        'bad-input',
        'The return has no rows.',
        'Add one row per organisation, period and staff group.',
      ),
    );
  }
  const submission = submissionOf(submitter, ctx.now, source, file);
  const stored = await inTransaction(ctx.db, async (tx) =>
    ok(await insertReturns(tx, ctx.partnershipId, submission, lines)),
  );
  if (!stored.ok) return stored;
  return ok({ submission: submission.id, returns: stored.value, lines: lines.length });
}

export const sha256Hex = (text: string | Buffer): string => createHash('sha256').update(text).digest('hex');

/** Checks a return file and, when it is valid and the submitter may send it, stores it whole. */
export async function submitReturnFile(
  ctx: WorkforceContext,
  submitter: Submitter,
  file: { readonly name?: string | undefined; readonly text: string },
): Promise<Result<Submitted, Problem>> {
  const parsed = parseReturnCsv(file.text, ctx.check);
  if (!parsed.ok) return err(invalidReturn(parsed.error));
  return submitLines(ctx, submitter, parsed.value, 'csv', {
    name: file.name === undefined || file.name === '' ? undefined : file.name.slice(0, 255),
    sha256: sha256Hex(file.text),
  });
}

/** The version in force of every organisation's every quarter. */
export const latestReturns = (db: Database, partnershipId: string): Promise<StoredReturn[]> =>
  readLatestReturns(db, partnershipId);

/** Every version of an organisation's quarter, newest first. */
export const returnHistory = (
  db: Database,
  partnershipId: string,
  organisation: string,
  period: string,
): Promise<StoredReturn[]> => readReturnHistory(db, partnershipId, organisation, period);

/** What one submission stored. */
export const submissionReturns = (
  db: Database,
  partnershipId: string,
  submission: string,
): Promise<StoredReturn[]> => readSubmission(db, partnershipId, submission);

/** Working carers recognised by employer partners in the latest quarter returned (see `workingCarers`). */
export interface WorkingCarersQuarter {
  /** The latest quarter returned, `YYYY-Qn`. */
  readonly quarter: string;
  /** Staff in post known to their employer as unpaid carers, summed over the staff groups that reported it. */
  readonly recognised: number;
  /** The headcount of those staff groups: the denominator of any share (never the headcount of those that did not). */
  readonly headcountReporting: number;
  /** Organisations that reported the figure for the quarter. */
  readonly organisationsReporting: number;
  /** Organisations that made a return for the quarter. */
  readonly organisations: number;
}

/**
 * Working carers recognised by the partnership's employers in the latest quarter returned, from each organisation's
 * latest version of it — for the carers' pages. `organisations` (ids) limits it to those organisations (a place's,
 * say); absent, every organisation's returns count. Undefined when there are no returns. The counts are raw: a page
 * publishing them passes them through disclosure control as the workforce pages do.
 */
export async function workingCarers(
  db: Queryable,
  partnershipId: string,
  organisations?: readonly string[],
): Promise<WorkingCarersQuarter | undefined> {
  const only = organisations === undefined ? undefined : new Set(organisations);
  const lines = linesOf(await readLatestReturns(db, partnershipId)).filter(
    (l) => only === undefined || only.has(l.organisation),
  );
  const quarter = headlinePeriod(lines);
  if (quarter === undefined) return undefined;
  const carers = workingCarersOf(lines.filter((l) => l.period === quarter));
  return {
    quarter,
    recognised: carers.recognised,
    headcountReporting: carers.headcountReporting,
    organisationsReporting: carers.organisationsReporting,
    organisations: carers.organisations,
  };
}

/**
 * Loads the demo's synthetic returns (synthetic-returns.ts) into an empty store: written as a file and submitted
 * through the same checks as a partner's upload, in one transaction. Does nothing when the partnership already has
 * returns, so a restarted demo keeps what was submitted. Returns how many returns were stored (0 when skipped).
 */
export async function loadDemoWorkforceReturns(
  db: Database,
  partnership: Pick<Partnership, 'info' | 'organisations'>,
  options: { readonly now: Date; readonly seed?: number },
): Promise<Result<number, Problem>> {
  if (await hasReturns(db, partnership.info.id)) return ok(0);
  const text = syntheticReturnCsv(
    partnership.organisations,
    options.seed === undefined ? {} : { seed: options.seed },
  );
  const ctx: WorkforceContext = {
    db,
    partnershipId: partnership.info.id,
    now: options.now,
    check: { organisations: new Set(partnership.organisations.map((o) => o.id)) },
  };
  const submitted = await submitReturnFile(
    ctx,
    { kind: 'demo' },
    { name: 'synthetic-workforce-returns.csv', text },
  );
  return submitted.ok ? ok(submitted.value.returns.length) : submitted;
}
