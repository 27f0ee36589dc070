/**
 * @module web/routes/transformation-pages
 * The transformation fund tracker, in public: every fund with its tranches, the milestones each waits on and their
 * verified progress, and every release with the decision that made it and its journal entry (`/money/transformation`,
 * and as CSV). Finance officers release a tranche through a form, refused with every reason until its milestones are
 * verified and the release body has agreed; funds are set up through a form (`fund-forms.ts`) or the JSON API
 * (`POST /api/money/transformation/funds`), which takes the tranches and their milestones as data.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { systemClock, type AccessRule } from '../../access/index.js';
import { parsePounds, formatPence } from '../../core/money.js';
import { problem, type Issue } from '../../core/problem.js';
import { searchDecisions } from '../../governance/meetings/index.js';
import {
  FUNDING,
  FUND_ROLES,
  createFund,
  listFunds,
  releaseTranche,
  type Fund,
} from '../../money/transformation/index.js';
import { listReports, progressAsOf } from '../../outcomes/index.js';
import type { Partnership } from '../../partnership/index.js';
import { londonDay } from '../../partnership/views.js';
import { csvLine } from '../population-view.js';
import { replyWithProblem, sendProblem } from '../problem.js';
import type { AppContext } from '../server.js';
import { currentPartnership } from './current-partnership.js';
import { fundForms } from './fund-forms.js';
import { errorsByField, formErrors, formText, inFieldOrder } from './governance-forms.js';

const page = (access: AccessRule) => ({ config: { access }, schema: { hide: true } });
const PUBLIC = page('public');
const FINANCE = page({ signedIn: true, anyRole: FUND_ROLES });

const STATE_TEXT: Record<string, { text: string; colour: string }> = {
  verified: { text: 'Verified', colour: 'green' },
  reported: { text: 'Reported, awaiting verification', colour: 'yellow' },
  rejected: { text: 'Report rejected', colour: 'red' },
  'not-reported': { text: 'Not reported', colour: 'grey' },
  unknown: { text: 'Not in the milestones file', colour: 'red' },
};

type WithId = { Params: { id: string }; Querystring: { done?: string } };

export async function transformationPages(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const clock = ctx.clock ?? systemClock;
  const actor = (request: FastifyRequest) =>
    request.principal.kind === 'user'
      ? {
          userId: request.principal.userId,
          organisation: request.principal.organisation,
          roles: request.principal.roles,
        }
      : undefined;

  /** Funds as the tracker shows them: names for ids, milestones' progress today, amounts in pounds. */
  const tracker = async (p: Partnership, funds: readonly Fund[]) => {
    const today = londonDay(clock());
    const reports = await listReports(ctx.db, ctx.partnershipId);
    return funds.map((f) => ({
      ...f,
      programmeName: p.programmes.find((x) => x.id === f.programme)?.name ?? f.programme,
      releaseBodyName: p.bodies.find((b) => b.id === f.releaseBody)?.name ?? f.releaseBody,
      amountText: formatPence(f.amountPence),
      releasedText: formatPence(f.releasedPence),
      tranches: f.tranches.map((t) => {
        const milestones = t.milestones.map((id) => {
          const m = p.milestones?.find((x) => x.id === id);
          const state = m === undefined ? 'unknown' : progressAsOf(m, reports, today).state;
          return {
            id,
            title: m?.title ?? id,
            due: m?.due,
            ...(STATE_TEXT[state] ?? { text: state, colour: 'grey' }),
            state,
          };
        });
        return {
          ...t,
          amountText: formatPence(t.amountPence),
          releasedText: formatPence(t.releasedPence),
          leftText: formatPence(t.amountPence - t.releasedPence),
          milestones,
          ready: milestones.every((m) => m.state === 'verified'),
          releases: t.releases.map((r) => ({ ...r, amountText: formatPence(r.amountPence) })),
        };
      }),
    }));
  };

  app.get<{ Querystring: { done?: string } }>('/money/transformation', PUBLIC, async (request, reply) => {
    const p = await currentPartnership(ctx);
    const funds = await listFunds(ctx.db, ctx.partnershipId);
    const views = await tracker(p, funds);
    return reply.page('money/transformation.njk', {
      partnership: p.info,
      section: 'transformation',
      title: 'Transformation and capital funding',
      breadcrumbs: [{ href: '/', text: 'Partnership' }],
      funds,
      groups: FUNDING.map((funding) => {
        const own = views.filter((f) => f.funding === funding);
        return {
          title: funding === 'capital' ? 'Capital funding' : 'Revenue funding',
          explanation:
            funding === 'capital'
              ? 'Each capital release adds to the scheme’s assets under construction.'
              : 'Each revenue release is charged to the programme’s spending.',
          funds: own,
          amountText: formatPence(own.reduce((sum, f) => sum + f.amountPence, 0)),
          releasedText: formatPence(own.reduce((sum, f) => sum + f.releasedPence, 0)),
        };
      }).filter((g) => g.funds.length > 0),
      mayRelease:
        request.principal.kind === 'user' &&
        request.principal.roles.some((r) => (FUND_ROLES as readonly string[]).includes(r)),
      done:
        request.query.done === 'released'
          ? 'The release is recorded and posted to the ledger.'
          : request.query.done === 'created'
            ? 'The fund is set up.'
            : undefined,
    });
  });

  app.get('/money/transformation.csv', PUBLIC, async (_request, reply) => {
    const p = await currentPartnership(ctx);
    const rows = await tracker(p, await listFunds(ctx.db, ctx.partnershipId));
    const lines = [
      csvLine([
        'fund',
        'funding',
        'programme',
        'release_body',
        'tranche',
        'amount_pence',
        'released_pence',
        'milestones',
        'milestones_verified',
        'releases',
      ]),
      ...rows.flatMap((f) =>
        f.tranches.map((t) =>
          csvLine([
            f.name,
            f.funding,
            f.programme,
            f.releaseBody,
            String(t.number),
            String(t.amountPence),
            String(t.releasedPence),
            t.milestones.map((m) => m.id).join(' '),
            t.ready ? 'yes' : 'no',
            t.releases.map((r) => `${r.decision}:${r.amountPence}`).join(' '),
          ]),
        ),
      ),
    ];
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', 'attachment; filename="transformation-funding.csv"')
      .send(lines.join(''));
  });

  // ----------------------------------------------------------------------------------------------------------------
  // Releasing a tranche

  const FIELDS = ['tranche', 'amount', 'decision', 'releasedOn', 'reason'];
  const fundOf = async (idText: string) =>
    /^[1-9][0-9]{0,14}$/.test(idText)
      ? (await listFunds(ctx.db, ctx.partnershipId, Number(idText)))[0]
      : undefined;
  const noFund = (request: FastifyRequest, reply: FastifyReply, p: Partnership) =>
    replyWithProblem(
      request,
      reply,
      problem('not-found', 'There is no such fund.', 'See /money/transformation.'),
      undefined,
      {
        partnership: p.info,
      },
    );

  const releaseForm = async (
    reply: FastifyReply,
    p: Partnership,
    fund: Fund,
    values: Record<string, string>,
    issues: readonly Issue[],
  ) => {
    const errors = inFieldOrder(
      formErrors(issues, (path) => {
        const field = /^[a-zA-Z]+/.exec(path ?? '')?.[0] ?? 'tranche';
        return field === 'amountPence' ? 'amount' : FIELDS.includes(field) ? field : 'tranche';
      }),
      FIELDS,
    );
    if (errors.length > 0) reply.status(400);
    // The release body's agreed decisions, newest first: what the form offers to choose from.
    const decisions = (await searchDecisions(ctx.db, ctx.partnershipId, { body: fund.releaseBody })).filter(
      (d) => d.outcome === 'agreed',
    );
    const [view] = await tracker(p, [fund]);
    return reply.page('money/release-form.njk', {
      partnership: p.info,
      section: 'transformation',
      title: `${errors.length > 0 ? 'Error: ' : ''}Release transformation funding`,
      breadcrumbs: [
        { href: '/', text: 'Partnership' },
        { href: '/money/transformation', text: 'Transformation funding' },
      ],
      fund: view,
      decisions: decisions.map((d) => ({
        value: d.reference,
        text: `${d.reference}: ${d.title} (${d.decidedOn})`,
      })),
      values,
      errorList: errors,
      errors: errorsByField(errors),
    });
  };

  app.get<WithId>('/money/transformation/:id/release', FINANCE, async (request, reply) => {
    const p = await currentPartnership(ctx);
    const fund = await fundOf(request.params.id);
    if (fund === undefined) return noFund(request, reply, p);
    return releaseForm(reply, p, fund, { releasedOn: londonDay(clock()) }, []);
  });

  app.post<WithId>('/money/transformation/:id/release', FINANCE, async (request, reply) => {
    const p = await currentPartnership(ctx);
    const fund = await fundOf(request.params.id);
    const who = actor(request);
    if (fund === undefined || who === undefined) return noFund(request, reply, p);
    const values = Object.fromEntries(FIELDS.map((f) => [f, formText(request.body, f)]));
    const amount = parsePounds(values.amount ?? '');
    // An amount that is not one is refused before anything else is tried: nothing is released on a guess.
    if (!amount.ok) return releaseForm(reply, p, fund, values, [{ path: 'amount', message: amount.error }]);
    const now = clock();
    const result = await releaseTranche(
      { db: ctx.db, partnershipId: ctx.partnershipId, now, today: londonDay(now) },
      who,
      fund.id,
      {
        tranche: /^\d+$/.test(values.tranche ?? '') ? Number(values.tranche) : values.tranche,
        amountPence: amount.value,
        decision: values.decision,
        releasedOn: values.releasedOn,
        reason: values.reason,
      },
    );
    if (!result.ok) {
      if (result.error.kind !== 'bad-input') {
        return replyWithProblem(request, reply, result.error, undefined, { partnership: p.info });
      }
      return releaseForm(reply, p, fund, values, result.error.issues ?? []);
    }
    return reply.redirect('/money/transformation?done=released', 303);
  });

  await fundForms(app, ctx);

  // ----------------------------------------------------------------------------------------------------------------
  // The JSON API: set up a fund, read them all

  const API = { config: { access: { signedIn: true, anyRole: FUND_ROLES } as AccessRule } };
  app.post('/api/money/transformation/funds', API, async (request, reply) => {
    const who = actor(request);
    if (who === undefined)
      return sendProblem(reply, problem('forbidden', 'Only a finance officer may set up a fund.'));
    const result = await createFund(
      { db: ctx.db, partnershipId: ctx.partnershipId, now: clock() },
      who,
      request.body,
    );
    if (!result.ok) return sendProblem(reply, result.error);
    return reply.status(201).send(result.value);
  });

  app.get('/api/money/transformation/funds', { config: { access: 'public' as AccessRule } }, async () => ({
    funds: await listFunds(ctx.db, ctx.partnershipId),
  }));
}
