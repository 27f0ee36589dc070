/**
 * @module web/routes/identity-api
 * The master patient index as JSON under /api/identity: partner systems send their records of people (token with
 * `identity:write`, only as their own organisation; or a registration officer signed in); registration officers
 * (R8008) work the review queue, see a person's records and history, and merge and unmerge persons. Identifiable:
 * nothing here is public, and a problem never quotes a value it was sent.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { systemClock, type AccessRule } from '../../access/index.js';
import { problem, type Problem } from '../../core/problem.js';
import {
  addRecord,
  checkIncoming,
  decideReview,
  indexProvider,
  mergePersons,
  personView,
  REVIEWING_ROLES,
  reviewQueue,
  reviewView,
  unmerge,
  WRITE_SCOPE,
  type Actor,
  type IdentityIndex,
} from '../../identity/index/index.js';
import { problemSchema } from '../api-schemas.js';
import { sendProblem } from '../problem.js';
import type { AppContext } from '../server.js';
import { identityDocuments as documents } from './identity-documents.js';

const TAGS = ['identity'];
const OFFICERS: AccessRule = { signedIn: true, anyRole: REVIEWING_ROLES };
const problems = (...statuses: number[]) => Object.fromEntries(statuses.map((s) => [s, problemSchema]));
/** The domain checks these bodies (identity/index/incoming.ts, service.ts), so every problem comes back once. */
const DOMAIN_CHECKS_INPUT = { validatorCompiler: () => () => true };

const numberParam = (name: string, description: string) =>
  ({
    type: 'object',
    properties: { [name]: { type: 'string', pattern: '^[0-9]+$', description } },
    required: [name],
  }) as const;
const uuidPattern = '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';

export const positiveNumber = (text: string): number | undefined =>
  /^[1-9][0-9]{0,14}$/.test(text) ? Number(text) : undefined;
export const isPersonId = (text: string): boolean => new RegExp(uuidPattern).test(text);

/** The signed-in officer acting; the route's access rule has already refused anyone else. */
export function officerOf(request: FastifyRequest): Actor {
  const principal = request.principal;
  if (principal.kind !== 'user') throw new Error('a route for officers reached its handler without one');
  return { userId: principal.userId, organisation: principal.organisation };
}

const textField = (body: unknown, name: string): string | undefined => {
  const value =
    typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[name] : undefined;
  return typeof value === 'string' ? value : undefined;
};

