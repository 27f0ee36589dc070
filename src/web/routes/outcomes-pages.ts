/**
 * @module web/routes/outcomes-pages
 * Shared outcomes and mutual accountability in public (issue 7, item 4; docs/outcomes.md): every outcome with its
 * computed status, explained (`/outcomes`, with `?as-of=YYYY-MM-DD` for the status on a past day); one outcome with
 * its chart against the trajectory, its milestones and its status history (`/outcomes/<id>`); the same as CSV and
 * JSON; a one-page summary for national bodies (`/outcomes/oversight`); the milestones with their progress
 * (`/milestones`, `/milestones/<id>`); and the forms on which an officer of the owner reports a milestone complete and
 * another officer verifies or rejects the report. Every form carries its CSRF token, validates every field and, when
 * it shows an error, keeps what the person typed. Indicator figures come only through outcomes-figures.ts (disclosure
 * control). The population results are handed in by a function, so the pages always show the latest ones.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { systemClock, type AccessRule } from '../../access/index.js';
import { problem, type Issue, type Problem } from '../../core/problem.js';
import {
  REPORTING_ROLES,
  VERIFYING_ROLES,
  decideReport,
  decisionRefusal,
  listReports,
  milestoneAudit,
  reportMilestone,
  reportRefusal,
  type Actor,
  type MilestoneReport,
  type OutcomesContext,
} from '../../outcomes/index.js';
import type { Milestone, Partnership } from '../../partnership/index.js';
import { londonDay, parseOptionalDate } from '../../partnership/views.js';
import type { PopulationResults } from '../../population/indicators/results-file.js';
import { replyWithProblem } from '../problem.js';
import type { AppContext } from '../server.js';
import { currentPartnership } from './current-partnership.js';
import { errorsByField, formText, type FormError } from './governance-forms.js';
import { buildOutcomes, outcomeDetail, outcomesCsv, outcomesJson } from './outcomes-view.js';

const page = (access: AccessRule) => ({ config: { access }, schema: { hide: true } });
const PUBLIC = page('public');
const REPORTERS = page({ signedIn: true, anyRole: REPORTING_ROLES });
const VERIFIERS = page({ signedIn: true, anyRole: VERIFYING_ROLES });

const DONE: Record<string, string> = {
  reported: 'The milestone is reported complete. Another officer will verify or reject the report.',
  verified: 'The report is verified: the milestone is complete.',
  rejected: 'The report is rejected, with your reason. The owner may report the milestone again.',
};

type AsOf = { Querystring: { 'as-of'?: string; done?: string } };
type WithId = { Params: { id: string }; Querystring: { 'as-of'?: string; done?: string } };
type WithReport = { Params: { id: string; reportId: string } };

/** What the report form holds, as typed. */
interface ReportForm {
  readonly day: string;
  readonly month: string;
  readonly year: string;
  readonly evidence: string;
}

/** The typed day, month and year as YYYY-MM-DD, or the same text unchanged for the domain to refuse. */
function completedOnOf(form: ReportForm): string {
  const [d, m, y] = [form.day.trim(), form.month.trim(), form.year.trim()];
  if (/^\d{1,2}$/.test(d) && /^\d{1,2}$/.test(m) && /^\d{4}$/.test(y)) {
    return `${y}-${m.padStart(2, '0')}-${d.padStart(2, '0')}`;
  }
  return `${y}-${m}-${d}`;
}

const REPORT_FIELDS: Record<string, string> = { completedOn: 'completedOn-day', evidence: 'evidence' };
const DECISION_FIELDS: Record<string, string> = { decision: 'decision', reason: 'reason' };

const errorsOf = (issues: readonly Issue[], fields: Record<string, string>, first: string): FormError[] =>
  issues.map((issue) => ({
    text:
      issue.path === 'completedOn' && !issue.message.startsWith('must be today')
        ? 'Enter the day the milestone was completed as a real date, for example 31 3 2025'
        : issue.message.charAt(0).toUpperCase() + issue.message.slice(1),
    href: `#${fields[(issue.path ?? '').split('.')[0] ?? ''] ?? first}`,
  }));

