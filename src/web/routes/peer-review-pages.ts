/**
 * @module web/routes/peer-review-pages
 * Peer reviews as pages: every review with its stage, next due date and late/overdue tags (public), one review's
 * timeline, peer team, report and action plan (public), all reviews as CSV (public), and the officers' forms to start
 * a review, record a stage done, add an action to the plan and report an action's progress. Server-rendered with the
 * NHS.UK design system; every form works without JavaScript, carries its CSRF token, validates every field and,
 * when it shows an error, keeps what the person typed. A thin edge over `outcomes/peer-review`.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { systemClock, type AccessRule } from '../../access/index.js';
import { problem, type Issue, type Problem } from '../../core/problem.js';
import {
  ACTION_STATUSES,
  ACTION_STATUS_NAMES,
  DEFAULT_ACTION_PLAN_MONTHS,
  PROGRESS_REVIEW_MONTHS,
  RECORDING_ROLES,
  REPORT_MONTHS,
  STAGES,
  STAGE_NAMES,
  addAction,
  checkAction,
  checkCorrection,
  correctStage,
  correctionProblem,
  checkProgress,
  checkReview,
  checkStage,
  getReview,
  listReviews,
  mayRecord,
  recordStage,
  reportProgress,
  reviewView,
  reviewsCsv,
  stageProblem,
  startReview,
  type PeerReviewContext,
  type ReviewRecord,
  type Stage,
} from '../../outcomes/peer-review/index.js';
import { storedPartnership, type Partnership } from '../../partnership/index.js';
import { inForceOn, londonDay } from '../../partnership/views.js';
import { replyWithProblem } from '../problem.js';
import type { AppContext } from '../server.js';
import { errorsByField, inFieldOrder, type FormError } from './governance-forms.js';
import { actorOf, proposalNumber } from './governance-api.js';
import {
  PEER_ROWS,
  REVIEW_FIELD_ORDER,
  actionFieldOf,
  actionFormValues,
  actionInputOf,
  combinedErrors,
  correctionInputOf,
  emptyActionForm,
  emptyProgressForm,
  emptyReviewForm,
  emptyStageForm,
  peerField,
  progressFieldOf,
  progressFormValues,
  progressInputOf,
  reviewFormValues,
  reviewInputOf,
  stageFieldOf,
  stageFormFrom,
  stageFormValues,
  stageInputOf,
  type ActionFormValues,
  type ProgressFormValues,
  type ReviewFormValues,
  type StageFormValues,
} from './peer-review-forms.js';

/** What the pages need of the server: its store, partnership and clock (AppContext has them). */
export type PeerReviewPagesContext = Pick<AppContext, 'db' | 'partnershipId' | 'clock'>;

const page = (access: AccessRule) => ({ config: { access }, schema: { hide: true } });
const PUBLIC = page('public');
const OFFICERS = page({ signedIn: true, anyRole: RECORDING_ROLES });

/** Confirmation banners shown after an action, named in the address the action redirects to. */
const DONE: Record<string, string> = {
  started: 'The peer review is recorded and published, with its due dates.',
  stage: 'The stage is recorded as done.',
  corrected: 'The correction is recorded. The earlier record is kept and shown with it.',
  action: 'The action is added to the action plan.',
  progress: 'The progress report is recorded with the action.',
};

type WithId = { Params: { id: string }; Querystring: { done?: string } };
type WithStage = { Params: { id: string; stage: string } };
type WithAction = { Params: { id: string; actionId: string } };

const isStage = (text: string): text is Stage => (STAGES as readonly string[]).includes(text);