export async function identityApi(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const clock = ctx.clock ?? systemClock;
  const provide = indexProvider(ctx.db, clock);
  /** The index, or the reply already sent saying why there is none. */
  const withIndex = async (reply: FastifyReply): Promise<IdentityIndex | undefined> => {
    const index = await provide();
    if (index.ok) return index.value;
    await sendProblem(reply, index.error);
    return undefined;
  };

  app.post(
    '/api/identity/records',
    {
      config: { access: { scope: WRITE_SCOPE, anyRole: REVIEWING_ROLES } },
      ...DOMAIN_CHECKS_INPUT,
      schema: {
        summary: "Send a partner's record of a person: it joins a person, or starts one",
        description:
          'Body: organisation (your organisation: a token writes only as its own), localId (your id for the record) and demographics (forename, surname, dateOfBirth YYYY-MM-DD, sex, postcode, nhsNumber, address, email, otherIdentifier). The same record sent again changes nothing; changed demographics are stored and re-matched (200). An NHS number failing its check digit is dropped with a warning, not refused. Uncertain matches open reviews for a registration officer.',
        tags: TAGS,
        security: [{ bearer: [] }, { session: [] }],
        body: { type: 'object' },
        response: problems(400, 401, 403, 503),
      },
    },
    async (request, reply) => {
      const index = await withIndex(reply);
      if (index === undefined) return reply;
      const checked = checkIncoming(request.body, clock());
      if (!checked.ok) return sendProblem(reply, checked.error);
      const principal = request.principal;
      if (principal.kind !== 'anonymous' && principal.organisation !== checked.value.record.organisation) {
        return sendProblem(
          reply,
          problem(
            'forbidden',
            `You may send records only as your own organisation (${principal.organisation}).`,
            'Set organisation to your own, or use a token issued to the organisation whose record it is.',
          ),
        );
      }
      const actor = principal.kind === 'user' ? officerOf(request) : undefined;
      const outcome = await addRecord(index, checked.value.record, actor);
      const status = outcome.status === 'new-person' || outcome.status === 'joined' ? 201 : 200;
      return reply.status(status).send({ ...documents.added(outcome), warnings: checked.value.warnings });
    },
  );

  app.get<{ Querystring: { page?: string } }>(
    '/api/identity/reviews',
    {
      config: { access: OFFICERS },
      schema: {
        summary: 'The open reviews, oldest first, 50 a page, each with both records and the evidence',
        tags: TAGS,
        security: [{ session: [] }],
        querystring: {
          type: 'object',
          properties: { page: { type: 'string', pattern: '^[1-9][0-9]{0,5}$' } },
        },
      },
    },
    async (request) => {
      const page = Number(request.query.page ?? '1');
      const queue = await reviewQueue(ctx.db, { limit: 50, offset: (page - 1) * 50 });
      return { total: queue.total, page, reviews: queue.reviews.map(documents.review) };
    },
  );

  const noReview = (id: string) =>
    problem('not-found', `There is no review ${id}.`, 'See the open reviews at /api/identity/reviews.');

  app.get<{ Params: { id: string } }>(
    '/api/identity/reviews/:id',
    {
      config: { access: OFFICERS },
      schema: {
        summary: 'One review, open or decided',
        tags: TAGS,
        security: [{ session: [] }],
        params: numberParam('id', 'The review number'),
        response: problems(404),
      },
    },
    async (request, reply) => {
      const id = positiveNumber(request.params.id);
      const view = id === undefined ? undefined : await reviewView(ctx.db, id);
      if (view === undefined) return sendProblem(reply, noReview(request.params.id));
      return documents.review(view);
    },
  );

  app.post<{ Params: { id: string } }>(
    '/api/identity/reviews/:id/decision',
    {
      config: { access: OFFICERS },
      ...DOMAIN_CHECKS_INPUT,
      schema: {
        summary: 'Decide a review: the same person (their persons are merged) or different people',
        description:
          'Body: outcome ("same-person" or "different-people") and an optional note. Decided once; a "different people" decision refuses any later merge of the two persons.',
        tags: TAGS,
        security: [{ session: [] }],
        params: numberParam('id', 'The review number'),
        body: {
          type: 'object',
          properties: { outcome: { enum: ['same-person', 'different-people'] }, note: { type: 'string' } },
        },
        response: problems(400, 404, 409, 503),
      },
    },
    async (request, reply) => {
      const id = positiveNumber(request.params.id);
      if (id === undefined) return sendProblem(reply, noReview(request.params.id));
      const outcome = textField(request.body, 'outcome');
      if (outcome !== 'same-person' && outcome !== 'different-people') {
        return sendProblem(
          reply,
          problem(
            'bad-input',
            'Say whether the two records are the same person.',
            'Send outcome "same-person" or "different-people".',
            [{ path: 'outcome', message: 'must be "same-person" or "different-people"' }],
          ),
        );
      }
      const index = await withIndex(reply);
      if (index === undefined) return reply;
      const decided = await decideReview(
        index,
        id,
        outcome,
        officerOf(request),
        textField(request.body, 'note'),
      );
      if (!decided.ok) return sendProblem(reply, decided.error);
      return decided.value;
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/identity/persons/:id',
    {
      config: { access: OFFICERS },
      schema: {
        summary: "A person: every partner's record of them and the history of how they came together",
        description:
          'A person merged into another answers with that person (`id` differs from the one asked for).',
        tags: TAGS,
        security: [{ session: [] }],
        params: {
          type: 'object',
          properties: { id: { type: 'string', pattern: uuidPattern } },
          required: ['id'],
        },
        response: problems(404),
      },
    },
    async (request, reply) => {
      const view = await personView(ctx.db, request.params.id);
      if (view === undefined) {
        return sendProblem(reply, problem('not-found', `There is no person ${request.params.id}.`));
      }
      return documents.person(view);
    },
  );

  const merged = (
    reply: FastifyReply,
    result: { ok: true; value: unknown } | { ok: false; error: Problem },
  ) => (result.ok ? reply.status(201).send(result.value) : sendProblem(reply, result.error));

  app.post(
    '/api/identity/merges',
    {
      config: { access: OFFICERS },
      ...DOMAIN_CHECKS_INPUT,
      schema: {
        summary: 'Merge two persons: the younger joins the older, whose id survives',
        description:
          'Body: first and second (person ids) and reason. Refused if records of the two were decided to be different people.',
        tags: TAGS,
        security: [{ session: [] }],
        body: {
          type: 'object',
          properties: { first: { type: 'string' }, second: { type: 'string' }, reason: { type: 'string' } },
        },
        response: problems(400, 404, 409, 503),
      },
    },
    async (request, reply) => {
      const [first, second, reason] = ['first', 'second', 'reason'].map((f) => textField(request.body, f));
      const issues = [
        ...(first !== undefined && isPersonId(first)
          ? []
          : [{ path: 'first', message: 'must be a person id' }]),
        ...(second !== undefined && isPersonId(second)
          ? []
          : [{ path: 'second', message: 'must be a person id' }]),
        ...(reason === undefined ? [{ path: 'reason', message: 'is required' }] : []),
      ];
      if (issues.length > 0 || first === undefined || second === undefined || reason === undefined) {
        return sendProblem(
          reply,
          problem('bad-input', 'The merge request is incomplete.', 'Send first, second and reason.', issues),
        );
      }
      const index = await withIndex(reply);
      if (index === undefined) return reply;
      return merged(reply, await mergePersons(index, first, second, officerOf(request), reason));
    },
  );

  app.post<{ Params: { id: string } }>(
    '/api/identity/merges/:id/unmerge',
    {
      config: { access: OFFICERS },
      ...DOMAIN_CHECKS_INPUT,
      schema: {
        summary: "Undo a merge: its records go back to the person it absorbed, under that person's own id",
        description: "Body: reason. The merge is the event id in the person's history.",
        tags: TAGS,
        security: [{ session: [] }],
        params: numberParam('id', 'The merge (its event id)'),
        body: { type: 'object', properties: { reason: { type: 'string' } } },
        response: problems(400, 404, 409, 503),
      },
    },
    async (request, reply) => {
      const id = positiveNumber(request.params.id);
      if (id === undefined)
        return sendProblem(reply, problem('not-found', `There is no merge ${request.params.id}.`));
      const index = await withIndex(reply);
      if (index === undefined) return reply;
      return merged(
        reply,
        await unmerge(index, id, officerOf(request), textField(request.body, 'reason') ?? ''),
      );
    },
  );
}
