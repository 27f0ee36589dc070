/**
 * @module web/routes/fhir-import
 * FHIR Bulk Data `$import` ("ping and pull") at /fhir: a partner system asks, with `Prefer: respond-async` and a
 * Parameters resource, for NDJSON files it has put in its organisation's import folder to be loaded; the answer is
 * 202 with the status address in `Content-Location`. `GET /fhir/$import-status/{id}` answers 202 with `X-Progress`
 * while the job waits or runs, then the result (what went in from each file, and the skipped lines as inline
 * OperationOutcomes); `DELETE` cancels it. A thin edge over `record/import/jobs.ts`, which never reads a file
 * outside the organisation's folder and never fetches from the network.
 *
 * Partner systems only (`record:write`), each seeing only its own organisation's jobs: another's answers 404.
 * Every request is audited, as the record's other writes are; the import itself once more when it ends, with its
 * counts (never a value from a file).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AuditOutcome } from '../../access/audit/index.js';
import type { AccessRule, Principal } from '../../access/index.js';
import { formatIssue, type Issue } from '../../core/problem.js';
import type { RecordError } from '../../record/index.js';
import {
  NDJSON_FORMAT,
  type ImportInput,
  type ImportJob,
  type ImportJobs,
} from '../../record/import/jobs.js';
import { errorOutcome, outcomeOfRecordError, STATUS_OF } from '../fhir-outcome.js';
import type { AppContext } from '../server.js';

const FHIR_JSON = 'application/fhir+json; charset=utf-8';
/** At most this many files in one request. */
export const MAX_IMPORT_INPUTS = 1_000;
/** The longest input url taken (a path in the organisation's folder needs far less). */
const MAX_URL_LENGTH = 1_000;
/** How long a client is asked to wait between polls, in seconds. */
export const RETRY_AFTER_SECONDS = 5;

interface ImportParameters {
  readonly inputFormat: string;
  readonly inputSource: string;
  readonly inputs: readonly ImportInput[];
}

type Part = Record<string, unknown>;

/** A Parameters part's value, whichever primitive type the client chose for it. */
function valueOf(part: Part | undefined): string | undefined {
  if (part === undefined) return undefined;
  for (const key of ['valueCode', 'valueUri', 'valueUrl', 'valueString', 'valueCanonical']) {
    const value = part[key];
    if (typeof value === 'string') return value;
  }
  return undefined;
}

const partsOf = (list: unknown): Part[] =>
  (Array.isArray(list) ? (list as unknown[]) : []).filter(
    (p): p is Part => typeof p === 'object' && p !== null,
  );

