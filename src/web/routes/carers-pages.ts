/**
 * @module web/routes/carers-pages
 * Unpaid carers in public (issue 9): carers identified by their practices against the census estimate — for the
 * partnership, each place, each deprivation quintile, by age and sex, and each neighbourhood and practice — with the
 * trend, the carers' own health indicators, and a CSV of every table (`/carers`, `/carers/places/<place>`,
 * `/carers.csv`). Every figure comes from web/carers-view.ts, through disclosure control.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { problem, type Problem } from '../../core/problem.js';
import type { Partnership } from '../../partnership/index.js';
import type { Comparison } from '../../population/statistics/benchmark.js';
import {
  carersCsv,
  carersView,
  SUPPRESSED_NOTE,
  workingCarersView,
  type CarerFigureView,
  type CarersView,
} from '../carers-view.js';
import { workingCarers } from '../../workforce/index.js';
import { intervalBars } from '../charts/interval-bars.js';
import { trendChart } from '../charts/sii-chart.js';
import { sparkline } from '../charts/sparkline.js';
import { STATUS } from '../problem.js';
import type { AppContext } from '../server.js';
import { currentPartnership } from './current-partnership.js';
import { BUILD_COMMAND } from './population-pages.js';

const page = { config: { access: 'public' }, schema: { hide: true } } as const;

/** The priority the carers' indicators carry in the catalogue (indicators/*.yaml). */
export const CARERS_PRIORITY = 'unpaid-carers';

const COMPARISON_WORDS: Readonly<Record<Comparison, string>> = {
  better: 'Higher than the partnership',
  similar: 'Similar to the partnership',
  worse: 'Lower than the partnership',
  higher: 'Higher than the partnership',
  lower: 'Lower than the partnership',
  'not-compared': 'Not compared',
};

const bars = (figures: readonly CarerFigureView[]) =>
  figures.map((f) => ({
    label: f.label,
    value: f.share?.kind === 'rate' ? f.share.value : undefined,
    lower: f.share?.kind === 'rate' ? f.share.lower : undefined,
    upper: f.share?.kind === 'rate' ? f.share.upper : undefined,
    comparison: f.comparison,
    valueText: f.shareText,
  }));

function withSparks(figures: readonly CarerFigureView[]) {
  return figures.map((f) => ({
    ...f,
    spark: sparkline(`${f.label}: carers identified as a percentage of expected, by year`, f.trend),
  }));
}

export async function carersPages(app: FastifyInstance, ctx: AppContext): Promise<void> {
  // The figures are fixed at start: one view per set of partnership data.
  let cached: { partnership: Partnership; view: CarersView } | undefined;
  const viewFor = (p: Partnership): CarersView | undefined => {
    const carers = ctx.population?.carers;
    if (carers === undefined) return undefined;
    if (cached?.partnership !== p) cached = { partnership: p, view: carersView(carers, p) };
    return cached.view;
  };

  const pageContext = (p: Partnership, title: string, breadcrumbs?: { href: string; text: string }[]) => ({
    partnership: p.info,
    section: 'carers',
    title,
    ...(breadcrumbs === undefined
      ? {}
      : { breadcrumbs: [{ href: '/', text: 'Partnership' }, ...breadcrumbs] }),
  });
  const problemPage = (reply: FastifyReply, p: Partnership, what: Problem) => {
    reply.status(STATUS[what.kind]);
    return reply.page('error.njk', { ...pageContext(p, what.title), detail: what.fix ?? '' });
  };
  const nonePage = (reply: FastifyReply, p: Partnership) =>
    reply.page('carers/none.njk', { ...pageContext(p, 'Unpaid carers'), command: BUILD_COMMAND });

  app.get('/carers', page, async (_request, reply) => {
    const p = await currentPartnership(ctx);
    const view = viewFor(p);
    if (view === undefined) return nonePage(reply, p);
    // Carers at work: what the employer partners' workforce returns say of the staff they recognise as carers.
    const working = await workingCarers(ctx.db, ctx.partnershipId);
    const benchmark = view.system.share?.kind === 'rate' ? view.system.share.value : undefined;
    const indicators = (ctx.population?.results ?? [])
      .filter((result) => result.indicator.priority.includes(CARERS_PRIORITY))
      .map((result) => ({ id: result.indicator.id, title: result.indicator.title }));
    return reply.page('carers/overview.njk', {
      ...pageContext(p, 'Unpaid carers'),
      view,
      places: withSparks(view.places),
      quintiles: view.quintiles,
      neighbourhoodsByPlace: p.places
        .map((place) => ({
          place,
          count: view.neighbourhoods.filter((n) => n.place === place.id).length,
        }))
        .filter((entry) => entry.count > 0),
      indicators,
      working: working === undefined ? undefined : workingCarersView(working),
      comparisonWords: COMPARISON_WORDS,
      trend: trendChart({
        title: `Carers identified as a percentage of expected, ${p.info.shortName}, by year`,
        description:
          'Each year: carers coded by their practices as a percentage of the carers the census shares lead us to ' +
          `expect, with 95% intervals. ${view.system.trend.map((t) => `${t.year}: ${t.text}`).join('; ')}.`,
        points: view.system.trend,
        yLabel: '% of expected',
      }),
      placesChart: intervalBars({
        title: `Carers identified as a percentage of expected, by place, ${view.latestYear}`,
        description:
          'Each place with its 95% interval; the dashed line is the partnership. Withheld figures ([c]) have no bar.',
        data: bars(view.places),
        benchmark,
        benchmarkLabel: 'Partnership',
      }),
      quintilesChart: intervalBars({
        title: `Carers identified as a percentage of expected, by deprivation quintile, ${view.latestYear}`,
        description:
          'Each national IMD quintile (1 = most deprived) with its 95% interval; the dashed line is the partnership.',
        data: bars(view.quintiles),
        benchmark,
        benchmarkLabel: 'Partnership',
      }),
      note: SUPPRESSED_NOTE,
    });
  });

  app.get('/carers.csv', page, async (_request, reply) => {
    const p = await currentPartnership(ctx);
    const view = viewFor(p);
    if (view === undefined) {
      return problemPage(
        reply,
        p,
        problem('not-found', 'No carers figures have been computed yet', `Build them with ${BUILD_COMMAND}.`),
      );
    }
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', 'attachment; filename="carers.csv"')
      .send(carersCsv(view));
  });

  type PlacePage = { Params: { place: string } };
  app.get<PlacePage>('/carers/places/:place', page, async (request, reply) => {
    const p = await currentPartnership(ctx);
    const view = viewFor(p);
    if (view === undefined) return nonePage(reply, p);
    const place = p.places.find((candidate) => candidate.id === request.params.place);
    if (place === undefined) {
      return problemPage(
        reply,
        p,
        problem('not-found', 'There is no place with that id.', 'See the places at /carers.'),
      );
    }
    const figure = view.places.find((f) => f.id === place.id);
    return reply.page('carers/place.njk', {
      ...pageContext(p, `Unpaid carers in ${place.name}`, [{ href: '/carers', text: 'Unpaid carers' }]),
      view,
      place,
      figure,
      neighbourhoods: view.neighbourhoods
        .filter((n) => n.place === place.id)
        .map((n) => ({ ...n, practices: withSparks(n.practices) })),
      comparisonWords: COMPARISON_WORDS,
      note: SUPPRESSED_NOTE,
    });
  });
}
