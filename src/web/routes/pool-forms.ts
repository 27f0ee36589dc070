/**
 * @module web/routes/pool-forms
 * The pooled budgets' forms for finance officers: set a pool up (its partners, their planned contributions and, under
 * fixed shares, their shares; the host, the manager, the rule and the three ledger accounts), record a partner's
 * contribution, and charge spending to a pool. Each form gives the same input the JSON API takes to the same
 * function (`money/pool-store.ts`), so the pages refuse exactly what the API refuses; the issues come back beside
 * the fields they are about, with what was typed kept.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { systemClock, type AccessRule } from '../../access/index.js';
import { parsePounds } from '../../core/money.js';
import { problem, type Issue } from '../../core/problem.js';
import { periodOfDate, readChart, type Account } from '../../money/index.js';
import { POOL_ROLES, chargePool, contribute, createPool, readPools } from '../../money/pool-store.js';
import { RISK_SHARE_RULES } from '../../money/pooled-budget.js';
import type { Partnership } from '../../partnership/index.js';
import { inForceOn, londonDay } from '../../partnership/views.js';
import { replyWithProblem } from '../problem.js';
import type { AppContext } from '../server.js';
import { currentPartnership } from './current-partnership.js';
import { errorsByField, formErrors, formText, inFieldOrder } from './governance-forms.js';

const FINANCE = {
  config: { access: { signedIn: true, anyRole: POOL_ROLES } as AccessRule },
  schema: { hide: true },
};

/** Partner rows the set-up form offers; a Section 75 pool seldom has more than a council and an NHS body or two. */
export const PARTNER_ROWS = 5;
const partnerField = (row: number, part: 'organisation' | 'planned' | 'share') => `partner${row}-${part}`;

const POOL_FIELDS = [
  'name',
  'financialYear',
  'scope',
  'host',
  'manager',
  'rule',
  'partners',
  ...Array.from({ length: PARTNER_ROWS }, (_, i) =>
    (['organisation', 'planned', 'share'] as const).map((part) => partnerField(i + 1, part)),
  ).flat(),
  'cashAccount',
  'fundAccount',
  'spendAccount',
];

/**
 * The set-up form as the API's input: pounds to pence, blank partner rows skipped, and problems with a row's own
 * figures (an amount that is not one, a share that is not a whole per cent) found here, by field.
 */
export function poolFromForm(values: Readonly<Record<string, string>>): {
  readonly input: Record<string, unknown>;
  readonly rowOf: readonly number[];
  readonly issues: readonly Issue[];
} {
  const issues: Issue[] = [];
  const partners: Record<string, unknown>[] = [];
  const rowOf: number[] = [];
  for (let row = 1; row <= PARTNER_ROWS; row += 1) {
    const organisation = (values[partnerField(row, 'organisation')] ?? '').trim();
    const planned = (values[partnerField(row, 'planned')] ?? '').trim();
    const share = (values[partnerField(row, 'share')] ?? '').trim();
    if (organisation === '' && planned === '' && share === '') continue;
    const amount = parsePounds(planned);
    if (!amount.ok)
      issues.push({ path: partnerField(row, 'planned'), message: `Partner ${row}: ${amount.error}` });
    if (share !== '' && !/^\d{1,3}$/.test(share)) {
      issues.push({
        path: partnerField(row, 'share'),
        message: `Partner ${row}: enter the share as a whole per cent`,
      });
    }
    partners.push({
      organisation,
      plannedPence: amount.ok ? amount.value : Number.NaN,
      ...(share === '' || !/^\d{1,3}$/.test(share) ? {} : { sharePercent: Number(share) }),
    });
    rowOf.push(row);
  }
  const year = (values.financialYear ?? '').trim();
  const input = {
    name: values.name ?? '',
    financialYear: /^\d{4}$/.test(year) ? Number(year) : year,
    scope: values.scope ?? '',
    host: values.host ?? '',
    manager: values.manager ?? '',
    rule: values.rule ?? '',
    partners,
    cashAccount: values.cashAccount ?? '',
    fundAccount: values.fundAccount ?? '',
    spendAccount: values.spendAccount ?? '',
  };
  return { input, rowOf, issues };
}