/** The kick-off's Parameters, checked: `inputFormat`, `inputSource`, and one or more `input` (type and url). */
export function importParameters(
  body: unknown,
  knownType: (type: string) => boolean,
): { ok: true; value: ImportParameters } | { ok: false; error: RecordError } {
  const bad = (message: string, expression = 'Parameters.parameter') => ({
    ok: false as const,
    error: { kind: 'invalid' as const, message, expression },
  });
  if (
    typeof body !== 'object' ||
    body === null ||
    (body as { resourceType?: unknown }).resourceType !== 'Parameters'
  ) {
    return bad(
      `Send a Parameters resource (application/fhir+json) with inputFormat (${NDJSON_FORMAT}), ` +
        'inputSource, and an input part (type and url) for each file.',
      'Parameters',
    );
  }
  const parameters = partsOf((body as { parameter?: unknown }).parameter);
  const named = (name: string) => parameters.find((p) => p['name'] === name);
  const inputFormat = valueOf(named('inputFormat'));
  if (inputFormat === undefined) {
    return bad(`The inputFormat parameter is missing: send valueCode "${NDJSON_FORMAT}".`);
  }
  if (inputFormat !== NDJSON_FORMAT) {
    return bad(
      `The inputFormat must be ${NDJSON_FORMAT}: the only format this server imports (one resource a line).`,
    );
  }
  const inputSource = valueOf(named('inputSource'));
  if (inputSource === undefined || inputSource.trim() === '') {
    return bad('The inputSource parameter is missing: send valueUri naming the system the files come from.');
  }
  const inputs: ImportInput[] = [];
  for (const [index, parameter] of parameters.entries()) {
    if (parameter['name'] !== 'input') continue;
    const where = `Parameters.parameter[${String(index)}]`;
    const parts = partsOf(parameter['part']);
    const type = valueOf(parts.find((p) => p['name'] === 'type'));
    const url = valueOf(parts.find((p) => p['name'] === 'url'));
    if (type === undefined || url === undefined) {
      return bad('Each input needs a "type" part (the resource type) and a "url" part (the file).', where);
    }
    if (url.length > MAX_URL_LENGTH) {
      return bad(`An input's url is at most ${String(MAX_URL_LENGTH)} characters.`, `${where}.part`);
    }
    if (!knownType(type)) {
      return bad(
        `"${type}" is not a FHIR R4 resource type this record holds: give each file's resource type, e.g. Patient.`,
        `${where}.part`,
      );
    }
    inputs.push({ type, url });
  }
  if (inputs.length === 0) {
    return bad('There is no input: add an input part (type and url) for each file to import.');
  }
  if (inputs.length > MAX_IMPORT_INPUTS) {
    return bad(
      `At most ${MAX_IMPORT_INPUTS.toLocaleString('en-GB')} files in one request: split it into several.`,
    );
  }
  return { ok: true, value: { inputFormat, inputSource, inputs } };
}

/** Where the index-th input part is, for an error about it. */
function inputExpression(body: unknown, index: number): string {
  const parameters = partsOf((body as { parameter?: unknown }).parameter);
  let seen = -1;
  for (const [at, parameter] of parameters.entries()) {
    if (parameter['name'] === 'input' && ++seen === index) return `Parameters.parameter[${String(at)}]`;
  }
  return 'Parameters.parameter';
}

const count = (n: number) => n.toLocaleString('en-GB');

/** The status answer of a completed job: the Bulk Data import manifest, its errors inline. */
export function completedManifest(job: ImportJob) {
  const issuesByFile = new Map<string, Issue[]>();
  for (const issue of job.issues) {
    const file = issue.file ?? '';
    issuesByFile.set(file, [...(issuesByFile.get(file) ?? []), issue]);
  }
  return {
    transactionTime: (job.finishedAt ?? new Date(0)).toISOString(),
    request: job.request.requestUrl,
    requiresAccessToken: false,
    output: job.output
      .filter((file) => file.accepted > 0)
      .map((file) => ({ type: file.type, inputUrl: file.label, count: file.accepted })),
    // There is no file server: each file's problems are an OperationOutcome here, one issue a line (capped).
    error: job.output
      .filter((file) => file.skipped > 0)
      .map((file) => {
        const kept = issuesByFile.get(file.label) ?? [];
        const more = file.skipped - kept.length;
        return {
          type: 'OperationOutcome',
          inputUrl: file.label,
          count: file.skipped,
          outcome: {
            resourceType: 'OperationOutcome',
            issue: [
              ...kept.map((issue) => ({
                severity: 'error',
                code: issue.line === undefined ? 'not-found' : 'invalid',
                diagnostics: formatIssue(issue),
                ...(issue.line === undefined ? {} : { location: [`line ${String(issue.line)}`] }),
              })),
              ...(more > 0
                ? [
                    {
                      severity: 'information',
                      code: 'too-costly',
                      diagnostics: `${file.label}: ${count(more)} more lines were skipped; only the first problems are listed.`,
                    },
                  ]
                : []),
            ],
          },
        };
      }),
    extension: {
      read: job.counts.read,
      created: job.counts.created,
      updated: job.counts.updated,
      unchanged: job.counts.unchanged,
      skipped: job.counts.skipped,
      patientsLinked: job.counts.linked,
    },
  };
}

/** The job's organisation as a principal, for the audit of the job's end (the request has long been answered). */
const jobPrincipal = (job: ImportJob): Principal => ({
  kind: 'system',
  tokenId: job.requestedBy,
  organisation: job.organisation,
  scopes: [],
});

