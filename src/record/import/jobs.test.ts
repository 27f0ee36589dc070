/**
 * `$import` jobs on a real PostgreSQL, without HTTP: where a file may be read from (only inside the organisation's
 * own folder, as written and after symbolic links, never the network), and the queue — one job at a time, a queued
 * job cancelled, a job interrupted by shutdown queued again and finished at the next start. No test waits on time:
 * each awaits `idle()`, `stop()` or a gate it opens itself.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/db.js';
import { searchParameters } from '../search/parameters.js';
import { BATCH_SIZE, importFiles } from './feeds.js';
import { importJobs, type ImportRequest, resolveImportPath } from './jobs.js';

let test: TestDatabase;
// Made when the file is collected: the refused URLs below name paths in it.
const root = mkdtempSync(join(tmpdir(), 'accord-jobs-'));
const ORG = 'B86001';

const patient = (id: string, nhs: string) => ({
  resourceType: 'Patient',
  id,
  identifier: [{ system: 'https://fhir.nhs.uk/Id/nhs-number', value: nhs }],
  name: [{ family: 'Job', given: ['Person'] }],
  gender: 'male',
  birthDate: '1960-05-06',
});

beforeAll(async () => {
  test = await createTestDatabase();
  mkdirSync(join(root, ORG, 'today'), { recursive: true });
  mkdirSync(join(root, 'Y12345'));
  writeFileSync(
    join(root, ORG, 'today', 'Patient.ndjson'),
    [patient('j1', '9000000009'), patient('j2', '9000000017')].map((p) => JSON.stringify(p)).join('\n'),
  );
  writeFileSync(join(root, 'Y12345', 'Patient.ndjson'), '');
  writeFileSync(join(root, 'secret.ndjson'), '');
  symlinkSync(join(root, 'secret.ndjson'), join(root, ORG, 'sneaky.ndjson'));
  symlinkSync(join(root, 'Y12345'), join(root, ORG, 'theirs'));
}, 60_000);

afterAll(async () => {
  await test.drop();
  rmSync(root, { recursive: true, force: true });
});

describe("an input's file", () => {
  const resolved = (url: string) => resolveImportPath(root, ORG, url);

  it('is read from a relative path or a file:// URL inside the organisation folder', () => {
    const file = join(root, ORG, 'today', 'Patient.ndjson');
    expect(resolved('today/Patient.ndjson')).toEqual({ ok: true, value: file });
    expect(resolved('./today/../today/Patient.ndjson')).toEqual({ ok: true, value: file });
    expect(resolved(pathToFileURL(file).href)).toEqual({ ok: true, value: file });
  });

  it.each([
    ['../secret.ndjson', /is outside your organisation's import folder/],
    ['today/../../Y12345/Patient.ndjson', /is outside/],
    [pathToFileURL(join(root, 'Y12345', 'Patient.ndjson')).href, /is outside/],
    ['file://other-host/data/Patient.ndjson', /another host/],
    ['http://127.0.0.1:5432/Patient.ndjson', /never fetches from the network/],
    ['https://partner.example/Patient.ndjson', /never fetches from the network/],
    ['s3://bucket/Patient.ndjson', /never fetches from the network/],
    [join(root, ORG, 'today', 'Patient.ndjson'), /not a relative path/],
    ['sneaky.ndjson', /symbolic link outside/],
    ['theirs/Patient.ndjson', /symbolic link outside/],
    ['today/Missing.ndjson', /does not exist in your organisation's import folder/],
    ['today', /is not a file/],
  ])('%s is refused', (url, message) => {
    const result = resolved(url);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(message);
  });

  it('is refused when the organisation has no folder, saying who should make it', () => {
    const result = resolveImportPath(root, 'RXF', 'Patient.ndjson');
    expect(!result.ok && result.error).toMatch(/does not exist; ask the operator to create it/);
  });
});

describe('the job queue', () => {
  const request: ImportRequest = {
    requestUrl: 'http://localhost/fhir/$import',
    inputFormat: 'application/fhir+ndjson',
    inputSource: 'https://gp.example',
    inputs: [{ type: 'Patient', url: 'today/Patient.ndjson' }],
  };
  let tick = Date.parse('2026-01-01T00:00:00Z');
  const now = () => new Date(tick++);

  /** Jobs whose next run waits at a gate until the test opens it. */
  function heldJobs() {
    let open!: () => void;
    let reached!: () => void;
    const opened = new Promise<void>((resolve) => {
      open = resolve;
    });
    const arrived = new Promise<void>((resolve) => {
      reached = resolve;
    });
    let held = true;
    const jobs = importJobs(test.db, {
      root,
      table: searchParameters(),
      now,
      beforeRun: async () => {
        if (!held) return;
        held = false;
        reached();
        await opened;
      },
    });
    return { jobs, open, arrived };
  }

  it('refuses a request whose file is outside the folder, naming which input, and queues nothing', async () => {
    const { jobs } = heldJobs();
    const refused = await jobs.submit(ORG, 'token', {
      ...request,
      inputs: [...request.inputs, { type: 'Patient', url: '../secret.ndjson' }],
    });
    expect(!refused.ok && refused.error).toEqual({ index: 1, message: expect.stringMatching(/is outside/) });
    expect(await test.db.query('SELECT id FROM record_import_job')).toEqual([]);
  });

  it('runs one job at a time, cancels a queued one, and completes the other', async () => {
    const { jobs, open, arrived } = heldJobs();
    const first = await jobs.submit(ORG, 'token', request);
    if (!first.ok) throw new Error(first.error.message);
    await arrived;
    const second = await jobs.submit(ORG, 'token', request);
    if (!second.ok) throw new Error(second.error.message);
    expect((await jobs.get(first.value.id))?.status).toBe('running');
    expect((await jobs.get(second.value.id))?.status).toBe('queued');
    expect(await jobs.cancel(second.value.id)).toBe('cancelled');
    expect(await jobs.cancel(second.value.id)).toBe('finished');
    open();
    await jobs.idle();
    const done = await jobs.get(first.value.id);
    expect(done).toMatchObject({
      status: 'completed',
      counts: { read: 2, created: 2, skipped: 0 },
      output: [{ label: 'today/Patient.ndjson', type: 'Patient', read: 2, accepted: 2, skipped: 0 }],
    });
    expect(done?.finishedAt).toBeInstanceOf(Date);
    expect((await jobs.get(second.value.id))?.status).toBe('cancelled');
    expect(await jobs.cancel('00000000-0000-4000-8000-000000000000')).toBe('not-found');
    expect(await jobs.get('not-a-uuid')).toBeUndefined();
  });

  it('leaves a job interrupted by shutdown queued, and finishes it at the next start', async () => {
    const { jobs, open, arrived } = heldJobs();
    const submitted = await jobs.submit(ORG, 'token', request);
    if (!submitted.ok) throw new Error(submitted.error.message);
    await arrived;
    const stopped = jobs.stop();
    open();
    await stopped;
    expect((await jobs.get(submitted.value.id))?.status).toBe('queued');

    const next = importJobs(test.db, { root, table: searchParameters(), now });
    const finished: string[] = [];
    next.onFinished(async (job) => {
      finished.push(`${job.id} ${job.status}`);
      return Promise.resolve();
    });
    await next.recover();
    await next.idle();
    expect(finished).toEqual([`${submitted.value.id} completed`]);
    // Imported before, so unchanged now: running a job twice is safe.
    expect((await next.get(submitted.value.id))?.counts).toMatchObject({ created: 0, unchanged: 2 });
  });

  it('puts a job left running back in the queue at start, or ends it when it was being cancelled', async () => {
    const insert = (id: string, cancel: boolean) =>
      test.db.query(
        `INSERT INTO record_import_job (id, organisation, requested_by, request, status, cancel_requested,
           requested_at, started_at) VALUES ($1, $2, 'token', $3, 'running', $4, $5, $5)`,
        [id, ORG, JSON.stringify(request), cancel, now()],
      );
    await insert('00000000-0000-4000-8000-000000000001', false);
    await insert('00000000-0000-4000-8000-000000000002', true);
    const jobs = importJobs(test.db, { root, table: searchParameters(), now });
    expect(await jobs.recover()).toBe(2);
    await jobs.idle();
    expect((await jobs.get('00000000-0000-4000-8000-000000000001'))?.status).toBe('completed');
    expect((await jobs.get('00000000-0000-4000-8000-000000000002'))?.status).toBe('cancelled');
  });
});

describe('importing listed files', () => {
  it('stops after the batch in hand when asked, having written it, and says so', async () => {
    const file = join(root, ORG, 'many.ndjson');
    const lines = Array.from({ length: BATCH_SIZE + 5 }, (_, i) =>
      JSON.stringify({ resourceType: 'Organization', id: `o${String(i)}`, name: 'Ward' }),
    );
    writeFileSync(file, lines.join('\n'));
    const progress: number[] = [];
    const report = await importFiles(
      test.db,
      searchParameters(),
      ORG,
      [
        { type: 'Organization', path: file, label: 'many.ndjson' },
        { type: 'Organization', path: file, label: 'never-read.ndjson' },
      ],
      {
        writerId: 'test',
        onProgress: async (read) => {
          progress.push(read);
          return Promise.resolve();
        },
        shouldStop: () => true,
      },
    );
    expect(report.stopped).toBe(true);
    expect(progress).toEqual([BATCH_SIZE]);
    expect(report.counts.created).toBe(BATCH_SIZE);
    expect(report.files).toEqual([
      { label: 'many.ndjson', type: 'Organization', read: BATCH_SIZE, accepted: BATCH_SIZE, skipped: 0 },
    ]);
  }, 60_000);
});
