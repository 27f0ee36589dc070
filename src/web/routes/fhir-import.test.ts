/**
 * FHIR Bulk Data `$import` through the real server and database: a partner's NDJSON files, put in its import
 * folder, are loaded in the background and readable through /fhir; a re-import changes nothing; bad lines are
 * skipped and listed by file and line; files outside the folder, the network, and malformed requests are refused
 * with 400; other organisations see no job; a queued job can be cancelled, a running one stops; and a job left
 * running by a stopped server is run again when the server starts. No test waits on time: each awaits the jobs'
 * own `idle()` or a gate the test opens.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/db.js';
import { partnerToken } from '../../../test/support/people.js';
import { loadRiverside } from '../../../test/support/riverside.js';
import { sourcedId } from '../../record/repository.js';
import { searchParameters } from '../../record/index.js';
import { importJobs, type ImportJob, type ImportJobs } from '../../record/import/jobs.js';
import { buildServer } from '../server.js';

const NOW = new Date('2026-03-03T10:00:00Z');
const NHS = 'https://fhir.nhs.uk/Id/nhs-number';
const PUBLIC = 'http://127.0.0.1:3999';

let test: TestDatabase;
let root: string;
let first = '';
let second = '';
let hospital = '';
let other = '';
let app: FastifyInstance;
let jobs: ImportJobs;

/** A gate a test may close to hold the next job at its start, and open to let it go. */
let gate: { reached: () => void; open: Promise<void> } | undefined;
function closeGate() {
  let open!: () => void;
  let reached!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  const arrived = new Promise<void>((resolve) => {
    reached = resolve;
  });
  gate = { reached, open: opened };
  return { open, arrived };
}

/** A clock that moves on a millisecond a call, so jobs queue in the order they were asked for. */
function ticking() {
  let at = NOW.getTime();
  return () => new Date(at++);
}

function runner(): ImportJobs {
  return importJobs(test.db, {
    root,
    table: searchParameters(),
    now: ticking(),
    beforeRun: async () => {
      const held = gate;
      gate = undefined;
      if (held === undefined) return;
      held.reached();
      await held.open;
    },
  });
}

const server = (imports: ImportJobs) =>
  buildServer({
    db: test.db,
    config: { logLevel: 'silent', publicUrl: new URL(PUBLIC), oidc: undefined },
    partnershipId: 'riverside',
    schemaCurrent: async () => true,
    clock: () => NOW,
    imports,
  });

const patient = (id: string, nhsNumber: string) => ({
  resourceType: 'Patient',
  id,
  identifier: [{ system: NHS, value: nhsNumber }],
  name: [{ family: 'Import', given: ['Ann'] }],
  gender: 'female',
  birthDate: '1980-02-03',
});
const condition = (id: string, patientId: string) => ({
  resourceType: 'Condition',
  id,
  code: { coding: [{ system: 'http://snomed.info/sct', code: '44054006' }] },
  subject: { reference: `Patient/${patientId}` },
});
const ndjson = (rows: (object | string)[]) =>
  rows.map((row) => (typeof row === 'string' ? row : JSON.stringify(row))).join('\n') + '\n';

beforeAll(async () => {
  test = await createTestDatabase();
  const loaded = await loadRiverside(test.db);
  [first = '', second = ''] = loaded.partnership.organisations.map((o) => o.id);
  hospital = await partnerToken(test.db, first, ['record:write', 'record:read'], NOW);
  other = await partnerToken(test.db, second, ['record:write', 'record:read'], NOW);
  root = mkdtempSync(join(tmpdir(), 'accord-import-'));
  mkdirSync(join(root, first, 'feed'), { recursive: true });
  mkdirSync(join(root, second));
  writeFileSync(
    join(root, first, 'feed', 'Patient.ndjson'),
    ndjson([patient('p1', '9000000009'), patient('p2', '9000000017')]),
  );
  // Line 2 is not JSON, line 3 has no id: both skipped; the rest go in.
  writeFileSync(
    join(root, first, 'feed', 'Condition.ndjson'),
    ndjson([condition('c1', 'p1'), '{"resourceType":', { ...condition('c2', 'p2'), id: undefined }]),
  );
  writeFileSync(join(root, second, 'Patient.ndjson'), ndjson([patient('q1', '9000000025')]));
  writeFileSync(join(root, 'outside.ndjson'), ndjson([patient('x1', '9000000033')]));
  symlinkSync(join(root, 'outside.ndjson'), join(root, first, 'link.ndjson'));
  jobs = runner();
  app = await server(jobs);
}, 60_000);