/** The pages, reading the population results through `getResults` (undefined until they have been computed). */
export function outcomesPages(getResults: () => PopulationResults | undefined) {
  return async function outcomesRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
    const clock = ctx.clock ?? systemClock;
    const actorOf = (request: FastifyRequest): Actor | undefined => {
      const principal = request.principal;
      return principal.kind === 'user'
        ? { userId: principal.userId, organisation: principal.organisation, roles: principal.roles }
        : undefined;
    };
    const outcomesCtx = (): OutcomesContext => ({
      db: ctx.db,
      partnershipId: ctx.partnershipId,
      now: clock(),
    });

    const frame = (
      p: Partnership,
      section: string,
      title: string,
      crumbs: { href: string; text: string }[] = [],
    ) => ({
      partnership: p.info,
      section,
      title,
      breadcrumbs: [{ href: '/', text: 'Partnership' }, ...crumbs],
    });
    const problemPage = (request: FastifyRequest, reply: FastifyReply, p: Partnership, what: Problem) =>
      replyWithProblem(request, reply, what, undefined, { partnership: p.info });

    /** The day asked about (`?as-of=`, default today in London), or the problem with it. */
    const asOfDay = (request: FastifyRequest<AsOf>): { day: string } | { problem: Problem } => {
      const parsed = parseOptionalDate(request.query['as-of'], 'as-of');
      return parsed.ok ? { day: parsed.value ?? londonDay(clock()) } : { problem: parsed.error };
    };

    const load = async (request: FastifyRequest<AsOf>) => {
      const p = await currentPartnership(ctx);
      const day = asOfDay(request);
      if ('problem' in day) return { ok: false as const, p, problem: day.problem };
      const reports = await listReports(ctx.db, ctx.partnershipId);
      return { ok: true as const, p, reports, built: buildOutcomes(p, getResults(), reports, day.day) };
    };

    // --------------------------------------------------------------------------------------------------------------
    // Outcomes

    app.get<AsOf>('/outcomes', PUBLIC, async (request, reply) => {
      const found = await load(request);
      if (!found.ok) return problemPage(request, reply, found.p, found.problem);
      return reply.page('outcomes/outcomes.njk', {
        ...frame(found.p, 'outcomes', 'Shared outcomes'),
        view: found.built.view,
        computed: getResults() !== undefined,
        today: londonDay(clock()),
      });
    });

    app.get<AsOf>('/outcomes.csv', PUBLIC, async (request, reply) => {
      const found = await load(request);
      if (!found.ok) return problemPage(request, reply, found.p, found.problem);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="outcomes-${found.built.view.asOf}.csv"`)
        .send(outcomesCsv(found.built.view, found.p));
    });

    app.get<AsOf>('/outcomes.json', PUBLIC, async (request, reply) => {
      const found = await load(request);
      if (!found.ok) return problemPage(request, reply, found.p, found.problem);
      return reply.type('application/json; charset=utf-8').send(outcomesJson(found.built.view));
    });

    app.get<AsOf>('/outcomes/oversight', PUBLIC, async (request, reply) => {
      const found = await load(request);
      if (!found.ok) return problemPage(request, reply, found.p, found.problem);
      const { view } = found.built;
      return reply.page('outcomes/oversight.njk', {
        ...frame(found.p, 'outcomes', 'Outcomes: summary for national bodies', [
          { href: '/outcomes', text: 'Shared outcomes' },
        ]),
        view,
        offTrack: view.outcomes.filter((o) => o.status === 'off-track'),
        atRisk: view.outcomes.filter((o) => o.status === 'at-risk'),
        lateMilestones: view.milestones.filter((m) => m.lateText !== undefined && m.state !== 'verified'),
      });
    });

    app.get<WithId>('/outcomes/:id', PUBLIC, async (request, reply) => {
      const found = await load(request);
      if (!found.ok) return problemPage(request, reply, found.p, found.problem);
      const detail = outcomeDetail(found.built, found.p, found.reports, request.params.id);
      if (detail === undefined) {
        return problemPage(
          request,
          reply,
          found.p,
          problem('not-found', 'There is no such outcome.', 'See the list of shared outcomes at /outcomes.'),
        );
      }
      return reply.page('outcomes/outcome.njk', {
        ...frame(found.p, 'outcomes', detail.row.title, [{ href: '/outcomes', text: 'Shared outcomes' }]),
        view: found.built.view,
        detail,
      });
    });

    // --------------------------------------------------------------------------------------------------------------
    // Milestones

    app.get<AsOf>('/milestones', PUBLIC, async (request, reply) => {
      const found = await load(request);
      if (!found.ok) return problemPage(request, reply, found.p, found.problem);
      return reply.page('outcomes/milestones.njk', {
        ...frame(found.p, 'outcomes', 'Programme milestones', [
          { href: '/outcomes', text: 'Shared outcomes' },
        ]),
        view: found.built.view,
      });
    });

    const milestoneOf = (p: Partnership, id: string): Milestone | undefined =>
      (p.milestones ?? []).find((m) => m.id === id);
    const noMilestone = (request: FastifyRequest, reply: FastifyReply, p: Partnership) =>
      problemPage(
        request,
        reply,
        p,
        problem('not-found', 'There is no such milestone.', 'See the list of milestones at /milestones.'),
      );

    app.get<WithId>('/milestones/:id', PUBLIC, async (request, reply) => {
      const found = await load(request);
      if (!found.ok) return problemPage(request, reply, found.p, found.problem);
      const milestone = milestoneOf(found.p, request.params.id);
      const row = found.built.view.milestones.find((m) => m.id === request.params.id);
      if (milestone === undefined || row === undefined) return noMilestone(request, reply, found.p);
      const reports = found.reports.filter((r) => r.milestoneId === milestone.id);
      const who = actorOf(request);
      return reply.page('outcomes/milestone.njk', {
        ...frame(found.p, 'outcomes', milestone.title, [
          { href: '/milestones', text: 'Programme milestones' },
        ]),
        row,
        // Moments as ISO text, which the templates' datetime filter shows in London time.
        reports: [...reports].reverse().map((r) => ({
          ...r,
          reportedAt: r.reportedAt.toISOString(),
          decision:
            r.decision === undefined
              ? undefined
              : { ...r.decision, decidedAt: r.decision.decidedAt.toISOString() },
        })),
        audit: (await milestoneAudit(ctx.db, ctx.partnershipId, milestone.id)).map((a) => ({
          ...a,
          at: a.at.toISOString(),
        })),
        mayReport: reportRefusal(who, milestone, reports) === undefined,
        mayDecide: Object.fromEntries(reports.map((r) => [r.id, decisionRefusal(who, r) === undefined])),
        done: DONE[request.query.done ?? ''],
      });
    });

    // --------------------------------------------------------------------------------------------------------------
    // Reporting a milestone complete

    const renderReport = (
      reply: FastifyReply,
      p: Partnership,
      milestone: Milestone,
      state: { values: ReportForm; errors: FormError[] },
    ) => {
      if (state.errors.length > 0) reply.status(400);
      return reply.page('outcomes/report.njk', {
        ...frame(p, 'outcomes', `${state.errors.length > 0 ? 'Error: ' : ''}Report a milestone complete`, [
          { href: '/milestones', text: 'Programme milestones' },
          { href: `/milestones/${milestone.id}`, text: milestone.title },
        ]),
        milestone,
        values: state.values,
        errorList: state.errors,
        errors: errorsByField(state.errors),
      });
    };

    /** The milestone an officer may report now, or the page saying why not. */
    const reportable = async (
      request: FastifyRequest<WithReport | WithId>,
      reply: FastifyReply,
      p: Partnership,
    ) => {
      const milestone = milestoneOf(p, request.params.id);
      if (milestone === undefined) return { page: await noMilestone(request, reply, p) };
      const refusal = reportRefusal(
        actorOf(request),
        milestone,
        await listReports(ctx.db, ctx.partnershipId, milestone.id),
      );
      if (refusal !== undefined) {
        return { page: await problemPage(request, reply, p, problem(refusal.kind, refusal.message)) };
      }
      return { milestone };
    };

    app.get<WithId>('/milestones/:id/report', REPORTERS, async (request, reply) => {
      const p = await currentPartnership(ctx);
      const found = await reportable(request, reply, p);
      if (found.milestone === undefined) return found.page;
      return renderReport(reply, p, found.milestone, {
        values: { day: '', month: '', year: '', evidence: '' },
        errors: [],
      });
    });

    app.post<WithId>('/milestones/:id/report', REPORTERS, async (request, reply) => {
      const p = await currentPartnership(ctx);
      const found = await reportable(request, reply, p);
      if (found.milestone === undefined) return found.page;
      const values: ReportForm = {
        // nhsuk-frontend's date input names its boxes completedOn[day], completedOn[month], completedOn[year].
        day: formText(request.body, 'completedOn[day]'),
        month: formText(request.body, 'completedOn[month]'),
        year: formText(request.body, 'completedOn[year]'),
        evidence: formText(request.body, 'evidence'),
      };
      const result = await reportMilestone(outcomesCtx(), actorOf(request), found.milestone, {
        completedOn: completedOnOf(values),
        evidence: values.evidence,
      });
      if (!result.ok) {
        if (result.error.kind !== 'bad-input') return problemPage(request, reply, p, result.error);
        return renderReport(reply, p, found.milestone, {
          values,
          errors: errorsOf(result.error.issues ?? [], REPORT_FIELDS, 'completedOn-day'),
        });
      }
      return reply.redirect(`/milestones/${found.milestone.id}?done=reported`, 303);
    });

    // --------------------------------------------------------------------------------------------------------------
    // Verifying or rejecting a report

    const renderDecision = (
      reply: FastifyReply,
      p: Partnership,
      milestone: Milestone,
      report: MilestoneReport,
      state: { values: { decision: string; reason: string }; errors: FormError[] },
    ) => {
      if (state.errors.length > 0) reply.status(400);
      return reply.page('outcomes/decide.njk', {
        ...frame(
          p,
          'outcomes',
          `${state.errors.length > 0 ? 'Error: ' : ''}Verify or reject a milestone report`,
          [
            { href: '/milestones', text: 'Programme milestones' },
            { href: `/milestones/${milestone.id}`, text: milestone.title },
          ],
        ),
        milestone,
        report,
        values: state.values,
        errorList: state.errors,
        errors: errorsByField(state.errors),
      });
    };

    /** The report an officer may decide now, or the page saying why not. */
    const decidable = async (request: FastifyRequest<WithReport>, reply: FastifyReply, p: Partnership) => {
      const milestone = milestoneOf(p, request.params.id);
      const reportId = /^[1-9][0-9]{0,14}$/.test(request.params.reportId)
        ? Number(request.params.reportId)
        : 0;
      const report =
        milestone === undefined
          ? undefined
          : (await listReports(ctx.db, ctx.partnershipId, milestone.id)).find((r) => r.id === reportId);
      if (milestone === undefined || report === undefined)
        return { page: await noMilestone(request, reply, p) };
      const refusal = decisionRefusal(actorOf(request), report);
      if (refusal !== undefined) {
        return { page: await problemPage(request, reply, p, problem(refusal.kind, refusal.message)) };
      }
      return { milestone, report };
    };

    app.get<WithReport>('/milestones/:id/reports/:reportId/decide', VERIFIERS, async (request, reply) => {
      const p = await currentPartnership(ctx);
      const found = await decidable(request, reply, p);
      if (found.report === undefined) return found.page;
      return renderDecision(reply, p, found.milestone, found.report, {
        values: { decision: '', reason: '' },
        errors: [],
      });
    });

    app.post<WithReport>('/milestones/:id/reports/:reportId/decide', VERIFIERS, async (request, reply) => {
      const p = await currentPartnership(ctx);
      const found = await decidable(request, reply, p);
      if (found.report === undefined) return found.page;
      const values = {
        decision: formText(request.body, 'decision'),
        reason: formText(request.body, 'reason'),
      };
      const result = await decideReport(outcomesCtx(), actorOf(request), found.milestone, found.report.id, {
        // An empty choice is sent as absent, so the domain names the missing choice rather than a bad value.
        ...(values.decision === '' ? {} : { decision: values.decision }),
        reason: values.reason,
      });
      if (!result.ok) {
        if (result.error.kind !== 'bad-input') return problemPage(request, reply, p, result.error);
        return renderDecision(reply, p, found.milestone, found.report, {
          values,
          errors: errorsOf(result.error.issues ?? [], DECISION_FIELDS, 'decision'),
        });
      }
      return reply.redirect(`/milestones/${found.milestone.id}?done=${result.value.decision}`, 303);
    });
  };
}
