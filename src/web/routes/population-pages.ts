/**
 * @module web/routes/population-pages
 * Population health in public (issue 6): the dashboard of indicators with a tile map of the places
 * (`/indicators`), each indicator's page with its breakdowns, inequality and trend (`/indicators/<id>`), and
 * downloads as CSV and JSON (`/indicators.csv`, `/indicators.json`, `/indicators/<id>.csv`, `.json`).
 *
 * Every figure comes from `web/population-view.ts`, which takes the computed indicators through disclosure control:
 * this module never reads `PopulationResults` itself, only passes it there, and it imports nothing of
 * src/population but types and the disclosure module's note. Pages are public; a signed-in member of staff gets the
 * analyst view (age band and ethnic group, and the protected numerators and denominators).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { problem, type Problem } from '../../core/problem.js';
import type { Partnership } from '../../partnership/index.js';
import type { Comparison } from '../../population/statistics/benchmark.js';
import { intervalBars, type BarDatum } from '../charts/interval-bars.js';
import { siiChart, trendChart } from '../charts/sii-chart.js';
import { sparkline } from '../charts/sparkline.js';
import { tileMap, type Tile } from '../charts/tile-map.js';
import { boundaryMap, type PlaceMap } from '../charts/boundary-map.js';
import {
  audienceOf,
  dashboardCsv,
  dashboardJson,
  indicatorCsv,
  indicatorJson,
  populationView,
  SUPPRESSED_NOTE,
  type Audience,
  type FigureView,
  type IndicatorView,
  type PopulationView,
  type YearView,
} from '../population-view.js';
import { STATUS } from '../problem.js';
import type { AppContext } from '../server.js';
import { currentPartnership } from './current-partnership.js';

const page = { config: { access: 'public' }, schema: { hide: true } } as const;

/** How to build the indicators, for the page shown before any are computed. */
export const BUILD_COMMAND = 'accord population build <feeds> --postcodes <file>';

const COMPARISON_WORDS: Readonly<Record<Comparison, string>> = {
  better: 'Better than the partnership',
  similar: 'Similar to the partnership',
  worse: 'Worse than the partnership',
  higher: 'Higher than the partnership',
  lower: 'Lower than the partnership',
  'not-compared': 'Not compared',
};

function bars(figures: readonly FigureView[]): BarDatum[] {
  return figures.map((f) => ({
    label: f.label,
    value: f.plot?.value,
    lower: f.plot?.lower,
    upper: f.plot?.upper,
    comparison: f.comparison,
    valueText: f.shortText,
  }));
}

function placeTiles(p: Partnership, year: YearView | undefined): Tile[] {
  const byPlace = new Map(
    (year?.breakdowns.find((b) => b.breakdown === 'place')?.groups ?? []).map((f) => [f.group, f]),
  );
  return p.places.map((place) => {
    const f = byPlace.get(place.id);
    return {
      id: place.id,
      name: place.name,
      comparison: f?.comparison ?? 'not-compared',
      valueText: f?.shortText ?? '–',
    };
  });
}

/**
 * The map of the places: the boundary map when Accord was pointed at boundary files that hold every place, else the
 * tile map; with the licence line the boundaries need shown beside them.
 */
function drawPlaces(
  placeMap: PlaceMap | undefined,
  input: Parameters<typeof tileMap>[0],
): { svg: string; attribution: string | undefined } {
  const drawn = placeMap === undefined ? undefined : boundaryMap({ ...input, shapes: placeMap.shapes });
  return drawn === undefined || placeMap === undefined
    ? { svg: tileMap(input), attribution: undefined }
    : { svg: drawn, attribution: placeMap.attribution };
}

function mapOf(p: Partnership, view: IndicatorView, placeMap: PlaceMap | undefined) {
  const latest = view.byYear.at(-1);
  return drawPlaces(placeMap, {
    title: `${view.title}: places compared with the partnership${latest === undefined ? '' : `, ${latest.year}`}`,
    description:
      `Each place of ${p.info.shortName} with its value (${view.unit}) and how it compares with the partnership's ` +
      `value${latest?.partnership.plot === undefined ? '' : ` of ${latest.partnership.shortText}`}, by its 95% interval.`,
    tiles: placeTiles(p, latest),
    legend:
      view.polarity === 'no-judgement'
        ? ['higher', 'similar', 'lower', 'not-compared']
        : ['better', 'similar', 'worse', 'not-compared'],
  });
}

