/**
 * @module web/routes/ledger-pages
 * The ledger itself (docs/money.md). In public: the trial balance and balances by kind or dimension over any range
 * of a year's months, with the months' open or closed state (`/money/ledger`, and as CSV and JSON), and the chart
 * of accounts (`/money/accounts`, and as CSV). For finance officers: the journal, page by page and as CSV, each
 * entry with who posted it and why; forms to post an entry, reverse one, close a month, open a year and open an
 * account; and the same steps as a JSON API for partners' finance systems. Every step is the ledger's own
 * (`src/money/`), refused with every problem named and nothing written.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { systemClock, type AccessRule } from '../../access/index.js';
import { formatPence } from '../../core/money.js';
import { problem, type Issue, type Problem } from '../../core/problem.js';
import {
  ACCOUNT_KINDS,
  DIMENSIONS,
  EntryInput,
  LEDGER_ROLES,
  balancesBy,
  closePeriod,
  financialYearLabel,
  openAccount,
  openFinancialYear,
  periodDates,
  periodLabel,
  periodOfDate,
  postEntry,
  readChart,
  readEntries,
  readEntry,
  readJournal,
  postersOf,
  readPeriods,
  reverseEntry,
  trialBalance,
  type Account,
  type AccountKind,
  type Actor,
  type Grouping,
  type PeriodRange,
  type PostedEntry,
} from '../../money/index.js';
import type { Partnership } from '../../partnership/index.js';
import { londonDay } from '../../partnership/views.js';
import { csvLine } from '../population-view.js';
import { replyWithProblem, sendProblem } from '../problem.js';
import type { AppContext } from '../server.js';
import { currentPartnership } from './current-partnership.js';
import { dimensionName } from './dimension-names.js';
import { errorsByField, formErrors, formText, inFieldOrder } from './governance-forms.js';
import { ENTRY_FIELDS, FORM_ROWS, entryFieldOf, entryFromForm, rowField } from './ledger-forms.js';

const page = (access: AccessRule) => ({ config: { access }, schema: { hide: true } });
const PUBLIC = page('public');
const FINANCE = page({ signedIn: true, anyRole: LEDGER_ROLES });
const FINANCE_API = { config: { access: { signedIn: true, anyRole: LEDGER_ROLES } as AccessRule } };
const PUBLIC_API = { config: { access: 'public' as AccessRule } };

/** Entries on one page of the journal. */
const JOURNAL_PAGE = 50;

const GROUPINGS: readonly { value: Grouping; text: string }[] = [
  { value: 'account', text: 'Account (trial balance)' },
  { value: 'kind', text: 'Kind of account' },
  ...DIMENSIONS.map((d) => ({ value: d, text: `${d.charAt(0).toUpperCase()}${d.slice(1)}` })),
];

const KIND_TEXT: Record<string, string> = {
  asset: 'Asset',
  liability: 'Liability',
  equity: 'Reserves (equity)',
  income: 'Income',
  expenditure: 'Expenditure',
};

type RangeQuery = { year?: string; from?: string; to?: string; by?: string };

const isMonth = (text: string | undefined) => /^(?:[1-9]|1[0-2])$/.test(text ?? '');

/** The range asked for, with defaults: this financial year, from April to this month (or all of a past year). */
export function rangeOf(query: RangeQuery, today: string): PeriodRange & { readonly year: number } {
  const now = periodOfDate(today);
  const year = /^\d{4}$/.test(query.year ?? '') ? Number(query.year) : now.financialYear;
  const lastMonth = year === now.financialYear ? now.period : 12;
  const from = isMonth(query.from) ? Number(query.from) : 1;
  const to = isMonth(query.to) ? Math.max(from, Number(query.to)) : Math.max(from, lastMonth);
  return { year, from: { financialYear: year, period: from }, to: { financialYear: year, period: to } };
}

const actorOf = (request: FastifyRequest): Actor | undefined =>
  request.principal.kind === 'user'
    ? { userId: request.principal.userId, organisation: request.principal.organisation }
    : undefined;

const mayKeepBooks = (request: FastifyRequest) =>
  request.principal.kind === 'user' &&
  request.principal.roles.some((r) => (LEDGER_ROLES as readonly string[]).includes(r));

