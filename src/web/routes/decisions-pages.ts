/**
 * @module web/routes/decisions-pages
 * The decision register, in public: every decision the partnership's bodies have recorded, searchable by words,
 * body, place and dates, as a page, CSV, JSON and an Atom feed (RFC 4287) that people and other systems can follow.
 * Each decision's address (/decisions/<reference>) leads to its item in the meeting's page.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { systemClock } from '../../access/index.js';
import { problem, type Problem } from '../../core/problem.js';
import { err, ok, type Result } from '../../core/result.js';
import { searchDecisions, type DecisionEntry, type DecisionSearch } from '../../governance/meetings/index.js';
import type { Partnership } from '../../partnership/index.js';
import { parseOptionalDate } from '../../partnership/views.js';
import { csvLine } from '../population-view.js';
import { replyWithProblem } from '../problem.js';
import type { AppContext } from '../server.js';
import { currentPartnership } from './current-partnership.js';

const PUBLIC = { config: { access: 'public' as const }, schema: { hide: true } };

/** How many decisions the Atom feed carries: the latest ones. */
export const FEED_SIZE = 50;

type Query = { Querystring: { q?: string; body?: string; place?: string; from?: string; to?: string } };

const xml = (text: string) =>
  text.replace(
    /[<>&'"]/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c] ?? c,
  );

const OUTCOME_TEXT = { agreed: 'Agreed', 'not-agreed': 'Not agreed' } as const;

export function decisionsCsv(p: Partnership, entries: readonly DecisionEntry[]): string {
  const bodyName = (id: string) => p.bodies.find((b) => b.id === id)?.name ?? id;
  return [
    csvLine([
      'reference',
      'decided_on',
      'body',
      'body_name',
      'meeting',
      'item',
      'title',
      'resolution',
      'outcome',
      'method',
      'votes_for',
      'votes_against',
      'abstentions',
      'proposal',
      'places',
      'exempt_paragraph',
    ]),
    ...entries.map((d) =>
      csvLine([
        d.reference,
        d.decidedOn,
        d.bodyId,
        bodyName(d.bodyId),
        String(d.meetingId),
        String(d.item),
        d.title,
        d.resolution,
        d.outcome,
        d.method,
        String(d.votesFor),
        String(d.votesAgainst),
        String(d.abstentions),
        d.proposal === undefined ? '' : String(d.proposal),
        d.places.join(' '),
        d.exemptParagraph === undefined ? '' : String(d.exemptParagraph),
      ]),
    ),
  ].join('');
}

export function decisionsAtom(
  p: Partnership,
  base: URL,
  entries: readonly DecisionEntry[],
  now: Date,
): string {
  const url = (path: string) => new URL(path, base).href;
  const bodyName = (id: string) => p.bodies.find((b) => b.id === id)?.name ?? id;
  const updated = (entries[0]?.recordedAt ?? now).toISOString();
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<feed xmlns="http://www.w3.org/2005/Atom">',
    `  <title>${xml(`${p.info.name}: decisions`)}</title>`,
    `  <subtitle>Every decision recorded by the partnership’s bodies, newest first.</subtitle>`,
    `  <id>${xml(url('/decisions'))}</id>`,
    `  <link rel="self" type="application/atom+xml" href="${xml(url('/decisions.atom'))}"/>`,
    `  <link rel="alternate" type="text/html" href="${xml(url('/decisions'))}"/>`,
    `  <updated>${updated}</updated>`,
    `  <author><name>${xml(p.info.name)}</name></author>`,
    ...entries.map((d) =>
      [
        '  <entry>',
        `    <title>${xml(`${d.reference}: ${d.title} (${OUTCOME_TEXT[d.outcome].toLowerCase()})`)}</title>`,
        `    <id>${xml(url(`/decisions/${d.reference}`))}</id>`,
        `    <link rel="alternate" type="text/html" href="${xml(url(`/meetings/${d.meetingId}#item-${d.item}`))}"/>`,
        `    <published>${d.recordedAt.toISOString()}</published>`,
        `    <updated>${d.recordedAt.toISOString()}</updated>`,
        `    <category term="${xml(d.bodyId)}" label="${xml(bodyName(d.bodyId))}"/>`,
        `    <summary type="text">${xml(`${bodyName(d.bodyId)}, ${d.decidedOn}. ${d.resolution}`)}</summary>`,
        '  </entry>',
      ].join('\n'),
    ),
    '</feed>',
    '',
  ].join('\n');
}

