/**
 * @module web/routes/budget-pages
 * The collective budget, in public: the year's budget beside the ledger's actuals — to date, the variance, the
 * forecast outturn — by organisation, place, programme or category, for the whole system or one place
 * (`/money/budget`, and as CSV). Finance officers set a year's budget from a CSV file, uploaded or pasted into a
 * form; every bad row is named with its line, and nothing is saved unless all are right.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { systemClock, type AccessRule } from '../../access/index.js';
import { formatPence } from '../../core/money.js';
import type { Issue } from '../../core/problem.js';
import { budgetReport, type BudgetRow } from '../../money/budget.js';
import { BUDGET_ROLES, readActuals, readBudget, setBudget } from '../../money/budget-store.js';
import {
  DIMENSIONS,
  financialYearLabel,
  periodLabel,
  periodOfDate,
  readChart,
  type Dimension,
} from '../../money/index.js';
import type { Partnership } from '../../partnership/index.js';
import { londonDay } from '../../partnership/views.js';
import { csvLine } from '../population-view.js';
import type { AppContext } from '../server.js';
import { currentPartnership } from './current-partnership.js';
import { dimensionName } from './dimension-names.js';
import { errorsByField, formErrors, formText } from './governance-forms.js';
import { acceptUploads, type UploadBody } from './upload-form.js';

const page = (access: AccessRule) => ({ config: { access }, schema: { hide: true } });
const PUBLIC = page('public');
const FINANCE = page({ signedIn: true, anyRole: BUDGET_ROLES });

const DIMENSION_TITLES: Record<Dimension, string> = {
  organisation: 'Organisation',
  place: 'Place',
  programme: 'Programme',
  category: 'Category',
};

type Query = { Querystring: { year?: string; through?: string; by?: string; place?: string; done?: string } };

export async function budgetPages(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const clock = ctx.clock ?? systemClock;
  // The budget form may carry a file: parsed for this plugin's routes only.
  acceptUploads(app);

  /** The report asked for, with defaults: this financial year, through last month, by place. */
  const reportFor = async (p: Partnership, q: Query['Querystring']) => {
    const today = periodOfDate(londonDay(clock()));
    const year = /^\d{4}$/.test(q.year ?? '') ? Number(q.year) : today.financialYear;
    const defaultThrough =
      year < today.financialYear ? 12 : year > today.financialYear ? 0 : today.period - 1;
    const through = /^\d{1,2}$/.test(q.through ?? '') ? Math.min(12, Number(q.through)) : defaultThrough;
    const by = (DIMENSIONS as readonly string[]).includes(q.by ?? '') ? (q.by as Dimension) : 'place';
    const place = p.places.find((pl) => pl.id === q.place)?.id;
    const [chart, budget, actuals] = await Promise.all([
      readChart(ctx.db, ctx.partnershipId),
      readBudget(ctx.db, ctx.partnershipId, year),
      readActuals(ctx.db, ctx.partnershipId, year),
    ]);
    const rows = budgetReport({
      chart,
      budget: budget?.lines ?? [],
      actuals,
      through,
      by,
      ...(place === undefined ? {} : { place }),
    });
    return { year, through, by, place, budget, rows };
  };

  const rowView = (p: Partnership, by: Dimension, r: BudgetRow) => ({
    ...r,
    name: dimensionName(p, by, r.key),
    annual: formatPence(r.annualBudgetPence),
    budget: formatPence(r.budgetToDatePence),
    actual: formatPence(r.actualToDatePence),
    variance: formatPence(r.varianceToDatePence),
    outturn: formatPence(r.forecastOutturnPence),
    forecastVariance: formatPence(r.forecastVariancePence),
    // Words beside the sign, so colour is never the only cue: for spending, over is adverse; for income, under is.
    adverse: r.kind === 'expenditure' ? r.forecastVariancePence > 0 : r.forecastVariancePence < 0,
  });

  app.get<Query>('/money/budget', PUBLIC, async (request, reply) => {
    const p = await currentPartnership(ctx);
    const report = await reportFor(p, request.query);
    return reply.page('money/budget.njk', {
      partnership: p.info,
      section: 'budget',
      title: `Budget and actuals, ${financialYearLabel(report.year)}`,
      breadcrumbs: [{ href: '/', text: 'Partnership' }],
      report: {
        ...report,
        budget: report.budget && { ...report.budget, setAt: report.budget.setAt.toISOString() },
        throughText:
          report.through === 0
            ? 'before the year began'
            : periodLabel({ financialYear: report.year, period: report.through }),
        rows: report.rows.map((r) => rowView(p, report.by, r)),
      },
      dimensions: DIMENSIONS.map((d) => ({ value: d, text: DIMENSION_TITLES[d] })),
      places: p.places.map((pl) => ({ value: pl.id, text: pl.name })),
      query: new URLSearchParams({
        year: String(report.year),
        through: String(report.through),
        by: report.by,
        ...(report.place === undefined ? {} : { place: report.place }),
      }).toString(),
      mayEdit:
        request.principal.kind === 'user' &&
        request.principal.roles.some((r) => (BUDGET_ROLES as readonly string[]).includes(r)),
      done: request.query.done === 'set' ? 'The budget is set as a new version.' : undefined,
    });
  });

  app.get<Query>('/money/budget.csv', PUBLIC, async (request, reply) => {
    const p = await currentPartnership(ctx);
    const report = await reportFor(p, request.query);
    const body = [
      csvLine([
        'financial_year',
        'through_period',
        report.by,
        'name',
        'kind',
        'annual_budget_pence',
        'budget_to_date_pence',
        'actual_to_date_pence',
        'variance_to_date_pence',
        'forecast_outturn_pence',
        'forecast_variance_pence',
      ]),
      ...report.rows.map((r) =>
        csvLine([
          String(report.year),
          String(report.through),
          r.key ?? '',
          dimensionName(p, report.by, r.key),
          r.kind,
          String(r.annualBudgetPence),
          String(r.budgetToDatePence),
          String(r.actualToDatePence),
          String(r.varianceToDatePence),
          String(r.forecastOutturnPence),
          String(r.forecastVariancePence),
        ]),
      ),
    ].join('');
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="budget-${report.year}.csv"`)
      .send(body);
  });

  const form = (
    reply: FastifyReply,
    p: Partnership,
    values: Record<string, string>,
    issues: readonly Issue[],
  ) => {
    const errors = formErrors(issues, (path) => (path === 'year' || path === 'reason' ? path : 'csv'));
    if (errors.length > 0) reply.status(400);
    return reply.page('money/budget-form.njk', {
      partnership: p.info,
      section: 'budget',
      title: `${errors.length > 0 ? 'Error: ' : ''}Set a year’s budget`,
      breadcrumbs: [
        { href: '/', text: 'Partnership' },
        { href: '/money/budget', text: 'Budget and actuals' },
      ],
      values,
      errorList: errors,
      errors: errorsByField(errors),
    });
  };

  app.get('/money/budget/new', FINANCE, async (_request, reply) => {
    const p = await currentPartnership(ctx);
    return form(
      reply,
      p,
      { year: String(periodOfDate(londonDay(clock())).financialYear), csv: 'account,period,amount\n' },
      [],
    );
  });

  app.post('/money/budget', FINANCE, async (request, reply) => {
    const p = await currentPartnership(ctx);
    const principal = request.principal;
    if (principal.kind !== 'user')
      throw new Error('a route for finance officers reached its handler without one');
    // A chosen file is the budget; otherwise what was pasted. A refused file comes back in the box to be mended.
    const file = (request.body as UploadBody | undefined)?.file;
    const values = {
      year: formText(request.body, 'year'),
      csv: file?.text ?? formText(request.body, 'csv'),
      reason: formText(request.body, 'reason'),
    };
    const year = /^\d{4}$/.test(values.year.trim()) ? Number(values.year.trim()) : Number.NaN;
    const result = await setBudget(
      { db: ctx.db, partnershipId: ctx.partnershipId, now: clock() },
      { userId: principal.userId, organisation: principal.organisation, roles: principal.roles },
      year,
      values.csv,
      values.reason,
    );
    if (!result.ok) return form(reply, p, values, result.error.issues ?? [{ message: result.error.title }]);
    return reply.redirect(`/money/budget?year=${year}&done=set`, 303);
  });
}
