/**
 * @module web/routes/workforce-pages
 * Workforce returns (issue 9) as pages, downloads and an API:
 *
 * - public pages: the partnership's workforce (`/workforce`: latest quarter, by sector, staff group and place, the
 *   trend), each place (`/workforce/places/<place>`) and each organisation (`/workforce/organisations/<org>`), every
 *   table also as CSV (`…/tables/<table>.csv`);
 * - for officers, `/workforce/returns/new`: upload a return file, or type one organisation's quarter by staff group;
 *   errors in an error summary with their line numbers, linked to the field, what was typed kept; after a submission,
 *   a page saying what was stored (`/workforce/returns/submissions/<id>`);
 * - `POST /api/workforce/returns`: a partner system (token with `workforce:write`) sends a return file as text/csv;
 *   a refused file gets 422 and a problem document listing every row's error with its line.
 *
 * Disclosure: starters, leavers and people in new roles are counts of people that, when small, can point at one
 * member of staff, so every published count of them goes through population/disclosure (1 to 7 withheld as [c],
 * others rounded to 5; each table's column protected with its total); turnover is shown only from 10 leavers, the
 * disclosure module's rule for rates. Working carers recognised (the optional working_carers_headcount) are counts
 * of people too, protected the same way; their share of the headcount reporting them is shown only from 10 carers
 * and where the count is published, worked out from the published count.
 * Headcount, FTE, posts and vacancies are published as they are (FTE to one
 * decimal place), as NHS Digital publishes them.
 *
 * Multipart forms are parsed in this plugin's own context (`upload-form.ts`), so other routes are unaffected; the
 * parser runs before the CSRF check, which then finds `_csrf` in the body as in any other form.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { systemClock, type AccessRule } from '../../access/index.js';
import { problem, type Problem } from '../../core/problem.js';
import type { Organisation, Partnership } from '../../partnership/index.js';
import { londonDay } from '../../partnership/views.js';
import {
  formatForCsv,
  formatForDisplay,
  MIN_EVENTS_FOR_RATE,
  protectCount,
  protectSeries,
  SUPPRESSED_NOTE,
  SUPPRESSED_SYMBOL,
  type PublishedCount,
} from '../../population/disclosure/index.js';
import { formatCsv } from '../../synthetic/csv.js';
import {
  breakdown,
  checkReturnRows,
  errorText,
  headlinePeriod,
  latestPeriod,
  latestReturns,
  linesOf,
  measuresAt,
  OPTIONAL_COLUMNS,
  placesOfOrganisations,
  quarterLabel,
  returnHistory,
  RETURN_COLUMNS,
  SECTOR_NAMES,
  sectorOf,
  SEVERAL_PLACES,
  STAFF_GROUPS,
  staffGroup,
  submissionReturns,
  submitLines,
  submitReturnFile,
  SUBMITTING_ROLES,
  trend,
  WRITE_SCOPE,
  type BreakdownRow,
  type Measures,
  type ReturnColumn,
  type ReturnError,
  type ReturnLine,
  type RowCells,
  type Sector,
  type Submitter,
  type WorkforceContext,
} from '../../workforce/index.js';
import { periodLine, valueBars } from '../charts/period-charts.js';
import { problemDocument, replyWithProblem, sendProblem } from '../problem.js';
import type { AppContext } from '../server.js';
import { currentPartnership } from './current-partnership.js';
import { errorsByField, formText, type FormError } from './governance-forms.js';
import { acceptUploads, UPLOAD_LIMIT, type UploadBody } from './upload-form.js';

const page = (access: AccessRule) => ({ config: { access }, schema: { hide: true } });
const PUBLIC = page('public');
const OFFICERS = page({ signedIn: true, anyRole: SUBMITTING_ROLES });
/** Errors listed on the page at most (the rest are counted): a file of wrong columns would list thousands. */
const ERRORS_SHOWN = 100;

// -----------------------------------------------------------------------------------------------------------------
// Figures as published

const oneDecimal = new Intl.NumberFormat('en-GB', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const whole = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 0 });

/** A cell of a table: as the page shows it and as the CSV holds it. */
interface Cell {
  readonly text: string;
  readonly csv: string;
}

const fteCell = (n: number): Cell => ({ text: oneDecimal.format(n), csv: n.toFixed(1) });
const countCell = (n: number): Cell => ({ text: whole.format(n), csv: String(n) });
const percentCell = (rate: number | undefined, missing = 'not available'): Cell =>
  rate === undefined
    ? { text: missing, csv: '' }
    : { text: `${oneDecimal.format(rate * 100)}%`, csv: (rate * 100).toFixed(1) };
const publishedCell = (cell: PublishedCount): Cell => ({
  text: formatForDisplay(cell),
  csv: formatForCsv(cell),
});

/** Turnover, shown only from MIN_EVENTS_FOR_RATE leavers in the 12 months (the disclosure rule for rates). */
function turnoverCell(m: Measures): Cell {
  const t = m.turnover;
  if (t === undefined || t.rate === undefined) return { text: 'not available', csv: '' };
  if (t.leavers < MIN_EVENTS_FOR_RATE) return { text: SUPPRESSED_SYMBOL, csv: SUPPRESSED_SYMBOL };
  return percentCell(t.rate);
}