afterAll(async () => {
  await app.close();
  await test.drop();
  rmSync(root, { recursive: true, force: true });
});

const parameters = (inputs: { type: string; url: string }[], format = 'application/fhir+ndjson') => ({
  resourceType: 'Parameters',
  parameter: [
    { name: 'inputFormat', valueCode: format },
    { name: 'inputSource', valueUri: 'https://gp-system.example/exports/1' },
    ...inputs.map(({ type, url }) => ({
      name: 'input',
      part: [
        { name: 'type', valueCode: type },
        { name: 'url', valueUri: url },
      ],
    })),
  ],
});

const FEED = [
  { type: 'Patient', url: 'feed/Patient.ndjson' },
  { type: 'Condition', url: 'feed/Condition.ndjson' },
];

const kickOff = (body: object, token = hospital, prefer: string | null = 'respond-async') =>
  app.inject({
    method: 'POST',
    url: '/fhir/$import',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/fhir+json',
      ...(prefer === null ? {} : { prefer }),
    },
    payload: JSON.stringify(body),
  });

const status = (location: string, token = hospital, method: 'GET' | 'DELETE' = 'GET') =>
  app.inject({ method, url: new URL(location).pathname, headers: { authorization: `Bearer ${token}` } });

interface Manifest {
  transactionTime: string;
  request: string;
  requiresAccessToken: boolean;
  output: { type: string; inputUrl: string; count: number }[];
  error: {
    type: string;
    inputUrl: string;
    count: number;
    outcome: {
      resourceType: string;
      issue: { severity: string; diagnostics: string; location?: string[] }[];
    };
  }[];
  extension: Record<string, number>;
}

/** Kicks off an import, waits for the jobs to finish, and gives the status answer. */
async function importAndWait(inputs: { type: string; url: string }[]) {
  const started = await kickOff(parameters(inputs));
  expect(started.statusCode).toBe(202);
  const location = started.headers['content-location'];
  expect(location).toMatch(new RegExp(`^${PUBLIC}/fhir/\\$import-status/[0-9a-f-]{36}$`));
  await jobs.idle();
  const answer = await status(String(location));
  return { location: String(location), answer };
}

const versions = async () =>
  (await test.db.query<{ n: number }>('SELECT count(*)::int AS n FROM record_version'))[0]?.n ?? 0;

