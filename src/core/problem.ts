/**
 * @module core/problem
 * The problems a user can cause, as values. Each names what is wrong and what to do about it; the edges turn them
 * into an exit code and a message (CLI) or an RFC 9457 problem document with a status code (web).
 */

export type ProblemKind =
  | 'bad-input' // a request, file or argument that does not meet its schema
  | 'not-found'
  | 'conflict' // e.g. a stale version, a duplicate
  | 'unauthenticated'
  | 'forbidden'
  | 'too-many-requests'
  | 'configuration' // an environment variable or setting is wrong
  | 'unavailable'; // a dependency (the database) cannot be reached

export interface Issue {
  /** Where the problem is: a file, then a path inside it (e.g. `organisations.yaml` + `organisations[3].ods`). */
  readonly file?: string;
  readonly path?: string;
  readonly line?: number;
  readonly message: string;
}

export interface Problem {
  readonly kind: ProblemKind;
  /** One sentence: what is wrong. */
  readonly title: string;
  /** What to do about it. */
  readonly fix?: string;
  readonly issues?: readonly Issue[];
}

export const problem = (
  kind: ProblemKind,
  title: string,
  fix?: string,
  issues?: readonly Issue[],
): Problem => ({
  kind,
  title,
  ...(fix === undefined ? {} : { fix }),
  ...(issues === undefined ? {} : { issues }),
});

/** An exception that carries a Problem across an I/O boundary where a Result cannot be returned (e.g. start-up). */
export class ProblemError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.fix === undefined ? problem.title : `${problem.title} ${problem.fix}`);
    this.name = 'ProblemError';
  }
}

export function formatIssue(issue: Issue): string {
  const where = [issue.file, issue.line === undefined ? undefined : `line ${issue.line}`, issue.path]
    .filter((part) => part !== undefined && part !== '')
    .join(': ');
  return where === '' ? issue.message : `${where}: ${issue.message}`;
}
