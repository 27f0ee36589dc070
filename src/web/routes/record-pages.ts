/**
 * @module web/routes/record-pages
 * The shared care record for staff, as pages: find a person by NHS number, or by surname and date of birth; see
 * their joined-up record from every partner when the access decision allows (`record/person-record.ts`), or why
 * not, with the emergency-access form for a clinician; and, for a privacy officer, the queue of emergency accesses
 * to review. Server-rendered, working without JavaScript, every form with its CSRF token; every look audited.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { accessesOfPerson } from '../../access/audit/index.js';
import { unreviewedGrants } from '../../access/break-glass.js';
import { closeEmergencyAccess, useEmergencyAccess } from '../../access/emergency-access.js';
import { activeDemoUsernames, systemClock, type AccessRule, type Principal } from '../../access/index.js';
import { problem } from '../../core/problem.js';
import { formatNhsNumber, isValidNhsNumber, normaliseNhsNumber } from '../../identity/nhs-number.js';
import { planSearch, recordRepository, searchParameters } from '../../record/index.js';
import { carerPlanView, personsWithCarerPlans } from '../../record/carer-plans.js';
import { personRecord } from '../../record/person-record.js';
import { summarisePerson } from '../../record/person-summary.js';
import { replyWithProblem } from '../problem.js';
import type { AppContext } from '../server.js';
import { currentPartnership } from './current-partnership.js';
import { carerPlanAccesses } from './record-audit.js';
import { isPersonId, positiveNumber } from './identity-api.js';

const STAFF: AccessRule = { signedIn: true, anyRole: ['R8000', 'R8008'] };
const PRIVACY: AccessRule = { signedIn: true, anyRole: ['R0001'] };
const page = (access: AccessRule) => ({ config: { access }, schema: { hide: true } });

type User = Extract<Principal, { kind: 'user' }>;
const userOf = (request: FastifyRequest): User => {
  if (request.principal.kind !== 'user') throw new Error('a page for people reached its handler without one');
  return request.principal;
};
const formField = (body: unknown, name: string): string => {
  const value =
    typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[name] : undefined;
  return typeof value === 'string' ? value.trim() : '';
};

interface Found {
  readonly personId: string;
  readonly name: string;
  readonly birthDate: string;
  readonly nhsNumber: string | undefined;
}

export async function recordPages(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const clock = ctx.clock ?? systemClock;
  const table = searchParameters();
  const repository = recordRepository(ctx.db, table);
  // The same audit as the FHIR API: every look at a person's record, from a page or a client, in one log.
  const auditor = ctx.recordAudit;
  const frame = async (title: string, section = 'record') => ({
    partnership: (await currentPartnership(ctx)).info,
    section,
    title,
  });

  app.get<{ Querystring: { nhsNumber?: string; surname?: string; birthDate?: string } }>(
    '/record',
    page(STAFF),
    async (request, reply) => {
      const values = {
        nhsNumber: (request.query.nhsNumber ?? '').trim(),
        surname: (request.query.surname ?? '').trim(),
        birthDate: (request.query.birthDate ?? '').trim(),
      };
      const asked = values.nhsNumber !== '' || values.surname !== '' || values.birthDate !== '';
      const errors: Record<string, string> = {};
      let query: [string, string][] = [];
      if (asked) {
        const nhs = normaliseNhsNumber(values.nhsNumber);
        if (values.nhsNumber !== '') {
          if (isValidNhsNumber(nhs)) query = [['identifier', `https://fhir.nhs.uk/Id/nhs-number|${nhs}`]];
          else errors.nhsNumber = 'Enter a valid 10-digit NHS number';
        } else {
          if (values.surname === '') errors.surname = 'Enter the surname, or search by NHS number';
          if (!/^\d{4}-\d{2}-\d{2}$/.test(values.birthDate))
            errors.birthDate = 'Enter the date of birth as YYYY-MM-DD, or search by NHS number';
          query = [
            ['family', values.surname],
            ['birthdate', values.birthDate],
          ];
        }
      }
      const errorList = Object.entries(errors).map(([field, text]) => ({ text, href: `#${field}` }));
      const found: Found[] = [];
      if (asked && errorList.length === 0) {
        const plan = planSearch(table, 'Patient', [...query, ['_count', '50']]);
        if (plan.ok) {
          const result = await repository.search(plan.value, { all: true });
          const persons = await repository.personsOfPatients(result.matches.map((m) => m.resource.id));
          const seen = new Set<string>();
          for (const match of result.matches) {
            const personId = persons.get(match.resource.id);
            if (personId === undefined || seen.has(personId)) continue;
            seen.add(personId);
            const summary = summarisePerson([match]).demographics;
            found.push({
              personId,
              name: summary?.name ?? '–',
              birthDate: summary?.birthDate ?? '–',
              nhsNumber: summary?.nhsNumber === undefined ? undefined : formatNhsNumber(summary.nhsNumber),
            });
          }
          // A trace is an access too: each person found sees it in their log.
          await auditor.record(request, {
            action: 'search',
            resourceType: 'Patient',
            outcome: 'success',
            patientIds: result.matches.map((m) => m.resource.id),
            detail: { query: query.map(([name]) => name).join('&'), matches: found.length },
          });
        }
      }
      // In the demo only (its users can sign in), links to people whose carers have plans, to try the record with.
      // Links by person id: no one's details are shown, and opening one is audited as any look is.
      const examples =
        !asked && (await activeDemoUsernames(ctx.db)).length > 0
          ? await personsWithCarerPlans(ctx.db, repository, 3)
          : [];
      return reply.status(errorList.length > 0 ? 400 : 200).page('record/search.njk', {
        ...(await frame('Find a person’s care record')),
        examples,
        values,
        errors,
        errorList,
        asked: asked && errorList.length === 0,
        found,
        clinician: userOf(request).roles.includes('R8000'),
      });
    },
  );

  const showPerson = async (
    request: FastifyRequest<{ Params: { personId: string } }>,
    reply: FastifyReply,
    form: { values: Record<string, string>; errors: Record<string, string> } = { values: {}, errors: {} },
  ) => {
    const { personId } = request.params;
    const partnership = await currentPartnership(ctx);
    if (!isPersonId(personId)) {
      return replyWithProblem(request, reply, problem('not-found', 'There is no such person.'), undefined, {
        partnership: partnership.info,
      });
    }
    const user = userOf(request);
    const shown = await personRecord(ctx.db, repository, user, personId, clock());
    if (!shown.allowed) {
      await auditor.record(request, {
        action: 'everything',
        resourceType: 'Patient',
        outcome: 'denied',
        patientIds: shown.patientIds,
      });
      const errorList = Object.entries(form.errors).map(([field, text]) => ({ text, href: `#${field}` }));
      return reply.status(Object.keys(form.errors).length > 0 ? 400 : 403).page('record/refused.njk', {
        ...(await frame('No access to this record')),
        personId,
        reason: shown.decision.reason,
        breakGlass: shown.decision.breakGlassAvailable,
        ...form,
        errorList,
      });
    }
    await auditor.record(request, {
      action: 'everything',
      resourceType: 'Patient',
      outcome: 'success',
      patientIds: shown.resources.map((r) => r.patientId),
      personIds: [personId],
      purpose: shown.decision.purpose,
    });
    // Each carer's plan shown is a look at the carer's record too, in their log.
    for (const access of carerPlanAccesses(shown.carerPlans)) await auditor.record(request, access);
    const summary = summarisePerson(shown.resources);
    return reply.page('record/person.njk', {
      ...(await frame(summary.demographics?.name ?? 'Care record')),
      personId,
      decision: shown.decision,
      summary,
      carerPlans: shown.carerPlans.map(carerPlanView),
      nhsNumber:
        summary.demographics?.nhsNumber === undefined
          ? undefined
          : formatNhsNumber(summary.demographics.nhsNumber),
    });
  };

  app.get<{ Params: { personId: string } }>('/record/persons/:personId', page(STAFF), (request, reply) =>
    showPerson(request, reply),
  );

  app.post<{ Params: { personId: string } }>(
    '/record/persons/:personId/break-glass',
    page({ signedIn: true, anyRole: ['R8000'] }),
    async (request, reply) => {
      const user = userOf(request);
      const reason = formField(request.body, 'reason');
      const { personId } = request.params;
      if (!isPersonId(personId)) return showPerson(request, reply);
      const granted = await useEmergencyAccess(ctx.db, user, personId, reason, clock());
      if (!granted.ok) {
        return showPerson(request, reply, {
          values: { reason },
          errors: { reason: granted.error.fix ?? granted.error.title },
        });
      }
      return reply.redirect(`/record/persons/${personId}`, 303);
    },
  );

  // A person's access log, for a privacy officer answering a subject access request or reviewing emergency access.
  app.get<{ Params: { personId: string }; Querystring: { before?: string } }>(
    '/record/persons/:personId/accesses',
    page(PRIVACY),
    async (request, reply) => {
      const before = request.query.before === undefined ? undefined : positiveNumber(request.query.before);
      const accesses = await accessesOfPerson(
        ctx.db,
        request.params.personId,
        before === undefined ? {} : { before },
      );
      if (!accesses.ok) {
        const partnership = await currentPartnership(ctx);
        return replyWithProblem(request, reply, accesses.error, undefined, { partnership: partnership.info });
      }
      return reply.page('record/accesses.njk', {
        ...(await frame('Who looked at this record', 'record-privacy')),
        personId: request.params.personId,
        accesses: accesses.value.accesses,
        before: accesses.value.before,
      });
    },
  );

  app.get('/record/break-glass', page(PRIVACY), async (_request, reply) =>
    reply.page('record/break-glass.njk', {
      ...(await frame('Emergency access to review', 'record-privacy')),
      grants: await unreviewedGrants(ctx.db),
    }),
  );

  app.post<{ Params: { id: string } }>('/record/break-glass/:id', page(PRIVACY), async (request, reply) => {
    const user = userOf(request);
    const grantId = positiveNumber(request.params.id);
    const outcome = formField(request.body, 'outcome');
    const note = formField(request.body, 'note');
    const partnership = await currentPartnership(ctx);
    if (grantId === undefined || (outcome !== 'justified' && outcome !== 'not-justified')) {
      return replyWithProblem(
        request,
        reply,
        problem('bad-input', 'Choose whether the emergency access was justified.'),
        undefined,
        { partnership: partnership.info },
      );
    }
    const reviewed = await closeEmergencyAccess(ctx.db, user, grantId, outcome, note, clock());
    if (!reviewed.ok) {
      return replyWithProblem(request, reply, reviewed.error, undefined, { partnership: partnership.info });
    }
    return reply.redirect('/record/break-glass', 303);
  });
}
