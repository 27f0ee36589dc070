/**
 * @module web/routes/governance-pages
 * Proposals as pages for people: the list of submitted proposals and their routings (public), a proposal with its
 * routing, rationale, challenges and history (public once submitted), and the forms to draft and edit a proposal
 * (officers), challenge a routing (members) and resolve a challenge (officers). Server-rendered with the NHS.UK
 * design system; every form works without JavaScript, carries its CSRF token, validates every field and, when it
 * shows an error, keeps what the person typed. Hidden from the OpenAPI document: the JSON API is governance-api.ts.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { systemClock, type AccessRule } from '../../access/index.js';
import { problem, type Issue, type Problem } from '../../core/problem.js';
import {
  CHALLENGING_ROLES,
  DRAFTING_ROLES,
  RESOLVING_ROLES,
  challengeRefusal,
  challengeRouting,
  checkProposal,
  createDraft,
  editDraft,
  factsOf,
  getProposal,
  listDrafts,
  listSubmitted,
  mayDraft,
  mayEdit,
  proposalDocument,
  proposalSummaryDocument,
  rationale,
  resolutionRefusal,
  resolveChallenge,
  routeProposal,
  RULE_NAMES,
  submitProposal,
  withdrawalRefusal,
  withdrawProposal,
  type Actor,
  type GovernanceContext,
  type ProposalRecord,
} from '../../governance/index.js';
import type { Partnership } from '../../partnership/index.js';
import { decisionOnProposal } from '../../governance/meetings/index.js';
import { inForceOn, londonDay } from '../../partnership/views.js';
import { replyWithProblem } from '../problem.js';
import type { AppContext } from '../server.js';
import { currentPartnership } from './current-partnership.js';
import { actorOf, proposalNumber } from './governance-api.js';
import {
  errorsByField,
  formText,
  formErrors,
  inFieldOrder,
  proposalFieldOf,
  proposalFormFromRecord,
  proposalFormValues,
  proposalInputOf,
  resolutionFormValues,
  resolutionInputOf,
  testEvidenceField,
  type FormError,
  type ProposalFormValues,
  type ResolutionFormValues,
} from './governance-forms.js';

const page = (access: AccessRule) => ({ config: { access }, schema: { hide: true } });
const PUBLIC = page('public');
const OFFICERS = page({ signedIn: true, anyRole: DRAFTING_ROLES });
const MEMBERS = page({ signedIn: true, anyRole: CHALLENGING_ROLES });
const RESOLVERS = page({ signedIn: true, anyRole: RESOLVING_ROLES });

/** Confirmation banners shown after an action, named in the address the action redirects to. */
const DONE: Record<string, string> = {
  drafted: 'Your draft is saved. Only you can see it until you submit it.',
  saved: 'Your changes to the draft are saved.',
  submitted: 'The proposal is submitted and routed. It is now public, with the reasons for its routing.',
  challenged: 'Your challenge is recorded and shown with the proposal. A governance officer will resolve it.',
  resolved: 'The challenge is resolved, and the resolution is recorded with the proposal.',
  withdrawn: 'The proposal is withdrawn. It stays public, marked withdrawn, with your reason.',
};

type WithId = { Params: { id: string }; Querystring: { done?: string } };
type WithChallenge = { Params: { id: string; challengeId: string } };

