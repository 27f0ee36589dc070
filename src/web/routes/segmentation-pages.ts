/**
 * @module web/routes/segmentation-pages
 * Segmentation and risk in public (issue 6, part 6): Bridges to Health segments, eFI frailty categories and the
 * Core20PLUS5 cohorts by place, deprivation, age and sex for any year (`/population/segments`, with its CSV), and
 * the emergency admission risk model — its method, odds ratios, discrimination and calibration
 * (`/population/risk-model`, with its CSV). Aggregates for planning only, every count through disclosure control
 * (web/segmentation-view.ts); no list of people is published here.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { problem, type Problem } from '../../core/problem.js';
import type { Partnership } from '../../partnership/index.js';
import { calibrationChart } from '../charts/calibration-chart.js';
import { intervalBars } from '../charts/interval-bars.js';
import { stackedBars } from '../charts/stacked-bars.js';
import { STATUS } from '../problem.js';
import {
  riskModelCsv,
  riskModelView,
  segmentationView,
  segmentsCsv,
  SUPPRESSED_NOTE,
  type RiskModelView,
} from '../segmentation-view.js';
import type { AppContext } from '../server.js';
import { currentPartnership } from './current-partnership.js';
import { BUILD_COMMAND } from './population-pages.js';

const page = { config: { access: 'public' }, schema: { hide: true } } as const;

/** A model term's label short enough for the chart's label column. */
function shortLabel(feature: string, level: string): string {
  switch (feature) {
    case 'Age band':
      return `Age ${level}`;
    case 'IMD quintile':
      return `IMD quintile ${level.slice(0, 1)}`;
    case 'Long-term conditions':
      return level === '1' ? '1 condition' : `${level} conditions`;
    case 'Emergency admissions in the previous 12 months':
      return level === '1' ? '1 prior admission' : `${level} prior admissions`;
    case 'eFI category':
      return `eFI ${level.toLowerCase()}`;
    case 'Segment':
      return `Segment ${level.split(' ')[0] ?? level}`;
    default:
      return level;
  }
}