/** The set-up form's field a pool issue is about: `partners[1].plannedPence` is the planned amount of its row. */
export function poolFieldOf(path: string | undefined, rowOf: readonly number[]): string {
  const partner = /^partners\[(\d+)\](?:\.(\w+))?/.exec(path ?? '');
  if (partner !== null) {
    const row = rowOf[Number(partner[1])];
    if (row === undefined) return 'partners';
    const part =
      partner[2] === 'plannedPence' ? 'planned' : partner[2] === 'sharePercent' ? 'share' : 'organisation';
    return partnerField(row, part);
  }
  if (path?.startsWith('partner') === true && path.includes('-')) return path;
  const field = /^[a-zA-Z]+/.exec(path ?? '')?.[0] ?? 'name';
  return POOL_FIELDS.includes(field) ? field : 'name';
}

export async function poolForms(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const clock = ctx.clock ?? systemClock;
  const books = () => ({ db: ctx.db, partnershipId: ctx.partnershipId, now: clock() });
  const actorOf = (request: FastifyRequest) =>
    request.principal.kind === 'user'
      ? {
          userId: request.principal.userId,
          organisation: request.principal.organisation,
          roles: request.principal.roles,
        }
      : undefined;
  const breadcrumbs = [
    { href: '/', text: 'Partnership' },
    { href: '/money/pools', text: 'Pooled budgets' },
  ];
  const accountItems = (chart: readonly Account[], kinds: readonly Account['kind'][]) => [
    { value: '', text: 'Choose an account' },
    ...chart
      .filter((a) => !a.closed && kinds.includes(a.kind))
      .map((a) => ({ value: a.code, text: `${a.code} ${a.name}` })),
  ];

  // ----------------------------------------------------------------------------------------------------------------
  // Setting a pool up

  const setUpForm = async (
    reply: FastifyReply,
    p: Partnership,
    values: Record<string, string>,
    issues: readonly Issue[],
    fieldOf: (path: string | undefined) => string,
  ) => {
    const errors = inFieldOrder(formErrors(issues, fieldOf), POOL_FIELDS);
    if (errors.length > 0) reply.status(400);
    const chart = await readChart(ctx.db, ctx.partnershipId);
    const today = londonDay(clock());
    const organisations = [
      { value: '', text: 'Choose an organisation' },
      ...p.organisations.filter((o) => inForceOn(o, today)).map((o) => ({ value: o.id, text: o.name })),
    ];
    return reply.page('money/pool-form.njk', {
      partnership: p.info,
      section: 'pools',
      title: `${errors.length > 0 ? 'Error: ' : ''}Set up a pooled budget`,
      breadcrumbs,
      organisations,
      rules: Object.entries(RISK_SHARE_RULES).map(([value, text]) => ({
        value,
        text,
        checked: values.rule === value,
      })),
      partnerRows: Array.from({ length: PARTNER_ROWS }, (_, i) => ({
        n: i + 1,
        organisation: partnerField(i + 1, 'organisation'),
        planned: partnerField(i + 1, 'planned'),
        share: partnerField(i + 1, 'share'),
      })),
      cashAccounts: accountItems(chart, ['asset']),
      fundAccounts: accountItems(chart, ['liability', 'equity']),
      spendAccounts: accountItems(chart, ['expenditure']),
      values,
      errorList: errors,
      errors: errorsByField(errors),
    });
  };

  app.get('/money/pools/new', FINANCE, async (_request, reply) => {
    const p = await currentPartnership(ctx);
    const financialYear = String(periodOfDate(londonDay(clock())).financialYear);
    return setUpForm(reply, p, { financialYear, rule: 'in-proportion' }, [], () => 'name');
  });

  app.post('/money/pools', FINANCE, async (request, reply) => {
    const p = await currentPartnership(ctx);
    const who = actorOf(request);
    if (who === undefined) return replyWithProblem(request, reply, problem('forbidden', 'Sign in again.'));
    const values = Object.fromEntries(POOL_FIELDS.map((f) => [f, formText(request.body, f)]));
    const form = poolFromForm(values);
    const fieldOf = (path: string | undefined) => poolFieldOf(path, form.rowOf);
    if (form.issues.length > 0) return setUpForm(reply, p, values, form.issues, fieldOf);
    const result = await createPool(books(), who, form.input);
    if (!result.ok) {
      return setUpForm(reply, p, values, result.error.issues ?? [{ message: result.error.title }], fieldOf);
    }
    return reply.redirect('/money/pools?done=created', 303);
  });

  // ----------------------------------------------------------------------------------------------------------------
  // A contribution, and a charge, to one pool

  type WithId = { Params: { id: string } };
  const poolOf = async (text: string) =>
    /^[1-9][0-9]{0,14}$/.test(text)
      ? (await readPools(ctx.db, ctx.partnershipId, Number(text)))[0]
      : undefined;
  const noPool = (request: FastifyRequest, reply: FastifyReply, p: Partnership) =>
    replyWithProblem(
      request,
      reply,
      problem('not-found', 'There is no such pooled budget.', 'See /money/pools.'),
      undefined,
      { partnership: p.info },
    );

  const recordForm = (
    reply: FastifyReply,
    p: Partnership,
    pool: NonNullable<Awaited<ReturnType<typeof poolOf>>>,
    kind: 'contribution' | 'charge',
    values: Record<string, string>,
    issues: readonly Issue[],
  ) => {
    const fields =
      kind === 'contribution' ? ['organisation', 'amount', 'date'] : ['description', 'amount', 'date'];
    const errors = inFieldOrder(
      formErrors(issues, (path) => {
        const field = /^[a-zA-Z]+/.exec(path ?? '')?.[0] ?? 'amount';
        return field === 'amountPence' ? 'amount' : fields.includes(field) ? field : 'amount';
      }),
      fields,
    );
    if (errors.length > 0) reply.status(400);
    const name = (id: string) => p.organisations.find((o) => o.id === id)?.name ?? id;
    return reply.page('money/pool-record-form.njk', {
      partnership: p.info,
      section: 'pools',
      title: `${errors.length > 0 ? 'Error: ' : ''}${kind === 'contribution' ? 'Record a contribution to' : 'Charge spending to'} ${pool.name}`,
      breadcrumbs,
      kind,
      pool,
      partners: [
        { value: '', text: 'Choose the partner' },
        ...pool.partners.map((x) => ({ value: x.organisation, text: name(x.organisation) })),
      ],
      values,
      errorList: errors,
      errors: errorsByField(errors),
    });
  };

  for (const kind of ['contribution', 'charge'] as const) {
    const path = kind === 'contribution' ? 'contribute' : 'charge';
    app.get<WithId>(`/money/pools/:id/${path}`, FINANCE, async (request, reply) => {
      const p = await currentPartnership(ctx);
      const pool = await poolOf(request.params.id);
      if (pool === undefined) return noPool(request, reply, p);
      return recordForm(reply, p, pool, kind, { date: londonDay(clock()) }, []);
    });

    app.post<WithId>(`/money/pools/:id/${path}`, FINANCE, async (request, reply) => {
      const p = await currentPartnership(ctx);
      const pool = await poolOf(request.params.id);
      const who = actorOf(request);
      if (pool === undefined || who === undefined) return noPool(request, reply, p);
      const values = Object.fromEntries(
        ['organisation', 'description', 'amount', 'date'].map((f) => [f, formText(request.body, f)]),
      );
      const amount = parsePounds(values.amount ?? '');
      // An amount that is not one is refused before anything else is tried: nothing is posted on a guess.
      if (!amount.ok)
        return recordForm(reply, p, pool, kind, values, [{ path: 'amount', message: amount.error }]);
      const result =
        kind === 'contribution'
          ? await contribute(books(), who, pool.id, {
              organisation: values.organisation,
              amountPence: amount.value,
              date: (values.date ?? '').trim(),
            })
          : await chargePool(books(), who, pool.id, {
              description: values.description,
              amountPence: amount.value,
              date: (values.date ?? '').trim(),
            });
      if (!result.ok) {
        if (result.error.kind === 'not-found' || result.error.kind === 'forbidden') {
          return replyWithProblem(request, reply, result.error, undefined, { partnership: p.info });
        }
        return recordForm(
          reply,
          p,
          pool,
          kind,
          values,
          result.error.issues ?? [{ message: result.error.title }],
        );
      }
      return reply.redirect(`/money/pools?done=${kind}`, 303);
    });
  }
}
