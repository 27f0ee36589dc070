/**
 * @module web/routes/partnership-pages
 * The partnership in public, as pages for people: server-rendered with the NHS.UK design system, no JavaScript needed,
 * hidden from the OpenAPI document. Everything here is public: the partnership's membership, governance and
 * delegations are public information, and openness is one of its principles.
 *
 * Handlers stay thin: they read the partnership, ask `partnership/views` for the arrangement a page needs, and
 * render it.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { systemClock } from '../../access/index.js';
import { problem, type Problem } from '../../core/problem.js';
import type { Partnership } from '../../partnership/index.js';
import {
  bodyDetail,
  bodySummaries,
  delegationRegister,
  inForceOn,
  londonDay,
  mouView,
  organisationDetail,
  parseOptionalDate,
  partnersBySector,
  placeDetail,
  placeSummaries,
  placesPopulation,
  programmesByLevel,
  sourceTitles,
} from '../../partnership/views.js';
import { STATUS } from '../problem.js';
import type { AppContext } from '../server.js';
import { currentPartnership } from './current-partnership.js';

const PUBLIC = { access: 'public' } as const;

export async function partnershipPages(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const current = () => currentPartnership(ctx);
  const clock = ctx.clock ?? systemClock;
  const today = () => londonDay(clock());

  /** The context every partnership page shares: header, navigation, breadcrumbs, source titles for citations. */
  const pageContext = (
    p: Partnership,
    section: string,
    title: string,
    breadcrumbs?: { href: string; text: string }[],
  ) => ({
    partnership: p.info,
    section,
    title,
    sources: sourceTitles(p),
    ...(breadcrumbs === undefined
      ? {}
      : { breadcrumbs: [{ href: '/', text: 'Partnership' }, ...breadcrumbs] }),
  });

  const problemPage = (reply: FastifyReply, p: Partnership, what: Problem) => {
    reply.status(STATUS[what.kind]);
    return reply.page('error.njk', { partnership: p.info, title: what.title, detail: what.fix ?? '' });
  };
  const notFoundPage = (reply: FastifyReply, p: Partnership, what: string, list: string) =>
    problemPage(
      reply,
      p,
      problem(
        'not-found',
        `There is no ${what} with that id in ${p.info.shortName}.`,
        `See the list at ${list}.`,
      ),
    );

  // ----------------------------------------------------------------------------------------------------------------
  // Pages. Hidden from the OpenAPI document: they are HTML for people, not part of the API.

  const page = { config: PUBLIC, schema: { hide: true } };
  type WithId = { Params: { id: string }; Querystring: { 'as-of'?: string } };
  type WithAsOf = { Querystring: { 'as-of'?: string } };

  app.get('/', page, async (_request, reply) => {
    const p = await current();
    return reply.page('partnership/home.njk', {
      ...pageContext(p, 'home', p.info.name),
      info: p.info,
      tests: p.tests,
      places: placeSummaries(p),
      placesPopulation: placesPopulation(p),
      counts: {
        partners: p.organisations.filter((o) => inForceOn(o, today())).length,
        programmes: p.programmes.filter((x) => inForceOn(x, today())).length,
        bodies: p.bodies.filter((b) => inForceOn(b, today())).length,
        delegations: p.delegations.filter((d) => inForceOn(d, today())).length,
      },
      mou: p.mou,
    });
  });

  app.get('/places', page, async (_request, reply) => {
    const p = await current();
    return reply.page('partnership/places.njk', {
      ...pageContext(p, 'places', 'Places', []),
      places: placeSummaries(p),
      placesPopulation: placesPopulation(p),
    });
  });

  app.get<WithId>('/places/:id', page, async (request, reply) => {
    const p = await current();
    const detail = placeDetail(p, request.params.id, today());
    if (detail === undefined) return notFoundPage(reply, p, 'place', '/places');
    return reply.page('partnership/place.njk', {
      ...pageContext(p, 'places', detail.place.name, [{ href: '/places', text: 'Places' }]),
      detail,
    });
  });

  app.get<WithAsOf>('/partners', page, async (request, reply) => {
    const p = await current();
    const asOf = parseOptionalDate(request.query['as-of'], 'as-of');
    if (!asOf.ok) return problemPage(reply, p, asOf.error);
    return reply.page('partnership/partners.njk', {
      ...pageContext(p, 'partners', 'Partners', []),
      asOf: asOf.value,
      groups: partnersBySector(p, {
        today: today(),
        ...(asOf.value === undefined ? {} : { asOf: asOf.value }),
      }),
    });
  });

  app.get<WithId>('/partners/:id', page, async (request, reply) => {
    const p = await current();
    const detail = organisationDetail(p, request.params.id, today());
    if (detail === undefined) return notFoundPage(reply, p, 'partner organisation', '/partners');
    return reply.page('partnership/partner.njk', {
      ...pageContext(p, 'partners', detail.summary.organisation.name, [
        { href: '/partners', text: 'Partners' },
      ]),
      detail,
    });
  });

  app.get('/programmes', page, async (_request, reply) => {
    const p = await current();
    return reply.page('partnership/programmes.njk', {
      ...pageContext(p, 'programmes', 'Programmes', []),
      programmes: programmesByLevel(p, today()),
      tests: p.tests,
    });
  });

  app.get<WithAsOf>('/bodies', page, async (request, reply) => {
    const p = await current();
    const asOf = parseOptionalDate(request.query['as-of'], 'as-of');
    if (!asOf.ok) return problemPage(reply, p, asOf.error);
    return reply.page('partnership/bodies.njk', {
      ...pageContext(p, 'bodies', 'Governance bodies', []),
      asOf: asOf.value,
      bodies: bodySummaries(p, { today: today(), ...(asOf.value === undefined ? {} : { asOf: asOf.value }) }),
    });
  });

  app.get<WithId>('/bodies/:id', page, async (request, reply) => {
    const p = await current();
    const asOf = parseOptionalDate(request.query['as-of'], 'as-of');
    if (!asOf.ok) return problemPage(reply, p, asOf.error);
    const detail = bodyDetail(p, request.params.id, {
      today: today(),
      ...(asOf.value === undefined ? {} : { asOf: asOf.value }),
    });
    if (detail === undefined) return notFoundPage(reply, p, 'body', '/bodies');
    return reply.page('partnership/body.njk', {
      ...pageContext(p, 'bodies', detail.summary.body.name, [{ href: '/bodies', text: 'Governance bodies' }]),
      asOf: asOf.value,
      detail,
    });
  });

  app.get('/delegations', page, async (_request, reply) => {
    const p = await current();
    return reply.page('partnership/delegations.njk', {
      ...pageContext(p, 'delegations', 'Register of delegations', []),
      delegations: delegationRegister(p, today()),
    });
  });

  app.get('/mou', page, async (_request, reply) => {
    const p = await current();
    return reply.page('partnership/mou.njk', {
      ...pageContext(p, 'mou', p.mou.title, []),
      mou: p.mou,
      view: mouView(p),
    });
  });

  app.get('/sources', page, async (_request, reply) => {
    const p = await current();
    return reply.page('partnership/sources.njk', {
      ...pageContext(p, 'sources', 'Sources', []),
      sourceList: p.sources,
    });
  });

  app.get('/about', page, async (_request, reply) => {
    const p = await current();
    return reply.page('partnership/about.njk', pageContext(p, 'about', 'About Accord', []));
  });

  app.get('/accessibility', page, async (_request, reply) => {
    const p = await current();
    return reply.page(
      'partnership/accessibility.njk',
      pageContext(p, 'accessibility', 'Accessibility statement', []),
    );
  });
}