/** The charts of one year of an indicator, as SVG strings (their text escaped by the chart functions). */
function yearCharts(p: Partnership, view: IndicatorView, year: YearView, placeMap: PlaceMap | undefined) {
  const benchmark = year.partnership.plot?.value;
  return {
    breakdowns: year.breakdowns.map((b) => ({
      ...b,
      chart: intervalBars({
        title: `${view.title}, ${year.year}: ${b.title.toLowerCase()}`,
        description:
          `${b.title} with 95% intervals (${view.unit}); the dashed line is the partnership's value` +
          `${benchmark === undefined ? '' : `, ${year.partnership.shortText}`}. Withheld figures ([c]) have no bar.`,
        data: bars(b.groups),
        benchmark,
        benchmarkLabel: 'Partnership',
      }),
    })),
    map: drawPlaces(placeMap, {
      title: `${view.title}, ${year.year}: places compared with the partnership`,
      description: `Each place with its value (${view.unit}) and how it compares with the partnership, by its 95% interval.`,
      tiles: placeTiles(p, year),
      legend:
        view.polarity === 'no-judgement'
          ? ['higher', 'similar', 'lower', 'not-compared']
          : ['better', 'similar', 'worse', 'not-compared'],
    }),
    sii:
      year.inequality.sii === undefined
        ? undefined
        : siiChart({
            title: `${view.title}, ${year.year}: slope index of inequality`,
            description:
              `The value in each national IMD quintile (1 = most deprived) at the midpoint of its share of the ` +
              `population, with 95% intervals, and the fitted line; its slope is the SII, ${year.inequality.sii.text}.`,
            points: year.inequality.sii.points.map((pt) => ({ ...pt, label: `Q${pt.label.slice(0, 1)}` })),
            line: year.inequality.sii.line,
            yLabel: view.unit,
          }),
  };
}

function trendCharts(view: IndicatorView) {
  return {
    sii: trendChart({
      title: `${view.title}: slope index of inequality by year`,
      description: `The SII each year with its 95% interval (${view.unit}). ${view.trendText}`,
      points: view.byYear.map((y) => ({
        year: y.year,
        value: y.inequality.sii?.sii,
        lower: y.inequality.sii?.siiLower,
        upper: y.inequality.sii?.siiUpper,
        text: y.inequality.sii?.text ?? y.inequality.siiNote ?? 'no value',
      })),
      yLabel: `SII (${view.unit})`,
    }),
    gap: trendChart({
      title: `${view.title}: gap between quintiles 1 and 5 by year`,
      description: `Quintile 1 (most deprived) minus quintile 5 (least deprived), each year (${view.unit}).`,
      points: view.byYear.map((y) => ({
        year: y.year,
        value: y.inequality.absoluteGap,
        text: y.inequality.absoluteGapText,
      })),
      yLabel: `Q1 − Q5 (${view.unit})`,
    }),
  };
}