describe('$import', () => {
  it('loads the files in the background: 200 with what went in, readable through /fhir, bad lines listed', async () => {
    const { answer } = await importAndWait(FEED);
    expect(answer.statusCode).toBe(200);
    const manifest = answer.json<Manifest>();
    expect(manifest.request).toBe(`${PUBLIC}/fhir/$import`);
    expect(manifest.requiresAccessToken).toBe(false);
    expect(manifest.output).toEqual([
      { type: 'Patient', inputUrl: 'feed/Patient.ndjson', count: 2 },
      { type: 'Condition', inputUrl: 'feed/Condition.ndjson', count: 1 },
    ]);
    expect(manifest.extension).toMatchObject({ read: 5, created: 3, unchanged: 0, skipped: 2 });
    expect(manifest.error).toHaveLength(1);
    const [errors] = manifest.error;
    expect(errors).toMatchObject({ type: 'OperationOutcome', inputUrl: 'feed/Condition.ndjson', count: 2 });
    expect(errors?.outcome.issue.map((issue) => issue.location)).toEqual([['line 2'], ['line 3']]);
    expect(errors?.outcome.issue[0]?.diagnostics).toMatch(/^feed\/Condition\.ndjson: line 2: is not JSON/);
    expect(errors?.outcome.issue[1]?.diagnostics).toContain('has no id');

    const id = sourcedId(first, 'Condition', 'c1');
    const read = await app.inject({
      method: 'GET',
      url: `/fhir/Condition/${id}`,
      headers: { authorization: `Bearer ${hospital}` },
    });
    expect(read.statusCode).toBe(200);
    expect(read.json<{ subject: { reference: string } }>().subject.reference).toBe(
      `Patient/${sourcedId(first, 'Patient', 'p1')}`,
    );
    const search = await app.inject({
      method: 'GET',
      url: '/fhir/Patient',
      headers: { authorization: `Bearer ${hospital}` },
    });
    expect(search.json<{ entry: unknown[] }>().entry).toHaveLength(2);

    // Audited, with the organisation and counts and nothing from the files.
    const audited = await test.db.query<{ organisation: string; detail: Record<string, unknown> }>(
      `SELECT organisation, detail FROM audit_entry WHERE action = 'import' AND outcome = 'success' ORDER BY seq`,
    );
    expect(audited[0]).toMatchObject({
      organisation: first,
      detail: { files: 2, types: 'Condition,Patient' },
    });
    expect(audited[1]).toMatchObject({
      organisation: first,
      detail: { status: 'completed', created: 3, skipped: 2 },
    });
    expect(JSON.stringify(audited)).not.toContain('9000000009');
  });

  it('changes nothing when the same files are imported again', async () => {
    const before = await versions();
    const { answer } = await importAndWait(FEED);
    const manifest = answer.json<Manifest>();
    expect(manifest.extension).toMatchObject({ created: 0, updated: 0, unchanged: 3, skipped: 2 });
    expect(manifest.output.map((file) => file.count)).toEqual([2, 1]);
    expect(await versions()).toBe(before);
  });

  it('refuses, with 400 naming the problem and the fix, what it cannot or must not read', async () => {
    const jobCount = async () =>
      (await test.db.query<{ n: number }>('SELECT count(*)::int AS n FROM record_import_job'))[0]?.n;
    const before = await jobCount();
    const outside = pathToFileURL(join(root, second, 'Patient.ndjson')).href;
    const cases: [string, ReturnType<typeof kickOff>, RegExp][] = [
      ['no Prefer', kickOff(parameters(FEED), hospital, null), /Prefer: respond-async/],
      ['a wrong format', kickOff(parameters(FEED, 'application/json')), /inputFormat must be/],
      ['not Parameters', kickOff({ resourceType: 'Bundle' }), /Send a Parameters resource/],
      ['no inputs', kickOff(parameters([])), /There is no input/],
      [
        'an unknown type',
        kickOff(parameters([{ type: 'Pateint', url: 'feed/Patient.ndjson' }])),
        /not a FHIR R4/,
      ],
      ['an escape', kickOff(parameters([{ type: 'Patient', url: '../outside.ndjson' }])), /is outside your/],
      ["another's folder", kickOff(parameters([{ type: 'Patient', url: outside }])), /is outside your/],
      [
        'the network',
        kickOff(parameters([{ type: 'Patient', url: 'http://evil.example/p' }])),
        /never fetches/,
      ],
      ['a symlink out', kickOff(parameters([{ type: 'Patient', url: 'link.ndjson' }])), /symbolic link/],
      [
        'a missing file',
        kickOff(parameters([{ type: 'Patient', url: 'feed/Nothing.ndjson' }])),
        /does not exist/,
      ],
    ];
    for (const [what, call, message] of cases) {
      const answer = await call;
      expect(answer.statusCode, what).toBe(400);
      const outcome = answer.json<{ resourceType: string; issue: { diagnostics: string }[] }>();
      expect(outcome.resourceType, what).toBe('OperationOutcome');
      expect(outcome.issue[0]?.diagnostics, what).toMatch(message);
    }
    // Nothing was queued.
    expect(await jobCount()).toBe(before);
  });

  it("shows a job only to the organisation that started it: another's token gets 404", async () => {
    const { location } = await importAndWait(FEED);
    expect((await status(location, other)).statusCode).toBe(404);
    expect((await status(location, other, 'DELETE')).statusCode).toBe(404);
    expect((await status(location)).statusCode).toBe(200);
    expect((await status(`${PUBLIC}/fhir/$import-status/not-a-job`)).statusCode).toBe(404);
  });

  it('cancels a queued job at once, and stops a running one', async () => {
    const held = closeGate();
    const running = await kickOff(parameters(FEED));
    await held.arrived;
    const queued = await kickOff(parameters(FEED));
    const runningAt = String(running.headers['content-location']);
    const queuedAt = String(queued.headers['content-location']);

    const waiting = await status(queuedAt);
    expect(waiting.statusCode).toBe(202);
    expect(waiting.headers['x-progress']).toBe('queued');
    expect(waiting.headers['retry-after']).toBe('5');
    const busy = await status(runningAt);
    expect(busy.statusCode).toBe(202);
    expect(busy.headers['x-progress']).toBe('read 0 resources');

    expect((await status(queuedAt, hospital, 'DELETE')).statusCode).toBe(202);
    expect((await status(queuedAt)).statusCode).toBe(404);
    const stopping = await status(runningAt, hospital, 'DELETE');
    expect(stopping.statusCode).toBe(202);
    expect(stopping.json<{ issue: { diagnostics: string }[] }>().issue[0]?.diagnostics).toMatch(/will stop/);

    held.open();
    await jobs.idle();
    const job = await jobs.get(new URL(runningAt).pathname.split('/').pop() ?? '');
    expect(job?.status).toBe('cancelled');
    const again = await status(runningAt, hospital, 'DELETE');
    expect(again.statusCode).toBe(409);
    expect(again.json<{ issue: { diagnostics: string }[] }>().issue[0]?.diagnostics).toMatch(
      /already finished/,
    );
  });

  it('runs again, when the server starts, a job a stopped server left running', async () => {
    const id = '00000000-0000-4000-8000-00000000abcd';
    await test.db.query(
      `INSERT INTO record_import_job (id, organisation, requested_by, request, status, requested_at, started_at)
       VALUES ($1, $2, 'token', $3, 'running', $4, $4)`,
      [
        id,
        first,
        JSON.stringify({
          requestUrl: `${PUBLIC}/fhir/$import`,
          inputFormat: 'application/fhir+ndjson',
          inputSource: 'https://gp-system.example/exports/1',
          inputs: FEED,
        }),
        NOW,
      ],
    );
    const restarted = runner();
    const finished: ImportJob[] = [];
    restarted.onFinished(async (job) => {
      finished.push(job);
      return Promise.resolve();
    });
    const second = await server(restarted);
    try {
      await second.ready();
      await restarted.idle();
      expect(finished.map((job) => [job.id, job.status])).toContainEqual([id, 'completed']);
      const answer = await second.inject({
        method: 'GET',
        url: `/fhir/$import-status/${id}`,
        headers: { authorization: `Bearer ${hospital}` },
      });
      expect(answer.statusCode).toBe(200);
      expect(answer.json<Manifest>().extension).toMatchObject({ unchanged: 3, skipped: 2 });
    } finally {
      await second.close();
    }
  });

  it('is in the CapabilityStatement', async () => {
    const metadata = await app.inject({ method: 'GET', url: '/fhir/metadata' });
    const rest = metadata.json<{ rest: { operation?: { name: string }[] }[] }>().rest[0];
    expect(rest?.operation?.map((operation) => operation.name)).toContain('import');
  });
});
