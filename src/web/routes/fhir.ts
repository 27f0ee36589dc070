/**
 * @module web/routes/fhir
 * The shared care record's FHIR R4 REST API at /fhir: the CapabilityStatement, create (and conditional create with
 * If-None-Exist, so a feed sent twice writes nothing twice), read, vread, update (versioned; If-Match with the
 * version's ETag), delete, history, search, `Patient/$everything` and `Patient/$match`. A thin edge: the body is
 * validated (`record/validation`), the repository does the work, and every error goes back as an OperationOutcome
 * naming the element at fault.
 *
 * Access, deny by default: partner systems call with a bearer token — `record:write` to send their organisation's
 * resources, `record:read` to read them back — and see only what their organisation sent. People (clinicians and
 * admin staff) reach only `$everything` and `$match`, where the record-access decision applies (relationship,
 * dissent, restricted record, break-glass). Every request that reaches a handler is audited before it is answered.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AuditAction } from '../../access/audit/index.js';
import type { AccessRule, Principal } from '../../access/index.js';
import {
  isResourceId,
  patientOf,
  planSearch,
  recordError,
  recordRepository,
  searchParameters,
  type RecordError,
  type StoredResource,
  type Writer,
} from '../../record/index.js';
import { checkBody, recordInteractions } from '../../record/interactions.js';
import {
  bundleProcessor,
  parseBundle,
  type BundleEntryRequest,
  type BundleMethod,
  type BundleOutcome,
  type EntryOutcome,
} from '../../record/bundle.js';
import { incomingOfPatient } from '../../identity/feed-patients.js';
import { personRecord } from '../../record/person-record.js';
import { patientsOfPerson } from '../../record/relationships.js';
import { addRecord, findPersons, indexProvider } from '../../identity/index/index.js';
import type { AppContext } from '../server.js';
import { capabilityStatement } from './fhir-capability.js';
import { carerPlanAccesses } from './record-audit.js';
import { fhirImportRoutes } from './fhir-import.js';
import { matchParameters } from './fhir-match-parameters.js';
import { errorOutcome, outcomeOfRecordError, STATUS_OF } from '../fhir-outcome.js';

export const READ_SCOPE = 'record:read';
export const WRITE_SCOPE = 'record:write';
/** Partner systems only, for now: no person holds a role that passes (`anyRole: []`). */
const READERS: AccessRule = { scope: READ_SCOPE, anyRole: [] };
/** `$everything` is where people (clinicians, admin staff) see the shared record, each access decided for them. */
const EVERYTHING: AccessRule = { scope: READ_SCOPE, anyRole: ['R8000', 'R8008'] };

/** On each entry of `$everything`: the organisation that sent the resource. */
export const SOURCE_ORGANISATION_EXTENSION =
  'https://accord.example/fhir/StructureDefinition/source-organisation';

const WRITERS: AccessRule = { scope: WRITE_SCOPE, anyRole: [] };

const FHIR_JSON = 'application/fhir+json; charset=utf-8';

interface TypeParams {
  type: string;
}
interface InstanceParams extends TypeParams {
  id: string;
}
interface VersionParams extends InstanceParams {
  version: string;
}

/** The organisation a request acts for, and who it is: the token's (the access rule let no one else through). */
function writerOf(principal: Principal): Writer {
  if (principal.kind === 'system') return { id: principal.tokenId, organisation: principal.organisation };
  if (principal.kind === 'user') return { id: principal.userId, organisation: principal.organisation };
  throw new Error('a FHIR route reached its handler without a principal');
}

const etag = (version: number) => `W/"${String(version)}"`;

/** Each Bundle entry is audited as the interaction its method makes. */
const AUDIT_ACTION_OF: Readonly<Record<BundleMethod, AuditAction>> = {
  GET: 'read',
  POST: 'create',
  PUT: 'update',
  DELETE: 'delete',
};

/** The reason phrases of the statuses a Bundle entry can answer with. */
const STATUS_TEXT: Readonly<Record<number, string>> = {
  200: 'OK',
  201: 'Created',
  204: 'No Content',
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  410: 'Gone',
  412: 'Precondition Failed',
  422: 'Unprocessable Entity',
};

