/**
 * @module web/routes/fund-forms
 * The form that sets up a transformation or capital fund (`/money/transformation/new`, finance officers): its
 * funding, programme, source, release body, the two ledger accounts, and up to four tranches, each with its amount,
 * what it pays for and the milestones to be verified first (ticked from the partnership's milestones). The form gives
 * `createFund` the same input the JSON API does, so it refuses exactly what the API refuses; each issue is shown
 * beside its field and what was typed is kept.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { systemClock, type AccessRule } from '../../access/index.js';
import { parsePounds } from '../../core/money.js';
import { problem, type Issue } from '../../core/problem.js';
import { readChart } from '../../money/index.js';
import { FUND_ROLES, createFund } from '../../money/transformation/index.js';
import type { Partnership } from '../../partnership/index.js';
import { inForceOn, londonDay } from '../../partnership/views.js';
import { replyWithProblem } from '../problem.js';
import type { AppContext } from '../server.js';
import { currentPartnership } from './current-partnership.js';
import { errorsByField, formErrors, formList, formText, inFieldOrder } from './governance-forms.js';

const FINANCE = {
  config: { access: { signedIn: true, anyRole: FUND_ROLES } as AccessRule },
  schema: { hide: true },
};

/** Tranche rows the form offers; a fund with more is set up through the API. */
export const TRANCHE_ROWS = 4;
const trancheField = (row: number, part: 'amount' | 'description' | 'milestones') => `tranche${row}-${part}`;

const FUND_FIELDS = [
  'name',
  'funding',
  'programme',
  'source',
  'releaseBody',
  'fundAccount',
  'spendAccount',
  'tranches',
  ...Array.from({ length: TRANCHE_ROWS }, (_, i) =>
    (['amount', 'description', 'milestones'] as const).map((part) => trancheField(i + 1, part)),
  ).flat(),
];

export interface FundForm {
  readonly values: Readonly<Record<string, string>>;
  /** The milestones ticked in each tranche row, by row (1-based). */
  readonly ticked: Readonly<Record<number, readonly string[]>>;
}

/** The form as `createFund`'s input: pounds to pence, blank tranche rows skipped; a bad amount is an issue here. */
export function fundFromForm(form: FundForm): {
  readonly input: Record<string, unknown>;
  readonly rowOf: readonly number[];
  readonly issues: readonly Issue[];
} {
  const { values, ticked } = form;
  const issues: Issue[] = [];
  const tranches: Record<string, unknown>[] = [];
  const rowOf: number[] = [];
  for (let row = 1; row <= TRANCHE_ROWS; row += 1) {
    const amount = (values[trancheField(row, 'amount')] ?? '').trim();
    const description = values[trancheField(row, 'description')] ?? '';
    const milestones = ticked[row] ?? [];
    if (amount === '' && description.trim() === '' && milestones.length === 0) continue;
    const pence = parsePounds(amount);
    if (!pence.ok)
      issues.push({ path: trancheField(row, 'amount'), message: `Tranche ${row}: ${pence.error}` });
    tranches.push({ amountPence: pence.ok ? pence.value : Number.NaN, description, milestones });
    rowOf.push(row);
  }
  const input = {
    name: values.name ?? '',
    funding: values.funding ?? '',
    programme: values.programme ?? '',
    source: values.source ?? '',
    releaseBody: values.releaseBody ?? '',
    fundAccount: values.fundAccount ?? '',
    spendAccount: values.spendAccount ?? '',
    tranches,
  };
  return { input, rowOf, issues };
}

/** The form field a fund issue is about: `tranches[1].milestones[0]` is the milestones of that tranche's row. */
export function fundFieldOf(path: string | undefined, rowOf: readonly number[]): string {
  const tranche = /^tranches\[(\d+)\](?:\.(\w+))?/.exec(path ?? '');
  if (tranche !== null) {
    const row = rowOf[Number(tranche[1])];
    if (row === undefined) return 'tranches';
    const part =
      tranche[2] === 'amountPence' ? 'amount' : tranche[2] === 'milestones' ? 'milestones' : 'description';
    return trancheField(row, part);
  }
  if (path?.startsWith('tranche') === true && path.includes('-')) return path;
  const field = /^[a-zA-Z]+/.exec(path ?? '')?.[0] ?? 'name';
  return FUND_FIELDS.includes(field) ? field : 'name';
}

