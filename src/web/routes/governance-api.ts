/**
 * @module web/routes/governance-api
 * Proposals routed by subsidiarity, as JSON under /api/governance, documented in the OpenAPI document.
 *
 * Reading a submitted proposal, its routing, rationale and challenges is public: decisions are made in public. Drafts
 * are seen only by their proposer. Officers draft, edit and submit; members challenge a routing; officers resolve a
 * challenge (never to their own proposal). Partner systems' tokens may only read.
 *
 * Request bodies are described here for the OpenAPI document but checked in the domain (`governance/proposal.ts`,
 * `challenge.ts`) by the same schemas the pages' forms go through, so every problem comes back once, in a problem
 * document whose `issues` name each field, whether it is a missing field, a wrong type or an unknown place.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { systemClock, type Principal } from '../../access/index.js';
import { problem } from '../../core/problem.js';
import {
  CHALLENGING_ROLES,
  ChallengeInput,
  DRAFTING_ROLES,
  ProposalDocument,
  ProposalInput,
  ProposalSummaryDocument,
  RESOLVING_ROLES,
  ResolutionInput,
  challengeRouting,
  withdrawProposal,
  WithdrawalInput,
  createDraft,
  editDraft,
  getProposal,
  listDrafts,
  listSubmitted,
  proposalDocument,
  proposalSummaryDocument,
  resolveChallenge,
  submitProposal,
  type Actor,
  type GovernanceContext,
} from '../../governance/index.js';
import { londonDay } from '../../partnership/views.js';
import { jsonSchema, problemSchema } from '../api-schemas.js';
import { sendProblem } from '../problem.js';
import type { AppContext } from '../server.js';
import { currentPartnership } from './current-partnership.js';

const TAGS = ['governance'];
const SESSION = [{ session: [] }];

const problems = (...statuses: number[]) => Object.fromEntries(statuses.map((s) => [s, problemSchema]));

const idParams = {
  type: 'object',
  properties: { id: { type: 'string', pattern: '^[0-9]+$', description: 'The proposal number' } },
  required: ['id'],
} as const;

/**
 * The schemas of these routes document the API; the domain checks the input (see the module comment), so Fastify's
 * own validation is switched off for them rather than answering first with messages of its own.
 */
const DOMAIN_CHECKS_INPUT = { validatorCompiler: () => () => true };

const proposalBody = jsonSchema(ProposalInput, 'input');

const versionField = {
  type: 'integer',
  minimum: 1,
  description: 'The version of the draft you read (its `version`): a draft changed since is refused with 409',
};

/** The person acting, for the domain; undefined for anyone who is not a signed-in person. */
export function actorOf(principal: Principal): Actor | undefined {
  return principal.kind === 'user'
    ? { userId: principal.userId, organisation: principal.organisation, roles: principal.roles }
    : undefined;
}

/** A proposal number from the path: digits only, or undefined (then the proposal is "not found"). */
export function proposalNumber(text: string): number | undefined {
  return /^[1-9][0-9]{0,14}$/.test(text) ? Number(text) : undefined;
}