export function fhirImportRoutes(
  app: FastifyInstance,
  context: AppContext,
  shared: {
    readonly base: string;
    readonly access: AccessRule;
    readonly knownType: (type: string) => boolean;
  },
): void {
  const { base, access, knownType } = shared;
  const auditor = context.recordAudit;
  const jobs: ImportJobs | undefined = context.imports;
  const statusUrl = (id: string) => `${base}/$import-status/${id}`;

  if (jobs !== undefined) {
    // The import itself is audited when it ends, with its counts, as the organisation that asked.
    const unsubscribe = jobs.onFinished(async (job) => {
      const request = { principal: jobPrincipal(job) } as unknown as FastifyRequest;
      const outcome: AuditOutcome = job.status === 'failed' ? 'error' : 'success';
      await auditor.record(request, {
        action: 'import',
        resourceType: '$import',
        resourceId: job.id,
        outcome,
        detail: {
          status: job.status,
          files: job.request.inputs.length,
          read: job.counts.read,
          created: job.counts.created,
          updated: job.counts.updated,
          unchanged: job.counts.unchanged,
          skipped: job.counts.skipped,
          patientsLinked: job.counts.linked,
        },
      });
    });
    // Jobs left queued or running when the server last stopped are picked up as it starts.
    app.addHook('onReady', async () => {
      await jobs.recover();
    });
    app.addHook('onClose', async () => {
      await jobs.stop();
      unsubscribe();
    });
  }

  async function refuse(
    request: FastifyRequest,
    reply: FastifyReply,
    action: 'import' | 'read' | 'delete',
    error: RecordError,
    resourceId?: string,
  ): Promise<FastifyReply> {
    await auditor.record(request, {
      action,
      resourceType: action === 'import' ? '$import' : '$import-status',
      resourceId,
      outcome: error.kind === 'not-found' || error.kind === 'forbidden' ? 'denied' : 'error',
      detail: { error: error.kind },
    });
    return reply.status(STATUS_OF[error.kind]).type(FHIR_JSON).send(outcomeOfRecordError(error));
  }

  const organisationOf = (principal: Principal) =>
    principal.kind === 'anonymous' ? '' : principal.organisation;
  const whoOf = (principal: Principal) =>
    principal.kind === 'system' ? principal.tokenId : principal.kind === 'user' ? principal.userId : '';

  /** The job, if the caller's organisation started it: to anyone else it does not exist. */
  async function ownJob(request: FastifyRequest<{ Params: { id: string } }>) {
    const job = await jobs?.get(request.params.id);
    const own = organisationOf(request.principal).toLowerCase();
    return job !== undefined && job.organisation.toLowerCase() === own ? job : undefined;
  }
  const noJob = (id: string): RecordError => ({
    kind: 'not-found',
    message: `There is no import ${id} that your organisation started.`,
  });

  app.post('/$import', { config: { access }, schema: { hide: true } }, async (request, reply) => {
    if (jobs === undefined) {
      return refuse(request, reply, 'import', {
        kind: 'unprocessable',
        message: 'Bulk import is not set up on this server: use accord record import instead.',
      });
    }
    const prefer = request.headers['prefer'];
    if (typeof prefer !== 'string' || !/(^|[,;\s])respond-async($|[,;\s])/i.test(prefer)) {
      return refuse(request, reply, 'import', {
        kind: 'invalid',
        message:
          '$import runs in the background: send the header Prefer: respond-async, then poll the address in Content-Location.',
      });
    }
    const parsed = importParameters(request.body, knownType);
    if (!parsed.ok) return refuse(request, reply, 'import', parsed.error);
    const organisation = organisationOf(request.principal);
    const submitted = await jobs.submit(organisation, whoOf(request.principal), {
      requestUrl: `${base}/$import`,
      ...parsed.value,
    });
    if (!submitted.ok) {
      const { index, message } = submitted.error;
      const input = parsed.value.inputs[index];
      return refuse(request, reply, 'import', {
        kind: 'invalid',
        message: `The input ${input?.type ?? ''} file "${input?.url ?? ''}" ${message}.`,
        expression: inputExpression(request.body, index),
      });
    }
    const job = submitted.value;
    await auditor.record(request, {
      action: 'import',
      resourceType: '$import',
      resourceId: job.id,
      outcome: 'success',
      detail: {
        status: 'queued',
        files: parsed.value.inputs.length,
        // Resource type names only, and few enough to keep the entry small.
        types: [...new Set(parsed.value.inputs.map((input) => input.type))].sort().slice(0, 40).join(','),
      },
    });
    return reply
      .status(202)
      .type(FHIR_JSON)
      .header('content-location', statusUrl(job.id))
      .send({
        resourceType: 'OperationOutcome',
        issue: [
          {
            severity: 'information',
            code: 'informational',
            diagnostics: `The import of ${count(parsed.value.inputs.length)} file(s) is queued: poll ${statusUrl(job.id)}.`,
          },
        ],
      });
  });

  app.get<{ Params: { id: string } }>(
    '/$import-status/:id',
    { config: { access }, schema: { hide: true } },
    async (request, reply) => {
      const job = await ownJob(request);
      if (job === undefined)
        return refuse(request, reply, 'read', noJob(request.params.id), request.params.id);
      await auditor.record(request, {
        action: 'read',
        resourceType: '$import-status',
        resourceId: job.id,
        outcome: 'success',
        detail: { status: job.status },
      });
      switch (job.status) {
        case 'queued':
        case 'running':
          return reply
            .status(202)
            .header(
              'x-progress',
              job.status === 'queued' ? 'queued' : `read ${count(job.counts.read)} resources`,
            )
            .header('retry-after', String(RETRY_AFTER_SECONDS))
            .send();
        case 'completed':
          return reply.type('application/json; charset=utf-8').send(completedManifest(job));
        case 'failed':
          return reply
            .status(500)
            .type(FHIR_JSON)
            .send(
              errorOutcome(
                'exception',
                `${job.failure ?? 'The import failed.'} Resources written before it stopped stay; ` +
                  `ask again to import the rest (an import is idempotent). Reference: ${job.id}`,
              ),
            );
        case 'cancelled':
          return reply
            .status(404)
            .type(FHIR_JSON)
            .send(
              errorOutcome(
                'not-found',
                `The import ${job.id} was cancelled; resources it had written before stay.`,
              ),
            );
      }
    },
  );

  app.delete<{ Params: { id: string } }>(
    '/$import-status/:id',
    { config: { access }, schema: { hide: true } },
    async (request, reply) => {
      const job = await ownJob(request);
      if (job === undefined || jobs === undefined) {
        return refuse(request, reply, 'delete', noJob(request.params.id), request.params.id);
      }
      const outcome = await jobs.cancel(job.id);
      if (outcome === 'not-found') {
        return refuse(request, reply, 'delete', noJob(request.params.id), request.params.id);
      }
      if (outcome === 'finished') {
        const finished = await jobs.get(job.id);
        return refuse(
          request,
          reply,
          'delete',
          {
            kind: 'conflict',
            message:
              `The import ${job.id} has already finished (${finished?.status ?? job.status}): there is nothing to ` +
              'cancel. What it imported stays; change or delete resources through the FHIR API.',
          },
          job.id,
        );
      }
      await auditor.record(request, {
        action: 'delete',
        resourceType: '$import-status',
        resourceId: job.id,
        outcome: 'success',
        detail: { cancel: outcome },
      });
      const text =
        outcome === 'cancelled'
          ? `The import ${job.id} is cancelled; nothing of it was imported.`
          : `The import ${job.id} will stop after the batch it is writing; resources written before stay.`;
      return reply
        .status(202)
        .type(FHIR_JSON)
        .send({
          resourceType: 'OperationOutcome',
          issue: [{ severity: 'information', code: 'informational', diagnostics: text }],
        });
    },
  );
}
