/**
 * @module web/problem
 * The one place a Problem becomes an HTTP status and an RFC 9457 problem document (application/problem+json).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Problem, ProblemKind } from '../core/problem.js';
import { outcomeOfProblem } from './fhir-outcome.js';

export const STATUS: Record<ProblemKind, number> = {
  'bad-input': 400,
  unauthenticated: 401,
  forbidden: 403,
  'not-found': 404,
  conflict: 409,
  'too-many-requests': 429,
  configuration: 500,
  unavailable: 503,
};

export interface ProblemDocument {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail?: string;
  readonly instance?: string;
  readonly issues?: readonly { path?: string; message: string }[];
}

export function problemDocument(problem: Problem, instance?: string): ProblemDocument {
  const status = STATUS[problem.kind];
  return {
    type: `https://accord.invalid/problems/${problem.kind}`,
    title: problem.title,
    status,
    ...(problem.fix === undefined ? {} : { detail: problem.fix }),
    ...(instance === undefined ? {} : { instance }),
    ...(problem.issues === undefined
      ? {}
      : {
          issues: problem.issues.map((i) => ({
            ...(i.path === undefined ? {} : { path: i.path }),
            message: i.message,
          })),
        }),
  };
}

/** `status` overrides the kind's usual status where HTTP has a more precise one (413, 415). */
export function sendProblem(reply: FastifyReply, problem: Problem, status?: number): FastifyReply {
  const document = {
    ...problemDocument(problem, reply.request.url.split('?')[0]),
    ...(status === undefined ? {} : { status }),
  };
  return reply.status(document.status).type('application/problem+json').send(document);
}

/** Paths that answer in JSON; everything else is a page for people and answers a problem with a page. */
export const isApiPath = (url: string): boolean => /^\/(api|fhir|health|ready)(\/|$|\?)/.test(url);

const isFhirPath = (url: string): boolean => /^\/fhir(\/|$|\?)/.test(url);

/**
 * A problem as the caller expects it: an OperationOutcome for the FHIR API (a FHIR client reads nothing else),
 * problem+json for the rest of the API, an error page (in the site's frame) otherwise.
 */
export async function replyWithProblem(
  request: FastifyRequest,
  reply: FastifyReply,
  problem: Problem,
  status?: number,
  pageContext: Record<string, unknown> = {},
): Promise<FastifyReply> {
  if (isFhirPath(request.url)) {
    return reply
      .status(status ?? STATUS[problem.kind])
      .type('application/fhir+json; charset=utf-8')
      .send(outcomeOfProblem(problem));
  }
  if (isApiPath(request.url)) return sendProblem(reply, problem, status);
  reply.status(status ?? STATUS[problem.kind]);
  return reply.page('error.njk', { ...pageContext, title: problem.title, detail: problem.fix ?? '' });
}