/** Turnover as a percentage for a chart, only where the table publishes it. */
function publishedTurnover(m: Measures): number | undefined {
  const rate = m.turnover?.rate;
  return rate === undefined || (m.turnover?.leavers ?? 0) < MIN_EVENTS_FOR_RATE ? undefined : rate * 100;
}

const NOT_REPORTED: Cell = { text: 'not reported', csv: '' };

/**
 * Working carers' share of the headcount that reported them: shown only from MIN_EVENTS_FOR_RATE carers, and only
 * where their count is published (withheld with it otherwise), and worked out from the published (rounded) count, so
 * the share cannot give back the count that rounding to 5 hides.
 */
function carersShareCell(m: Measures, count: Cell): Cell {
  const c = m.workingCarers;
  if (c.linesReporting === 0) return NOT_REPORTED;
  if (c.recognised < MIN_EVENTS_FOR_RATE || !/^\d+$/.test(count.csv) || c.headcountReporting === 0)
    return { text: SUPPRESSED_SYMBOL, csv: SUPPRESSED_SYMBOL };
  return percentCell(Number(count.csv) / c.headcountReporting);
}

/**
 * Working carers recognised down a column with its total: the rows that reported them protected together with their
 * total (disclosure control); rows, and a total, with nobody reporting say so rather than show 0.
 */
function carersColumn(rows: readonly Measures[], total: Measures): { cells: Cell[]; total: Cell } {
  const reporting = rows.flatMap((m, i) => (m.workingCarers.linesReporting > 0 ? [i] : []));
  if (reporting.length === 0) return { cells: rows.map(() => NOT_REPORTED), total: NOT_REPORTED };
  const column = protectedColumn(reporting.map((i) => rows[i]?.workingCarers.recognised ?? 0));
  const cells = rows.map(() => NOT_REPORTED);
  reporting.forEach((row, j) => {
    cells[row] = column.cells[j] ?? NOT_REPORTED;
  });
  return { cells, total: total.workingCarers.linesReporting > 0 ? column.total : NOT_REPORTED };
}

/** A column of counts of people with its total, protected together (disclosure control). */
function protectedColumn(values: readonly number[]): { cells: Cell[]; total: Cell } {
  // A table with no rows (a place whose partners sent nothing that quarter) has a total of nobody.
  if (values.length === 0) return { cells: [], total: protectedOne(0) };
  const series = protectSeries(values);
  if (!series.ok) throw new Error('counts of people are whole numbers ≥ 0');
  return { cells: series.value.counts.map(publishedCell), total: publishedCell(series.value.total) };
}

function protectedOne(value: number): Cell {
  const cell = protectCount(value);
  if (!cell.ok) throw new Error('a count of people is a whole number ≥ 0');
  return publishedCell(cell.value);
}

interface Row {
  readonly header: string;
  readonly href?: string | undefined;
  readonly cells: readonly Cell[];
}

interface TableView {
  readonly id: string;
  readonly caption: string;
  readonly head: readonly string[];
  readonly rows: readonly Row[];
  readonly total?: Row | undefined;
  readonly csvHref: string;
}

const MEASURE_HEAD = [
  'Headcount',
  'FTE in post',
  'Funded posts (FTE)',
  'Vacancies (FTE)',
  'Vacancy rate',
  'Turnover (12 months)',
  'Starters in quarter',
  'Leavers in quarter',
  'In new roles',
  'Working carers recognised',
  'Working carers (% of headcount reporting)',
];

/**
 * A breakdown as a table: one row per key, and the total row. Starters, leavers and new roles are protected as a
 * column with its total; the total row's other figures are the sums' own.
 */
function measuresTable(
  id: string,
  caption: string,
  firstHead: string,
  rows: readonly { header: string; href?: string | undefined; m: Measures }[],
  total: Measures,
  csvBase: string,
): TableView {
  const starters = protectedColumn(rows.map((r) => r.m.totals.starters));
  const leavers = protectedColumn(rows.map((r) => r.m.totals.leavers));
  const newRoles = protectedColumn(rows.map((r) => r.m.totals.newRoles));
  const carers = carersColumn(
    rows.map((r) => r.m),
    total,
  );
  const plain = (m: Measures): Cell[] => [
    countCell(m.totals.headcount),
    fteCell(m.totals.staffFte),
    fteCell(m.totals.postsFte),
    fteCell(m.totals.vacanciesFte),
    percentCell(m.vacancyRate),
    turnoverCell(m),
  ];
  const at = (cells: Cell[], i: number): Cell => cells[i] ?? { text: '', csv: '' };
  return {
    id,
    caption,
    head: [firstHead, ...MEASURE_HEAD],
    rows: rows.map((r, i) => ({
      header: r.header,
      href: r.href,
      cells: [
        ...plain(r.m),
        at(starters.cells, i),
        at(leavers.cells, i),
        at(newRoles.cells, i),
        at(carers.cells, i),
        carersShareCell(r.m, at(carers.cells, i)),
      ],
    })),
    total: {
      header: 'Total',
      cells: [
        ...plain(total),
        starters.total,
        leavers.total,
        newRoles.total,
        carers.total,
        carersShareCell(total, carers.total),
      ],
    },
    csvHref: `${csvBase}/tables/${id}.csv`,
  };
}

