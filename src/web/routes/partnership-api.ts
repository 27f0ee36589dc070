/**
 * @module web/routes/partnership-api
 * The partnership as JSON under /api/partnership, documented in the OpenAPI document. Public, like the pages.
 * The response schemas are generated from the same zod schemas that check the data files, so the OpenAPI document
 * cannot drift from the data. Errors are RFC 9457 problem documents.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { z } from 'zod';
import { problem } from '../../core/problem.js';
import {
  Body,
  CollectiveActionTest,
  Mou,
  Neighbourhood,
  Organisation,
  PartnershipInfo,
  Place,
  Programme,
  Sector,
  Source,
  Delegation,
  entryHistory,
  type EntryKind,
  type Partnership,
} from '../../partnership/index.js';
import { filterOrganisations, parseOptionalDate } from '../../partnership/views.js';
import { jsonSchema, problemSchema } from '../api-schemas.js';
import { sendProblem } from '../problem.js';
import type { AppContext } from '../server.js';
import { currentPartnership } from './current-partnership.js';

const PUBLIC = { access: 'public' } as const;

const listOf = (key: string, item: z.ZodType) => ({
  type: 'object',
  properties: { [key]: { type: 'array', items: jsonSchema(item) } },
  required: [key],
  additionalProperties: false,
});

const idParams = {
  type: 'object',
  properties: { id: { type: 'string', description: "The entry's id in the partnership files" } },
  required: ['id'],
} as const;

const dateQuery = (description: string) => ({
  type: 'string',
  pattern: '^\\d{4}-\\d{2}-\\d{2}$',
  description,
});

const ENTRY_KINDS: readonly EntryKind[] = [
  'info',
  'source',
  'organisation',
  'place',
  'neighbourhood',
  'test',
  'programme',
  'body',
  'delegation',
  'mou',
];

const TAGS = ['partnership'];

export async function partnershipApi(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const current = () => currentPartnership(ctx);

  // ----------------------------------------------------------------------------------------------------------------
  // JSON API

  const notFound = (reply: FastifyReply, what: string, id: string) =>
    sendProblem(
      reply,
      problem(
        'not-found',
        `There is no ${what} '${id}' in this partnership.`,
        `List them at ${listPathOf(what)}.`,
      ),
    );

  app.get(
    '/api/partnership',
    {
      config: PUBLIC,
      schema: {
        summary: 'The partnership: name, codes, population, budget, workforce, unpaid carers, principles',
        description:
          'Every figure carries its source (an id in /api/partnership/sources) and the date it describes.',
        tags: TAGS,
        response: { 200: jsonSchema(PartnershipInfo) },
      },
    },
    async () => (await current()).info,
  );

  app.get(
    '/api/partnership/collective-action-tests',
    {
      config: PUBLIC,
      schema: {
        summary: 'The tests for collective action: when work belongs at system level rather than in a place',
        tags: TAGS,
        response: { 200: listOf('tests', CollectiveActionTest) },
      },
    },
    async () => ({ tests: (await current()).tests }),
  );

  app.get<{ Querystring: { sector?: z.infer<typeof Sector>; 'active-on'?: string } }>(
    '/api/partnership/organisations',
    {
      config: PUBLIC,
      schema: {
        summary: 'The partner organisations, current and past',
        description:
          'Organisations are effective-dated: an ended one keeps its `to` date and names its `successor`.',
        tags: TAGS,
        querystring: {
          type: 'object',
          properties: {
            sector: {
              type: 'string',
              enum: Sector.options,
              description: 'Only organisations of this sector',
            },
            'active-on': dateQuery('Only organisations in force on this date (YYYY-MM-DD)'),
          },
          additionalProperties: false,
        },
        response: { 200: listOf('organisations', Organisation), 400: problemSchema },
      },
    },
    async (request, reply) => {
      const activeOn = parseOptionalDate(request.query['active-on'], 'active-on');
      if (!activeOn.ok) return sendProblem(reply, activeOn.error);
      const p = await current();
      return {
        organisations: filterOrganisations(p, {
          ...(request.query.sector === undefined ? {} : { sector: request.query.sector }),
          ...(activeOn.value === undefined ? {} : { activeOn: activeOn.value }),
        }),
      };
    },
  );

  /** GET /api/partnership/<path> and /<path>/:id for one kind of entry. */
  const listAndItem = (options: {
    path: string;
    key: string;
    what: string;
    schema: z.ZodType;
    summary: string;
    items: (p: Partnership) => readonly { id: string }[];
    withItem: boolean;
  }) => {
    app.get(
      `/api/partnership/${options.path}`,
      {
        config: PUBLIC,
        schema: {
          summary: options.summary,
          tags: TAGS,
          response: { 200: listOf(options.key, options.schema) },
        },
      },
      async () => ({ [options.key]: options.items(await current()) }),
    );
    if (!options.withItem) return;
    app.get<{ Params: { id: string } }>(
      `/api/partnership/${options.path}/:id`,
      {
        config: PUBLIC,
        schema: {
          summary: `One ${options.what}, by id`,
          tags: TAGS,
          params: idParams,
          response: { 200: jsonSchema(options.schema), 404: problemSchema },
        },
      },
      async (request, reply) => {
        const found = options.items(await current()).find((item) => item.id === request.params.id);
        return found ?? notFound(reply, options.what, request.params.id);
      },
    );
  };

  app.get<{ Params: { id: string } }>(
    '/api/partnership/organisations/:id',
    {
      config: PUBLIC,
      schema: {
        summary: 'One partner organisation, by id',
        tags: TAGS,
        params: idParams,
        response: { 200: jsonSchema(Organisation), 404: problemSchema },
      },
    },
    async (request, reply) => {
      const found = (await current()).organisations.find((o) => o.id === request.params.id);
      return found ?? notFound(reply, 'organisation', request.params.id);
    },
  );
  listAndItem({
    path: 'places',
    key: 'places',
    what: 'place',
    schema: Place,
    summary: 'The places (council areas) with their councils, boards, commissioners and population',
    items: (p) => p.places,
    withItem: true,
  });
  listAndItem({
    path: 'neighbourhoods',
    key: 'neighbourhoods',
    what: 'neighbourhood',
    schema: Neighbourhood,
    summary: 'The neighbourhoods (primary care networks) with their GP practices and list sizes',
    items: (p) => p.neighbourhoods,
    withItem: false,
  });
  listAndItem({
    path: 'programmes',
    key: 'programmes',
    what: 'programme',
    schema: Programme,
    summary: 'The programmes: system or place level, and for system ones the tests for collective action met',
    items: (p) => p.programmes,
    withItem: false,
  });
  listAndItem({
    path: 'bodies',
    key: 'bodies',
    what: 'body',
    schema: Body,
    summary: 'The governance bodies with their members, voting rights and quorum',
    items: (p) => p.bodies,
    withItem: true,
  });
  listAndItem({
    path: 'delegations',
    key: 'delegations',
    what: 'delegation',
    schema: Delegation,
    summary: 'The register of delegations: who delegated what to which body, with limits and dates',
    items: (p) => p.delegations,
    withItem: false,
  });
  listAndItem({
    path: 'sources',
    key: 'sources',
    what: 'source',
    schema: Source,
    summary: 'The sources every figure and fact cites',
    items: (p) => p.sources,
    withItem: false,
  });

  app.get(
    '/api/partnership/mou',
    {
      config: PUBLIC,
      schema: {
        summary: 'The memorandum of understanding: summary, signatories and commitments',
        tags: TAGS,
        response: { 200: jsonSchema(Mou) },
      },
    },
    async () => (await current()).mou,
  );

  app.get<{ Params: { kind: EntryKind; id: string } }>(
    '/api/partnership/history/:kind/:id',
    {
      config: PUBLIC,
      schema: {
        summary: 'Every recorded version of one entry',
        description:
          'Each load of the partnership files that changed the entry recorded a new version; earlier versions are never overwritten. `recordedTo` is null for the current version.',
        tags: TAGS,
        params: {
          type: 'object',
          properties: {
            kind: { type: 'string', enum: ENTRY_KINDS },
            id: {
              type: 'string',
              description: "The entry's id (for info, the partnership id; for mou, 'mou')",
            },
          },
          required: ['kind', 'id'],
        },
        response: {
          200: {
            type: 'object',
            properties: {
              kind: { type: 'string' },
              id: { type: 'string' },
              versions: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    version: { type: 'integer' },
                    content: {},
                    recordedFrom: { type: 'string', format: 'date-time' },
                    recordedTo: { type: ['string', 'null'], format: 'date-time' },
                    loadId: { type: 'integer' },
                  },
                  required: ['version', 'content', 'recordedFrom', 'recordedTo', 'loadId'],
                },
              },
            },
            required: ['kind', 'id', 'versions'],
          },
          404: problemSchema,
        },
      },
    },
    async (request, reply) => {
      const { kind, id } = request.params;
      const versions = await entryHistory(ctx.db, ctx.partnershipId, kind, id);
      if (versions.length === 0) return notFound(reply, kind, id);
      return {
        kind,
        id,
        versions: versions.map((v) => ({
          version: v.version,
          content: v.content,
          recordedFrom: v.recordedFrom.toISOString(),
          recordedTo: v.recordedTo === null ? null : v.recordedTo.toISOString(),
          loadId: v.loadId,
        })),
      };
    },
  );
}

/** Where a caller who asked for an unknown id can find the valid ones. */
function listPathOf(what: string): string {
  const lists: Record<string, string> = {
    organisation: '/api/partnership/organisations',
    place: '/api/partnership/places',
    body: '/api/partnership/bodies',
  };
  return lists[what] ?? '/api/partnership';
}
