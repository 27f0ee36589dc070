/**
 * @module web/routes/outcomes-api
 * The shared outcomes as JSON for partner systems and national bodies (`/api/outcomes`, `/api/outcomes/{id}`): each
 * outcome's computed status with its reasons, its latest published figure against the trajectory, and its milestones'
 * progress, as of today or `?as-of=YYYY-MM-DD`. The response schemas are the zod schemas below, so the OpenAPI document
 * describes exactly what is sent. The same document as `/outcomes.json`; figures only as published (outcomes-figures).
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { systemClock } from '../../access/index.js';
import { problem } from '../../core/problem.js';
import { listReports, STATUSES } from '../../outcomes/index.js';
import { londonDay, parseOptionalDate } from '../../partnership/views.js';
import type { PopulationResults } from '../../population/indicators/results-file.js';
import { jsonSchema, problemSchema } from '../api-schemas.js';
import { sendProblem } from '../problem.js';
import type { AppContext } from '../server.js';
import { currentPartnership } from './current-partnership.js';
import { buildOutcomes, outcomesJson } from './outcomes-view.js';

const Status = z.enum(STATUSES);

export const OutcomeDocument = z.object({
  id: z.string(),
  title: z.string(),
  ambition: z.string(),
  status: Status,
  summary: z.string().describe('The status and its reasons in one sentence'),
  reasons: z.array(z.string()),
  indicator: z.string().nullable(),
  latest: z
    .object({
      year: z.int(),
      value: z.number(),
      lower95: z.number().nullable(),
      upper95: z.number().nullable(),
      trajectory: z.number(),
    })
    .nullable()
    .describe('The latest published figure used, and the trajectory for its year; null when not measured'),
  accountable: z.array(z.string()),
  programmes: z.array(z.string()),
  milestones: z.array(
    z.object({
      id: z.string(),
      due: z.string(),
      state: z.enum(['not-reported', 'reported', 'verified', 'rejected']),
      status: z.enum(['on-track', 'at-risk', 'off-track']),
      late: z.string().nullable(),
    }),
  ),
});

export const OutcomesDocument = z.object({
  asOf: z.string().describe('The day the statuses are computed for (YYYY-MM-DD)'),
  counts: z.record(Status, z.int()),
  outcomes: z.array(OutcomeDocument),
});

const TAGS = ['outcomes'];
const AsOfQuery = {
  type: 'object',
  properties: { 'as-of': { type: 'string', description: 'A day, YYYY-MM-DD (default: today, London)' } },
} as const;

type AsOf = { Querystring: { 'as-of'?: string } };

export function outcomesApi(getResults: () => PopulationResults | undefined) {
  return async function outcomesApiRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
    const clock = ctx.clock ?? systemClock;
    const documentFor = async (asOf: string | undefined) => {
      const parsed = parseOptionalDate(asOf, 'as-of');
      if (!parsed.ok) return parsed;
      const p = await currentPartnership(ctx);
      const reports = await listReports(ctx.db, ctx.partnershipId);
      const day = parsed.value ?? londonDay(clock());
      // Typed by the response schema, so the document and what the OpenAPI document says of it cannot drift apart.
      const value: z.infer<typeof OutcomesDocument> = outcomesJson(
        buildOutcomes(p, getResults(), reports, day).view,
      );
      return { ok: true as const, value };
    };

    app.get<AsOf>(
      '/api/outcomes',
      {
        config: { access: 'public' },
        schema: {
          summary: 'Every shared outcome with its computed status and reasons',
          tags: TAGS,
          querystring: AsOfQuery,
          response: { 200: jsonSchema(OutcomesDocument), 400: problemSchema },
        },
      },
      async (request, reply) => {
        const doc = await documentFor(request.query['as-of']);
        return doc.ok ? doc.value : sendProblem(reply, doc.error);
      },
    );

    app.get<AsOf & { Params: { id: string } }>(
      '/api/outcomes/:id',
      {
        config: { access: 'public' },
        schema: {
          summary: 'One shared outcome with its computed status and reasons',
          tags: TAGS,
          querystring: AsOfQuery,
          response: { 200: jsonSchema(OutcomeDocument), 400: problemSchema, 404: problemSchema },
        },
      },
      async (request, reply) => {
        const doc = await documentFor(request.query['as-of']);
        if (!doc.ok) return sendProblem(reply, doc.error);
        const found = doc.value.outcomes.find((o) => o.id === request.params.id);
        return (
          found ??
          sendProblem(
            reply,
            problem('not-found', 'There is no such outcome.', 'See the list at /api/outcomes.'),
          )
        );
      },
    );
  };
}