/** The trend as a table: one row per quarter. Starters and leavers are protected down the column. */
function trendTable(lines: readonly ReturnLine[], caption: string, csvBase: string): TableView {
  const points = trend(lines);
  const starters = protectedColumn(points.map((p) => p.totals.starters));
  const leavers = protectedColumn(points.map((p) => p.totals.leavers));
  return {
    id: 'trend',
    caption,
    head: [
      'Quarter',
      'Headcount',
      'FTE in post',
      'Vacancy rate',
      'Turnover (12 months)',
      'Starters',
      'Leavers',
    ],
    rows: points.map((p, i) => ({
      header: p.period,
      cells: [
        countCell(p.totals.headcount),
        fteCell(p.totals.staffFte),
        percentCell(p.vacancyRate),
        turnoverCell(p),
        starters.cells[i] ?? { text: '', csv: '' },
        leavers.cells[i] ?? { text: '', csv: '' },
      ],
    })),
    csvHref: `${csvBase}/tables/trend.csv`,
  };
}

function tableCsv(table: TableView): string {
  const rows = [...table.rows, ...(table.total === undefined ? [] : [table.total])];
  return formatCsv([[...table.head], ...rows.map((r) => [r.header, ...r.cells.map((c) => c.csv)])]);
}

function trendCharts(lines: readonly ReturnLine[], what: string) {
  const points = trend(lines);
  return [
    periodLine({
      title: `${what}: staff in post (headcount) by quarter`,
      yLabel: 'Headcount',
      points: points.map((p) => ({
        label: p.period,
        value: p.totals.headcount,
        text: whole.format(p.totals.headcount),
      })),
    }),
    periodLine({
      title: `${what}: vacancy rate by quarter (vacancies as a percentage of funded posts, FTE)`,
      yLabel: 'Vacancy rate (%)',
      points: points.map((p) => ({
        label: p.period,
        value: p.vacancyRate === undefined ? undefined : p.vacancyRate * 100,
        text: percentCell(p.vacancyRate).text,
      })),
    }),
  ];
}

interface Headline {
  readonly key: string;
  readonly value: string;
}

function headlines(m: Measures): Headline[] {
  return [
    { key: 'Staff in post (headcount)', value: whole.format(m.totals.headcount) },
    { key: 'Staff in post (FTE)', value: oneDecimal.format(m.totals.staffFte) },
    { key: 'Funded posts (FTE)', value: oneDecimal.format(m.totals.postsFte) },
    { key: 'Vacancies (FTE)', value: oneDecimal.format(m.totals.vacanciesFte) },
    { key: 'Vacancy rate', value: percentCell(m.vacancyRate).text },
    {
      key: 'Turnover, 12 months',
      value:
        m.turnover === undefined
          ? 'not available (needs four quarters of returns)'
          : `${turnoverCell(m).text} (${m.turnover.from} to ${m.turnover.to})`,
    },
    { key: 'Starters in the quarter', value: protectedOne(m.totals.starters).text },
    { key: 'Leavers in the quarter', value: protectedOne(m.totals.leavers).text },
    { key: 'People in new roles', value: protectedOne(m.totals.newRoles).text },
    { key: 'Working carers recognised', value: carersHeadline(m) },
  ];
}

/** Working carers recognised, as a headline: the protected count and, from 10 carers, their share. */
function carersHeadline(m: Measures): string {
  const c = m.workingCarers;
  if (c.linesReporting === 0) return 'not reported';
  const count = protectedOne(c.recognised);
  const share = carersShareCell(m, count);
  return share.csv === '' || share.text === SUPPRESSED_SYMBOL
    ? count.text
    : `${count.text} (${share.text} of the staff of the staff groups that reported it)`;
}

/** What the working carers figure counts, and how many organisations reported it. */
function carersSentence(m: Measures): string {
  const c = m.workingCarers;
  const what =
    'Working carers recognised are staff in post known to their employer as unpaid carers: holding a carer passport, taking carers’ leave or on the employer’s register of working carers.';
  const share =
    'the share is of the headcount of the staff groups that reported it, never of those that did not.';
  if (c.organisations === 1) {
    return c.organisationsReporting === 0
      ? `${what} Reporting it is optional, and this organisation did not report it for this quarter: the figure is not known (which is not the same as none).`
      : `${what} Reporting it is optional; this organisation reported it for this quarter, and ${share}`;
  }
  const of = `of the ${whole.format(c.organisations)} organisations with a return for this quarter`;
  return c.organisationsReporting === 0
    ? `${what} Reporting it is optional, and none ${of} reported it: the figure is not known (which is not the same as none).`
    : `${what} Reporting it is optional: ${whole.format(c.organisationsReporting)} ${of} reported it, so the count is of their staff only, and ${share}`;
}