const notSignedIn = (): Problem => problem('forbidden', 'Only a finance officer may change the books.');

export async function ledgerPages(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const clock = ctx.clock ?? systemClock;
  const books = () => ({ db: ctx.db, partnershipId: ctx.partnershipId, now: clock() });
  const today = () => londonDay(clock());

  /** A row's name: a kind in words, an account's code, or a dimension's name. */
  const groupName = (p: Partnership, by: Grouping, key: string | undefined): string =>
    by === 'kind'
      ? (KIND_TEXT[key ?? ''] ?? '—')
      : by === 'account'
        ? (key ?? '—')
        : dimensionName(p, by, key);

  /** The report asked for: the trial balance (by account) or balances by a kind or dimension. */
  const reportFor = async (p: Partnership, query: RangeQuery) => {
    const range = rangeOf(query, today());
    const by = GROUPINGS.some((g) => g.value === query.by) ? (query.by as Grouping) : 'account';
    const [chart, periods] = await Promise.all([
      readChart(ctx.db, ctx.partnershipId),
      readPeriods(ctx.db, ctx.partnershipId, range.year),
    ]);
    if (by === 'account') {
      const tb = await trialBalance(ctx.db, ctx.partnershipId, range);
      return {
        range,
        by,
        chart,
        periods,
        total: tb.total,
        balanced: tb.balanced,
        rows: tb.accounts.map((a) => ({ ...a, key: a.code, name: `${a.code} ${a.name}` })),
      };
    }
    const balances = await balancesBy(ctx.db, ctx.partnershipId, by, range);
    return {
      range,
      by,
      chart,
      periods,
      total: balances.total,
      balanced: balances.total.netPence === 0,
      rows: balances.rows.map((r) => ({
        ...r,
        name: groupName(p, by, r.key),
        // A row of a dimension mixes kinds of account; only a row of kinds is one.
        kind: by === 'kind' ? (r.key as AccountKind | undefined) : undefined,
      })),
    };
  };

  const queryText = (range: PeriodRange & { year: number }, by: string) =>
    new URLSearchParams({
      year: String(range.year),
      from: String(range.from.period),
      to: String(range.to.period),
      by,
    }).toString();

  // ----------------------------------------------------------------------------------------------------------------
  // The trial balance and the months, in public

  const DONE: Record<string, string> = {
    closed: 'The month is closed. Nothing more can be posted into it.',
    opened: 'The financial year is open: its twelve months take postings.',
  };

  app.get<{ Querystring: RangeQuery & { done?: string } }>(
    '/money/ledger',
    PUBLIC,
    async (request, reply) => {
      const p = await currentPartnership(ctx);
      const report = await reportFor(p, request.query);
      const finance = mayKeepBooks(request);
      const day = today();
      return reply.page('money/ledger.njk', {
        partnership: p.info,
        section: 'ledger',
        title: `The ledger, ${financialYearLabel(report.range.year)}`,
        breadcrumbs: [{ href: '/', text: 'Partnership' }],
        report: {
          ...report,
          rangeText:
            report.range.from.period === report.range.to.period
              ? periodLabel(report.range.from)
              : `${periodLabel(report.range.from)} to ${periodLabel(report.range.to)}`,
          rows: report.rows.map((r) => ({
            ...r,
            kindText: r.kind === undefined ? '' : KIND_TEXT[r.kind],
            debit: formatPence(r.debitPence),
            credit: formatPence(r.creditPence),
            net: formatPence(Math.abs(r.netPence)),
            side: r.netPence > 0 ? 'Dr' : r.netPence < 0 ? 'Cr' : '',
          })),
          totalDebit: formatPence(report.total.debitPence),
          totalCredit: formatPence(report.total.creditPence),
        },
        periods: report.periods.map((pr) => ({
          label: periodLabel(pr.ref),
          period: pr.ref.period,
          startsOn: pr.startsOn,
          endsOn: pr.endsOn,
          closure: pr.closure && {
            on: pr.closure.at.toISOString(),
            organisation: p.organisations.find((o) => o.id === pr.closure?.byOrganisation)?.name,
            reason: pr.closure.reason,
          },
          // A month is closed once it has ended; closing one still under way would refuse its own last days.
          mayClose: finance && pr.closure === undefined && pr.endsOn < day,
        })),
        yearLabel: financialYearLabel(report.range.year),
        groupings: GROUPINGS,
        months: Array.from({ length: 12 }, (_, i) => ({
          value: String(i + 1),
          text: periodLabel({ financialYear: report.range.year, period: i + 1 }),
        })),
        query: queryText(report.range, report.by),
        finance,
        done: DONE[request.query.done ?? ''],
      });
    },
  );

  const reportCsv = (p: Partnership, report: Awaited<ReturnType<typeof reportFor>>) =>
    [
      csvLine([
        'financial_year',
        'from_period',
        'to_period',
        report.by,
        'name',
        'kind',
        'debit_pence',
        'credit_pence',
        'net_pence',
        'lines',
      ]),
      ...report.rows.map((r) =>
        csvLine([
          String(report.range.year),
          String(report.range.from.period),
          String(report.range.to.period),
          r.key ?? '',
          report.by === 'account' ? (report.chart.find((a) => a.code === r.key)?.name ?? '') : r.name,
          r.kind ?? '',
          String(r.debitPence),
          String(r.creditPence),
          String(r.netPence),
          String(r.lines),
        ]),
      ),
      csvLine([
        String(report.range.year),
        String(report.range.from.period),
        String(report.range.to.period),
        'TOTAL',
        `All ${p.info.name}`,
        '',
        String(report.total.debitPence),
        String(report.total.creditPence),
        String(report.total.netPence),
        String(report.total.lines),
      ]),
    ].join('');

  app.get<{ Querystring: RangeQuery }>('/money/ledger.csv', PUBLIC, async (request, reply) => {
    const p = await currentPartnership(ctx);
    const report = await reportFor(p, request.query);
    return reply
      .type('text/csv; charset=utf-8')
      .header(
        'content-disposition',
        `attachment; filename="ledger-${report.range.year}-${report.by}-${report.range.from.period}-${report.range.to.period}.csv"`,
      )
      .send(reportCsv(p, report));
  });

  app.get<{ Querystring: RangeQuery }>('/api/money/trial-balance', PUBLIC_API, async (request) => {
    const range = rangeOf(request.query, today());
    const tb = await trialBalance(ctx.db, ctx.partnershipId, range);
    return { financialYear: range.year, from: range.from.period, to: range.to.period, ...tb };
  });

  // ----------------------------------------------------------------------------------------------------------------
  // The chart of accounts

  const accountView = (p: Partnership, a: Account) => ({
    ...a,
    kindText: KIND_TEXT[a.kind],
    organisationName: dimensionName(p, 'organisation', a.organisation),
    placeName: a.place === undefined ? '' : dimensionName(p, 'place', a.place),
    programmeName: a.programme === undefined ? '' : dimensionName(p, 'programme', a.programme),
  });

  app.get<{ Querystring: { done?: string } }>('/money/accounts', PUBLIC, async (request, reply) => {
    const p = await currentPartnership(ctx);
    const chart = await readChart(ctx.db, ctx.partnershipId);
    return reply.page('money/accounts.njk', {
      partnership: p.info,
      section: 'ledger',
      title: 'Chart of accounts',
      breadcrumbs: [
        { href: '/', text: 'Partnership' },
        { href: '/money/ledger', text: 'The ledger' },
      ],
      accounts: chart.map((a) => accountView(p, a)),
      finance: mayKeepBooks(request),
      done: request.query.done === 'opened' ? 'The account is open to postings.' : undefined,
    });
  });

  app.get('/money/accounts.csv', PUBLIC, async (_request, reply) => {
    const chart = await readChart(ctx.db, ctx.partnershipId);
    const body = [
      csvLine(['code', 'name', 'kind', 'organisation', 'place', 'programme', 'category', 'closed']),
      ...chart.map((a) =>
        csvLine([
          a.code,
          a.name,
          a.kind,
          a.organisation ?? '',
          a.place ?? '',
          a.programme ?? '',
          a.category ?? '',
          a.closed ? 'yes' : 'no',
        ]),
      ),
    ].join('');
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', 'attachment; filename="chart-of-accounts.csv"')
      .send(body);
  });

  const ACCOUNT_FIELDS = ['code', 'name', 'kind', 'organisation', 'place', 'programme', 'category'];
  const accountForm = (
    reply: FastifyReply,
    p: Partnership,
    values: Record<string, string>,
    issues: readonly Issue[],
  ) => {
    const errors = inFieldOrder(
      formErrors(issues, (path) => {
        const field = /^[a-z]+/.exec(path ?? '')?.[0] ?? 'code';
        return ACCOUNT_FIELDS.includes(field) ? field : 'code';
      }),
      ACCOUNT_FIELDS,
    );
    if (errors.length > 0) reply.status(400);
    const none = { value: '', text: 'None' };
    return reply.page('money/account-form.njk', {
      partnership: p.info,
      section: 'ledger',
      title: `${errors.length > 0 ? 'Error: ' : ''}Open an account`,
      breadcrumbs: [
        { href: '/', text: 'Partnership' },
        { href: '/money/accounts', text: 'Chart of accounts' },
      ],
      kinds: ACCOUNT_KINDS.map((k) => ({ value: k, text: KIND_TEXT[k] })),
      organisations: [none, ...p.organisations.map((o) => ({ value: o.id, text: o.name }))],
      places: [none, ...p.places.map((o) => ({ value: o.id, text: o.name }))],
      programmes: [none, ...p.programmes.map((o) => ({ value: o.id, text: o.name }))],
      values,
      errorList: errors,
      errors: errorsByField(errors),
    });
  };

  app.get('/money/accounts/new', FINANCE, async (_request, reply) =>
    accountForm(reply, await currentPartnership(ctx), { kind: 'expenditure' }, []),
  );

  app.post('/money/accounts', FINANCE, async (request, reply) => {
    const p = await currentPartnership(ctx);
    const who = actorOf(request);
    if (who === undefined) return replyWithProblem(request, reply, notSignedIn());
    const values = Object.fromEntries(ACCOUNT_FIELDS.map((f) => [f, formText(request.body, f)]));
    // An empty select is "none": the account has no such dimension.
    const input = Object.fromEntries(
      Object.entries(values)
        .map(([k, v]) => [k, v.trim()] as const)
        .filter(([, v]) => v !== ''),
    );
    const result = await openAccount(books(), who, input);
    if (!result.ok) {
      if (result.error.kind !== 'bad-input' && result.error.kind !== 'conflict') {
        return replyWithProblem(request, reply, result.error, undefined, { partnership: p.info });
      }
      return accountForm(
        reply,
        p,
        values,
        result.error.issues ?? [{ path: 'code', message: result.error.title }],
      );
    }
    return reply.redirect('/money/accounts?done=opened', 303);
  });

  app.post('/api/money/accounts', FINANCE_API, async (request, reply) => {
    const who = actorOf(request);
    if (who === undefined) return sendProblem(reply, notSignedIn());
    const result = await openAccount(books(), who, request.body);
    return result.ok ? reply.status(201).send(result.value) : sendProblem(reply, result.error);
  });

  // ----------------------------------------------------------------------------------------------------------------
  // Opening a year and closing a month

  const yearForm = (
    reply: FastifyReply,
    p: Partnership,
    values: Record<string, string>,
    issues: readonly Issue[],
  ) => {
    const errors = formErrors(issues, () => 'financialYear');
    if (errors.length > 0) reply.status(400);
    return reply.page('money/year-form.njk', {
      partnership: p.info,
      section: 'ledger',
      title: `${errors.length > 0 ? 'Error: ' : ''}Open a financial year`,
      breadcrumbs: [
        { href: '/', text: 'Partnership' },
        { href: '/money/ledger', text: 'The ledger' },
      ],
      values,
      errorList: errors,
      errors: errorsByField(errors),
    });
  };

  app.get('/money/years/new', FINANCE, async (_request, reply) =>
    yearForm(
      reply,
      await currentPartnership(ctx),
      { financialYear: String(periodOfDate(today()).financialYear + 1) },
      [],
    ),
  );

  app.post('/money/years', FINANCE, async (request, reply) => {
    const p = await currentPartnership(ctx);
    const who = actorOf(request);
    if (who === undefined) return replyWithProblem(request, reply, notSignedIn());
    const text = formText(request.body, 'financialYear').trim();
    const result = await openFinancialYear(books(), who, /^\d+$/.test(text) ? Number(text) : text);
    if (!result.ok) {
      return yearForm(reply, p, { financialYear: text }, [
        ...(result.error.issues ?? []),
        ...(result.error.issues === undefined ? [{ message: result.error.title }] : []),
      ]);
    }
    return reply.redirect(`/money/ledger?year=${result.value.financialYear}&done=opened`, 303);
  });

  type PeriodParams = { Params: { year: string; period: string } };
  const periodFrom = (params: PeriodParams['Params']) =>
    /^\d{4}$/.test(params.year) && isMonth(params.period)
      ? { financialYear: Number(params.year), period: Number(params.period) }
      : undefined;

  const closeForm = (
    reply: FastifyReply,
    p: Partnership,
    ref: { financialYear: number; period: number },
    values: Record<string, string>,
    issues: readonly Issue[],
  ) => {
    const errors = formErrors(issues, () => 'reason');
    if (errors.length > 0) reply.status(400);
    const dates = periodDates(ref);
    return reply.page('money/close-period-form.njk', {
      partnership: p.info,
      section: 'ledger',
      title: `${errors.length > 0 ? 'Error: ' : ''}Close ${periodLabel(ref)}`,
      breadcrumbs: [
        { href: '/', text: 'Partnership' },
        { href: `/money/ledger?year=${ref.financialYear}`, text: 'The ledger' },
      ],
      ref,
      label: periodLabel(ref),
      dates,
      values,
      errorList: errors,
      errors: errorsByField(errors),
    });
  };

  const noSuchMonth = (request: FastifyRequest, reply: FastifyReply, p: Partnership) =>
    replyWithProblem(
      request,
      reply,
      problem('not-found', 'There is no such month.', 'Months are numbered 1 (April) to 12 (March).'),
      undefined,
      { partnership: p.info },
    );

  app.get<PeriodParams>('/money/periods/:year/:period/close', FINANCE, async (request, reply) => {
    const p = await currentPartnership(ctx);
    const ref = periodFrom(request.params);
    if (ref === undefined) return noSuchMonth(request, reply, p);
    return closeForm(reply, p, ref, {}, []);
  });

  app.post<PeriodParams>('/money/periods/:year/:period/close', FINANCE, async (request, reply) => {
    const p = await currentPartnership(ctx);
    const ref = periodFrom(request.params);
    const who = actorOf(request);
    if (ref === undefined || who === undefined) return noSuchMonth(request, reply, p);
    const reason = formText(request.body, 'reason');
    const result = await closePeriod(books(), who, { ...ref, reason });
    if (!result.ok) {
      if (result.error.kind === 'not-found') {
        return replyWithProblem(request, reply, result.error, undefined, { partnership: p.info });
      }
      return closeForm(reply, p, ref, { reason }, result.error.issues ?? [{ message: result.error.title }]);
    }
    return reply.redirect(`/money/ledger?year=${ref.financialYear}&done=closed`, 303);
  });

  app.post<PeriodParams>('/api/money/periods/:year/:period/closure', FINANCE_API, async (request, reply) => {
    const ref = periodFrom(request.params);
    const who = actorOf(request);
    if (who === undefined) return sendProblem(reply, notSignedIn());
    if (ref === undefined) {
      return sendProblem(
        reply,
        problem('not-found', 'There is no such month.', 'Months are numbered 1 (April) to 12 (March).'),
      );
    }
    const body = typeof request.body === 'object' && request.body !== null ? request.body : {};
    const result = await closePeriod(books(), who, { ...ref, ...body });
    return result.ok ? reply.status(201).send(result.value) : sendProblem(reply, result.error);
  });

  // ----------------------------------------------------------------------------------------------------------------
  // The journal, for finance officers

  type JournalQuery = RangeQuery & { account?: string; before?: string; done?: string };

  const entryView = (
    p: Partnership,
    chart: ReadonlyMap<string, Account>,
    postedBy: ReadonlyMap<string, string>,
    e: PostedEntry,
  ) => ({
    ...e,
    periodText: periodLabel(e.period),
    postedAt: e.posted.at.toISOString(),
    postedByName: postedBy.get(e.posted.byId) ?? 'someone no longer listed',
    postedFor: dimensionName(p, 'organisation', e.posted.byOrganisation),
    totalDebit: formatPence(e.lines.reduce((sum, l) => sum + Math.max(0, l.amountPence), 0)),
    lines: e.lines.map((l) => ({
      ...l,
      accountName: chart.get(l.account)?.name ?? '',
      debit: l.amountPence > 0 ? formatPence(l.amountPence) : '',
      credit: l.amountPence < 0 ? formatPence(-l.amountPence) : '',
    })),
  });

  app.get<{ Querystring: JournalQuery }>('/money/journal', FINANCE, async (request, reply) => {
    const p = await currentPartnership(ctx);
    const range = rangeOf(request.query, today());
    const account = /^[A-Za-z0-9][A-Za-z0-9.-]{0,39}$/.test(request.query.account ?? '')
      ? request.query.account
      : undefined;
    const before = /^\d{1,15}$/.test(request.query.before ?? '') ? Number(request.query.before) : undefined;
    const [chart, journal] = await Promise.all([
      readChart(ctx.db, ctx.partnershipId),
      readJournal(ctx.db, ctx.partnershipId, { range, account, beforeId: before, limit: JOURNAL_PAGE }),
    ]);
    const byCode = new Map(chart.map((a) => [a.code, a]));
    const last = journal.entries.at(-1);
    const base = {
      year: String(range.year),
      from: String(range.from.period),
      to: String(range.to.period),
      ...(account === undefined ? {} : { account }),
    };
    return reply.page('money/journal.njk', {
      partnership: p.info,
      section: 'ledger',
      title: `Journal, ${financialYearLabel(range.year)}`,
      breadcrumbs: [
        { href: '/', text: 'Partnership' },
        { href: `/money/ledger?year=${range.year}`, text: 'The ledger' },
      ],
      range,
      account: account === undefined ? undefined : { code: account, name: byCode.get(account)?.name },
      accounts: [
        { value: '', text: 'All accounts' },
        ...chart.map((a) => ({ value: a.code, text: `${a.code} ${a.name}` })),
      ],
      months: Array.from({ length: 12 }, (_, i) => ({
        value: String(i + 1),
        text: periodLabel({ financialYear: range.year, period: i + 1 }),
      })),
      entries: journal.entries.map((e) => entryView(p, byCode, journal.postedBy, e)),
      older:
        journal.more && last !== undefined
          ? `/money/journal?${new URLSearchParams({ ...base, before: String(last.id) }).toString()}`
          : undefined,
      newest: before === undefined ? undefined : `/money/journal?${new URLSearchParams(base).toString()}`,
      csv: `/money/journal.csv?${new URLSearchParams(base).toString()}`,
      done: request.query.done === 'posted' ? 'The entry is posted.' : undefined,
    });
  });

  app.get<{ Querystring: JournalQuery }>('/money/journal.csv', FINANCE, async (request, reply) => {
    const range = rangeOf(request.query, today());
    const account = request.query.account;
    const entries = (await readEntries(ctx.db, ctx.partnershipId, range)).filter(
      (e) => account === undefined || account === '' || e.lines.some((l) => l.account === account),
    );
    const body = [
      csvLine([
        'entry',
        'date',
        'financial_year',
        'period',
        'description',
        'reason',
        'posted_by',
        'posted_for_organisation',
        'posted_at',
        'reversal_of',
        'reversed_by',
        'line',
        'account',
        'debit_pence',
        'credit_pence',
        'memo',
      ]),
      ...entries.flatMap((e) =>
        e.lines.map((l) =>
          csvLine([
            String(e.id),
            e.date,
            String(e.period.financialYear),
            String(e.period.period),
            e.description,
            e.reason,
            e.posted.byId,
            e.posted.byOrganisation,
            e.posted.at.toISOString(),
            e.reversalOf === undefined ? '' : String(e.reversalOf),
            e.reversedBy === undefined ? '' : String(e.reversedBy),
            String(l.line),
            l.account,
            l.amountPence > 0 ? String(l.amountPence) : '0',
            l.amountPence < 0 ? String(-l.amountPence) : '0',
            l.memo ?? '',
          ]),
        ),
      ),
    ].join('');
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="journal-${range.year}.csv"`)
      .send(body);
  });

  type EntryParams = { Params: { id: string }; Querystring: { done?: string } };
  const entryOf = async (idText: string) =>
    /^\d{1,15}$/.test(idText) ? readEntry(ctx.db, ctx.partnershipId, Number(idText)) : undefined;
  const noEntry = (request: FastifyRequest, reply: FastifyReply, p: Partnership) =>
    replyWithProblem(
      request,
      reply,
      problem('not-found', 'There is no such journal entry.', 'See the journal at /money/journal.'),
      undefined,
      { partnership: p.info },
    );

  const entryPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    p: Partnership,
    entry: PostedEntry,
  ) => {
    const [chart, postedBy] = await Promise.all([
      readChart(ctx.db, ctx.partnershipId),
      postersOf(ctx.db, [entry]),
    ]);
    return reply.page('money/entry.njk', {
      partnership: p.info,
      section: 'ledger',
      title: `Journal entry ${entry.id}`,
      breadcrumbs: [
        { href: '/', text: 'Partnership' },
        { href: `/money/journal?year=${entry.period.financialYear}`, text: 'Journal' },
      ],
      entry: entryView(p, new Map(chart.map((a) => [a.code, a])), postedBy, entry),
      mayReverse: entry.reversedBy === undefined && entry.reversalOf === undefined,
      done: (request.query as { done?: string }).done === 'reversed' ? 'The entry is reversed.' : undefined,
    });
  };

  app.get<EntryParams>('/money/journal/:id', FINANCE, async (request, reply) => {
    const p = await currentPartnership(ctx);
    const entry = await entryOf(request.params.id);
    if (entry === undefined) return noEntry(request, reply, p);
    return entryPage(request, reply, p, entry);
  });

  // Posting an entry

  const entryForm = (
    reply: FastifyReply,
    p: Partnership,
    chart: readonly Account[],
    values: Record<string, string>,
    errorsIn: { issues: readonly Issue[]; fieldOf: (path: string | undefined) => string },
  ) => {
    const errors = inFieldOrder(formErrors(errorsIn.issues, errorsIn.fieldOf), ENTRY_FIELDS);
    if (errors.length > 0) reply.status(400);
    const open = chart.filter((a) => !a.closed);
    return reply.page('money/entry-form.njk', {
      partnership: p.info,
      section: 'ledger',
      title: `${errors.length > 0 ? 'Error: ' : ''}Post a journal entry`,
      breadcrumbs: [
        { href: '/', text: 'Partnership' },
        { href: '/money/ledger', text: 'The ledger' },
      ],
      rows: Array.from({ length: FORM_ROWS }, (_, i) => ({
        n: i + 1,
        account: rowField(i + 1, 'account'),
        debit: rowField(i + 1, 'debit'),
        credit: rowField(i + 1, 'credit'),
        memo: rowField(i + 1, 'memo'),
      })),
      accounts: [
        { value: '', text: 'Choose an account' },
        ...open.map((a) => ({ value: a.code, text: `${a.code} ${a.name}` })),
      ],
      values,
      errorList: errors,
      errors: errorsByField(errors),
    });
  };

  app.get('/money/journal/new', FINANCE, async (_request, reply) => {
    const p = await currentPartnership(ctx);
    const chart = await readChart(ctx.db, ctx.partnershipId);
    return entryForm(reply, p, chart, { date: today() }, { issues: [], fieldOf: () => 'lines' });
  });

  const HeaderOnly = EntryInput.pick({ date: true, description: true, reason: true });

  app.post('/money/journal', FINANCE, async (request, reply) => {
    const p = await currentPartnership(ctx);
    const who = actorOf(request);
    if (who === undefined) return replyWithProblem(request, reply, notSignedIn());
    const values = Object.fromEntries(ENTRY_FIELDS.map((f) => [f, formText(request.body, f)]));
    const form = entryFromForm(values);
    const chart = await readChart(ctx.db, ctx.partnershipId);
    const fieldOf = (path: string | undefined) => entryFieldOf(path, form);
    if (form.issues.length > 0) {
      // Rows that are not amounts cannot be posted; the entry's own fields are checked too, so all comes at once.
      const header = HeaderOnly.safeParse(form.input);
      const headerIssues: Issue[] = header.success
        ? []
        : header.error.issues.map((i) => ({ path: String(i.path[0] ?? ''), message: i.message }));
      return entryForm(reply, p, chart, values, { issues: [...headerIssues, ...form.issues], fieldOf });
    }
    const result = await postEntry(books(), who, form.input);
    if (!result.ok) {
      return entryForm(reply, p, chart, values, {
        issues: result.error.issues ?? [{ message: result.error.title }],
        fieldOf,
      });
    }
    return reply.redirect(`/money/journal/${result.value.id}?done=posted`, 303);
  });

  app.post('/api/money/journal', FINANCE_API, async (request, reply) => {
    const who = actorOf(request);
    if (who === undefined) return sendProblem(reply, notSignedIn());
    const result = await postEntry(books(), who, request.body);
    return result.ok ? reply.status(201).send(result.value) : sendProblem(reply, result.error);
  });

  // Reversing one

  const reverseForm = (
    reply: FastifyReply,
    p: Partnership,
    entry: PostedEntry,
    values: Record<string, string>,
    issues: readonly Issue[],
  ) => {
    const errors = inFieldOrder(
      formErrors(issues, (path) => (path === 'date' ? 'date' : 'reason')),
      ['date', 'reason'],
    );
    if (errors.length > 0) reply.status(400);
    return reply.page('money/reverse-form.njk', {
      partnership: p.info,
      section: 'ledger',
      title: `${errors.length > 0 ? 'Error: ' : ''}Reverse journal entry ${entry.id}`,
      breadcrumbs: [
        { href: '/', text: 'Partnership' },
        { href: `/money/journal/${entry.id}`, text: `Journal entry ${entry.id}` },
      ],
      entry: {
        ...entry,
        total: formatPence(entry.lines.reduce((s, l) => s + Math.max(0, l.amountPence), 0)),
      },
      values,
      errorList: errors,
      errors: errorsByField(errors),
    });
  };

  app.get<EntryParams>('/money/journal/:id/reverse', FINANCE, async (request, reply) => {
    const p = await currentPartnership(ctx);
    const entry = await entryOf(request.params.id);
    if (entry === undefined) return noEntry(request, reply, p);
    return reverseForm(reply, p, entry, { date: today() }, []);
  });

  app.post<EntryParams>('/money/journal/:id/reverse', FINANCE, async (request, reply) => {
    const p = await currentPartnership(ctx);
    const entry = await entryOf(request.params.id);
    const who = actorOf(request);
    if (entry === undefined || who === undefined) return noEntry(request, reply, p);
    const values = { date: formText(request.body, 'date').trim(), reason: formText(request.body, 'reason') };
    const result = await reverseEntry(books(), who, entry.id, values);
    if (!result.ok) {
      return reverseForm(reply, p, entry, values, result.error.issues ?? [{ message: result.error.title }]);
    }
    return reply.redirect(`/money/journal/${result.value.id}?done=reversed`, 303);
  });

  app.post<{ Params: { id: string } }>(
    '/api/money/journal/:id/reversal',
    FINANCE_API,
    async (request, reply) => {
      const who = actorOf(request);
      if (who === undefined) return sendProblem(reply, notSignedIn());
      if (!/^\d{1,15}$/.test(request.params.id)) {
        return sendProblem(reply, problem('not-found', `There is no journal entry ${request.params.id}.`));
      }
      const result = await reverseEntry(books(), who, Number(request.params.id), request.body);
      return result.ok ? reply.status(201).send(result.value) : sendProblem(reply, result.error);
    },
  );

  app.get<{ Params: { id: string } }>('/api/money/journal/:id', FINANCE_API, async (request, reply) => {
    const entry = await entryOf(request.params.id);
    return entry === undefined
      ? sendProblem(reply, problem('not-found', `There is no journal entry ${request.params.id}.`))
      : entry;
  });
}
