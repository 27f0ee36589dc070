/**
 * @module web/routes/case-finding-pages
 * A clinician's case-finding list (`record/case-finding.ts`): the people their organisation cares for now, highest
 * risk of an emergency admission first, each with what raises their risk in the partnership's published model
 * (/population/risk-model) and a link to their record. Only for clinicians (R8000): it names people and shows a
 * clinical score. Every person shown is written to the audit log as a look at their record, before the page is
 * sent, and the person sees it in "who looked at my record". No download: a list of named people stays on the page.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { systemClock, type AccessRule } from '../../access/index.js';
import { problem } from '../../core/problem.js';
import { formatNhsNumber } from '../../identity/nhs-number.js';
import { caseFindingList, EMERGENCY_RISK_LIST } from '../../record/case-finding.js';
import { recordRepository, searchParameters } from '../../record/index.js';
import { summarisePerson } from '../../record/person-summary.js';
import { replyWithProblem } from '../problem.js';
import type { AppContext } from '../server.js';
import { currentPartnership } from './current-partnership.js';

const CLINICIAN: AccessRule = { signedIn: true, anyRole: ['R8000'] };
/** How many people a page may list: a care team works down a list, it does not page through thousands. */
export const LIST_SIZES = [25, 50, 100, 200] as const;
const DEFAULT_SIZE = 50;

const ageOn = (birthDate: string | undefined, day: string): number | undefined => {
  if (birthDate === undefined || !/^\d{4}-\d{2}-\d{2}/.test(birthDate)) return undefined;
  const years = Number(day.slice(0, 4)) - Number(birthDate.slice(0, 4));
  return day.slice(5, 10) < birthDate.slice(5, 10) ? years - 1 : years;
};

export async function caseFindingPages(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const repository = recordRepository(ctx.db, searchParameters());
  const clock = ctx.clock ?? systemClock;
  const userOf = (request: FastifyRequest) => {
    if (request.principal.kind !== 'user')
      throw new Error('a page for people reached its handler without one');
    return request.principal;
  };

  app.get<{ Querystring: { show?: string } }>(
    '/record/case-finding',
    { config: { access: CLINICIAN }, schema: { hide: true } },
    async (request, reply) => {
      const partnership = await currentPartnership(ctx);
      const show = request.query.show === undefined ? DEFAULT_SIZE : Number(request.query.show);
      if (!LIST_SIZES.some((size) => size === show)) {
        return replyWithProblem(
          request,
          reply,
          problem('bad-input', `The list shows ${LIST_SIZES.join(', ')} people: choose one of those.`),
          undefined,
          { partnership: partnership.info },
        );
      }
      const frame = {
        partnership: partnership.info,
        section: 'record',
        title: 'Highest risk of an emergency admission',
      };
      const segmentation = ctx.population?.segmentation;
      const model = segmentation?.riskModel;
      const about = segmentation?.riskScores;
      if (ctx.riskScores === undefined || model === undefined || about === undefined) {
        return reply.status(503).page('record/case-finding.njk', { ...frame, notBuilt: true });
      }
      const user = userOf(request);
      const now = clock();
      const listed = await caseFindingList(ctx.db, user, ctx.riskScores, model, now, show);
      if (!listed.ok) {
        return replyWithProblem(request, reply, problem('unavailable', listed.error), undefined, {
          partnership: partnership.info,
        });
      }
      const { entries } = listed.value;
      // Before anything is sent: each person shown is a look at their record, in their own log.
      await ctx.recordAudit.record(request, {
        action: 'search',
        resourceType: 'Patient',
        outcome: 'success',
        personIds: entries.map((entry) => entry.personId),
        detail: { list: EMERGENCY_RISK_LIST, shown: entries.length },
      });
      const patients = await repository.patients(entries.flatMap((entry) => entry.patientIds));
      const today = now.toISOString().slice(0, 10);
      const rows = entries.map((entry, i) => {
        const demographics = summarisePerson(
          patients.filter((stored) => entry.patientIds.includes(stored.resource.id)),
        ).demographics;
        return {
          rank: i + 1,
          personId: entry.personId,
          name: demographics?.name ?? 'Name not recorded',
          nhsNumber:
            demographics?.nhsNumber === undefined ? undefined : formatNhsNumber(demographics.nhsNumber),
          age: ageOn(demographics?.birthDate, today) ?? '–',
          riskPercent: (entry.score.risk * 100).toFixed(1),
          raisedBy: entry.raisedBy
            .slice(0, 3)
            .map((factor) => ({ ...factor, oddsRatio: factor.oddsRatio.toFixed(1) })),
          reason: entry.reason,
        };
      });
      return reply.page('record/case-finding.njk', {
        ...frame,
        rows,
        show,
        sizes: LIST_SIZES,
        counts: listed.value,
        featuresOn: about.featuresOn,
        predictingYear: about.predictingYear,
        auc: model.evaluation.auc === undefined ? '–' : model.evaluation.auc.toFixed(3),
        evaluationYear: model.evaluationYear,
      });
    },
  );
}
