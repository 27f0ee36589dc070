/**
 * @module web/routes/annual-report-pages
 * The annual "Improving Population Health" report, public: `/reports/annual` chooses the year and the place;
 * `/reports/annual/<year>` is the report as a web page and `/reports/annual/<year>.pdf` the same report as a PDF, for
 * the whole partnership or `?place=<id>`, as of `?as-of=<date>` (default today). Both are drawn from one model
 * (web/annual-report/model.ts) made of what is already published — indicators through disclosure control, carers,
 * the outcomes' computed statuses and the decision register — so a report as of a given date can be made again.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { systemClock } from '../../access/index.js';
import { problem, type Problem } from '../../core/problem.js';
import { searchDecisions } from '../../governance/meetings/index.js';
import { listReports } from '../../outcomes/index.js';
import type { Partnership } from '../../partnership/index.js';
import { londonDay, parseOptionalDate } from '../../partnership/views.js';
import type { PopulationResults } from '../../population/indicators/results-file.js';
import { annualReport, type AnnualReport, type OutcomeLine } from '../annual-report/model.js';
import { annualReportPdf } from '../annual-report/pdf.js';
import { carersView } from '../carers-view.js';
import { intervalBars } from '../charts/interval-bars.js';
import { populationView } from '../population-view.js';
import { replyWithProblem } from '../problem.js';
import type { AppContext } from '../server.js';
import { currentPartnership } from './current-partnership.js';
import { buildOutcomes } from './outcomes-view.js';

const PUBLIC = { config: { access: 'public' as const }, schema: { hide: true } };

type ReportRequest = { Params: { file: string }; Querystring: { place?: string; 'as-of'?: string } };

/** The earliest year a report can be asked for: before it, the partnership had no data to report. */
const FIRST_YEAR = 2016;

export function annualReportPages(getResults: () => PopulationResults | undefined) {
  return async function annualReportRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
    const clock = ctx.clock ?? systemClock;
    const problemPage = (request: FastifyRequest, reply: FastifyReply, p: Partnership, what: Problem) =>
      replyWithProblem(request, reply, what, undefined, { partnership: p.info });

    /** The outcomes' statuses as of the report's date. */
    const outcomeLines = async (p: Partnership, asOf: string): Promise<OutcomeLine[]> => {
      const built = buildOutcomes(p, getResults(), await listReports(ctx.db, ctx.partnershipId), asOf);
      return built.view.outcomes.map((o) => ({
        id: o.id,
        title: o.title,
        status: o.status,
        statusText: o.statusLabel,
        reasons: o.reasons,
      }));
    };

    const reportFor = async (p: Partnership, year: number, asOf: string, place: string | undefined) => {
      const results = getResults();
      const placeNames = new Map(p.places.map((pl) => [pl.id, pl.name]));
      return annualReport({
        partnership: p,
        year,
        asOf,
        ...(place === undefined ? {} : { place }),
        population: results === undefined ? undefined : populationView(results, 'public', placeNames),
        carers: results === undefined ? undefined : carersView(results.carers, p),
        outcomes: await outcomeLines(p, asOf),
        decisions: await searchDecisions(ctx.db, ctx.partnershipId, { to: asOf }),
      });
    };

    app.get('/reports/annual', PUBLIC, async (_request, reply) => {
      const p = await currentPartnership(ctx);
      const thisYear = Number(londonDay(clock()).slice(0, 4));
      return reply.page('reports/annual-index.njk', {
        partnership: p.info,
        section: 'reports',
        title: 'Annual population health report',
        breadcrumbs: [{ href: '/', text: 'Partnership' }],
        years: Array.from({ length: thisYear - FIRST_YEAR + 1 }, (_, i) => thisYear - i),
        places: p.places.map((pl) => ({ id: pl.id, name: pl.name })),
      });
    });

    app.get<ReportRequest>('/reports/annual/:file', PUBLIC, async (request, reply) => {
      const p = await currentPartnership(ctx);
      const match = /^(\d{4})(\.pdf)?$/.exec(request.params.file);
      const today = londonDay(clock());
      const year = Number(match?.[1]);
      if (match === null || year < FIRST_YEAR || year > Number(today.slice(0, 4))) {
        return problemPage(
          request,
          reply,
          p,
          problem(
            'not-found',
            'There is no report for that year.',
            `Choose a year from ${FIRST_YEAR} to this year at /reports/annual.`,
          ),
        );
      }
      const asOfParsed = parseOptionalDate(request.query['as-of'], 'as-of');
      if (!asOfParsed.ok) return problemPage(request, reply, p, asOfParsed.error);
      const asOf = asOfParsed.value ?? today;
      if (asOf > today) {
        return problemPage(
          request,
          reply,
          p,
          problem('bad-input', 'The as-of date is in the future.', 'Give a date up to today.'),
        );
      }
      if (asOf < `${year}-01-01`) {
        return problemPage(
          request,
          reply,
          p,
          problem(
            'bad-input',
            `A report for ${year} is made on or after 1 January ${year}.`,
            'Give a later as-of date.',
          ),
        );
      }
      const place =
        request.query.place === undefined || request.query.place === '' ? undefined : request.query.place;
      if (place !== undefined && !p.places.some((pl) => pl.id === place)) {
        return problemPage(
          request,
          reply,
          p,
          problem('not-found', `There is no place ${place}.`, 'Choose a place at /reports/annual.'),
        );
      }
      const report = await reportFor(p, year, asOf, place);
      const query = new URLSearchParams({
        ...(place === undefined ? {} : { place }),
        'as-of': asOf,
      }).toString();
      if (match[2] === '.pdf') {
        const name = `improving-population-health-${year}${place === undefined ? '' : `-${place}`}-as-of-${asOf}.pdf`;
        return reply
          .type('application/pdf')
          .header('content-disposition', `inline; filename="${name}"`)
          .send(await annualReportPdf(report));
      }
      return reply.page('reports/annual.njk', {
        partnership: p.info,
        section: 'reports',
        title: `${report.title}: ${report.scope}, ${year}`,
        breadcrumbs: [
          { href: '/', text: 'Partnership' },
          { href: '/reports/annual', text: 'Annual reports' },
        ],
        report,
        charts: chartsOf(report),
        pdfHref: `/reports/annual/${year}.pdf?${query}`,
        selfHref: `/reports/annual/${year}?${query}`,
      });
    });
  };
}

/** Each headline indicator's quintiles as a chart (SVG, its text escaped by the chart). */
function chartsOf(report: AnnualReport): Record<string, string> {
  return Object.fromEntries(
    report.headlines.map((row) => [
      row.id,
      intervalBars({
        title: `${row.title}, ${row.year}: by deprivation quintile`,
        description: `${row.title} by national deprivation quintile (1 is the most deprived) with 95% intervals (${row.unit}); the dashed line is the partnership's value. Withheld figures ([c]) have no bar.`,
        data: row.quintiles.map((q) => ({
          label: q.label,
          value: q.plot?.value,
          lower: q.plot?.lower,
          upper: q.plot?.upper,
          comparison: q.comparison,
          valueText: q.valueText,
        })),
        benchmark: row.benchmark,
        benchmarkLabel: 'Partnership',
      }),
    ]),
  );
}