export async function populationPages(app: FastifyInstance, ctx: AppContext): Promise<void> {
  // The figures are computed once per audience and set of place names: the results are fixed at start.
  const cache = new Map<string, PopulationView>();
  const viewFor = (p: Partnership, audience: Audience): PopulationView | undefined => {
    const population = ctx.population;
    if (population === undefined) return undefined;
    const names = new Map(p.places.map((place) => [place.id, place.name]));
    const key = `${audience}|${JSON.stringify([...names])}`;
    let view = cache.get(key);
    if (view === undefined) {
      view = populationView(population, audience, names);
      cache.set(key, view);
    }
    return view;
  };

  const pageContext = (p: Partnership, title: string, breadcrumbs?: { href: string; text: string }[]) => ({
    partnership: p.info,
    section: 'indicators',
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
    reply.page('population/none.njk', { ...pageContext(p, 'Population health'), command: BUILD_COMMAND });

  const download = (reply: FastifyReply, name: string, kind: 'csv' | 'json', body: string) =>
    reply
      .type(kind === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8')
      .header('content-disposition', `attachment; filename="${name}.${kind}"`)
      .send(body);

  type Dashboard = { Querystring: { map?: string } };
  app.get<Dashboard>('/indicators', page, async (request, reply) => {
    const p = await currentPartnership(ctx);
    const view = viewFor(p, audienceOf(request.principal));
    if (view === undefined) return nonePage(reply, p);
    const wanted = request.query.map;
    const selected = view.indicators.find((i) => i.id === wanted) ?? view.indicators[0];
    return reply.page('population/dashboard.njk', {
      ...pageContext(p, 'Population health'),
      view,
      rows: view.rows.map((row) => ({
        ...row,
        spark: sparkline(`${row.title}: the partnership's value by year`, row.spark),
      })),
      selected,
      mapNote:
        wanted !== undefined && wanted !== selected?.id
          ? `There is no indicator "${wanted}"; the map shows ${selected?.title ?? 'none'}.`
          : undefined,
      map: selected === undefined ? undefined : mapOf(p, selected, ctx.placeMap),
      note: SUPPRESSED_NOTE,
    });
  });

  app.get('/indicators.csv', page, async (request, reply) => {
    const p = await currentPartnership(ctx);
    const view = viewFor(p, audienceOf(request.principal));
    if (view === undefined) return noResults(reply, p);
    return download(reply, 'indicators', 'csv', dashboardCsv(view));
  });

  app.get('/indicators.json', page, async (request, reply) => {
    const p = await currentPartnership(ctx);
    const view = viewFor(p, audienceOf(request.principal));
    if (view === undefined) return noResults(reply, p);
    return download(reply, 'indicators', 'json', JSON.stringify(dashboardJson(view), null, 2));
  });

  const noResults = (reply: FastifyReply, p: Partnership) =>
    problemPage(
      reply,
      p,
      problem('not-found', 'No indicators have been computed yet', `Build them with ${BUILD_COMMAND}.`),
    );

  type Indicator = { Params: { id: string }; Querystring: { year?: string } };
  app.get<Indicator>('/indicators/:id', page, async (request: FastifyRequest<Indicator>, reply) => {
    const p = await currentPartnership(ctx);
    const view = viewFor(p, audienceOf(request.principal));
    if (view === undefined) return nonePage(reply, p);
    const match = /^([a-z0-9][a-z0-9-]*?)(?:\.(csv|json))?$/.exec(request.params.id);
    const indicator = match === null ? undefined : view.indicators.find((i) => i.id === match[1]);
    if (match === null || indicator === undefined) {
      return problemPage(
        reply,
        p,
        problem(
          'not-found',
          'There is no indicator with that id.',
          'See the list of indicators at /indicators.',
        ),
      );
    }
    const format = match[2];
    if (format === 'csv') return download(reply, indicator.id, 'csv', indicatorCsv(indicator));
    if (format === 'json') {
      return download(reply, indicator.id, 'json', JSON.stringify(indicatorJson(indicator), null, 2));
    }

    const years = indicator.years;
    const yearText = request.query.year;
    let year = indicator.byYear.at(-1);
    if (yearText !== undefined && yearText !== '') {
      const wanted = /^\d{4}$/.test(yearText) ? Number(yearText) : undefined;
      year = indicator.byYear.find((y) => y.year === wanted);
      if (year === undefined) {
        return problemPage(
          reply,
          p,
          problem(
            'bad-input',
            `There are no figures of this indicator for the year asked for.`,
            years.length === 0
              ? 'It has no computed years.'
              : `Choose a year from ${years[0] ?? ''} to ${years.at(-1) ?? ''}, or leave the year out for the latest.`,
          ),
        );
      }
    }
    return reply.page('population/indicator.njk', {
      ...pageContext(p, indicator.title, [{ href: '/indicators', text: 'Population health' }]),
      indicator,
      year,
      charts: year === undefined ? undefined : yearCharts(p, indicator, year, ctx.placeMap),
      trend: trendCharts(indicator),
      comparisonWords: COMPARISON_WORDS,
      note: SUPPRESSED_NOTE,
    });
  });
}
