/**
 * @module web/routes/identity-pages
 * Record matching for registration officers (R8008): the review queue, a review with both records side by side and
 * the evidence, the decision form, and a person's records and history with a form to undo each merge. Server-rendered,
 * working without JavaScript, every form with its CSRF token. Hidden from the OpenAPI document: the JSON API is
 * identity-api.ts. Identifiable details are shown only here, to the role that needs them to decide.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { systemClock, type AccessRule } from '../../access/index.js';
import { problem, type Problem } from '../../core/problem.js';
import {
  decideReview,
  indexProvider,
  personView,
  REVIEWING_ROLES,
  reviewQueue,
  reviewView,
  unmerge,
  type PersonView,
  type ReviewView,
  type StoredRecord,
} from '../../identity/index/index.js';
import { formatNhsNumber } from '../../identity/nhs-number.js';
import type { Partnership } from '../../partnership/index.js';
import { replyWithProblem } from '../problem.js';
import type { AppContext } from '../server.js';
import { currentPartnership } from './current-partnership.js';
import { isPersonId, officerOf, positiveNumber } from './identity-api.js';

const OFFICERS_ONLY: AccessRule = { signedIn: true, anyRole: REVIEWING_ROLES };
const OFFICERS = { config: { access: OFFICERS_ONLY }, schema: { hide: true } };
const PAGE_SIZE = 50;

const FIELD_NAMES: Record<string, string> = {
  nhsNumber: 'NHS number',
  forename: 'Forename',
  surname: 'Surname',
  dateOfBirth: 'Date of birth',
  sex: 'Sex',
  postcode: 'Postcode',
  address: 'Address',
  email: 'Email',
  otherIdentifier: 'Other identifier',
};

const nhs = (r: StoredRecord) =>
  r.demographics.nhsNumber === undefined ? undefined : formatNhsNumber(r.demographics.nhsNumber);

/** The rows of the side-by-side table: where the records came from, then each detail. */
function comparisonRows(review: ReviewView) {
  const detail = (r: StoredRecord, field: string) =>
    field === 'nhsNumber' ? nhs(r) : (r.demographics as Record<string, string | undefined>)[field];
  return [
    { label: 'From', left: review.record.organisation, right: review.candidate.organisation },
    { label: 'Their record id', left: review.record.localId, right: review.candidate.localId },
    ...Object.entries(FIELD_NAMES).map(([field, label]) => ({
      label,
      left: detail(review.record, field),
      right: detail(review.candidate, field),
    })),
  ];
}

interface FormState {
  readonly values: Record<string, string>;
  readonly errors: Record<string, string>;
  readonly errorList: readonly { text: string; href: string }[];
}
const EMPTY: FormState = { values: {}, errors: {}, errorList: [] };
const formField = (body: unknown, name: string): string => {
  const value =
    typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[name] : undefined;
  return typeof value === 'string' ? value : '';
};