export async function peerReviewPages(app: FastifyInstance, ctx: PeerReviewPagesContext): Promise<void> {
  const clock = ctx.clock ?? systemClock;
  const today = () => londonDay(clock());
  const domain = (): PeerReviewContext => {
    const now = clock();
    return { db: ctx.db, partnershipId: ctx.partnershipId, today: londonDay(now), now };
  };
  const partnership = (): Promise<Partnership> => storedPartnership(ctx.db, ctx.partnershipId);
  const actor = (request: FastifyRequest) => actorOf(request.principal);

  const frame = (p: Partnership, title: string, crumbs: { href: string; text: string }[] = []) => ({
    partnership: p.info,
    section: 'peer-reviews',
    title,
    breadcrumbs: [
      { href: '/', text: 'Partnership' },
      { href: '/peer-reviews', text: 'Peer reviews' },
      ...crumbs,
    ],
  });
  const problemPage = (request: FastifyRequest, reply: FastifyReply, p: Partnership, what: Problem) =>
    replyWithProblem(request, reply, what, undefined, { partnership: p.info });
  const notFound = (request: FastifyRequest, reply: FastifyReply, p: Partnership) =>
    problemPage(
      request,
      reply,
      p,
      problem('not-found', 'There is no such peer review.', 'See the list of peer reviews at /peer-reviews.'),
    );
  const reviewFor = async (idText: string): Promise<ReviewRecord | undefined> => {
    const id = proposalNumber(idText);
    return id === undefined ? undefined : getReview(ctx.db, ctx.partnershipId, id);
  };
  const signedInActor = (request: FastifyRequest) => {
    const who = actor(request);
    if (who === undefined) throw new Error('a route for officers reached its handler without one');
    return who;
  };

  // ----------------------------------------------------------------------------------------------------------------
  // The list, and the CSV

  app.get('/peer-reviews', PUBLIC, async (request, reply) => {
    const p = await partnership();
    const reviews = (await listReviews(ctx.db, ctx.partnershipId)).map((r) => reviewView(r, p, today()));
    return reply.page('peer-review/reviews.njk', {
      ...frame(p, 'Peer reviews'),
      breadcrumbs: [{ href: '/', text: 'Partnership' }],
      reviews,
      mayRecord: mayRecord(actor(request)),
      today: today(),
      rule: {
        reportMonths: REPORT_MONTHS,
        progressMonths: PROGRESS_REVIEW_MONTHS,
        actionPlanMonths: DEFAULT_ACTION_PLAN_MONTHS,
      },
    });
  });

  app.get('/peer-reviews.csv', PUBLIC, async (_request, reply) => {
    const p = await partnership();
    const reviews = (await listReviews(ctx.db, ctx.partnershipId)).map((r) => reviewView(r, p, today()));
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', 'attachment; filename="peer-reviews.csv"')
      .send(reviewsCsv(reviews));
  });

  // ----------------------------------------------------------------------------------------------------------------
  // Starting a review

  const renderReviewForm = (
    reply: FastifyReply,
    p: Partnership,
    state: { values: ReviewFormValues; errors: FormError[] },
  ) => {
    const day = today();
    if (state.errors.length > 0) reply.status(400);
    return reply.page('peer-review/review-form.njk', {
      ...frame(p, `${state.errors.length > 0 ? 'Error: ' : ''}Start a peer review`),
      values: state.values,
      errorList: state.errors,
      errors: errorsByField(state.errors),
      places: p.places.filter((place) => inForceOn(place, day)),
      programmes: p.programmes.filter((programme) => inForceOn(programme, day)),
      peerRows: Array.from({ length: PEER_ROWS }, (_, row) => ({
        number: row + 1,
        name: peerField(row, 'name'),
        role: peerField(row, 'role'),
        organisation: peerField(row, 'organisation'),
      })),
      defaultMonths: DEFAULT_ACTION_PLAN_MONTHS,
    });
  };

  app.get('/peer-reviews/new', OFFICERS, async (_request, reply) =>
    renderReviewForm(reply, await partnership(), {
      values: emptyReviewForm(DEFAULT_ACTION_PLAN_MONTHS),
      errors: [],
    }),
  );

  app.post('/peer-reviews', OFFICERS, async (request, reply) => {
    const p = await partnership();
    const values = reviewFormValues(request.body);
    const { input, errors, fieldOf } = reviewInputOf(values);
    const toForm = (issues: readonly Issue[]) =>
      renderReviewForm(reply, p, {
        values,
        errors: inFieldOrder(combinedErrors(errors, issues, fieldOf), REVIEW_FIELD_ORDER),
      });
    // A date that is not a date: nothing may be saved; the rest is only checked, so every error shows at once.
    if (errors.length > 0) {
      const checked = checkReview(input, p, today());
      return toForm(checked.ok ? [] : checked.error);
    }
    const result = await startReview(domain(), signedInActor(request), input);
    if (!result.ok) {
      if (result.error.kind !== 'bad-input') return problemPage(request, reply, p, result.error);
      return toForm(result.error.issues ?? []);
    }
    return reply.redirect(`/peer-reviews/${result.value.id}?done=started`, 303);
  });

  // ----------------------------------------------------------------------------------------------------------------
  // A review

  app.get<WithId>('/peer-reviews/:id', PUBLIC, async (request, reply) => {
    const p = await partnership();
    const record = await reviewFor(request.params.id);
    if (record === undefined) return notFound(request, reply, p);
    const view = reviewView(record, p, today());
    const officer = mayRecord(actor(request));
    return reply.page('peer-review/review.njk', {
      ...frame(p, view.title),
      view,
      done: request.query.done === undefined ? undefined : DONE[request.query.done],
      mayRecord: officer,
      // The stages an officer may record now (the next in order, and any earlier one not yet recorded).
      recordable: officer
        ? Object.fromEntries(
            STAGES.map((stage) => [
              stage,
              stageProblem(record, stage, today(), today())?.kind !== 'conflict',
            ]),
          )
        : {},
      mayAddActions: officer && record.stages.some((s) => s.stage === 'report'),
      report: view.stages.find((s) => s.stage === 'report'),
      today: today(),
    });
  });

  // ----------------------------------------------------------------------------------------------------------------
  // Recording a stage

  const renderStageForm = (
    reply: FastifyReply,
    p: Partnership,
    record: ReviewRecord,
    stage: Stage,
    state: { values: StageFormValues; errors: FormError[]; correcting?: boolean },
  ) => {
    if (state.errors.length > 0) reply.status(400);
    const view = reviewView(record, p, today());
    const correcting = state.correcting === true;
    const heading = `${correcting ? 'Correct' : 'Record'} the ${STAGE_NAMES[stage].toLowerCase()}`;
    return reply.page('peer-review/stage-form.njk', {
      ...frame(p, `${state.errors.length > 0 ? 'Error: ' : ''}${heading}`, [
        { href: `/peer-reviews/${record.id}`, text: record.title },
      ]),
      heading,
      correcting,
      action: `/peer-reviews/${record.id}/stages/${stage}${correcting ? '/correct' : ''}`,
      view,
      stage: view.stages.find((s) => s.stage === stage),
      values: state.values,
      errorList: state.errors,
      errors: errorsByField(state.errors),
    });
  };

  /** The review and stage an officer may record now, or the page saying why not. */
  const stageTarget = async (request: FastifyRequest<WithStage>, reply: FastifyReply, p: Partnership) => {
    const record = await reviewFor(request.params.id);
    if (record === undefined || !isStage(request.params.stage))
      return { page: await notFound(request, reply, p) };
    const refusal = stageProblem(record, request.params.stage, today(), today());
    if (refusal?.kind === 'conflict') return { page: await problemPage(request, reply, p, refusal) };
    return { record, stage: request.params.stage };
  };

  app.get<WithStage>('/peer-reviews/:id/stages/:stage', OFFICERS, async (request, reply) => {
    const p = await partnership();
    const found = await stageTarget(request, reply, p);
    if (found.record === undefined) return found.page;
    return renderStageForm(reply, p, found.record, found.stage, { values: emptyStageForm, errors: [] });
  });

  app.post<WithStage>('/peer-reviews/:id/stages/:stage', OFFICERS, async (request, reply) => {
    const p = await partnership();
    const found = await stageTarget(request, reply, p);
    if (found.record === undefined) return found.page;
    const values = stageFormValues(request.body);
    const { input, errors } = stageInputOf(found.stage, values);
    const toForm = (issues: readonly Issue[]) =>
      renderStageForm(reply, p, found.record, found.stage, {
        values,
        errors: inFieldOrder(combinedErrors(errors, issues, stageFieldOf), ['doneOn-day', 'summary', 'link']),
      });
    if (errors.length > 0) {
      const checked = checkStage(input);
      return toForm(checked.ok ? [] : checked.error);
    }
    const result = await recordStage(domain(), signedInActor(request), found.record.id, input);
    if (!result.ok) {
      if (result.error.kind !== 'bad-input') return problemPage(request, reply, p, result.error);
      return toForm(result.error.issues ?? []);
    }
    return reply.redirect(`/peer-reviews/${found.record.id}?done=stage#timeline`, 303);
  });

  // ----------------------------------------------------------------------------------------------------------------
  // Correcting a stage recorded wrongly: a new version, with why

  /** The review and stage an officer may correct (one recorded), or the page saying why not. */
  const correctionTarget = async (
    request: FastifyRequest<WithStage>,
    reply: FastifyReply,
    p: Partnership,
  ) => {
    const record = await reviewFor(request.params.id);
    if (record === undefined || !isStage(request.params.stage)) {
      return { page: await notFound(request, reply, p) };
    }
    const current = record.stages.filter((s) => s.stage === request.params.stage).at(-1);
    if (current === undefined) {
      const refusal = correctionProblem(record, request.params.stage, today(), today());
      return {
        page: await problemPage(request, reply, p, refusal ?? problem('conflict', 'Nothing to correct.')),
      };
    }
    return { record, stage: request.params.stage, current };
  };

  const CORRECTION_FIELDS = ['doneOn-day', 'summary', 'link', 'reason'];

  app.get<WithStage>('/peer-reviews/:id/stages/:stage/correct', OFFICERS, async (request, reply) => {
    const p = await partnership();
    const found = await correctionTarget(request, reply, p);
    if (found.record === undefined) return found.page;
    return renderStageForm(reply, p, found.record, found.stage, {
      values: stageFormFrom(found.current),
      errors: [],
      correcting: true,
    });
  });

  app.post<WithStage>('/peer-reviews/:id/stages/:stage/correct', OFFICERS, async (request, reply) => {
    const p = await partnership();
    const found = await correctionTarget(request, reply, p);
    if (found.record === undefined) return found.page;
    const values = stageFormValues(request.body);
    const { input, errors } = correctionInputOf(found.stage, values);
    const toForm = (issues: readonly Issue[]) =>
      renderStageForm(reply, p, found.record, found.stage, {
        values,
        errors: inFieldOrder(combinedErrors(errors, issues, stageFieldOf), CORRECTION_FIELDS),
        correcting: true,
      });
    if (errors.length > 0) {
      const checked = checkCorrection(input);
      return toForm(checked.ok ? [] : checked.error);
    }
    const result = await correctStage(domain(), signedInActor(request), found.record.id, input);
    if (!result.ok) {
      if (result.error.kind !== 'bad-input') return problemPage(request, reply, p, result.error);
      return toForm(result.error.issues ?? []);
    }
    return reply.redirect(`/peer-reviews/${found.record.id}?done=corrected#stage-${found.stage}`, 303);
  });

  // ----------------------------------------------------------------------------------------------------------------
  // Adding an action to the plan

  const renderActionForm = (
    reply: FastifyReply,
    p: Partnership,
    record: ReviewRecord,
    state: { values: ActionFormValues; errors: FormError[] },
  ) => {
    if (state.errors.length > 0) reply.status(400);
    const day = today();
    return reply.page('peer-review/action-form.njk', {
      ...frame(p, `${state.errors.length > 0 ? 'Error: ' : ''}Add an action`, [
        { href: `/peer-reviews/${record.id}`, text: record.title },
      ]),
      view: reviewView(record, p, day),
      organisations: p.organisations.filter((o) => inForceOn(o, day)),
      values: state.values,
      errorList: state.errors,
      errors: errorsByField(state.errors),
    });
  };

  app.get<WithId>('/peer-reviews/:id/actions/new', OFFICERS, async (request, reply) => {
    const p = await partnership();
    const record = await reviewFor(request.params.id);
    if (record === undefined) return notFound(request, reply, p);
    return renderActionForm(reply, p, record, { values: emptyActionForm, errors: [] });
  });

  app.post<WithId>('/peer-reviews/:id/actions', OFFICERS, async (request, reply) => {
    const p = await partnership();
    const record = await reviewFor(request.params.id);
    if (record === undefined) return notFound(request, reply, p);
    const values = actionFormValues(request.body);
    const { input, errors } = actionInputOf(values);
    const toForm = (issues: readonly Issue[]) =>
      renderActionForm(reply, p, record, {
        values,
        errors: inFieldOrder(combinedErrors(errors, issues, actionFieldOf), [
          'action',
          'ownerOrganisation',
          'dueOn-day',
        ]),
      });
    if (errors.length > 0) {
      const checked = checkAction(input, p, today());
      return toForm(checked.ok ? [] : checked.error);
    }
    const result = await addAction(domain(), signedInActor(request), record.id, input);
    if (!result.ok) {
      if (result.error.kind !== 'bad-input') return problemPage(request, reply, p, result.error);
      return toForm(result.error.issues ?? []);
    }
    return reply.redirect(`/peer-reviews/${record.id}?done=action#actions`, 303);
  });

  // ----------------------------------------------------------------------------------------------------------------
  // Reporting an action's progress

  const renderProgressForm = (
    reply: FastifyReply,
    p: Partnership,
    record: ReviewRecord,
    actionId: number,
    state: { values: ProgressFormValues; errors: FormError[] },
  ) => {
    if (state.errors.length > 0) reply.status(400);
    const view = reviewView(record, p, today());
    return reply.page('peer-review/progress-form.njk', {
      ...frame(p, `${state.errors.length > 0 ? 'Error: ' : ''}Report progress on action ${actionId}`, [
        { href: `/peer-reviews/${record.id}`, text: record.title },
      ]),
      view,
      action: view.actions.find((a) => a.id === actionId),
      statuses: ACTION_STATUSES.map((s) => ({ value: s, text: ACTION_STATUS_NAMES[s] })),
      values: state.values,
      errorList: state.errors,
      errors: errorsByField(state.errors),
    });
  };

  const actionTarget = async (request: FastifyRequest<WithAction>, reply: FastifyReply, p: Partnership) => {
    const record = await reviewFor(request.params.id);
    const actionId = proposalNumber(request.params.actionId);
    if (record === undefined || actionId === undefined || !record.actions.some((a) => a.id === actionId)) {
      return { page: await notFound(request, reply, p) };
    }
    return { record, actionId };
  };

  app.get<WithAction>('/peer-reviews/:id/actions/:actionId/progress', OFFICERS, async (request, reply) => {
    const p = await partnership();
    const found = await actionTarget(request, reply, p);
    if (found.record === undefined) return found.page;
    return renderProgressForm(reply, p, found.record, found.actionId, {
      values: emptyProgressForm,
      errors: [],
    });
  });

  app.post<WithAction>('/peer-reviews/:id/actions/:actionId/progress', OFFICERS, async (request, reply) => {
    const p = await partnership();
    const found = await actionTarget(request, reply, p);
    if (found.record === undefined) return found.page;
    const values = progressFormValues(request.body);
    const { input, errors } = progressInputOf(values);
    const toForm = (issues: readonly Issue[]) =>
      renderProgressForm(reply, p, found.record, found.actionId, {
        values,
        errors: inFieldOrder(combinedErrors(errors, issues, progressFieldOf), ['status', 'asOf-day', 'note']),
      });
    if (errors.length > 0) {
      const checked = checkProgress(input);
      return toForm(checked.ok ? [] : checked.error);
    }
    const result = await reportProgress(
      domain(),
      signedInActor(request),
      found.record.id,
      found.actionId,
      input,
    );
    if (!result.ok) {
      if (result.error.kind !== 'bad-input') return problemPage(request, reply, p, result.error);
      return toForm(result.error.issues ?? []);
    }
    return reply.redirect(`/peer-reviews/${found.record.id}?done=progress#action-${found.actionId}`, 303);
  });
}