export async function segmentationPages(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const results = () => ctx.population?.segmentation;
  const indicatorTitle = (id: string) =>
    ctx.population?.results.find((r) => r.indicator.id === id)?.indicator.title;
  let modelCache: { report: unknown; view: RiskModelView } | undefined;

  const pageContext = (p: Partnership, title: string) => ({
    partnership: p.info,
    section: 'indicators',
    title,
    breadcrumbs: [
      { href: '/', text: 'Partnership' },
      { href: '/indicators', text: 'Population health' },
    ],
  });
  const problemPage = (reply: FastifyReply, p: Partnership, what: Problem) => {
    reply.status(STATUS[what.kind]);
    return reply.page('error.njk', { ...pageContext(p, what.title), detail: what.fix ?? '' });
  };
  const nonePage = (reply: FastifyReply, p: Partnership, title: string) =>
    reply.page('population/segments-none.njk', { ...pageContext(p, title), command: BUILD_COMMAND });
  const notComputed = (reply: FastifyReply, p: Partnership) =>
    problemPage(
      reply,
      p,
      problem('not-found', 'The segmentation has not been computed yet', `Build it with ${BUILD_COMMAND}.`),
    );

  type Segments = { Querystring: { year?: string } };
  app.get<Segments>('/population/segments', page, async (request, reply) => {
    const p = await currentPartnership(ctx);
    const computed = results();
    if (computed === undefined) return nonePage(reply, p, 'Segments, frailty and Core20PLUS5');
    const asked = request.query.year === undefined ? undefined : Number(request.query.year);
    if (asked !== undefined && !computed.byYear.some((y) => y.year === asked)) {
      return problemPage(
        reply,
        p,
        problem(
          'bad-input',
          `There are no figures for the year ${request.query.year ?? ''}.`,
          `Choose a year from ${computed.years.from} to ${computed.years.to}.`,
        ),
      );
    }
    const view = segmentationView(computed, p, indicatorTitle, asked);
    const segmentNames = computed.definitions.segments.map((s) => `${s.number} ${s.name}`);
    return reply.page('population/segments.njk', {
      ...pageContext(p, 'Segments, frailty and Core20PLUS5'),
      view,
      modelComputed: computed.riskModel !== undefined,
      quintileChart: stackedBars({
        title: `Share of people in each Bridges to Health segment by national IMD quintile, ${view.year}`,
        description:
          'One bar per quintile (1 = most deprived), split into the segments from 8 (frailty) to 1 (healthy); the ' +
          'table below gives the counts. A bar marked * has a withheld count and is drawn from the published ones.',
        parts: segmentNames,
        rows: view.shares.byQuintile,
      }),
      placeChart: stackedBars({
        title: `Share of people in each Bridges to Health segment by place, ${view.year}`,
        description:
          'One bar per place, split into the segments from 8 (frailty) to 1 (healthy); the table below gives the ' +
          'counts. A bar marked * has a withheld count and is drawn from the published ones.',
        parts: segmentNames,
        rows: view.shares.byPlace,
      }),
      note: SUPPRESSED_NOTE,
    });
  });

  app.get('/population/segments.csv', page, async (_request, reply) => {
    const p = await currentPartnership(ctx);
    const computed = results();
    if (computed === undefined) return notComputed(reply, p);
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', 'attachment; filename="segments.csv"')
      .send(segmentsCsv(computed, p));
  });

  const modelView = (): RiskModelView | undefined => {
    const report = results()?.riskModel;
    if (report === undefined) return undefined;
    if (modelCache?.report !== report) modelCache = { report, view: riskModelView(report) };
    return modelCache.view;
  };

  app.get('/population/risk-model', page, async (_request, reply) => {
    const p = await currentPartnership(ctx);
    const computed = results();
    if (computed === undefined) return nonePage(reply, p, 'Emergency admission risk model');
    const view = modelView();
    if (view === undefined) {
      return reply.page('population/risk-model.njk', {
        ...pageContext(p, 'Emergency admission risk model'),
        problem: computed.modelProblem ?? 'The model has not been fitted.',
      });
    }
    // Estimated levels only, with short labels: the tables below give each level in full.
    const terms = view.features.flatMap((f) =>
      f.terms.filter((t) => !t.reference && t.coefficientText !== '–'),
    );
    return reply.page('population/risk-model.njk', {
      ...pageContext(p, 'Emergency admission risk model'),
      view,
      definitions: computed.definitions,
      oddsChart: intervalBars({
        title: 'Odds ratios of an emergency admission in the next 12 months, with 95% intervals',
        description:
          'Each level of each feature against its reference level, adjusted for the others; the dashed line is 1 ' +
          '(no difference). Levels with fewer than 10 admissions have no bar; segments by number, as in the tables.',
        data: terms.map((t) => ({
          label: shortLabel(t.feature, t.level),
          value: t.oddsRatio,
          lower: t.lower,
          upper: t.upper,
          comparison:
            t.lower !== undefined && t.lower > 1
              ? 'higher'
              : t.upper !== undefined && t.upper < 1
                ? 'lower'
                : 'not-compared',
          valueText: t.oddsRatio === undefined ? 'not shown' : t.oddsRatioText,
        })),
        benchmark: 1,
        benchmarkLabel: 'No difference',
      }),
      calibration: calibrationChart({
        title: `Calibration in ${view.report.evaluationYear}: predicted risk against the share admitted, by tenth of predicted risk`,
        description:
          'Each point is a tenth of the people, from the lowest predicted risk to the highest; on the dashed line the ' +
          `model predicts exactly. ${view.calibration
            .map(
              (c) =>
                `Tenth ${c.group}: predicted ${c.predictedPercentText}, observed ${c.observedPercentText}`,
            )
            .join('; ')}.`,
        points: view.calibration.map((c) => ({
          label: `Tenth ${c.group}`,
          predicted: c.predictedPercent,
          observed: c.observedPercent,
        })),
      }),
      note: SUPPRESSED_NOTE,
    });
  });

  app.get('/population/risk-model.csv', page, async (_request, reply) => {
    const p = await currentPartnership(ctx);
    const view = modelView();
    if (view === undefined) return notComputed(reply, p);
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', 'attachment; filename="risk-model.csv"')
      .send(riskModelCsv(view));
  });
}