/** The version an If-Match header names (`W/"3"`, or `"3"`); undefined when absent, NaN when unreadable. */
function ifMatchVersion(header: string | undefined): number | undefined {
  if (header === undefined) return undefined;
  const match = /^(?:W\/)?"([1-9][0-9]{0,8})"$/.exec(header.trim());
  return match?.[1] === undefined ? Number.NaN : Number(match[1]);
}

export async function fhirApi(app: FastifyInstance, context: AppContext): Promise<void> {
  const table = searchParameters();
  const repository = recordRepository(context.db, table);
  const interactions = recordInteractions(context.db, table);
  const bundles = bundleProcessor(context.db, table);
  const auditor = context.recordAudit;
  const clock = () => context.clock?.() ?? new Date();
  const identityIndex = indexProvider(context.db, clock);

  /**
   * A Patient written through the API joins its person in the identity index, as a feed's Patients do: the record
   * of it there is (the organisation, the record's id for it). Without a linkage model yet it waits, unlinked.
   */
  async function linkPatient(request: FastifyRequest, stored: StoredResource): Promise<void> {
    if (stored.resource.resourceType !== 'Patient') return;
    const index = await identityIndex();
    if (!index.ok) {
      request.log.warn({ problem: index.error.title }, 'a Patient written through the API is not linked yet');
      return;
    }
    const incoming = incomingOfPatient(stored.resource, stored.sourceOrganisation, clock());
    if (!incoming.ok) return;
    await addRecord(index.value, incoming.value.record);
  }
  const knownType = (type: string) => table.has(type);
  const base = `${context.config.publicUrl.href.replace(/\/$/, '')}/fhir`;

  // FHIR's own media type is JSON too; the record takes both.
  app.addContentTypeParser(
    ['application/fhir+json', 'application/json+fhir'],
    { parseAs: 'string' },
    app.getDefaultJsonParser('error', 'error'),
  );

  /** Refusals are audited too: a denied attempt is as much the person's business as an access. */
  async function sendError(
    request: FastifyRequest<{ Params: { type: string; id?: string } }>,
    reply: FastifyReply,
    action: AuditAction,
    error: RecordError,
    /** The Patients whose record was asked for, when known, so the person sees the attempt too. */
    patientIds: readonly string[] = [],
    /** The resource type to audit, when the address names none (a Bundle at the base). */
    audited: { type?: string } = {},
  ): Promise<FastifyReply> {
    await auditor.record(request, {
      action,
      resourceType: audited.type ?? request.params.type,
      resourceId: request.params.id,
      outcome: error.kind === 'forbidden' || error.kind === 'not-found' ? 'denied' : 'error',
      patientIds,
      detail: { error: error.kind },
    });
    return reply.status(STATUS_OF[error.kind]).type(FHIR_JSON).send(outcomeOfRecordError(error));
  }

  async function sendResource(
    request: FastifyRequest,
    reply: FastifyReply,
    action: AuditAction,
    stored: StoredResource,
    status = 200,
  ): Promise<FastifyReply> {
    const { resource } = stored;
    await auditor.record(request, {
      action,
      resourceType: resource.resourceType,
      resourceId: resource.id,
      outcome: 'success',
      patientIds: [stored.patientId],
    });
    return reply
      .status(status)
      .type(FHIR_JSON)
      .header('etag', etag(stored.version))
      .header('last-modified', new Date(stored.lastUpdated).toUTCString())
      .header('location', `${base}/${resource.resourceType}/${resource.id}/_history/${stored.version}`)
      .send(resource);
  }

  /** Checks the URL's type (and id); undefined when they are fine. */
  function checkPath(params: { type: string; id?: string }): RecordError | undefined {
    if (!knownType(params.type)) {
      return {
        kind: 'not-found',
        message: `"${params.type}" is not a FHIR R4 resource type this record holds.`,
      };
    }
    if (params.id !== undefined && !isResourceId(params.id)) {
      return {
        kind: 'invalid',
        message: 'A resource id is 1 to 64 letters, digits, hyphens and dots.',
      };
    }
    return undefined;
  }

  /**
   * Whether the caller may read a resource (and its history): the URL must be sound, and a resource another
   * organisation sent is, to the caller, not there — its existence is not disclosed. The one place reads are
   * decided, where legitimate relationships and break-glass will be checked.
   */
  async function refuseRead(request: FastifyRequest, params: { type: string; id: string }) {
    const pathError = checkPath(params);
    if (pathError !== undefined) return pathError;
    const owner = (await repository.owners(params.type, [params.id])).get(params.id);
    const organisation = writerOf(request.principal).organisation;
    if (owner !== undefined && owner.toLowerCase() !== organisation.toLowerCase()) {
      return recordError(
        'not-found',
        `There is no ${params.type}/${params.id} that your organisation may read.`,
      );
    }
    return undefined;
  }

  // Bulk Data `$import` and its status address (fhir-import.ts).
  fhirImportRoutes(app, context, { base, access: WRITERS, knownType });

  app.get('/metadata', { config: { access: 'public' }, schema: { hide: true } }, async (_request, reply) =>
    reply.type(FHIR_JSON).send(capabilityStatement(base, table)),
  );

  app.post<{ Params: TypeParams }>(
    '/:type',
    { config: { access: WRITERS }, schema: { hide: true } },
    async (request, reply) => {
      const pathError = checkPath(request.params);
      if (pathError !== undefined) return sendError(request, reply, 'create', pathError);
      const ifNoneExist = request.headers['if-none-exist'];
      const created = await interactions.create(
        writerOf(request.principal),
        request.params.type,
        request.body,
        typeof ifNoneExist === 'string' ? { ifNoneExist } : {},
      );
      if (!created.ok) return sendError(request, reply, 'create', created.error);
      const { stored, status, change } = created.value;
      if (change !== 'matched') await linkPatient(request, stored);
      return sendResource(request, reply, 'create', stored, status);
    },
  );

  /**
   * Batch and transaction Bundles at the base address. Each entry is audited as the interaction it is, after the
   * transaction commits; a refused transaction is one audited failure, naming the entry at fault.
   */
  app.post('/', { config: { access: WRITERS }, schema: { hide: true } }, async (request, reply) => {
    const parsed = parseBundle(request.body, knownType);
    const bundleRequest = request as FastifyRequest<{ Params: { type: string } }>;
    if (!parsed.ok) {
      return sendError(bundleRequest, reply, 'create', parsed.error, [], { type: 'Bundle' });
    }
    const writer = writerOf(request.principal);
    const reads = parsed.value.entries.some((entry) => entry.method === 'GET');
    const principal = request.principal;
    if (reads && !(principal.kind === 'system' && principal.scopes.includes(READ_SCOPE))) {
      return sendError(
        bundleRequest,
        reply,
        'read',
        {
          kind: 'forbidden',
          message: `A Bundle with GET entries needs the ${READ_SCOPE} scope as well as ${WRITE_SCOPE}.`,
        },
        [],
        { type: 'Bundle' },
      );
    }
    let outcome: BundleOutcome;
    if (parsed.value.type === 'transaction') {
      const done = await bundles.transaction(writer, parsed.value.entries);
      if (!done.ok) {
        const { index, error } = done.error;
        const failed = parsed.value.entries[index];
        // Every issue says which entry it is about: the element paths are within the entry's resource.
        const where = `Entry ${String(index)} of the transaction (${failed?.method ?? ''} ${failed?.type ?? ''})`;
        const located: RecordError = {
          ...error,
          message: `${where}: ${error.message} Nothing in the transaction was written.`,
          ...(error.issues === undefined
            ? {}
            : {
                issues: error.issues.map((issue) => ({
                  ...issue,
                  diagnostics: `${where}: ${issue.diagnostics ?? issue.details?.text ?? ''}`,
                })),
              }),
        };
        return sendError(bundleRequest, reply, AUDIT_ACTION_OF[failed?.method ?? 'POST'], located, [], {
          type: failed?.type ?? 'Bundle',
        });
      }
      outcome = done.value;
    } else {
      outcome = await bundles.batch(writer, parsed.value.entries);
    }
    const answer = [];
    for (const { request: entry, outcome: result } of outcome.entries) {
      answer.push(await bundleEntryAnswer(request, entry, result));
    }
    return reply.type(FHIR_JSON).send({
      resourceType: 'Bundle',
      type: `${outcome.type}-response`,
      entry: answer,
    });
  });

  /** One entry of a Bundle's answer, its interaction audited (and a Patient written linked in the index). */
  async function bundleEntryAnswer(request: FastifyRequest, entry: BundleEntryRequest, result: EntryOutcome) {
    const action = AUDIT_ACTION_OF[entry.method];
    const audited = { resourceType: entry.type, resourceId: entry.id, detail: { bundleEntry: entry.index } };
    const status = (code: number) => `${String(code)} ${STATUS_TEXT[code] ?? ''}`.trim();
    switch (result.kind) {
      case 'failed':
        await auditor.record(request, {
          ...audited,
          action,
          outcome:
            result.error.kind === 'forbidden' || result.error.kind === 'not-found' ? 'denied' : 'error',
        });
        return {
          response: {
            status: status(STATUS_OF[result.error.kind]),
            outcome: outcomeOfRecordError(result.error),
          },
        };
      case 'written':
      case 'read': {
        const { stored } = result;
        if (result.kind === 'written' && result.changed) await linkPatient(request, stored);
        await auditor.record(request, {
          ...audited,
          action: result.kind === 'read' ? 'read' : result.action,
          resourceId: stored.resource.id,
          outcome: 'success',
          patientIds: [stored.patientId],
        });
        const url = `${stored.resource.resourceType}/${stored.resource.id}`;
        return {
          fullUrl: `${base}/${url}`,
          resource: stored.resource,
          response: {
            status: status(result.kind === 'read' ? 200 : result.status),
            location: `${url}/_history/${String(stored.version)}`,
            etag: etag(stored.version),
            lastModified: stored.lastUpdated,
          },
        };
      }
      case 'deleted':
        await auditor.record(request, {
          ...audited,
          action,
          outcome: 'success',
          patientIds: [result.patientId],
        });
        return {
          response: {
            status: status(204),
            ...(result.version === undefined ? {} : { etag: etag(result.version) }),
          },
        };
      case 'searched':
        await auditor.record(request, {
          ...audited,
          action,
          outcome: 'success',
          patientIds: result.matches.map((stored) => stored.patientId),
          detail: { bundleEntry: entry.index, matches: result.matches.length },
        });
        return {
          resource: {
            resourceType: 'Bundle',
            type: 'searchset',
            ...(result.total === undefined ? {} : { total: result.total }),
            entry: result.matches.map((stored) => ({
              fullUrl: `${base}/${stored.resource.resourceType}/${stored.resource.id}`,
              resource: stored.resource,
              search: { mode: 'match' },
            })),
          },
          response: { status: status(200) },
        };
    }
  }

  app.get<{ Params: InstanceParams }>(
    '/:type/:id',
    { config: { access: READERS }, schema: { hide: true } },
    async (request, reply) => {
      const { type, id } = request.params;
      const pathError = checkPath(request.params);
      if (pathError !== undefined) return sendError(request, reply, 'read', pathError);
      // One query: the resource only if the caller's organisation sent it (another's is, to them, not there).
      const read = await repository.readFor(type, id, writerOf(request.principal).organisation);
      if (!read.ok) return sendError(request, reply, 'read', read.error);
      return sendResource(request, reply, 'read', read.value);
    },
  );

  app.get<{ Params: VersionParams }>(
    '/:type/:id/_history/:version',
    { config: { access: READERS }, schema: { hide: true } },
    async (request, reply) => {
      const { type, id, version } = request.params;
      if (!/^[1-9][0-9]{0,8}$/.test(version)) {
        return sendError(request, reply, 'vread', {
          kind: 'invalid',
          message: 'A version id is a whole number from 1.',
        });
      }
      const refused = await refuseRead(request, request.params);
      if (refused !== undefined) return sendError(request, reply, 'vread', refused);
      const read = await repository.readVersion(type, id, Number(version));
      if (!read.ok) return sendError(request, reply, 'vread', read.error);
      return sendResource(request, reply, 'vread', read.value);
    },
  );

  app.get<{ Params: InstanceParams }>(
    '/:type/:id/_history',
    { config: { access: READERS }, schema: { hide: true } },
    async (request, reply) => {
      const { type, id } = request.params;
      const refused = await refuseRead(request, request.params);
      if (refused !== undefined) return sendError(request, reply, 'history', refused);
      const history = await repository.history(type, id);
      if (!history.ok) return sendError(request, reply, 'history', history.error);
      await auditor.record(request, {
        action: 'history',
        resourceType: type,
        resourceId: id,
        outcome: 'success',
        patientIds: history.value.map((entry) =>
          entry.resource === undefined ? undefined : (patientOf(entry.resource, id) ?? undefined),
        ),
      });
      return reply.type(FHIR_JSON).send({
        resourceType: 'Bundle',
        type: 'history',
        total: history.value.length,
        link: [{ relation: 'self', url: `${base}/${type}/${id}/_history` }],
        entry: history.value.map((entry) => ({
          fullUrl: `${base}/${type}/${id}`,
          ...(entry.resource === undefined ? {} : { resource: entry.resource }),
          request: {
            method: entry.deleted ? 'DELETE' : entry.version === 1 ? 'POST' : 'PUT',
            url: `${type}/${id}`,
          },
          response: {
            status: entry.deleted ? '204' : entry.version === 1 ? '201' : '200',
            etag: etag(entry.version),
            lastModified: entry.lastUpdated,
          },
        })),
      });
    },
  );

  app.put<{ Params: InstanceParams }>(
    '/:type/:id',
    { config: { access: WRITERS }, schema: { hide: true } },
    async (request, reply) => {
      const { type, id } = request.params;
      const pathError = checkPath(request.params);
      if (pathError !== undefined) return sendError(request, reply, 'update', pathError);
      const ifMatch = ifMatchVersion(request.headers['if-match']);
      if (ifMatch !== undefined && Number.isNaN(ifMatch)) {
        return sendError(request, reply, 'update', {
          kind: 'invalid',
          message: 'If-Match must be the ETag of the version you read, such as W/"3".',
        });
      }
      const updated = await interactions.update(
        writerOf(request.principal),
        type,
        id,
        request.body,
        ifMatch === undefined ? {} : { ifMatch },
      );
      if (!updated.ok) return sendError(request, reply, 'update', updated.error);
      if (updated.value.change !== 'unchanged') await linkPatient(request, updated.value.stored);
      return sendResource(request, reply, 'update', updated.value.stored, updated.value.status);
    },
  );

  app.delete<{ Params: InstanceParams }>(
    '/:type/:id',
    { config: { access: WRITERS }, schema: { hide: true } },
    async (request, reply) => {
      const { type, id } = request.params;
      const pathError = checkPath(request.params);
      if (pathError !== undefined) return sendError(request, reply, 'delete', pathError);
      const deleted = await repository.delete(writerOf(request.principal), type, id);
      if (!deleted.ok) return sendError(request, reply, 'delete', deleted.error);
      await auditor.record(request, {
        action: 'delete',
        resourceType: type,
        resourceId: id,
        outcome: 'success',
        patientIds: [deleted.value.patientId],
      });
      if (deleted.value.version !== undefined) reply.header('etag', etag(deleted.value.version));
      return reply.status(204).send();
    },
  );

  /**
   * A person's record across every partner: the Patient's person in the identity index, all that person's Patients
   * and everything about them — decided by `decideRecordAccess` for a person (relationship, break-glass, dissent,
   * restricted), and limited to what its own organisation sent for a partner system.
   */
  app.get<{ Params: InstanceParams }>(
    '/:type/:id/$everything',
    { config: { access: EVERYTHING }, schema: { hide: true } },
    async (request, reply) => {
      const params = request.params;
      const principal = request.principal;
      if (params.type !== 'Patient') {
        return sendError(request, reply, 'everything', {
          kind: 'not-found',
          message: '$everything is an operation on a Patient: GET /fhir/Patient/{id}/$everything.',
        });
      }
      const pathError = checkPath(params);
      if (pathError !== undefined) return sendError(request, reply, 'everything', pathError);
      const patient = await repository.read('Patient', params.id);
      if (!patient.ok) return sendError(request, reply, 'everything', patient.error);
      const personId = (await repository.personsOfPatients([params.id])).get(params.id);
      if (principal.kind !== 'user') {
        const own = writerOf(principal).organisation;
        if (patient.value.sourceOrganisation.toLowerCase() !== own.toLowerCase()) {
          return sendError(request, reply, 'everything', hiddenFrom(params));
        }
        const patients =
          personId === undefined
            ? [params.id]
            : (await patientsOfPerson(context.db, personId)).map((p) => p.patientId);
        const resources = await repository.aboutPatients(patients, own);
        return sendEverything(request, reply, resources, undefined, personId);
      }
      if (personId === undefined) {
        return sendError(request, reply, 'everything', {
          kind: 'not-found',
          message:
            'This Patient is not yet joined to a person in the master patient index, so there is no shared record to show.',
        });
      }
      const shown = await personRecord(context.db, repository, principal, personId, clock());
      if (!shown.allowed) {
        const glass = shown.decision.breakGlassAvailable
          ? ' In an emergency you may use emergency access (break-glass) with your reason: POST /api/record/break-glass.'
          : '';
        const refusal: RecordError = { kind: 'forbidden', message: `${shown.decision.reason}${glass}` };
        return sendError(request, reply, 'everything', refusal, shown.patientIds);
      }
      // Carers' plans naming the person are about their carers (the FHIR specification lets $everything return
      // resources about others that are relevant to the patient): each is audited on its carer's record too.
      for (const access of carerPlanAccesses(shown.carerPlans)) await auditor.record(request, access);
      return sendEverything(
        request,
        reply,
        [...shown.resources, ...shown.carerPlans.map((plan) => plan.plan)],
        shown.decision.purpose,
        personId,
      );
    },
  );

  /**
   * FHIR's `Patient/$match`: the persons a Patient could be, from the identity index, most likely first, each as a
   * Patient with `search.score` (the match probability) and the match grade (certain: the index would link it;
   * probable: it would ask an officer). A partner system gets its own organisation's records of those persons; a
   * person (clinician, admin staff) one record per person, their own organisation's where it has one.
   */
  app.post<{ Params: TypeParams }>(
    '/:type/$match',
    { config: { access: EVERYTHING }, schema: { hide: true } },
    async (request, reply) => {
      if (request.params.type !== 'Patient') {
        return sendError(request, reply, 'match', {
          kind: 'not-found',
          message: '$match is an operation on Patient: POST /fhir/Patient/$match.',
        });
      }
      const parameters = matchParameters(request.body);
      if (!parameters.ok) return sendError(request, reply, 'match', parameters.error);
      const validated = checkBody('Patient', parameters.value.patient);
      if (!validated.ok) return sendError(request, reply, 'match', validated.error);
      const organisation = writerOf(request.principal).organisation;
      const incoming = incomingOfPatient({ ...validated.value, id: 'match' }, organisation, clock());
      if (!incoming.ok) {
        return sendError(request, reply, 'match', {
          kind: 'invalid',
          message: `The Patient cannot be matched: ${incoming.error.map((issue) => issue.message).join('; ')}.`,
        });
      }
      const index = await identityIndex();
      if (!index.ok) {
        return sendError(request, reply, 'match', { kind: 'unprocessable', message: index.error.title });
      }
      const matches = (await findPersons(index.value, incoming.value.record.demographics))
        .filter((match) => !parameters.value.onlyCertain || match.grade === 'certain')
        .slice(0, parameters.value.count);
      const entries: { stored: StoredResource; score: number; grade: string }[] = [];
      for (const match of matches) {
        const patients = await patientsOfPerson(context.db, match.personId);
        const own = patients.filter((p) => p.organisation.toLowerCase() === organisation.toLowerCase());
        const chosen = request.principal.kind === 'user' ? [own[0] ?? patients[0]] : own;
        for (const patient of chosen) {
          if (patient === undefined) continue;
          const read = await repository.read('Patient', patient.patientId);
          if (read.ok) entries.push({ stored: read.value, score: match.probability, grade: match.grade });
        }
      }
      await auditor.record(request, {
        action: 'match',
        resourceType: 'Patient',
        outcome: 'success',
        patientIds: entries.map((entry) => entry.stored.resource.id),
        detail: { matches: entries.length },
      });
      return reply.type(FHIR_JSON).send({
        resourceType: 'Bundle',
        type: 'searchset',
        total: entries.length,
        entry: entries.map(({ stored, score, grade }) => ({
          fullUrl: `${base}/Patient/${stored.resource.id}`,
          resource: stored.resource,
          search: {
            mode: 'match',
            score: Math.round(score * 10_000) / 10_000,
            extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/match-grade', valueCode: grade }],
          },
        })),
      });
    },
  );

  const hiddenFrom = (params: { type: string; id: string }): RecordError =>
    recordError('not-found', `There is no ${params.type}/${params.id} that your organisation may read.`);

  /** The Bundle of `$everything`: each entry says which organisation it came from; hidden elements removed. */
  async function sendEverything(
    request: FastifyRequest<{ Params: { type: string; id: string } }>,
    reply: FastifyReply,
    resources: readonly StoredResource[],
    /** Direct care, or the reason given for emergency access (undefined: direct care). */
    purpose: string | undefined,
    /** The person whose record it is, when the index has joined the Patient to one. */
    personId: string | undefined,
  ): Promise<FastifyReply> {
    await auditor.record(request, {
      action: 'everything',
      resourceType: 'Patient',
      resourceId: request.params.id,
      outcome: 'success',
      patientIds: resources.map((stored) => stored.patientId),
      ...(personId === undefined ? {} : { personIds: [personId] }),
      detail: { resources: resources.length },
      ...(purpose === undefined ? {} : { purpose }),
    });
    return reply.type(FHIR_JSON).send({
      resourceType: 'Bundle',
      type: 'searchset',
      total: resources.length,
      entry: resources.map((stored) => ({
        fullUrl: `${base}/${stored.resource.resourceType}/${stored.resource.id}`,
        extension: [{ url: SOURCE_ORGANISATION_EXTENSION, valueString: stored.sourceOrganisation }],
        resource: stored.resource,
        search: { mode: 'match' },
      })),
    });
  }

  const search = async (
    request: FastifyRequest<{ Params: TypeParams }>,
    reply: FastifyReply,
    query: string,
  ) => {
    const { type } = request.params;
    const pathError = checkPath(request.params);
    if (pathError !== undefined) return sendError(request, reply, 'search', pathError);
    const entries = [...new URLSearchParams(query)];
    const plan = planSearch(table, type, entries);
    if (!plan.ok) return sendError(request, reply, 'search', plan.error);
    const scope = { organisation: writerOf(request.principal).organisation };
    const result = await repository.search(plan.value, scope);
    // One entry per person whose data the answer holds, so each person sees the search in their own access log.
    await auditor.record(request, {
      action: 'search',
      resourceType: type,
      outcome: 'success',
      patientIds: [...result.matches, ...result.included].map((stored) => stored.patientId),
      // The parameters' names only: their values (a name, an NHS number) are identifiable.
      detail: { query: entries.map(([name]) => name).join('&'), matches: result.matches.length },
    });
    const { count, offset } = plan.value;
    const others = entries.filter(([name]) => name !== '_offset');
    const page = (at: number) =>
      `${base}/${type}?${new URLSearchParams([...others, ['_offset', String(at)]]).toString()}`;
    const link = [
      { relation: 'self', url: page(offset) },
      ...(result.more ? [{ relation: 'next', url: page(offset + count) }] : []),
      ...(offset > 0 ? [{ relation: 'previous', url: page(Math.max(0, offset - count)) }] : []),
    ];
    return reply.type(FHIR_JSON).send({
      resourceType: 'Bundle',
      type: 'searchset',
      ...(result.total === undefined ? {} : { total: result.total }),
      link,
      entry: [
        ...result.matches.map((stored) => ({
          fullUrl: `${base}/${stored.resource.resourceType}/${stored.resource.id}`,
          resource: stored.resource,
          search: { mode: 'match' },
        })),
        ...result.included.map((stored) => ({
          fullUrl: `${base}/${stored.resource.resourceType}/${stored.resource.id}`,
          resource: stored.resource,
          search: { mode: 'include' },
        })),
      ],
    });
  };

  app.get<{ Params: TypeParams }>(
    '/:type',
    { config: { access: READERS }, schema: { hide: true } },
    async (request, reply) => search(request, reply, request.url.split('?')[1] ?? ''),
  );

  app.post<{ Params: TypeParams }>(
    '/:type/_search',
    { config: { access: READERS }, schema: { hide: true } },
    async (request, reply) => {
      const body = request.body;
      const form =
        typeof body === 'object' && body !== null
          ? new URLSearchParams(
              Object.entries(body as Record<string, unknown>).flatMap(([name, value]) =>
                (Array.isArray(value) ? value : [value]).map((item): [string, string] => [
                  name,
                  String(item),
                ]),
              ),
            ).toString()
          : '';
      const query = [request.url.split('?')[1] ?? '', form].filter((part) => part !== '').join('&');
      return search(request, reply, query);
    },
  );

  app.setNotFoundHandler(async (_request, reply) =>
    reply
      .status(404)
      .type(FHIR_JSON)
      .send(errorOutcome('not-found', 'The FHIR API has no such interaction.')),
  );
}
