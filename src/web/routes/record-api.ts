/**
 * @module web/routes/record-api
 * The shared care record's people-facing JSON API under /api/record: a clinician's emergency access (break-glass)
 * with the reason they give, written with its audit entry in one transaction; the privacy officer's queue of
 * emergency accesses to review, and the review that closes each; and a person's access log ("who looked at my
 * record"), which a privacy officer reads out for a subject access request. Nothing here is public.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { accessesOfPerson } from '../../access/audit/index.js';
import { unreviewedGrants, type Grant } from '../../access/break-glass.js';
import { closeEmergencyAccess, useEmergencyAccess } from '../../access/emergency-access.js';
import type { AccessRule, Principal } from '../../access/index.js';
import { problem } from '../../core/problem.js';
import { problemSchema } from '../api-schemas.js';
import { sendProblem } from '../problem.js';
import type { AppContext } from '../server.js';
import { isPersonId, positiveNumber } from './identity-api.js';

const TAGS = ['record'];
const CLINICIANS: AccessRule = { signedIn: true, anyRole: ['R8000'] };
const PRIVACY_OFFICERS: AccessRule = { signedIn: true, anyRole: ['R0001'] };
const problems = (...statuses: number[]) => Object.fromEntries(statuses.map((s) => [s, problemSchema]));
/** The domain checks these bodies, so every problem comes back once, in its words. */
const DOMAIN_CHECKS_INPUT = { validatorCompiler: () => () => true };

type User = Extract<Principal, { kind: 'user' }>;

function userOf(request: FastifyRequest): User {
  const principal = request.principal;
  if (principal.kind !== 'user') throw new Error('a route for people reached its handler without one');
  return principal;
}

const field = (body: unknown, name: string): unknown =>
  typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[name] : undefined;

const grantDocument = (grant: Grant) => ({ ...grant });

export async function recordApi(app: FastifyInstance, context: AppContext): Promise<void> {
  const now = () => context.clock?.() ?? new Date();

  app.post(
    '/api/record/break-glass',
    {
      config: { access: CLINICIANS },
      ...DOMAIN_CHECKS_INPUT,
      schema: {
        summary: "Emergency access to a person's shared record (break-glass)",
        description:
          "Body: personId and reason (10 to 1,000 characters). Grants four hours of access to the person's whole record without a care relationship; recorded in the audit log and reviewed by a privacy officer.",
        tags: TAGS,
        security: [{ session: [] }],
        body: { type: 'object', properties: { personId: { type: 'string' }, reason: { type: 'string' } } },
        response: problems(400, 403, 404),
      },
    },
    async (request, reply) => {
      const user = userOf(request);
      const personId = field(request.body, 'personId');
      const reason = field(request.body, 'reason');
      if (typeof personId !== 'string' || !isPersonId(personId) || typeof reason !== 'string') {
        return sendProblem(
          reply,
          problem(
            'bad-input',
            'Send personId (a person id) and reason (why you need the record now).',
            undefined,
            [
              ...(typeof personId === 'string' && isPersonId(personId)
                ? []
                : [{ path: 'personId', message: 'must be a person id' }]),
              ...(typeof reason === 'string' ? [] : [{ path: 'reason', message: 'is required' }]),
            ],
          ),
        );
      }
      const granted = await useEmergencyAccess(context.db, user, personId, reason, now());
      if (!granted.ok) return sendProblem(reply, granted.error);
      return reply.status(201).send(grantDocument(granted.value));
    },
  );

  app.get(
    '/api/record/break-glass',
    {
      config: { access: PRIVACY_OFFICERS },
      schema: {
        summary: "The privacy officer's queue: emergency accesses not yet reviewed, oldest first",
        tags: TAGS,
        security: [{ session: [] }],
      },
    },
    async () => ({ grants: (await unreviewedGrants(context.db)).map(grantDocument) }),
  );

  app.post<{ Params: { id: string } }>(
    '/api/record/break-glass/:id/review',
    {
      config: { access: PRIVACY_OFFICERS },
      ...DOMAIN_CHECKS_INPUT,
      schema: {
        summary: 'Review an emergency access: justified or not, with a note',
        tags: TAGS,
        security: [{ session: [] }],
        body: {
          type: 'object',
          properties: { outcome: { enum: ['justified', 'not-justified'] }, note: { type: 'string' } },
        },
        response: problems(400, 403, 404, 409),
      },
    },
    async (request, reply) => {
      const user = userOf(request);
      const grantId = positiveNumber(request.params.id);
      const outcome = field(request.body, 'outcome');
      const note = field(request.body, 'note');
      if (grantId === undefined)
        return sendProblem(reply, problem('not-found', 'There is no such emergency access.'));
      if (
        (outcome !== 'justified' && outcome !== 'not-justified') ||
        (note !== undefined && typeof note !== 'string')
      ) {
        return sendProblem(
          reply,
          problem(
            'bad-input',
            'Send outcome ("justified" or "not-justified") and, optionally, a note.',
            undefined,
            [{ path: 'outcome', message: 'must be "justified" or "not-justified"' }],
          ),
        );
      }
      const reviewed = await closeEmergencyAccess(
        context.db,
        user,
        grantId,
        outcome,
        typeof note === 'string' ? note : undefined,
        now(),
      );
      if (!reviewed.ok) return sendProblem(reply, reviewed.error);
      return grantDocument(reviewed.value);
    },
  );

  app.get<{ Params: { personId: string }; Querystring: { before?: string } }>(
    '/api/record/persons/:personId/accesses',
    {
      config: { access: PRIVACY_OFFICERS },
      schema: {
        summary: "Who looked at a person's record: every access, newest first (for a subject access request)",
        tags: TAGS,
        security: [{ session: [] }],
        response: problems(400),
      },
    },
    async (request, reply) => {
      const before = request.query.before === undefined ? undefined : positiveNumber(request.query.before);
      const page = await accessesOfPerson(
        context.db,
        request.params.personId,
        before === undefined ? {} : { before },
      );
      if (!page.ok) return sendProblem(reply, page.error);
      return page.value;
    },
  );
}