export async function decisionsPages(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const clock = ctx.clock ?? systemClock;

  /** The search in the query string, checked: unknown bodies and places, and dates that are not dates, refused. */
  const searchOf = (query: Query['Querystring'], p: Partnership): Result<DecisionSearch, Problem> => {
    const from = parseOptionalDate(query.from, 'from');
    if (!from.ok) return from;
    const to = parseOptionalDate(query.to, 'to');
    if (!to.ok) return to;
    const body = query.body === undefined || query.body === '' ? undefined : query.body;
    const place = query.place === undefined || query.place === '' ? undefined : query.place;
    if (body !== undefined && !p.bodies.some((b) => b.id === body)) {
      return err(
        problem('bad-input', `There is no body ${body}.`, 'Choose a body from the list at /bodies.'),
      );
    }
    if (place !== undefined && !p.places.some((pl) => pl.id === place)) {
      return err(
        problem('bad-input', `There is no place ${place}.`, 'Choose a place from the list at /places.'),
      );
    }
    return ok({
      ...(query.q === undefined || query.q.trim() === '' ? {} : { text: query.q.slice(0, 200) }),
      ...(body === undefined ? {} : { body }),
      ...(place === undefined ? {} : { place }),
      ...(from.value === undefined ? {} : { from: from.value }),
      ...(to.value === undefined ? {} : { to: to.value }),
    });
  };
  /** The decisions a request asks for, or the page saying why its search is refused. */
  const found = async (request: FastifyRequest<Query>, reply: FastifyReply, p: Partnership) => {
    const search = searchOf(request.query, p);
    if (!search.ok) {
      await replyWithProblem(request, reply, search.error, undefined, { partnership: p.info });
      return undefined;
    }
    return searchDecisions(ctx.db, ctx.partnershipId, search.value);
  };

  app.get<Query>('/decisions', PUBLIC, async (request, reply) => {
    const p = await currentPartnership(ctx);
    const entries = await found(request, reply, p);
    if (entries === undefined) return reply;
    const bodyName = (id: string) => p.bodies.find((b) => b.id === id)?.name ?? id;
    const query = new URLSearchParams(
      Object.entries(request.query).filter(
        (e): e is [string, string] => typeof e[1] === 'string' && e[1] !== '',
      ),
    ).toString();
    return reply.page('meetings/decisions.njk', {
      partnership: p.info,
      section: 'decisions',
      title: 'Decision register',
      breadcrumbs: [{ href: '/', text: 'Partnership' }],
      decisions: entries.map((d) => ({
        ...d,
        bodyName: bodyName(d.bodyId),
        outcomeText: OUTCOME_TEXT[d.outcome],
      })),
      query: request.query,
      queryString: query === '' ? '' : `?${query}`,
      bodies: p.bodies.map((b) => ({ id: b.id, name: b.name })),
      places: p.places.map((pl) => ({ id: pl.id, name: pl.name })),
    });
  });

  app.get<Query>('/decisions.csv', PUBLIC, async (request, reply) => {
    const p = await currentPartnership(ctx);
    const entries = await found(request, reply, p);
    if (entries === undefined) return reply;
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', 'attachment; filename="decisions.csv"')
      .send(decisionsCsv(p, entries));
  });

  app.get<Query>('/decisions.json', PUBLIC, async (request, reply) => {
    const p = await currentPartnership(ctx);
    const entries = await found(request, reply, p);
    if (entries === undefined) return reply;
    return reply.type('application/json; charset=utf-8').send({
      partnership: p.info.id,
      decisions: entries.map((d) => ({
        ...d,
        recordedAt: d.recordedAt.toISOString(),
        bodyName: p.bodies.find((b) => b.id === d.bodyId)?.name ?? d.bodyId,
        url: new URL(`/meetings/${d.meetingId}#item-${d.item}`, ctx.config.publicUrl).href,
      })),
    });
  });

  app.get('/decisions.atom', PUBLIC, async (_request, reply) => {
    const p = await currentPartnership(ctx);
    const entries = await searchDecisions(ctx.db, ctx.partnershipId, { limit: FEED_SIZE });
    return reply
      .type('application/atom+xml; charset=utf-8')
      .send(decisionsAtom(p, ctx.config.publicUrl, entries, clock()));
  });

  app.get<{ Params: { reference: string } }>('/decisions/:reference', PUBLIC, async (request, reply) => {
    const p = await currentPartnership(ctx);
    const [found] = await searchDecisions(ctx.db, ctx.partnershipId, { reference: request.params.reference });
    if (found === undefined) {
      return replyWithProblem(
        request,
        reply,
        problem(
          'not-found',
          'There is no decision with that reference.',
          'See the decision register at /decisions.',
        ),
        undefined,
        { partnership: p.info },
      );
    }
    return reply.redirect(`/meetings/${found.meetingId}#item-${found.item}`, 303);
  });
}