export async function identityPages(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const clock = ctx.clock ?? systemClock;
  const provide = indexProvider(ctx.db, clock);
  const frame = (p: Partnership, title: string, crumbs: { href: string; text: string }[] = []) => ({
    partnership: p.info,
    section: 'identity',
    title,
    breadcrumbs: [
      { href: '/', text: 'Partnership' },
      { href: '/identity/reviews', text: 'Records to review' },
      ...crumbs,
    ],
  });
  const problemPage = (request: FastifyRequest, reply: FastifyReply, p: Partnership, what: Problem) =>
    replyWithProblem(request, reply, what, undefined, { partnership: p.info });

  app.get<{ Querystring: { page?: string } }>('/identity/reviews', OFFICERS, async (request, reply) => {
    const p = await currentPartnership(ctx);
    const page = positiveNumber(request.query.page ?? '1') ?? 1;
    const queue = await reviewQueue(ctx.db, { limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE });
    return reply.page('identity/reviews.njk', {
      ...frame(p, 'Records to review'),
      breadcrumbs: [{ href: '/', text: 'Partnership' }],
      reviews: queue.reviews,
      total: queue.total,
      page,
      pages: Math.max(1, Math.ceil(queue.total / PAGE_SIZE)),
    });
  });

  const renderReview = (reply: FastifyReply, p: Partnership, review: ReviewView, form: FormState) =>
    reply.page('identity/review.njk', {
      ...frame(p, `Review ${review.id}`),
      review,
      rows: comparisonRows(review),
      fieldNames: FIELD_NAMES,
      ...form,
    });

  const reviewFor = async (request: FastifyRequest<{ Params: { id: string } }>) => {
    const id = positiveNumber(request.params.id);
    return id === undefined ? undefined : reviewView(ctx.db, id);
  };
  const noReview = problem('not-found', 'There is no such review.', 'See the reviews at /identity/reviews.');

  app.get<{ Params: { id: string } }>('/identity/reviews/:id', OFFICERS, async (request, reply) => {
    const p = await currentPartnership(ctx);
    const review = await reviewFor(request);
    if (review === undefined) return problemPage(request, reply, p, noReview);
    return renderReview(reply, p, review, EMPTY);
  });

  app.post<{ Params: { id: string } }>('/identity/reviews/:id', OFFICERS, async (request, reply) => {
    const p = await currentPartnership(ctx);
    const review = await reviewFor(request);
    if (review === undefined) return problemPage(request, reply, p, noReview);
    const values = { outcome: formField(request.body, 'outcome'), note: formField(request.body, 'note') };
    const errors: Record<string, string> = {};
    if (values.outcome !== 'same-person' && values.outcome !== 'different-people')
      errors.outcome = 'Select whether these records are the same person';
    if (values.note.length > 2000) errors.note = 'How you decided must be 2,000 characters or fewer';
    const invalid = Object.keys(errors).length > 0;
    if (invalid || (values.outcome !== 'same-person' && values.outcome !== 'different-people')) {
      const errorList = Object.entries(errors).map(([field, text]) => ({ text, href: `#${field}` }));
      return renderReview(reply.status(400), p, review, { values, errors, errorList });
    }
    const index = await provide();
    if (!index.ok) return problemPage(request, reply, p, index.error);
    const decided = await decideReview(
      index.value,
      review.id,
      values.outcome,
      officerOf(request),
      values.note,
    );
    if (!decided.ok) return problemPage(request, reply, p, decided.error);
    const person = decided.value.merge?.survivor ?? review.record.personId;
    return reply.redirect(`/identity/persons/${person}?done=${values.outcome}`, 303);
  });

  const renderPerson = (reply: FastifyReply, p: Partnership, person: PersonView, form: FormState) =>
    reply.page('identity/person.njk', {
      ...frame(p, 'Person', [{ href: `/identity/persons/${person.id}`, text: 'Person' }]),
      person,
      records: person.records.map((r) => ({
        id: r.id,
        organisation: r.organisation,
        localId: r.localId,
        name: [r.demographics.forename, r.demographics.surname].filter((n) => n !== undefined).join(' '),
        dateOfBirth: r.demographics.dateOfBirth,
        nhsNumber: nhs(r),
        postcode: r.demographics.postcode,
      })),
      ...form,
    });
  const noPerson = problem(
    'not-found',
    'There is no such person.',
    'Open a person from a review at /identity/reviews.',
  );

  app.get<{ Params: { id: string } }>('/identity/persons/:id', OFFICERS, async (request, reply) => {
    const p = await currentPartnership(ctx);
    const person = isPersonId(request.params.id) ? await personView(ctx.db, request.params.id) : undefined;
    if (person === undefined) return problemPage(request, reply, p, noPerson);
    return renderPerson(reply, p, person, EMPTY);
  });

  app.post<{ Params: { id: string } }>('/identity/merges/:id/unmerge', OFFICERS, async (request, reply) => {
    const p = await currentPartnership(ctx);
    const mergeId = positiveNumber(request.params.id);
    const personId = formField(request.body, 'person');
    const person = isPersonId(personId) ? await personView(ctx.db, personId) : undefined;
    if (mergeId === undefined || person === undefined) return problemPage(request, reply, p, noPerson);
    const reason = formField(request.body, 'reason');
    if (reason.trim() === '' || reason.length > 2000) {
      const text =
        reason.trim() === '' ? 'Say why the merge is undone' : 'The reason must be 2,000 characters or fewer';
      return renderPerson(reply.status(400), p, person, {
        values: { reason, mergeId: String(mergeId) },
        errors: { reason: text },
        errorList: [{ text, href: `#reason-${mergeId}` }],
      });
    }
    const index = await provide();
    if (!index.ok) return problemPage(request, reply, p, index.error);
    const undone = await unmerge(index.value, mergeId, officerOf(request), reason);
    if (!undone.ok) return problemPage(request, reply, p, undone.error);
    return reply.redirect(`/identity/persons/${person.id}?done=unmerged`, 303);
  });
}
