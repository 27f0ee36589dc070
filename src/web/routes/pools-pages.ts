/**
 * @module web/routes/pools-pages
 * Pooled budgets, in public: each pool's host, manager, scope and risk-share rule, each partner's planned and paid
 * contribution, what has been spent, the over- or underspend so far and how the rule would share it
 * (`/money/pools`, and as CSV). Finance officers set a pool up, record a contribution (only from the pool's
 * partners) and charge spending to it — each posted to the ledger — through forms (`pool-forms.ts`) or the JSON API.
 */
import type { FastifyInstance } from 'fastify';
import { systemClock, type AccessRule } from '../../access/index.js';
import type { Principal } from '../../access/principal.js';
import { formatPence } from '../../core/money.js';
import { problem } from '../../core/problem.js';
import { POOL_ROLES, chargePool, contribute, createPool, readPools } from '../../money/pool-store.js';
import { RISK_SHARE_RULES } from '../../money/pooled-budget.js';
import { csvLine } from '../population-view.js';
import { sendProblem } from '../problem.js';
import type { AppContext } from '../server.js';
import { currentPartnership } from './current-partnership.js';
import { poolForms } from './pool-forms.js';

const PUBLIC = { config: { access: 'public' as AccessRule }, schema: { hide: true } };
const FINANCE_API = { config: { access: { signedIn: true, anyRole: POOL_ROLES } as AccessRule } };

export async function poolsPages(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const clock = ctx.clock ?? systemClock;
  const books = () => ({ db: ctx.db, partnershipId: ctx.partnershipId, now: clock() });

  const DONE: Record<string, string> = {
    created: 'The pooled budget is set up.',
    contribution: 'The contribution is recorded and posted to the ledger.',
    charge: 'The spending is charged to the pool and posted to the ledger.',
  };

  app.get<{ Querystring: { done?: string } }>('/money/pools', PUBLIC, async (request, reply) => {
    const p = await currentPartnership(ctx);
    const name = (id: string) => p.organisations.find((o) => o.id === id)?.name ?? id;
    const pools = (await readPools(ctx.db, ctx.partnershipId)).map((pool) => ({
      ...pool,
      hostName: name(pool.host),
      ruleText: RISK_SHARE_RULES[pool.rule],
      contributed: formatPence(pool.contributedPence),
      spent: formatPence(pool.spentPence),
      balance: formatPence(Math.abs(pool.balancePence)),
      balanceWord: pool.balancePence > 0 ? 'underspent' : pool.balancePence < 0 ? 'overspent' : 'balanced',
      partners: pool.partners.map((x) => ({
        ...x,
        name: name(x.organisation),
        planned: formatPence(x.plannedPence),
        paid: formatPence(x.contributedPence),
        share: formatPence(
          Math.abs(pool.split.find((s) => s.organisation === x.organisation)?.sharePence ?? 0),
        ),
      })),
    }));
    return reply.page('money/pools.njk', {
      partnership: p.info,
      section: 'pools',
      title: 'Pooled budgets',
      breadcrumbs: [{ href: '/', text: 'Partnership' }],
      pools,
      mayRecord:
        request.principal.kind === 'user' &&
        request.principal.roles.some((r) => (POOL_ROLES as readonly string[]).includes(r)),
      done: DONE[request.query.done ?? ''],
    });
  });

  app.get('/money/pools.csv', PUBLIC, async (_request, reply) => {
    const pools = await readPools(ctx.db, ctx.partnershipId);
    const body = [
      csvLine([
        'pool',
        'financial_year',
        'host',
        'rule',
        'organisation',
        'planned_pence',
        'contributed_pence',
        'pool_spent_pence',
        'pool_balance_pence',
        'share_of_balance_pence',
      ]),
      ...pools.flatMap((pool) =>
        pool.partners.map((x) =>
          csvLine([
            pool.name,
            String(pool.financialYear),
            pool.host,
            pool.rule,
            x.organisation,
            String(x.plannedPence),
            String(x.contributedPence),
            String(pool.spentPence),
            String(pool.balancePence),
            String(pool.split.find((s) => s.organisation === x.organisation)?.sharePence ?? 0),
          ]),
        ),
      ),
    ].join('');
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', 'attachment; filename="pooled-budgets.csv"')
      .send(body);
  });

  const actorOf = (principal: Principal) =>
    principal.kind === 'user'
      ? { userId: principal.userId, organisation: principal.organisation, roles: principal.roles }
      : undefined;
  const idOf = (text: string) => (/^[1-9][0-9]{0,14}$/.test(text) ? Number(text) : undefined);

  await poolForms(app, ctx);

  app.get('/api/money/pools', { config: { access: 'public' as AccessRule } }, async () => ({
    pools: await readPools(ctx.db, ctx.partnershipId),
  }));

  app.post('/api/money/pools', FINANCE_API, async (request, reply) => {
    const who = actorOf(request.principal);
    if (who === undefined)
      return sendProblem(reply, problem('forbidden', 'Only a finance officer may set up a pool.'));
    const result = await createPool(books(), who, request.body);
    return result.ok ? reply.status(201).send(result.value) : sendProblem(reply, result.error);
  });

  app.post<{ Params: { id: string } }>(
    '/api/money/pools/:id/contributions',
    FINANCE_API,
    async (request, reply) => {
      const who = actorOf(request.principal);
      const id = idOf(request.params.id);
      if (who === undefined || id === undefined)
        return sendProblem(reply, problem('not-found', 'There is no such pool.'));
      const result = await contribute(books(), who, id, request.body);
      return result.ok ? reply.status(201).send(result.value) : sendProblem(reply, result.error);
    },
  );

  app.post<{ Params: { id: string } }>(
    '/api/money/pools/:id/charges',
    FINANCE_API,
    async (request, reply) => {
      const who = actorOf(request.principal);
      const id = idOf(request.params.id);
      if (who === undefined || id === undefined)
        return sendProblem(reply, problem('not-found', 'There is no such pool.'));
      const result = await chargePool(books(), who, id, request.body);
      return result.ok ? reply.status(201).send(result.value) : sendProblem(reply, result.error);
    },
  );
}
