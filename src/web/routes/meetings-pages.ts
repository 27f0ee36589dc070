/**
 * @module web/routes/meetings-pages
 * Meetings in public: the calendar, each meeting's page (agenda, papers, attendance and quorum, declarations,
 * decisions with their votes, actions, questions from the public and their answers, the minutes, the history), each
 * body's members and their interests, and the register of interests — all public. Officers record what happens
 * through the forms (web/routes/meeting-forms.ts); anyone may ask a question before the meeting. Every form works
 * without JavaScript, carries its CSRF token, and keeps what was typed when it shows an error.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { systemClock, type AccessRule } from '../../access/index.js';
import { problem, type Issue, type Problem } from '../../core/problem.js';
import { listSubmitted, type Actor, type GovernanceContext } from '../../governance/index.js';
import {
  CLERK_ROLES,
  QUESTION_CLEAR_DAYS,
  allRegisters,
  bodyRegister,
  changeRegister,
  getMeeting,
  listMeetings,
  questionsOpen,
  recordAtMeeting,
  scheduleMeeting,
  type CommandName,
} from '../../governance/meetings/index.js';
import type { Partnership } from '../../partnership/index.js';
import { londonDay } from '../../partnership/views.js';
import { meetingsCalendar } from '../meetings-calendar.js';
import { memberView, meetingSummary, meetingView } from '../meetings-view.js';
import { replyWithProblem } from '../problem.js';
import type { AppContext } from '../server.js';
import { currentPartnership } from './current-partnership.js';
import { actorOf } from './governance-api.js';
import { errorsByField, formErrors, inFieldOrder, type FormError } from './governance-forms.js';
import {
  formValues,
  inputOf,
  londonDateTime,
  meetingForm,
  registerForm,
  scheduleForm,
  seatOfValue,
  type FormSpec,
  type FormValues,
} from './meeting-forms.js';

const page = (access: AccessRule, extra: { anonymousForm?: boolean } = {}) => ({
  config: { access, ...extra },
  schema: { hide: true },
});
const PUBLIC = page('public');
const CLERKS = page({ signedIn: true, anyRole: CLERK_ROLES });

const DONE: Record<string, string> = {
  scheduled: 'The meeting is scheduled and published in the calendar.',
  item: 'The item is on the agenda.',
  paper: 'The paper is published.',
  question: 'Thank you: your question is published on this page and will be answered at the meeting.',
  answer: 'The answer is recorded.',
  attendance: 'The attendance is recorded.',
  declaration: 'The declaration is recorded.',
  decision: 'The decision is recorded and published in the decision register.',
  action: 'The action is recorded.',
  minutes: 'The draft minutes are saved and published, marked as a draft.',
  approval: 'The approval of the minutes is recorded; the approved minutes are published.',
  cancel: 'The meeting is cancelled.',
  appoint: 'The appointment is recorded.',
  end: 'The end of the appointment is recorded.',
  interest: 'The interest is in the register.',
  'end-interest': 'The end of the interest is recorded.',
};

/** The commands officers record through /meetings/:id/record/:command (questions have their own public form). */
const OFFICER_COMMANDS: readonly CommandName[] = [
  'item',
  'paper',
  'answer',
  'attendance',
  'declaration',
  'decision',
  'action',
  'minutes',
  'approval',
  'cancel',
];
const REGISTER_CHANGES = {
  appoint: 'appointed',
  end: 'appointment-ended',
  interest: 'interest-registered',
  'end-interest': 'interest-ended',
} as const;

const idOf = (text: string): number | undefined =>
  /^[1-9][0-9]{0,14}$/.test(text) ? Number(text) : undefined;

type WithId = { Params: { id: string }; Querystring: { done?: string } };
type WithCommand = { Params: { id: string; command: string } };
type WithBody = { Params: { body: string }; Querystring: { done?: string } };
type WithChange = { Params: { body: string; change: string } };