const SECTORS: readonly Sector[] = ['nhs', 'social-care'];

// -----------------------------------------------------------------------------------------------------------------
// Forms

/** The hand-entry form's field for a staff group's column. */
const fieldId = (group: string, column: ReturnColumn): string => `g-${group}-${column}`;
const FIGURE_COLUMNS: readonly { column: ReturnColumn; label: string; hint: string }[] = [
  { column: 'posts_fte', label: 'Funded posts (FTE)', hint: 'At the quarter’s end, up to 2 decimals' },
  {
    column: 'staff_in_post_headcount',
    label: 'Staff in post (headcount)',
    hint: 'People, at the quarter’s end',
  },
  { column: 'staff_in_post_fte', label: 'Staff in post (FTE)', hint: 'Not more than the headcount' },
  { column: 'vacancies_fte', label: 'Vacancies (FTE)', hint: 'Not more than the funded posts' },
  { column: 'starters', label: 'Starters', hint: 'People who joined in the quarter' },
  { column: 'leavers', label: 'Leavers', hint: 'People who left in the quarter' },
  {
    column: 'new_roles_headcount',
    label: 'In new roles (headcount)',
    hint: 'Nursing associates, physician associates…',
  },
  {
    column: 'working_carers_headcount',
    label: 'Working carers recognised (optional)',
    hint: 'Staff in post known to you as unpaid carers (carer passport, carers’ leave or your register of working carers). Leave empty if not known',
  },
];

/** The staff groups an organisation reports: social care for councils and care providers, NHS for the rest. */
const groupsFor = (o: Organisation | undefined) => {
  const sector: Sector =
    o !== undefined &&
    (o.sector === 'local-government' || o.sector === 'care-provider') &&
    o.type !== 'community-interest-company'
      ? 'social-care'
      : 'nhs';
  return STAFF_GROUPS.filter((g) => g.sector === sector);
};

/** Row errors as an error summary: each with its line, linked to the file field; at most ERRORS_SHOWN. */
function fileErrors(errors: readonly ReturnError[]): FormError[] {
  const shown = errors.slice(0, ERRORS_SHOWN).map((e) => ({ text: capitalise(errorText(e)), href: '#file' }));
  if (errors.length > ERRORS_SHOWN) {
    shown.push({
      text: `And ${errors.length - ERRORS_SHOWN} more problems: download the file again after correcting these.`,
      href: '#file',
    });
  }
  return shown;
}

const capitalise = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);

// -----------------------------------------------------------------------------------------------------------------