export async function fundForms(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const clock = ctx.clock ?? systemClock;

  const setUpForm = async (
    reply: FastifyReply,
    p: Partnership,
    form: FundForm,
    issues: readonly Issue[],
    fieldOf: (path: string | undefined) => string,
  ) => {
    const errors = inFieldOrder(formErrors(issues, fieldOf), FUND_FIELDS);
    if (errors.length > 0) reply.status(400);
    const chart = (await readChart(ctx.db, ctx.partnershipId)).filter((a) => !a.closed);
    const today = londonDay(clock());
    const choose = (text: string) => ({ value: '', text });
    const programmeName = (id: string) => p.programmes.find((x) => x.id === id)?.name ?? id;
    return reply.page('money/fund-form.njk', {
      partnership: p.info,
      section: 'transformation',
      title: `${errors.length > 0 ? 'Error: ' : ''}Set up a fund`,
      breadcrumbs: [
        { href: '/', text: 'Partnership' },
        { href: '/money/transformation', text: 'Transformation funding' },
      ],
      fundings: [
        {
          value: 'revenue',
          text: 'Revenue',
          hint: { text: 'Pays for services: each release is charged to an expenditure account.' },
          checked: form.values.funding !== 'capital',
        },
        {
          value: 'capital',
          text: 'Capital',
          hint: {
            text: 'Buys buildings, equipment or digital systems: each release adds to an asset account.',
          },
          checked: form.values.funding === 'capital',
        },
      ],
      programmes: [choose('Choose a programme'), ...p.programmes.map((x) => ({ value: x.id, text: x.name }))],
      bodies: [
        choose('Choose a body'),
        ...p.bodies.filter((b) => inForceOn(b, today)).map((b) => ({ value: b.id, text: b.name })),
      ],
      fundAccounts: [
        choose('Choose an account'),
        ...chart
          .filter((a) => ['asset', 'liability', 'equity'].includes(a.kind))
          .map((a) => ({ value: a.code, text: `${a.code} ${a.name} (${a.kind})` })),
      ],
      spendAccounts: [
        choose('Choose an account'),
        ...chart
          .filter((a) => a.kind === 'expenditure' || a.kind === 'asset')
          .map((a) => ({ value: a.code, text: `${a.code} ${a.name} (${a.kind})` })),
      ],
      trancheRows: Array.from({ length: TRANCHE_ROWS }, (_, i) => {
        const row = i + 1;
        const ticked = form.ticked[row] ?? [];
        return {
          n: row,
          amount: trancheField(row, 'amount'),
          description: trancheField(row, 'description'),
          milestones: trancheField(row, 'milestones'),
          items: (p.milestones ?? []).map((m) => ({
            value: m.id,
            text: `${m.title} (${programmeName(m.programme)})`,
            checked: ticked.includes(m.id),
          })),
        };
      }),
      values: form.values,
      errorList: errors,
      errors: errorsByField(errors),
    });
  };

  app.get('/money/transformation/new', FINANCE, async (_request, reply) =>
    setUpForm(
      reply,
      await currentPartnership(ctx),
      { values: { funding: 'revenue' }, ticked: {} },
      [],
      () => 'name',
    ),
  );

  app.post('/money/transformation/funds', FINANCE, async (request: FastifyRequest, reply) => {
    const p = await currentPartnership(ctx);
    const principal = request.principal;
    if (principal.kind !== 'user')
      return replyWithProblem(
        request,
        reply,
        problem('forbidden', 'Only a finance officer may set up a fund.'),
      );
    const form: FundForm = {
      values: Object.fromEntries(FUND_FIELDS.map((f) => [f, formText(request.body, f)])),
      ticked: Object.fromEntries(
        Array.from({ length: TRANCHE_ROWS }, (_, i) => [
          i + 1,
          formList(request.body, trancheField(i + 1, 'milestones')),
        ]),
      ),
    };
    const read = fundFromForm(form);
    const fieldOf = (path: string | undefined) => fundFieldOf(path, read.rowOf);
    if (read.issues.length > 0) return setUpForm(reply, p, form, read.issues, fieldOf);
    const result = await createFund(
      { db: ctx.db, partnershipId: ctx.partnershipId, now: clock() },
      { userId: principal.userId, organisation: principal.organisation, roles: principal.roles },
      read.input,
    );
    if (!result.ok) {
      return setUpForm(reply, p, form, result.error.issues ?? [{ message: result.error.title }], fieldOf);
    }
    return reply.redirect('/money/transformation?done=created', 303);
  });
}