export async function governancePages(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const clock = ctx.clock ?? systemClock;
  const governance = (): GovernanceContext => {
    const now = clock();
    return { db: ctx.db, partnershipId: ctx.partnershipId, today: londonDay(now), now };
  };
  const actor = (request: FastifyRequest): Actor | undefined => actorOf(request.principal);

  const frame = (p: Partnership, title: string, crumbs: { href: string; text: string }[] = []) => ({
    partnership: p.info,
    section: 'proposals',
    title,
    breadcrumbs: [{ href: '/', text: 'Partnership' }, { href: '/proposals', text: 'Proposals' }, ...crumbs],
  });
  const problemPage = (request: FastifyRequest, reply: FastifyReply, p: Partnership, what: Problem) =>
    replyWithProblem(request, reply, what, undefined, { partnership: p.info });
  const notFound = (request: FastifyRequest, reply: FastifyReply, p: Partnership) =>
    problemPage(
      request,
      reply,
      p,
      problem('not-found', 'There is no such proposal.', 'See the list of proposals at /proposals.'),
    );

  /** The proposal a page is about, if this person may see it. */
  const proposalFor = async (
    request: FastifyRequest,
    idText: string,
  ): Promise<ProposalRecord | undefined> => {
    const id = proposalNumber(idText);
    return id === undefined ? undefined : getProposal(ctx.db, ctx.partnershipId, id, actor(request));
  };

  // ----------------------------------------------------------------------------------------------------------------
  // The list

  app.get('/proposals', PUBLIC, async (request, reply) => {
    const p = await currentPartnership(ctx);
    const who = actor(request);
    const submitted = await listSubmitted(ctx.db, ctx.partnershipId);
    const drafts = who !== undefined && mayDraft(who) ? await listDrafts(ctx.db, ctx.partnershipId, who) : [];
    return reply.page('governance/proposals.njk', {
      ...frame(p, 'Proposals'),
      breadcrumbs: [{ href: '/', text: 'Partnership' }],
      proposals: submitted.map((s) => proposalSummaryDocument(s, p)),
      drafts: drafts.map((s) => proposalSummaryDocument(s, p)),
      mayDraft: who !== undefined && mayDraft(who),
      tests: p.tests,
    });
  });

  // ----------------------------------------------------------------------------------------------------------------
  // Drafting and editing

  const renderForm = (
    reply: FastifyReply,
    p: Partnership,
    state: {
      values: ProposalFormValues;
      errors: FormError[];
      proposalId?: number;
    },
  ) => {
    const today = londonDay(clock());
    const editing = state.proposalId !== undefined;
    const title = editing ? 'Edit your draft proposal' : 'Draft a proposal';
    if (state.errors.length > 0) reply.status(400);
    return reply.page('governance/proposal-form.njk', {
      ...frame(
        p,
        `${state.errors.length > 0 ? 'Error: ' : ''}${title}`,
        editing ? [{ href: `/proposals/${state.proposalId}`, text: state.values.title || 'Draft' }] : [],
      ),
      heading: title,
      action: editing ? `/proposals/${state.proposalId}/edit` : '/proposals',
      values: state.values,
      errorList: state.errors,
      errors: errorsByField(state.errors),
      places: p.places.filter((place) => inForceOn(place, today)),
      programmes: p.programmes.filter((programme) => inForceOn(programme, today)),
      tests: p.tests.map((t) => ({ ...t, evidenceField: testEvidenceField(t.id) })),
    });
  };

  const fieldOrder = (p: Partnership) => [
    'title',
    'summary',
    'places',
    'programme',
    'money',
    'evidence',
    'tests',
    ...p.tests.map((t) => testEvidenceField(t.id)),
  ];

  /** Saves the form as a new draft or a new version; on bad input, the form again with every error. */
  const saveForm = async (request: FastifyRequest, reply: FastifyReply, proposalId: number | undefined) => {
    const p = await currentPartnership(ctx);
    const who = actor(request);
    if (who === undefined) throw new Error('a route for officers reached its handler without one');
    const values = proposalFormValues(
      request.body,
      p.tests.map((t) => t.id),
    );
    const { input, moneyError } = proposalInputOf(values);
    const toForm = (issues: readonly Issue[]) =>
      renderForm(reply, p, {
        values,
        errors: inFieldOrder(
          [
            ...(moneyError === undefined ? [] : [moneyError]),
            ...formErrors(issues, (path) => proposalFieldOf(path, input)),
          ],
          fieldOrder(p),
        ),
        ...(proposalId === undefined ? {} : { proposalId }),
      });
    if (moneyError !== undefined) {
      // The money box is not an amount, so nothing may be saved: the rest of the form is only checked, so that every
      // error shows at once. (The domain saw no money, so what it would say about the money is beside the point.)
      const checked = checkProposal(input, p, londonDay(clock()));
      return toForm(checked.ok ? [] : checked.error.filter((issue) => issue.path !== 'moneyPence'));
    }
    const result =
      proposalId === undefined
        ? await createDraft(governance(), who, input)
        : // A version that is not a number is sent as it is, and the domain names it as the problem.
          await editDraft(
            governance(),
            who,
            proposalId,
            /^\d+$/.test(values.version) ? Number(values.version) : values.version,
            input,
          );
    if (!result.ok) {
      if (result.error.kind !== 'bad-input') return problemPage(request, reply, p, result.error);
      return toForm(result.error.issues ?? []);
    }
    return reply.redirect(
      `/proposals/${result.value.id}?done=${proposalId === undefined ? 'drafted' : 'saved'}`,
      303,
    );
  };

  app.get('/proposals/new', OFFICERS, async (_request, reply) => {
    const p = await currentPartnership(ctx);
    return renderForm(reply, p, { values: proposalFormValues({}, []), errors: [] });
  });

  app.post('/proposals', OFFICERS, async (request, reply) => saveForm(request, reply, undefined));

  app.get<WithId>('/proposals/:id/edit', OFFICERS, async (request, reply) => {
    const p = await currentPartnership(ctx);
    const record = await proposalFor(request, request.params.id);
    if (record === undefined) return notFound(request, reply, p);
    if (!mayEdit(actor(request), factsOf(record))) {
      return problemPage(
        request,
        reply,
        p,
        problem(
          'conflict',
          'This proposal can no longer be edited.',
          'It has been submitted; see its routing.',
        ),
      );
    }
    return renderForm(reply, p, {
      values: proposalFormFromRecord(record),
      errors: [],
      proposalId: record.id,
    });
  });

  app.post<WithId>('/proposals/:id/edit', OFFICERS, async (request, reply) => {
    const id = proposalNumber(request.params.id);
    if (id === undefined) return notFound(request, reply, await currentPartnership(ctx));
    return saveForm(request, reply, id);
  });

  app.post<WithId>('/proposals/:id/submit', OFFICERS, async (request, reply) => {
    const p = await currentPartnership(ctx);
    const id = proposalNumber(request.params.id);
    const who = actor(request);
    if (id === undefined || who === undefined) return notFound(request, reply, p);
    const version = Number(formText(request.body, 'version'));
    const result = await submitProposal(governance(), who, id, version);
    if (!result.ok) return problemPage(request, reply, p, result.error);
    return reply.redirect(`/proposals/${id}?done=submitted`, 303);
  });

  // ----------------------------------------------------------------------------------------------------------------
  // A proposal

  app.get<WithId>('/proposals/:id', PUBLIC, async (request, reply) => {
    const p = await currentPartnership(ctx);
    const record = await proposalFor(request, request.params.id);
    if (record === undefined) return notFound(request, reply, p);
    const who = actor(request);
    const facts = factsOf(record);
    const doc = proposalDocument(record, p);
    // A draft shows where it would go if submitted today, so the proposer sees the routing before committing to it.
    let preview: { ruleName: string; rationale: string[] } | undefined;
    if (!facts.submitted) {
      const input = {
        places: record.content.places,
        programme: record.content.programme,
        moneyPence: record.content.moneyPence,
        tests: record.content.tests.map((t) => t.test),
      };
      const routing = routeProposal(p, input, londonDay(clock()));
      preview = { ruleName: RULE_NAMES[routing.rule], rationale: rationale(p, input, routing) };
    }
    const done = request.query.done === undefined ? undefined : DONE[request.query.done];
    return reply.page('governance/proposal.njk', {
      ...frame(p, doc.title),
      doc,
      done,
      preview,
      mayEdit: mayEdit(who, facts),
      mayChallenge: facts.submitted && challengeRefusal(who, facts) === undefined,
      mayWithdraw:
        withdrawalRefusal(who, facts, await decisionOnProposal(ctx.db, ctx.partnershipId, record.id)) ===
        undefined,
      mayResolve: Object.fromEntries(
        record.challenges.map((c) => [String(c.id), resolutionRefusal(who, facts, c.id) === undefined]),
      ),
    });
  });

  // ----------------------------------------------------------------------------------------------------------------
  // Withdrawing a submitted proposal: one reason, on the meetings' generic form.

  const WITHDRAWAL_FORM = {
    title: 'Withdraw this proposal',
    lead: 'A withdrawn proposal stays public, marked withdrawn, with your reason; no meeting will take it. It cannot be undone.',
    submit: 'Withdraw the proposal',
    fields: [{ name: 'reason', label: 'Why it is withdrawn', kind: 'textarea' }],
  } as const;
  const renderWithdrawal = (
    reply: FastifyReply,
    p: Partnership,
    record: ProposalRecord,
    reason: string,
    issues: readonly Issue[],
  ) => {
    const errors = formErrors(issues, () => 'reason');
    if (errors.length > 0) reply.status(400);
    return reply.page('meetings/form.njk', {
      ...frame(p, `${errors.length > 0 ? 'Error: ' : ''}Withdraw this proposal`, [
        { href: `/proposals/${record.id}`, text: record.content.title },
      ]),
      form: WITHDRAWAL_FORM,
      values: { reason },
      errorList: errors,
      errors: errorsByField(errors),
      action: `/proposals/${record.id}/withdraw`,
      back: { href: `/proposals/${record.id}`, text: 'Back to the proposal' },
      context: `Proposal ${record.id}`,
    });
  };

  app.get<WithId>('/proposals/:id/withdraw', OFFICERS, async (request, reply) => {
    const p = await currentPartnership(ctx);
    const record = await proposalFor(request, request.params.id);
    if (record === undefined) return notFound(request, reply, p);
    const refusal = withdrawalRefusal(
      actor(request),
      factsOf(record),
      await decisionOnProposal(ctx.db, ctx.partnershipId, record.id),
    );
    if (refusal !== undefined) return problemPage(request, reply, p, problem(refusal.kind, refusal.message));
    return renderWithdrawal(reply, p, record, '', []);
  });

  app.post<WithId>('/proposals/:id/withdraw', OFFICERS, async (request, reply) => {
    const p = await currentPartnership(ctx);
    const record = await proposalFor(request, request.params.id);
    const who = actor(request);
    if (record === undefined || who === undefined) return notFound(request, reply, p);
    const reason = formText(request.body, 'reason');
    const result = await withdrawProposal(governance(), who, record.id, { reason });
    if (!result.ok) {
      if (result.error.kind !== 'bad-input') return problemPage(request, reply, p, result.error);
      return renderWithdrawal(reply, p, record, reason, result.error.issues ?? []);
    }
    return reply.redirect(`/proposals/${record.id}?done=withdrawn`, 303);
  });

  // ----------------------------------------------------------------------------------------------------------------
  // Challenging a routing

  const renderChallenge = (
    reply: FastifyReply,
    p: Partnership,
    record: ProposalRecord,
    state: { reason: string; errors: FormError[] },
  ) => {
    if (state.errors.length > 0) reply.status(400);
    return reply.page('governance/challenge.njk', {
      ...frame(p, `${state.errors.length > 0 ? 'Error: ' : ''}Challenge the routing`, [
        { href: `/proposals/${record.id}`, text: record.content.title },
      ]),
      doc: proposalDocument(record, p),
      reason: state.reason,
      errorList: state.errors,
      errors: errorsByField(state.errors),
    });
  };

  /** The proposal a member may challenge now, or the page saying why not. */
  const challengeable = async (request: FastifyRequest<WithId>, reply: FastifyReply, p: Partnership) => {
    const record = await proposalFor(request, request.params.id);
    if (record === undefined) return { page: await notFound(request, reply, p) };
    const refusal = challengeRefusal(actor(request), factsOf(record));
    if (refusal !== undefined)
      return { page: await problemPage(request, reply, p, problem(refusal.kind, refusal.message)) };
    return { record };
  };

  app.get<WithId>('/proposals/:id/challenge', MEMBERS, async (request, reply) => {
    const p = await currentPartnership(ctx);
    const found = await challengeable(request, reply, p);
    if (found.record === undefined) return found.page;
    return renderChallenge(reply, p, found.record, { reason: '', errors: [] });
  });

  app.post<WithId>('/proposals/:id/challenge', MEMBERS, async (request, reply) => {
    const p = await currentPartnership(ctx);
    const found = await challengeable(request, reply, p);
    if (found.record === undefined) return found.page;
    const who = actor(request);
    if (who === undefined) throw new Error('a route for members reached its handler without one');
    const reason = formText(request.body, 'reason');
    const result = await challengeRouting(governance(), who, found.record.id, { reason });
    if (!result.ok) {
      if (result.error.kind !== 'bad-input') return problemPage(request, reply, p, result.error);
      const errors = formErrors(result.error.issues ?? [], () => 'reason');
      return renderChallenge(reply, p, found.record, { reason, errors });
    }
    return reply.redirect(`/proposals/${found.record.id}?done=challenged#challenges`, 303);
  });

  // ----------------------------------------------------------------------------------------------------------------
  // Resolving a challenge

  const renderResolution = (
    reply: FastifyReply,
    p: Partnership,
    record: ProposalRecord,
    challengeId: number,
    state: { values: ResolutionFormValues; errors: FormError[] },
  ) => {
    if (state.errors.length > 0) reply.status(400);
    const doc = proposalDocument(record, p);
    return reply.page('governance/resolve.njk', {
      ...frame(p, `${state.errors.length > 0 ? 'Error: ' : ''}Resolve challenge ${challengeId}`, [
        { href: `/proposals/${record.id}`, text: record.content.title },
      ]),
      doc,
      challenge: doc.challenges.find((c) => c.id === challengeId),
      values: state.values,
      errorList: state.errors,
      errors: errorsByField(state.errors),
    });
  };

  /** The proposal and challenge an officer may resolve now, or the page saying why not. */
  const resolvable = async (request: FastifyRequest<WithChallenge>, reply: FastifyReply, p: Partnership) => {
    const record = await proposalFor(request, request.params.id);
    const challengeId = proposalNumber(request.params.challengeId);
    if (record === undefined || challengeId === undefined) return { page: await notFound(request, reply, p) };
    const refusal = resolutionRefusal(actor(request), factsOf(record), challengeId);
    if (refusal !== undefined)
      return { page: await problemPage(request, reply, p, problem(refusal.kind, refusal.message)) };
    return { record, challengeId };
  };

  app.get<WithChallenge>(
    '/proposals/:id/challenges/:challengeId/resolve',
    RESOLVERS,
    async (request, reply) => {
      const p = await currentPartnership(ctx);
      const found = await resolvable(request, reply, p);
      if (found.record === undefined) return found.page;
      return renderResolution(reply, p, found.record, found.challengeId, {
        values: { outcome: '', reason: '', testsNotMet: [], reservedToPartners: false },
        errors: [],
      });
    },
  );

  app.post<WithChallenge>(
    '/proposals/:id/challenges/:challengeId/resolve',
    RESOLVERS,
    async (request, reply) => {
      const p = await currentPartnership(ctx);
      const found = await resolvable(request, reply, p);
      if (found.record === undefined) return found.page;
      const who = actor(request);
      if (who === undefined) throw new Error('a route for officers reached its handler without one');
      const values = resolutionFormValues(request.body);
      const result = await resolveChallenge(
        governance(),
        who,
        found.record.id,
        found.challengeId,
        resolutionInputOf(values),
      );
      if (!result.ok) {
        // "Upholding would change nothing" is about what was chosen on this form: shown on it, like a field's error.
        if (result.error.kind === 'conflict' && values.outcome === 'upheld') {
          return renderResolution(reply, p, found.record, found.challengeId, {
            values,
            errors: [{ text: `${result.error.title} ${result.error.fix ?? ''}`.trim(), href: '#outcome' }],
          });
        }
        if (result.error.kind !== 'bad-input') return problemPage(request, reply, p, result.error);
        const fieldOf = (path: string | undefined) =>
          path?.startsWith('testsNotMet') === true ? 'testsNotMet' : (path ?? 'outcome').replace(/\[.*$/, '');
        const errors = inFieldOrder(formErrors(result.error.issues ?? [], fieldOf), [
          'outcome',
          'testsNotMet',
          'reservedToPartners',
          'reason',
        ]);
        return renderResolution(reply, p, found.record, found.challengeId, { values, errors });
      }
      return reply.redirect(
        `/proposals/${found.record.id}?done=resolved#challenge-${found.challengeId}`,
        303,
      );
    },
  );
}
