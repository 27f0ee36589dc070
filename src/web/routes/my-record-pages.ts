/**
 * @module web/routes/my-record-pages
 * "Who has looked at my record", for the person themselves: a member of the public, signed in with an account tied
 * to their verified NHS number (`identity/person-accounts.ts`), sees every access to their shared care record —
 * by which organisation, in which role, what was done, why, when, and whether it was refused. Nothing is left out,
 * not even their own looks; staff are shown by organisation and role, not by name, as the NHS shows patients.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { accessesOfPerson, type AuditAction, type PersonAccess } from '../../access/audit/index.js';
import { DIRECT_CARE } from '../../access/audit/entry.js';
import { EMERGENCY_RISK_LIST } from '../../record/case-finding.js';
import type { AccessRule, Principal } from '../../access/index.js';
import { nhsNumberOfAccount } from '../../identity/person-accounts.js';
import { formatNhsNumber } from '../../identity/nhs-number.js';
import { planSearch, recordRepository, searchParameters } from '../../record/index.js';
import { replyWithProblem } from '../problem.js';
import type { AppContext } from '../server.js';
import { currentPartnership } from './current-partnership.js';
import { positiveNumber } from './identity-api.js';

const PERSON: AccessRule = { signedIn: true, anyRole: ['public'] };

/** Roles as a person would say them. */
const ROLE_WORDS: Readonly<Record<string, string>> = {
  R8000: 'Clinician',
  R8008: 'Admin or clinical support staff',
  R0001: 'Privacy officer',
};

/** What was done, as a sentence's verb. */
const ACTION_WORDS: Readonly<Record<AuditAction, string>> = {
  read: 'Read an item',
  vread: 'Read an earlier version of an item',
  search: 'Searched the record',
  create: 'Added an item',
  update: 'Changed an item',
  delete: 'Removed an item',
  history: 'Read an item’s history',
  everything: 'Opened your joined-up record',
  match: 'Looked you up to match records',
  import: 'Sent items from their system',
  'break-glass': 'Used emergency access',
  'break-glass-review': 'Reviewed an emergency access',
  'access-denied': 'Was refused access',
};

/**
 * A carer's plan seen on the record of the person they care for (`record-audit.ts` carerPlanAccesses): said as such,
 * without naming that person.
 */
function carerPlanWords(kind: string | undefined): string | undefined {
  if (kind === 'carer-contingency-plan') return 'Read your contingency plan as a carer';
  if (kind === 'carer-support-plan') return 'Read your support plan as a carer';
  return undefined;
}

/** A list the person was shown on, said as such (`detail.list` of the audit entry; case-finding-pages.ts). */
const LIST_WORDS: Readonly<Record<string, string>> = {
  [EMERGENCY_RISK_LIST]:
    'Listed you among the people they care for at highest risk of an emergency admission',
};

const OUTCOME_WORDS = { success: 'Allowed', denied: 'Refused', error: 'Failed' } as const;

export interface AccessLine {
  readonly when: string;
  readonly organisation: string;
  readonly role: string;
  readonly what: string;
  readonly why: string;
  readonly emergency: boolean;
  readonly outcome: string;
}

/** An access as the person is shown it: plain words, the organisation by name. */
export function accessLine(access: PersonAccess, organisationName: (id: string) => string): AccessLine {
  return {
    when: access.recordedAt,
    organisation: organisationName(access.organisation),
    role: access.role === null ? 'Their computer system' : (ROLE_WORDS[access.role] ?? access.role),
    what:
      carerPlanWords(access.carerPlan) ??
      (access.list === undefined ? undefined : LIST_WORDS[access.list]) ??
      ACTION_WORDS[access.action],
    why:
      access.purpose === DIRECT_CARE
        ? access.carerPlan === undefined
          ? 'Your care'
          : 'The care of the person you look after'
        : access.purpose,
    emergency: access.purpose !== DIRECT_CARE,
    outcome: OUTCOME_WORDS[access.outcome],
  };
}

export async function myRecordPages(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const table = searchParameters();
  const repository = recordRepository(ctx.db, table);

  const userIdOf = (request: FastifyRequest): string => {
    const principal: Principal = request.principal;
    if (principal.kind !== 'user') throw new Error('a page for people reached its handler without one');
    return principal.userId;
  };

  /** The persons in the master patient index whose records carry this NHS number. */
  async function personsWithNhsNumber(nhsNumber: string): Promise<string[]> {
    const plan = planSearch(table, 'Patient', [
      ['identifier', `https://fhir.nhs.uk/Id/nhs-number|${nhsNumber}`],
      ['_count', '100'],
    ]);
    if (!plan.ok) throw new Error(`the NHS number search is not a valid plan: ${plan.error.message}`);
    const found = await repository.search(plan.value, { all: true });
    const persons = await repository.personsOfPatients(found.matches.map((m) => m.resource.id));
    return [...new Set(persons.values())];
  }

  app.get<{ Querystring: { before?: string } }>(
    '/my-record',
    { config: { access: PERSON }, schema: { hide: true } },
    async (request, reply) => {
      const partnership = await currentPartnership(ctx);
      const frame = {
        partnership: partnership.info,
        section: 'my-record',
        title: 'Who has looked at your record',
      };
      const nhsNumber = await nhsNumberOfAccount(ctx.db, userIdOf(request));
      if (nhsNumber === undefined) return reply.page('record/my-accesses.njk', { ...frame, verified: false });
      const persons = await personsWithNhsNumber(nhsNumber);
      const shown = { ...frame, verified: true, nhsNumber: formatNhsNumber(nhsNumber) };
      if (persons.length === 0) return reply.page('record/my-accesses.njk', { ...shown, lines: [] });
      const before = request.query.before === undefined ? undefined : positiveNumber(request.query.before);
      const accesses = await accessesOfPerson(ctx.db, persons, before === undefined ? {} : { before });
      if (!accesses.ok) {
        return replyWithProblem(request, reply, accesses.error, undefined, { partnership: partnership.info });
      }
      const names = new Map(partnership.organisations.map((o) => [o.id, o.name]));
      return reply.page('record/my-accesses.njk', {
        ...shown,
        lines: accesses.value.accesses.map((access) => accessLine(access, (id) => names.get(id) ?? id)),
        before: accesses.value.before,
      });
    },
  );
}
