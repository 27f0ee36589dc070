/**
 * @module web/problem
 * The one place a Problem becomes an HTTP status and an RFC 9457 problem document (application/problem+json).
 */
import type { FastifyReply } from 'fastify';
import type { Problem, ProblemKind } from '../core/problem.js';

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

export function sendProblem(reply: FastifyReply, problem: Problem): FastifyReply {
  const document = problemDocument(problem, reply.request.url.split('?')[0]);
  return reply.status(document.status).type('application/problem+json').send(document);
}