export async function workforcePages(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const clock = ctx.clock ?? systemClock;

  // Only in this plugin's context: return files as multipart forms (pages) and as text/csv (API).
  acceptUploads(app);
  app.addContentTypeParser(
    'text/csv',
    { parseAs: 'string', bodyLimit: UPLOAD_LIMIT },
    (_request: FastifyRequest, body: string, done: (error: Error | null, body?: unknown) => void) => {
      done(null, body);
    },
  );

  const frame = (p: Partnership, title: string, crumbs: { href: string; text: string }[] = []) => ({
    partnership: p.info,
    section: 'workforce',
    title,
    breadcrumbs: [{ href: '/', text: 'Partnership' }, ...crumbs],
  });
  const notFound = (request: FastifyRequest, reply: FastifyReply, p: Partnership, what: string) =>
    replyWithProblem(
      request,
      reply,
      problem('not-found', `There is no such ${what}.`, 'Start from /workforce.'),
      undefined,
      {
        partnership: p.info,
      },
    );
  const download = (reply: FastifyReply, name: string, table: TableView) =>
    reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${name}-${table.id}.csv"`)
      .send(tableCsv(table));

  /** The lines in force, the partnership's names and each organisation's place. */
  const state = async () => {
    const p = await currentPartnership(ctx);
    const lines = linesOf(await latestReturns(ctx.db, ctx.partnershipId));
    const placeOf = placesOfOrganisations(p.organisations);
    const placeName = (id: string) =>
      id === SEVERAL_PLACES ? 'Serving several places' : (p.places.find((pl) => pl.id === id)?.name ?? id);
    const orgName = (id: string) => p.organisations.find((o) => o.id === id)?.name ?? id;
    return { p, lines, placeOf, placeName, orgName };
  };

  const groupTable = (lines: readonly ReturnLine[], period: string, csvBase: string, where: string) => {
    const rows = breakdown(
      lines,
      period,
      (l) => l.staffGroup,
      STAFF_GROUPS.map((g) => g.id),
    );
    return measuresTable(
      'staff-groups',
      `${where}: by staff group, ${quarterLabel(period)}`,
      'Staff group',
      rows.map((r) => ({ header: staffGroup(r.key)?.name ?? r.key, m: r })),
      measuresAt(lines, period),
      csvBase,
    );
  };

  // --------------------------------------------------------------------------------------------------------------
  // The partnership

  const systemTables = (s: Awaited<ReturnType<typeof state>>, period: string) => {
    const { p, lines, placeOf, placeName } = s;
    const total = measuresAt(lines, period);
    const sectors = breakdown(lines, period, sectorOf, SECTORS);
    const placeKeys = [...p.places.map((pl) => pl.id), SEVERAL_PLACES];
    const places = breakdown(lines, period, (l) => placeOf(l.organisation), placeKeys);
    const tables = [
      measuresTable(
        'sectors',
        `The partnership’s workforce by sector, ${quarterLabel(period)}`,
        'Sector',
        sectors.map((r) => ({ header: SECTOR_NAMES[r.key], m: r })),
        total,
        '/workforce',
      ),
      groupTable(lines, period, '/workforce', 'The partnership’s workforce'),
      measuresTable(
        'places',
        `Places compared, ${quarterLabel(period)}`,
        'Place',
        places.map((r: BreakdownRow<string>) => ({
          header: placeName(r.key),
          href: r.key === SEVERAL_PLACES ? undefined : `/workforce/places/${r.key}`,
          m: r,
        })),
        total,
        '/workforce',
      ),
      trendTable(lines, 'The partnership’s workforce by quarter', '/workforce'),
    ];
    return { total, places, tables };
  };

  app.get('/workforce', PUBLIC, async (_request, reply) => {
    const s = await state();
    const period = headlinePeriod(s.lines);
    if (period === undefined) {
      return reply.page('workforce/summary.njk', {
        ...frame(s.p, 'Workforce'),
        heading: 'Workforce',
        empty: true,
      });
    }
    const { total, places, tables } = systemTables(s, period);
    return reply.page('workforce/summary.njk', {
      ...frame(s.p, 'Workforce'),
      heading: `Workforce of ${s.p.info.shortName}`,
      period,
      periodLabel: quarterLabel(period),
      headlines: headlines(total),
      carers: carersSentence(total),
      tables,
      charts: [
        ...trendCharts(s.lines, s.p.info.shortName),
        valueBars({
          title: `Vacancy rate by place, ${quarterLabel(period)}`,
          bars: places.map((r) => ({
            label: s.placeName(r.key),
            value: r.vacancyRate === undefined ? undefined : r.vacancyRate * 100,
            text: percentCell(r.vacancyRate).text,
          })),
        }),
        valueBars({
          title: `Turnover by place, 12 months to the end of ${quarterLabel(period)}`,
          bars: places.map((r) => ({
            label: s.placeName(r.key),
            value: publishedTurnover(r),
            text: turnoverCell(r).text,
          })),
        }),
      ],
      places: s.p.places,
      note: SUPPRESSED_NOTE,
    });
  });

  type Table = { Params: { file: string } };
  const tableName = (file: string) => /^([a-z-]+)\.csv$/.exec(file)?.[1];

  app.get<Table>('/workforce/tables/:file', PUBLIC, async (request, reply) => {
    const s = await state();
    const period = headlinePeriod(s.lines);
    const table =
      period === undefined
        ? undefined
        : systemTables(s, period).tables.find((t) => t.id === tableName(request.params.file));
    if (table === undefined) return notFound(request, reply, s.p, 'table');
    return download(reply, 'workforce', table);
  });

  // --------------------------------------------------------------------------------------------------------------
  // A place

  const placeTables = (s: Awaited<ReturnType<typeof state>>, place: string, period: string) => {
    const lines = s.lines.filter((l) => s.placeOf(l.organisation) === place);
    const base = `/workforce/places/${place}`;
    const orgIds = s.p.organisations.map((o) => o.id);
    const where = s.placeName(place);
    const orgs = breakdown(lines, period, (l) => l.organisation, orgIds);
    return {
      lines,
      tables: [
        measuresTable(
          'organisations',
          `${where}: by organisation, ${quarterLabel(period)}`,
          'Organisation',
          orgs.map((r) => ({ header: s.orgName(r.key), href: `/workforce/organisations/${r.key}`, m: r })),
          measuresAt(lines, period),
          base,
        ),
        groupTable(lines, period, base, where),
        trendTable(lines, `${where}: by quarter`, base),
      ],
    };
  };

  type Place = { Params: { place: string } };
  app.get<Place>('/workforce/places/:place', PUBLIC, async (request, reply) => {
    const s = await state();
    const place = s.p.places.find((pl) => pl.id === request.params.place);
    if (place === undefined) return notFound(request, reply, s.p, 'place');
    const period = headlinePeriod(s.lines.filter((l) => s.placeOf(l.organisation) === place.id));
    const crumbs = [{ href: '/workforce', text: 'Workforce' }];
    const several = s.p.organisations
      .filter((o) => o.places?.includes(place.id) === true && s.placeOf(o.id) === SEVERAL_PLACES)
      .filter((o) => s.lines.some((l) => l.organisation === o.id))
      .map((o) => ({ id: o.id, name: o.name }));
    if (period === undefined || !s.lines.some((l) => s.placeOf(l.organisation) === place.id)) {
      return reply.page('workforce/summary.njk', {
        ...frame(s.p, `Workforce: ${place.name}`, crumbs),
        heading: `Workforce: ${place.name}`,
        empty: true,
        several,
      });
    }
    const { lines, tables } = placeTables(s, place.id, period);
    return reply.page('workforce/summary.njk', {
      ...frame(s.p, `Workforce: ${place.name}`, crumbs),
      heading: `Workforce: ${place.name}`,
      period,
      periodLabel: quarterLabel(period),
      headlines: headlines(measuresAt(lines, period)),
      carers: carersSentence(measuresAt(lines, period)),
      tables,
      charts: trendCharts(lines, place.name),
      several,
      note: SUPPRESSED_NOTE,
    });
  });

  type PlaceTable = { Params: { place: string; file: string } };
  app.get<PlaceTable>('/workforce/places/:place/tables/:file', PUBLIC, async (request, reply) => {
    const s = await state();
    const place = s.p.places.find((pl) => pl.id === request.params.place);
    const period =
      place === undefined
        ? undefined
        : headlinePeriod(s.lines.filter((l) => s.placeOf(l.organisation) === place.id));
    const table =
      place === undefined || period === undefined
        ? undefined
        : placeTables(s, place.id, period).tables.find((t) => t.id === tableName(request.params.file));
    if (table === undefined) return notFound(request, reply, s.p, 'table');
    return download(reply, `workforce-${request.params.place}`, table);
  });

  // --------------------------------------------------------------------------------------------------------------
  // An organisation

  const orgTables = (s: Awaited<ReturnType<typeof state>>, org: string, period: string) => {
    const lines = s.lines.filter((l) => l.organisation === org);
    const base = `/workforce/organisations/${org}`;
    return {
      lines,
      tables: [
        groupTable(lines, period, base, s.orgName(org)),
        trendTable(lines, `${s.orgName(org)}: by quarter`, base),
      ],
    };
  };

  type Org = { Params: { org: string } };
  app.get<Org>('/workforce/organisations/:org', PUBLIC, async (request, reply) => {
    const s = await state();
    const org = s.p.organisations.find((o) => o.id === request.params.org);
    if (org === undefined) return notFound(request, reply, s.p, 'organisation');
    const crumbs = [{ href: '/workforce', text: 'Workforce' }];
    const place = s.placeOf(org.id);
    if (place !== SEVERAL_PLACES)
      crumbs.push({ href: `/workforce/places/${place}`, text: s.placeName(place) });
    const own = s.lines.filter((l) => l.organisation === org.id);
    const period = latestPeriod(own);
    if (period === undefined) {
      return reply.page('workforce/summary.njk', {
        ...frame(s.p, `Workforce: ${org.name}`, crumbs),
        heading: `Workforce: ${org.name}`,
        empty: true,
      });
    }
    const { lines, tables } = orgTables(s, org.id, period);
    const history = await returnHistory(ctx.db, ctx.partnershipId, org.id, period);
    return reply.page('workforce/summary.njk', {
      ...frame(s.p, `Workforce: ${org.name}`, crumbs),
      heading: `Workforce: ${org.name}`,
      period,
      periodLabel: quarterLabel(period),
      headlines: headlines(measuresAt(lines, period)),
      carers: carersSentence(measuresAt(lines, period)),
      tables,
      charts: trendCharts(lines, org.name),
      versions: history.map((r) => ({
        version: r.version,
        at: r.submission.at.toISOString(),
        source:
          r.submission.source === 'csv'
            ? `file${r.submission.fileName === undefined ? '' : ` ${r.submission.fileName}`}`
            : 'form',
        by: r.submission.byKind === 'demo' ? 'synthetic demo data' : s.orgName(r.submission.byOrganisation),
      })),
      note: SUPPRESSED_NOTE,
    });
  });

  type OrgTable = { Params: { org: string; file: string } };
  app.get<OrgTable>('/workforce/organisations/:org/tables/:file', PUBLIC, async (request, reply) => {
    const s = await state();
    const own = s.lines.filter((l) => l.organisation === request.params.org);
    const period = latestPeriod(own);
    const table =
      period === undefined
        ? undefined
        : orgTables(s, request.params.org, period).tables.find(
            (t) => t.id === tableName(request.params.file),
          );
    if (table === undefined) return notFound(request, reply, s.p, 'table');
    return download(reply, `workforce-${request.params.org}`, table);
  });

  // --------------------------------------------------------------------------------------------------------------
  // Submitting

  const workforceContext = (p: Partnership): WorkforceContext => {
    const now = clock();
    const today = londonDay(now);
    return {
      db: ctx.db,
      partnershipId: ctx.partnershipId,
      now,
      check: {
        organisations: new Set(p.organisations.filter((o) => o.from <= today).map((o) => o.id)),
        today,
      },
    };
  };
  const submitterOf = (request: FastifyRequest): Submitter => {
    const principal = request.principal;
    switch (principal.kind) {
      case 'user':
        return {
          kind: 'user',
          userId: principal.userId,
          organisation: principal.organisation,
          roles: principal.roles,
        };
      case 'system':
        return {
          kind: 'system',
          tokenId: principal.tokenId,
          organisation: principal.organisation,
          scopes: principal.scopes,
        };
      case 'anonymous':
        throw new Error('a route for officers reached its handler without one');
    }
  };

  interface FormState {
    readonly uploadErrors?: FormError[];
    readonly fileName?: string;
    readonly entryErrors?: FormError[];
    readonly values?: Record<string, string>;
  }

  const renderNew = async (request: FastifyRequest, reply: FastifyReply, formState: FormState = {}) => {
    const p = await currentPartnership(ctx);
    const submitter = submitterOf(request);
    const orgId = submitter.kind === 'demo' ? '' : submitter.organisation;
    const org = p.organisations.find((o) => o.id === orgId);
    const errorList = [...(formState.uploadErrors ?? []), ...(formState.entryErrors ?? [])];
    if (errorList.length > 0) reply.status(400);
    const title = 'Submit a workforce return';
    return reply.page('workforce/return-form.njk', {
      ...frame(p, `${errorList.length > 0 ? 'Error: ' : ''}${title}`, [
        { href: '/workforce', text: 'Workforce' },
      ]),
      heading: title,
      organisation: { id: orgId, name: org?.name ?? orgId },
      columns: RETURN_COLUMNS,
      optionalColumns: OPTIONAL_COLUMNS,
      groups: groupsFor(org).map((g) => ({
        ...g,
        fields: FIGURE_COLUMNS.map((f) => ({ ...f, id: fieldId(g.id, f.column) })),
      })),
      errorList,
      uploadErrors: formState.uploadErrors ?? [],
      fileName: formState.fileName,
      errors: errorsByField(formState.entryErrors ?? []),
      values: formState.values ?? {},
    });
  };

  app.get('/workforce/returns/new', OFFICERS, async (request, reply) => renderNew(request, reply));

  const stored = (reply: FastifyReply, submission: string) =>
    reply.redirect(`/workforce/returns/submissions/${submission}`, 303);

  app.post('/workforce/returns/upload', OFFICERS, async (request, reply) => {
    const p = await currentPartnership(ctx);
    const body = (request.body ?? {}) as UploadBody;
    if (body.file === undefined) {
      return renderNew(request, reply, {
        uploadErrors: [{ text: 'Choose a return file (CSV) to upload', href: '#file' }],
      });
    }
    const submitted = await submitReturnFile(workforceContext(p), submitterOf(request), body.file);
    if (submitted.ok) return stored(reply, submitted.value.submission);
    const errors: ReturnError[] = (submitted.error.issues ?? []).map((i) => ({
      line: i.line ?? 1,
      ...(i.path === undefined ? {} : { column: i.path as ReturnColumn }),
      message: i.message,
    }));
    return renderNew(request, reply, {
      uploadErrors: [
        // A refusal of who may send it says so first; a file's own problems are listed by line alone.
        ...(errors.length === 0 || submitted.error.kind !== 'bad-input'
          ? [{ text: `${submitted.error.title} ${submitted.error.fix ?? ''}`.trim(), href: '#file' }]
          : []),
        ...fileErrors(errors),
      ],
      fileName: body.file.name,
    });
  });

  app.post('/workforce/returns/form', OFFICERS, async (request, reply) => {
    const p = await currentPartnership(ctx);
    const submitter = submitterOf(request);
    const orgId = submitter.kind === 'demo' ? '' : submitter.organisation;
    const groups = groupsFor(p.organisations.find((o) => o.id === orgId));
    const values: Record<string, string> = { period: formText(request.body, 'period').trim() };
    for (const g of groups) {
      for (const f of FIGURE_COLUMNS)
        values[fieldId(g.id, f.column)] = formText(request.body, fieldId(g.id, f.column)).trim();
    }
    // Each staff group with any figure typed is a row; a group left wholly empty is not reported.
    const rows: RowCells[] = [];
    const groupOfLine = new Map<number, string>();
    groups.forEach((g, i) => {
      const figures = FIGURE_COLUMNS.map((f) => values[fieldId(g.id, f.column)] ?? '');
      if (figures.every((v) => v === '')) return;
      const cells = Object.fromEntries(FIGURE_COLUMNS.map((f, j) => [f.column, figures[j] ?? ''])) as Record<
        ReturnColumn,
        string
      >;
      rows.push({
        line: i + 1,
        cells: { ...cells, organisation: orgId, period: values.period ?? '', staff_group: g.id },
      });
      groupOfLine.set(i + 1, g.id);
    });
    const errors: FormError[] = [];
    if (rows.length === 0)
      errors.push({
        text: 'Enter the figures of at least one staff group',
        href: `#${fieldId(groups[0]?.id ?? '', 'posts_fte')}`,
      });
    const checked = checkReturnRows(rows, workforceContext(p).check);
    if (!checked.ok) {
      let periodReported = false;
      for (const e of checked.error) {
        if (e.column === 'period') {
          if (!periodReported) errors.push({ text: capitalise(e.message), href: '#period' });
          periodReported = true;
          continue;
        }
        const group = groupOfLine.get(e.line) ?? '';
        const name = staffGroup(group)?.name ?? group;
        const column = e.column ?? 'posts_fte';
        errors.push({
          text: `${name}: ${e.message}`,
          href: `#${fieldId(group, column === 'organisation' || column === 'staff_group' ? 'posts_fte' : column)}`,
        });
      }
    }
    if (errors.length > 0 || !checked.ok) return renderNew(request, reply, { entryErrors: errors, values });
    const submitted = await submitLines(workforceContext(p), submitter, checked.value, 'form');
    if (submitted.ok) return stored(reply, submitted.value.submission);
    return renderNew(request, reply, {
      entryErrors: [
        { text: `${submitted.error.title} ${submitted.error.fix ?? ''}`.trim(), href: '#period' },
      ],
      values,
    });
  });

  type Stored = { Params: { id: string } };
  app.get<Stored>('/workforce/returns/submissions/:id', OFFICERS, async (request, reply) => {
    const p = await currentPartnership(ctx);
    const submitter = submitterOf(request);
    const id = request.params.id;
    const returns = /^[0-9a-f-]{36}$/.test(id) ? await submissionReturns(ctx.db, ctx.partnershipId, id) : [];
    // Only the organisation that sent a submission sees its confirmation; the figures are public on the pages.
    const own = returns.filter(
      (r) => submitter.kind !== 'demo' && r.submission.byOrganisation === submitter.organisation,
    );
    if (own.length === 0) return notFound(request, reply, p, 'submission');
    const first = own[0];
    const orgName = (o: string) => p.organisations.find((x) => x.id === o)?.name ?? o;
    return reply.page('workforce/stored.njk', {
      ...frame(p, 'Workforce return stored', [{ href: '/workforce', text: 'Workforce' }]),
      source: first?.submission.source,
      fileName: first?.submission.fileName,
      sha256: first?.submission.fileSha256,
      at: first?.submission.at.toISOString(),
      returns: own.map((r) => ({
        organisation: orgName(r.organisation),
        organisationId: r.organisation,
        period: r.period,
        periodLabel: quarterLabel(r.period),
        version: r.version,
        groups: r.lines.length,
        headcount: whole.format(r.lines.reduce((sum, l) => sum + l.headcount, 0)),
      })),
    });
  });

  // --------------------------------------------------------------------------------------------------------------
  // The API

  app.post(
    '/api/workforce/returns',
    {
      config: { access: { scope: WRITE_SCOPE, anyRole: SUBMITTING_ROLES } },
      schema: {
        summary: 'Send a workforce return file (text/csv) for your own organisation',
        description:
          'Body: the return as CSV (docs/workforce.md): organisation, period (YYYY-Qn), staff_group, posts_fte, staff_in_post_headcount, staff_in_post_fte, vacancies_fte, starters, leavers, new_roles_headcount, and optionally working_carers_headcount (an absent column or empty cell is not known, not 0). Optional query `file` names it. A file with any error is refused whole (422, every row error with its line and column); one with rows for another organisation is refused (403). Each organisation and quarter is stored as a new version (201).',
        tags: ['workforce'],
        security: [{ bearer: [] }, { session: [] }],
        querystring: { type: 'object', properties: { file: { type: 'string', maxLength: 255 } } },
      },
    },
    async (request, reply) => {
      const p = await currentPartnership(ctx);
      if (typeof request.body !== 'string') {
        return sendProblem(
          reply,
          problem(
            'bad-input',
            'Send the return as text/csv.',
            'Set Content-Type: text/csv and send the file as the body.',
          ),
          415,
        );
      }
      const name = (request.query as { file?: string }).file;
      const submitted = await submitReturnFile(workforceContext(p), submitterOf(request), {
        name,
        text: request.body,
      });
      if (submitted.ok) {
        return reply.status(201).send({
          submission: submitted.value.submission,
          lines: submitted.value.lines,
          returns: submitted.value.returns.map((r) => ({
            organisation: r.organisation,
            period: r.period,
            version: r.version,
          })),
        });
      }
      return sendRowProblem(reply, submitted.error);
    },
  );
}

/** A refused return as a problem document whose issues keep their line and column; 422 for row errors. */
function sendRowProblem(reply: FastifyReply, refusal: Problem): FastifyReply {
  const status = refusal.kind === 'bad-input' ? 422 : undefined;
  const document = {
    ...problemDocument(refusal, reply.request.url.split('?')[0]),
    ...(status === undefined ? {} : { status }),
    ...(refusal.issues === undefined
      ? {}
      : {
          issues: refusal.issues.map((i) => ({
            ...(i.line === undefined ? {} : { line: i.line }),
            ...(i.path === undefined ? {} : { column: i.path }),
            message: i.message,
          })),
        }),
  };
  return reply.status(document.status).type('application/problem+json').send(document);
}