export async function meetingsPages(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const clock = ctx.clock ?? systemClock;
  const governance = (): GovernanceContext => {
    const now = clock();
    return { db: ctx.db, partnershipId: ctx.partnershipId, today: londonDay(now), now };
  };
  const actor = (request: FastifyRequest): Actor | undefined => actorOf(request.principal);
  const isClerk = (request: FastifyRequest) =>
    actor(request)?.roles.some((r) => (CLERK_ROLES as readonly string[]).includes(r)) === true;

  const frame = (p: Partnership, title: string, crumbs: { href: string; text: string }[] = []) => ({
    partnership: p.info,
    section: 'meetings',
    title,
    breadcrumbs: [{ href: '/', text: 'Partnership' }, { href: '/meetings', text: 'Meetings' }, ...crumbs],
  });
  const problemPage = (request: FastifyRequest, reply: FastifyReply, p: Partnership, what: Problem) =>
    replyWithProblem(request, reply, what, undefined, { partnership: p.info });
  const noMeeting = (request: FastifyRequest, reply: FastifyReply, p: Partnership) =>
    problemPage(
      request,
      reply,
      p,
      problem('not-found', 'There is no such meeting.', 'See the calendar at /meetings.'),
    );

  const renderForm = (
    reply: FastifyReply,
    p: Partnership,
    state: {
      form: FormSpec;
      values: FormValues;
      issues: readonly Issue[];
      action: string;
      back: { href: string; text: string };
      context: string;
      crumbs: { href: string; text: string }[];
    },
  ) => {
    const order = state.form.fields.map((f) => f.name);
    const errors: FormError[] = inFieldOrder(
      formErrors(state.issues, (path) => {
        const field = /^[a-zA-Z]+/.exec(path ?? '')?.[0];
        if (field === 'startsAt') return 'date';
        if (field === 'organisation' || field === 'constituency' || field === 'role') return 'seat';
        return field !== undefined && order.includes(field) ? field : (order[0] ?? 'main');
      }),
      order,
    );
    if (errors.length > 0) reply.status(400);
    return reply.page('meetings/form.njk', {
      ...frame(p, `${errors.length > 0 ? 'Error: ' : ''}${state.form.title}`, state.crumbs),
      form: state.form,
      values: state.values,
      errorList: errors,
      errors: errorsByField(errors),
      action: state.action,
      back: state.back,
      context: state.context,
    });
  };

  // ----------------------------------------------------------------------------------------------------------------
  // The calendar

  app.get<{ Querystring: { body?: string; done?: string } }>('/meetings', PUBLIC, async (request, reply) => {
    const p = await currentPartnership(ctx);
    const body = p.bodies.find((b) => b.id === request.query.body);
    const meetings = (await listMeetings(ctx.db, ctx.partnershipId, body?.id)).map((m) =>
      meetingSummary(p, m),
    );
    const today = londonDay(clock());
    return reply.page('meetings/meetings.njk', {
      ...frame(p, body === undefined ? 'Meetings' : `Meetings of the ${body.name}`),
      breadcrumbs: [{ href: '/', text: 'Partnership' }],
      upcoming: meetings.filter((m) => m.day >= today && m.status !== 'held'),
      past: meetings.filter((m) => !(m.day >= today && m.status !== 'held')).reverse(),
      bodies: p.bodies.map((b) => ({ id: b.id, name: b.name })),
      body: body?.id ?? '',
      mayRecord: isClerk(request),
    });
  });

  app.get('/meetings.ics', PUBLIC, async (_request, reply) => {
    const p = await currentPartnership(ctx);
    const meetings = await listMeetings(ctx.db, ctx.partnershipId);
    return reply
      .type('text/calendar; charset=utf-8')
      .header('content-disposition', 'inline; filename="meetings.ics"')
      .send(meetingsCalendar(p, meetings, ctx.config.publicUrl, clock()));
  });

  app.get('/meetings/new', CLERKS, async (_request, reply) => {
    const p = await currentPartnership(ctx);
    const form = scheduleForm(p, londonDay(clock()));
    return renderForm(reply, p, {
      form,
      values: formValues(form.fields, {}),
      issues: [],
      action: '/meetings',
      back: { href: '/meetings', text: 'Back to the meetings' },
      context: 'Meetings',
      crumbs: [],
    });
  });

  app.post('/meetings', CLERKS, async (request, reply) => {
    const p = await currentPartnership(ctx);
    const form = scheduleForm(p, londonDay(clock()));
    const values = formValues(form.fields, request.body);
    const text = (name: string) => {
      const v = values[name];
      return typeof v === 'string' ? v.trim() : '';
    };
    const startsAt = londonDateTime(text('date'), text('time'));
    const toForm = (issues: readonly Issue[]) =>
      renderForm(reply, p, {
        form,
        values,
        issues,
        action: '/meetings',
        back: { href: '/meetings', text: 'Back to the meetings' },
        context: 'Meetings',
        crumbs: [],
      });
    if (startsAt === undefined) {
      const issues: Issue[] = [];
      if (!/^\d{4}-\d{2}-\d{2}$/.test(text('date')))
        issues.push({ path: 'date', message: 'Enter the date as YYYY-MM-DD, for example 2025-06-12' });
      if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(text('time')))
        issues.push({
          path: 'time',
          message: 'Enter the time as HH:MM on the 24-hour clock, for example 14:00',
        });
      if (issues.length === 0) issues.push({ path: 'date', message: 'Enter a real date' });
      if (text('body') === '') issues.push({ path: 'body', message: 'Choose the body' });
      if (text('location') === '')
        issues.push({ path: 'location', message: 'Enter where the meeting is held' });
      return toForm(issues);
    }
    const result = await scheduleMeeting(governance(), actor(request), {
      body: text('body'),
      startsAt,
      location: text('location'),
    });
    if (!result.ok) {
      if (result.error.kind !== 'bad-input') return problemPage(request, reply, p, result.error);
      return toForm(result.error.issues ?? []);
    }
    return reply.redirect(`/meetings/${result.value.id}?done=scheduled`, 303);
  });

  // ----------------------------------------------------------------------------------------------------------------
  // A meeting

  app.get<WithId>('/meetings/:id', PUBLIC, async (request, reply) => {
    const p = await currentPartnership(ctx);
    const id = idOf(request.params.id);
    const meeting = id === undefined ? undefined : await getMeeting(ctx.db, ctx.partnershipId, id);
    if (meeting === undefined) return noMeeting(request, reply, p);
    const body = p.bodies.find((b) => b.id === meeting.bodyId);
    if (body === undefined) throw new Error(`meeting ${meeting.id}'s body is not in the partnership`);
    const register = await bodyRegister(ctx.db, ctx.partnershipId, body.id);
    const mayRecord = isClerk(request);
    const view = meetingView(p, body, meeting, register, { mayRecord });
    return reply.page('meetings/meeting.njk', {
      ...frame(p, `${body.name}, ${view.day}`),
      meeting: view,
      mayRecord,
      questionsOpen: questionsOpen(meeting, londonDay(clock())),
      questionClearDays: QUESTION_CLEAR_DAYS,
      done: DONE[request.query.done ?? ''],
    });
  });

  /** What a meeting's forms draw their choices from. */
  const formData = async (p: Partnership, meetingId: number) => {
    const meeting = await getMeeting(ctx.db, ctx.partnershipId, meetingId);
    if (meeting === undefined) return undefined;
    const register = await bodyRegister(ctx.db, ctx.partnershipId, meeting.bodyId);
    const proposals = (await listSubmitted(ctx.db, ctx.partnershipId))
      .filter((s) => s.routing?.bodies.includes(meeting.bodyId) === true)
      .map((s) => ({ id: s.id, title: s.title }));
    const meetings = await listMeetings(ctx.db, ctx.partnershipId, meeting.bodyId);
    return { partnership: p, meeting, register, proposals, meetings };
  };

  const meetingFormPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    meetingId: number | undefined,
    command: string,
    body: unknown,
  ) => {
    const p = await currentPartnership(ctx);
    const data = meetingId === undefined ? undefined : await formData(p, meetingId);
    if (data === undefined) return noMeeting(request, reply, p);
    const form = meetingForm(command, data);
    if (form === undefined) return noMeeting(request, reply, p);
    const bodyName = p.bodies.find((b) => b.id === data.meeting.bodyId)?.name ?? data.meeting.bodyId;
    const path =
      command === 'question'
        ? `/meetings/${data.meeting.id}/questions`
        : `/meetings/${data.meeting.id}/record/${command}`;
    const values = formValues(form.fields, body ?? {});
    const show = (issues: readonly Issue[]) =>
      renderForm(reply, p, {
        form,
        values,
        issues,
        action: path,
        back: { href: `/meetings/${data.meeting.id}`, text: 'Back to the meeting' },
        context: `${bodyName}, ${data.meeting.day}`,
        crumbs: [{ href: `/meetings/${data.meeting.id}`, text: `${bodyName}, ${data.meeting.day}` }],
      });
    if (body === undefined) return show([]);
    const result = await recordAtMeeting(
      governance(),
      actor(request),
      data.meeting.id,
      command as CommandName,
      inputOf(form.fields, values),
    );
    if (!result.ok) {
      if (result.error.kind !== 'bad-input') return problemPage(request, reply, p, result.error);
      return show(result.error.issues ?? []);
    }
    return reply.redirect(`/meetings/${data.meeting.id}?done=${command}`, 303);
  };

  app.get<WithCommand>('/meetings/:id/record/:command', CLERKS, async (request, reply) =>
    OFFICER_COMMANDS.includes(request.params.command as CommandName)
      ? meetingFormPage(request, reply, idOf(request.params.id), request.params.command, undefined)
      : noMeeting(request, reply, await currentPartnership(ctx)),
  );
  app.post<WithCommand>('/meetings/:id/record/:command', CLERKS, async (request, reply) =>
    OFFICER_COMMANDS.includes(request.params.command as CommandName)
      ? meetingFormPage(request, reply, idOf(request.params.id), request.params.command, request.body ?? {})
      : noMeeting(request, reply, await currentPartnership(ctx)),
  );

  // Questions from the public: no sign-in, so the form carries a pre-session CSRF token.
  app.get<WithId>(
    '/meetings/:id/questions/new',
    page('public', { anonymousForm: true }),
    async (request, reply) => meetingFormPage(request, reply, idOf(request.params.id), 'question', undefined),
  );
  app.post<WithId>('/meetings/:id/questions', PUBLIC, async (request, reply) =>
    meetingFormPage(request, reply, idOf(request.params.id), 'question', request.body ?? {}),
  );

  // ----------------------------------------------------------------------------------------------------------------
  // Bodies' members, and the register of interests

  app.get<WithBody>('/bodies/:body/members', PUBLIC, async (request, reply) => {
    const p = await currentPartnership(ctx);
    const body = p.bodies.find((b) => b.id === request.params.body);
    if (body === undefined) {
      return problemPage(
        request,
        reply,
        p,
        problem('not-found', 'There is no such body.', 'See the bodies at /bodies.'),
      );
    }
    const register = await bodyRegister(ctx.db, ctx.partnershipId, body.id);
    return reply.page('meetings/members.njk', {
      ...frame(p, `Members of the ${body.name}`, [{ href: `/bodies/${body.id}`, text: body.name }]),
      body: { id: body.id, name: body.name, quorum: body.quorum.description },
      current: register.filter((m) => m.to === undefined).map((m) => memberView(p, m)),
      former: register.filter((m) => m.to !== undefined).map((m) => memberView(p, m)),
      mayRecord: isClerk(request),
      done: DONE[request.query.done ?? ''],
    });
  });

  const registerFormPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    params: WithChange['Params'],
    posted: unknown,
  ) => {
    const p = await currentPartnership(ctx);
    const body = p.bodies.find((b) => b.id === params.body);
    const change = REGISTER_CHANGES[params.change as keyof typeof REGISTER_CHANGES] as
      (typeof REGISTER_CHANGES)[keyof typeof REGISTER_CHANGES] | undefined;
    if (body === undefined || change === undefined) {
      return problemPage(
        request,
        reply,
        p,
        problem('not-found', 'There is no such page.', 'See the bodies at /bodies.'),
      );
    }
    const today = londonDay(clock());
    const register = await bodyRegister(ctx.db, ctx.partnershipId, body.id);
    const form = registerForm(params.change, p, body, register, today);
    if (form === undefined) throw new Error(`no form for ${params.change}`);
    const values = formValues(form.fields, posted ?? {});
    const show = (issues: readonly Issue[]) =>
      renderForm(reply, p, {
        form,
        values,
        issues,
        action: `/bodies/${body.id}/members/${params.change}`,
        back: { href: `/bodies/${body.id}/members`, text: 'Back to the members' },
        context: body.name,
        crumbs: [{ href: `/bodies/${body.id}/members`, text: `Members of the ${body.name}` }],
      });
    if (posted === undefined) return show([]);
    const input = inputOf(form.fields, values);
    if (params.change === 'appoint') {
      const seat = seatOfValue(typeof values.seat === 'string' ? values.seat : '');
      delete input.seat;
      Object.assign(input, seat);
    }
    const result = await changeRegister(governance(), actor(request), body.id, { kind: change, input });
    if (!result.ok) {
      if (result.error.kind !== 'bad-input') return problemPage(request, reply, p, result.error);
      return show(result.error.issues ?? []);
    }
    return reply.redirect(`/bodies/${body.id}/members?done=${params.change}`, 303);
  };

  app.get<WithChange>('/bodies/:body/members/:change', CLERKS, async (request, reply) =>
    registerFormPage(request, reply, request.params, undefined),
  );
  app.post<WithChange>('/bodies/:body/members/:change', CLERKS, async (request, reply) =>
    registerFormPage(request, reply, request.params, request.body ?? {}),
  );

  app.get('/interests', PUBLIC, async (_request, reply) => {
    const p = await currentPartnership(ctx);
    const registers = await allRegisters(ctx.db, ctx.partnershipId);
    const bodies = p.bodies
      .map((b) => ({
        id: b.id,
        name: b.name,
        members: (registers.get(b.id) ?? []).filter((m) => m.to === undefined).map((m) => memberView(p, m)),
      }))
      .filter((b) => b.members.length > 0);
    return reply.page('meetings/interests.njk', {
      ...frame(p, 'Register of interests'),
      breadcrumbs: [{ href: '/', text: 'Partnership' }],
      bodies,
    });
  });
}