export async function governanceApi(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const clock = ctx.clock ?? systemClock;
  /** One instant for a request: the proposal's date and the records' times agree. */
  const governance = (): GovernanceContext => {
    const now = clock();
    return { db: ctx.db, partnershipId: ctx.partnershipId, today: londonDay(now), now };
  };
  const notFound = (reply: FastifyReply, id: string) =>
    sendProblem(
      reply,
      problem(
        'not-found',
        `There is no proposal ${id}.`,
        'See the submitted proposals at /api/governance/proposals.',
      ),
    );
  /** The signed-in person; the route's access rule has already refused anyone else. */
  const actor = (request: FastifyRequest): Actor => {
    const found = actorOf(request.principal);
    if (found === undefined) throw new Error('a route for people reached its handler without one');
    return found;
  };

  app.get(
    '/api/governance/proposals',
    {
      config: { access: 'public' },
      schema: {
        summary: 'The submitted proposals, newest first, each with where it was routed',
        tags: TAGS,
        response: {
          200: {
            type: 'object',
            properties: { proposals: { type: 'array', items: jsonSchema(ProposalSummaryDocument) } },
            required: ['proposals'],
          },
        },
      },
    },
    async () => {
      const p = await currentPartnership(ctx);
      const list = await listSubmitted(ctx.db, ctx.partnershipId);
      return { proposals: list.map((s) => proposalSummaryDocument(s, p)) };
    },
  );

  app.get(
    '/api/governance/proposals/drafts',
    {
      config: { access: { signedIn: true, anyRole: DRAFTING_ROLES } },
      schema: {
        summary: 'Your own drafts, most recently edited first (officers)',
        tags: TAGS,
        security: SESSION,
        response: {
          200: {
            type: 'object',
            properties: { proposals: { type: 'array', items: jsonSchema(ProposalSummaryDocument) } },
            required: ['proposals'],
          },
        },
      },
    },
    async (request) => {
      const p = await currentPartnership(ctx);
      const list = await listDrafts(ctx.db, ctx.partnershipId, actor(request));
      return { proposals: list.map((s) => proposalSummaryDocument(s, p)) };
    },
  );

  app.post(
    '/api/governance/proposals',
    {
      config: { access: { signedIn: true, anyRole: DRAFTING_ROLES } },
      ...DOMAIN_CHECKS_INPUT,
      schema: {
        summary: 'Draft a proposal (officers)',
        description:
          'Saves a draft: title, summary, places affected, programme, money involved (integer pence), evidence, and the tests for collective action it claims, each with its evidence. Every field is checked, against the partnership on the day too; a problem lists every field at fault and nothing is saved.',
        tags: TAGS,
        security: SESSION,
        body: proposalBody,
        response: { 201: jsonSchema(ProposalDocument), ...problems(400, 401, 403) },
      },
    },
    async (request, reply) => {
      const result = await createDraft(governance(), actor(request), request.body);
      if (!result.ok) return sendProblem(reply, result.error);
      const document = proposalDocument(result.value, await currentPartnership(ctx));
      return reply.status(201).header('location', `/api/governance/proposals/${document.id}`).send(document);
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/governance/proposals/:id',
    {
      config: { access: 'public' },
      ...DOMAIN_CHECKS_INPUT,
      schema: {
        summary:
          'One proposal: its content, current routing with the rationale, earlier routings, challenges, history',
        description: 'A draft is found only by its proposer; for anyone else it does not exist (404).',
        tags: TAGS,
        params: idParams,
        response: { 200: jsonSchema(ProposalDocument), ...problems(404) },
      },
    },
    async (request, reply) => {
      const id = proposalNumber(request.params.id);
      const record =
        id === undefined
          ? undefined
          : await getProposal(ctx.db, ctx.partnershipId, id, actorOf(request.principal));
      if (record === undefined) return notFound(reply, request.params.id);
      return proposalDocument(record, await currentPartnership(ctx));
    },
  );

  app.put<{ Params: { id: string } }>(
    '/api/governance/proposals/:id',
    {
      config: { access: { signedIn: true, anyRole: DRAFTING_ROLES } },
      ...DOMAIN_CHECKS_INPUT,
      schema: {
        summary: 'Replace the content of your draft (officers)',
        description:
          'Records a new version of the draft; earlier versions are kept. Send the whole proposal with the `version` you read.',
        tags: TAGS,
        security: SESSION,
        params: idParams,
        body: {
          ...proposalBody,
          properties: { ...(proposalBody.properties as Record<string, unknown>), version: versionField },
          required: [...((proposalBody.required as string[] | undefined) ?? []), 'version'],
        },
        response: { 200: jsonSchema(ProposalDocument), ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const id = proposalNumber(request.params.id);
      if (id === undefined) return notFound(reply, request.params.id);
      const { version, ...content } =
        typeof request.body === 'object' && request.body !== null
          ? (request.body as Record<string, unknown>)
          : { version: undefined };
      const result = await editDraft(governance(), actor(request), id, version, content);
      if (!result.ok) return sendProblem(reply, result.error);
      return proposalDocument(result.value, await currentPartnership(ctx));
    },
  );

  app.post<{ Params: { id: string } }>(
    '/api/governance/proposals/:id/submit',
    {
      config: { access: { signedIn: true, anyRole: DRAFTING_ROLES } },
      ...DOMAIN_CHECKS_INPUT,
      schema: {
        summary: 'Submit your draft: it is routed by subsidiarity and published (officers)',
        description:
          "Applies the partnership's routing rule on today's date (the proposal's date) and records the routing with its rationale. From then on the proposal is public and can no longer be edited; a member may challenge the routing.",
        tags: TAGS,
        security: SESSION,
        params: idParams,
        body: { type: 'object', properties: { version: versionField }, required: ['version'] },
        response: { 200: jsonSchema(ProposalDocument), ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const id = proposalNumber(request.params.id);
      if (id === undefined) return notFound(reply, request.params.id);
      const version =
        typeof request.body === 'object' && request.body !== null
          ? (request.body as Record<string, unknown>).version
          : undefined;
      const result = await submitProposal(governance(), actor(request), id, version);
      if (!result.ok) return sendProblem(reply, result.error);
      return proposalDocument(result.value, await currentPartnership(ctx));
    },
  );

  app.post<{ Params: { id: string } }>(
    '/api/governance/proposals/:id/challenges',
    {
      config: { access: { signedIn: true, anyRole: CHALLENGING_ROLES } },
      ...DOMAIN_CHECKS_INPUT,
      schema: {
        summary: 'Challenge the current routing of a proposal, with your reason (members)',
        description: 'The challenge is recorded and shown with the proposal until an officer resolves it.',
        tags: TAGS,
        security: SESSION,
        params: idParams,
        body: jsonSchema(ChallengeInput, 'input'),
        response: { 201: jsonSchema(ProposalDocument), ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const id = proposalNumber(request.params.id);
      if (id === undefined) return notFound(reply, request.params.id);
      const result = await challengeRouting(governance(), actor(request), id, request.body);
      if (!result.ok) return sendProblem(reply, result.error);
      return reply.status(201).send(proposalDocument(result.value, await currentPartnership(ctx)));
    },
  );

  app.post<{ Params: { id: string } }>(
    '/api/governance/proposals/:id/withdrawal',
    {
      config: { access: { signedIn: true, anyRole: DRAFTING_ROLES } },
      ...DOMAIN_CHECKS_INPUT,
      schema: {
        summary: 'Withdraw a submitted proposal, with the reason (its proposer; not once decided)',
        description:
          'The proposal stays public, marked withdrawn, with the reason; no meeting may then take it.',
        tags: TAGS,
        security: SESSION,
        params: idParams,
        body: jsonSchema(WithdrawalInput, 'input'),
        response: { 201: jsonSchema(ProposalDocument), ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const id = proposalNumber(request.params.id);
      if (id === undefined) return notFound(reply, request.params.id);
      const result = await withdrawProposal(governance(), actor(request), id, request.body);
      if (!result.ok) return sendProblem(reply, result.error);
      return reply.status(201).send(proposalDocument(result.value, await currentPartnership(ctx)));
    },
  );

  app.post<{ Params: { id: string; challengeId: string } }>(
    '/api/governance/proposals/:id/challenges/:challengeId/resolution',
    {
      config: { access: { signedIn: true, anyRole: RESOLVING_ROLES } },
      ...DOMAIN_CHECKS_INPUT,
      schema: {
        summary:
          'Resolve a challenge: dismiss it, or uphold it and re-route (officers; not the proposer or challenger)',
        description:
          'Upheld, the rule is applied again on the proposal’s date, leaving out the claimed tests named in `testsNotMet`, or sending the matter to the partners’ own boards when `reservedToPartners`; the new routing is a new version, with your reason. An upheld challenge must change the routing.',
        tags: TAGS,
        security: SESSION,
        params: {
          type: 'object',
          properties: { id: idParams.properties.id, challengeId: { type: 'string', pattern: '^[0-9]+$' } },
          required: ['id', 'challengeId'],
        },
        body: jsonSchema(ResolutionInput, 'input'),
        response: { 201: jsonSchema(ProposalDocument), ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const id = proposalNumber(request.params.id);
      const challengeId = proposalNumber(request.params.challengeId);
      if (id === undefined) return notFound(reply, request.params.id);
      if (challengeId === undefined) {
        return sendProblem(
          reply,
          problem('not-found', `Proposal ${id} has no challenge ${request.params.challengeId}.`),
        );
      }
      const result = await resolveChallenge(governance(), actor(request), id, challengeId, request.body);
      if (!result.ok) return sendProblem(reply, result.error);
      return reply.status(201).send(proposalDocument(result.value, await currentPartnership(ctx)));
    },
  );
}
