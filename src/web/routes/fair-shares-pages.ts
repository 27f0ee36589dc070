/**
 * @module web/routes/fair-shares-pages
 * Fair shares in public (issue 8, item 3; docs/fair-shares.md): each place's need-weighted target share against
 * what it is allocated now, the distance from target as a chart, the pace-of-change simulation year by year, and the
 * method with every weight and its source (`/money/fair-shares`), with every table as CSV
 * (`/money/fair-shares.csv`). The report is computed at build time (money/fair-shares) and handed in by a function,
 * so the page always shows the latest one. Population counts pass disclosure control (rounded to 5).
 */
import type { FastifyInstance } from 'fastify';
import { formatPence } from '../../core/money.js';
import { problem } from '../../core/problem.js';
import { fairSharesCsv, type FairSharesReport } from '../../money/fair-shares/index.js';
import { formatForDisplay, protectCount } from '../../population/disclosure/index.js';
import { intervalBars } from '../charts/interval-bars.js';
import type { ComparisonKey } from '../charts/svg.js';
import { STATUS } from '../problem.js';
import type { AppContext } from '../server.js';
import { currentPartnership } from './current-partnership.js';

const page = { config: { access: 'public' }, schema: { hide: true } } as const;

/** The command that computes the report (with the population health indicators). */
export const FAIR_SHARES_COMMAND = 'accord population build <feeds> --postcodes <file>';

/** A count of people as a page shows it: through disclosure control. */
function people(count: number): string {
  const cell = protectCount(Math.max(0, Math.round(count)));
  return cell.ok ? formatForDisplay(cell.value) : '';
}

const percentFormat = new Intl.NumberFormat('en-GB', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const signed = (fraction: number) =>
  `${fraction > 0 ? '+' : fraction < 0 ? '−' : ''}${percentFormat.format(Math.abs(fraction * 100))}%`;

function distanceText(distance: number | null): string {
  if (distance === null) return 'no target';
  const words = distance > 0.0005 ? 'over target' : distance < -0.0005 ? 'under target' : 'on target';
  return `${signed(distance)} (${words})`;
}

const comparison = (distance: number | null): ComparisonKey =>
  distance === null
    ? 'not-compared'
    : distance > 0.0005
      ? 'higher'
      : distance < -0.0005
        ? 'lower'
        : 'similar';

/** What the page shows, every figure formatted (pure; exported for the tests). */
export function fairSharesView(report: FairSharesReport) {
  const places = report.places.map((p) => ({
    id: p.id,
    name: p.name,
    population: people(p.population),
    weighted: people(p.weightedPopulation),
    ageSexIndex: p.ageSexIndex.toFixed(3),
    needIndex: p.needIndex.toFixed(3),
    share: `${percentFormat.format(p.targetShare * 100)}%`,
    current: formatPence(Math.round(p.currentPence / 100) * 100),
    target: formatPence(Math.round(p.targetPence / 100) * 100),
    distance: distanceText(p.distance),
    currentPerHead: p.currentPerHeadPence === null ? '–' : formatPence(p.currentPerHeadPence),
    targetPerHead: p.targetPerHeadPence === null ? '–' : formatPence(p.targetPerHeadPence),
  }));
  const names = new Map(report.places.map((p) => [p.id, p.name]));
  const chart = intervalBars({
    title: `Distance from target by place, ${report.year} population`,
    description:
      'Each place’s current allocation over or under its need-weighted target, in per cent of the target; the ' +
      'dashed line is the target. ' +
      report.places.map((p) => `${p.name}: ${distanceText(p.distance)}`).join('; ') +
      '.',
    data: report.places.map((p) => ({
      label: p.name,
      value: p.distance === null ? undefined : p.distance * 100,
      comparison: comparison(p.distance),
      valueText: distanceText(p.distance),
    })),
    benchmark: 0,
    benchmarkLabel: 'Target',
  });
  const w = report.method;
  return {
    year: report.year,
    illustrative: report.allocations.kind === 'illustrative',
    allocationsNote: report.allocations.description,
    population: people(report.population),
    outsidePlaces: people(report.outsidePlaces),
    total: formatPence(Math.round(report.totalPence / 100) * 100),
    places,
    chart,
    placeNames: report.places.map((p) => p.name),
    simulation: report.simulation.map((year) => ({
      year: year.year === 0 ? 'Now' : `Year ${year.year}`,
      total: formatPence(Math.round(year.totalPence / 100) * 100),
      places: year.places.map((p) => ({
        name: names.get(p.id) ?? p.id,
        allocation: formatPence(Math.round(p.allocationPence / 100) * 100),
        distance: p.distance === null ? '–' : signed(p.distance),
        uplift: p.upliftPercent === null ? '–' : `${percentFormat.format(p.upliftPercent)}%`,
      })),
    })),
    policy: report.policy,
    method: {
      text: w.text,
      ageSex: w.ageSex.bands.map((b) => ({
        band: b.to === undefined ? `${b.from} and over` : `${b.from} to ${b.to}`,
        male: b.male.toFixed(1),
        female: b.female.toFixed(1),
      })),
      ageSexSource: w.ageSex.source,
      deprivation: w.deprivation.byQuintile.map((v, i) => ({
        quintile: i === 0 ? '1 (most deprived)' : i === 4 ? '5 (least deprived)' : String(i + 1),
        index: v.toFixed(3),
      })),
      deprivationSource: w.deprivation.source,
      deprivationEnds: { most: w.deprivation.mostDeprived, least: w.deprivation.leastDeprived },
      multimorbidity: w.multimorbidity,
      sources: w.sources,
    },
  };
}

/** The pages, reading the report through `getReport` (undefined until one has been computed). */
export function fairSharesPages(getReport: () => FairSharesReport | undefined) {
  return async function fairSharesRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
    let cached: { report: FairSharesReport; view: ReturnType<typeof fairSharesView> } | undefined;
    const viewOf = (report: FairSharesReport) => {
      if (cached?.report !== report) cached = { report, view: fairSharesView(report) };
      return cached.view;
    };

    app.get('/money/fair-shares', page, async (_request, reply) => {
      const p = await currentPartnership(ctx);
      const report = getReport();
      return reply.page('money/fair-shares.njk', {
        partnership: p.info,
        section: 'fair-shares',
        title: 'Fair shares',
        view: report === undefined ? undefined : viewOf(report),
        command: FAIR_SHARES_COMMAND,
      });
    });

    app.get('/money/fair-shares.csv', page, async (_request, reply) => {
      const report = getReport();
      if (report === undefined) {
        const p = await currentPartnership(ctx);
        const what = problem(
          'not-found',
          'No fair shares have been computed yet',
          `Compute them with ${FAIR_SHARES_COMMAND}.`,
        );
        reply.status(STATUS[what.kind]);
        return reply.page('error.njk', {
          partnership: p.info,
          section: 'fair-shares',
          title: what.title,
          detail: what.fix ?? '',
        });
      }
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="fair-shares.csv"')
        .send(fairSharesCsv(report));
    });
  };
}
