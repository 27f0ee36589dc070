/**
 * Importing partners' feeds into the record on a real PostgreSQL: good lines go in with their references rewritten
 * to the record's ids, bad lines are reported with file and line and skipped, a re-sent feed changes nothing, and
 * the Patients written are handed over for linking.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/db.js';
import { recordRepository, sourcedId } from '../repository.js';
import { searchParameters } from '../search/parameters.js';
import { planSearch } from '../search/query.js';
import fc from 'fast-check';
import { contentKey, type Resource } from '../resource.js';
import { writeBatch, type WrittenPatient } from './bulk-write.js';
import { feedPatientId, importFeeds, rewriteReferences } from './feeds.js';

let test: TestDatabase;
let feeds: string;
const table = searchParameters();

const patient = (id: string, nhs: string) => ({
  resourceType: 'Patient',
  id,
  identifier: [{ system: 'https://fhir.nhs.uk/Id/nhs-number', value: nhs }],
  name: [{ family: 'Feed', given: ['Person'] }],
  gender: 'female',
  birthDate: '1970-01-01',
});
const condition = (id: string, patientId: string) => ({
  resourceType: 'Condition',
  id,
  code: { coding: [{ system: 'http://snomed.info/sct', code: '44054006' }] },
  subject: { reference: `Patient/${patientId}` },
});

function writeFeeds(): string {
  const dir = mkdtempSync(join(tmpdir(), 'accord-feeds-'));
  mkdirSync(join(dir, 'B86001'));
  const ndjson = (rows: (object | string)[]) =>
    rows.map((row) => (typeof row === 'string' ? row : JSON.stringify(row))).join('\n') + '\n';
  writeFileSync(
    join(dir, 'B86001', 'Patient.ndjson'),
    ndjson([
      patient('p1', '9000000009'),
      patient('p2', '9000000001'),
      '{"resourceType":',
      patient('p3', '9000000017'),
    ]),
  );
  writeFileSync(
    join(dir, 'B86001', 'Condition.ndjson'),
    ndjson([condition('c1', 'p1'), patient('p9', '9000000025'), { ...condition('c2', 'p3'), id: undefined }]),
  );
  writeFileSync(
    join(dir, 'manifest.json'),
    JSON.stringify({
      output: [
        { type: 'Patient', url: 'B86001/Patient.ndjson' },
        { type: 'Condition', url: 'B86001/Condition.ndjson' },
        { type: 'Observation', url: 'B86001/Observation.ndjson' },
      ],
    }),
  );
  return dir;
}

beforeAll(async () => {
  test = await createTestDatabase();
  feeds = writeFeeds();
}, 60_000);

afterAll(async () => {
  await test.drop();
  rmSync(feeds, { recursive: true, force: true });
});

describe('importing partner feeds into the record', () => {
  it('takes the good lines, reports each bad one with its file and line, and hands over the Patients', async () => {
    const handed: WrittenPatient[] = [];
    const imported = await importFeeds(test.db, table, feeds, {
      writerId: 'test',
      onPatients: async (_organisation, patients) => {
        handed.push(...patients);
        return Promise.resolve();
      },
    });
    if (!imported.ok) throw new Error(imported.error);
    const report = imported.value;
    expect(report.counts).toEqual({ created: 3, updated: 0, unchanged: 0 });
    expect(report.issues.map((issue) => [issue.file, issue.line])).toEqual([
      ['B86001/Patient.ndjson', 2],
      ['B86001/Patient.ndjson', 3],
      ['B86001/Condition.ndjson', 2],
      ['B86001/Condition.ndjson', 3],
      ['B86001/Observation.ndjson', undefined],
    ]);
    expect(report.issues[0]?.message).toContain('Patient.identifier[0].value');
    expect(report.issues[1]?.message).toContain('not JSON');
    expect(report.issues[2]?.message).toContain('manifest lists this file as Condition');
    expect(report.issues[3]?.message).toContain('has no id');
    // No identifiable value is quoted in a report.
    expect(JSON.stringify(report.issues)).not.toContain('9000000001');
    expect(handed.map((p) => p.sourceId).sort()).toEqual(['p1', 'p3']);

    const repository = recordRepository(test.db, table);
    const id = sourcedId('B86001', 'Condition', 'c1');
    const read = await repository.read('Condition', id);
    expect(read.ok && read.value.resource['subject']).toEqual({
      reference: `Patient/${sourcedId('B86001', 'Patient', 'p1')}`,
    });
    expect(read.ok && read.value.sourceOrganisation).toBe('B86001');
    const plan = planSearch(table, 'Condition', [['patient', sourcedId('B86001', 'Patient', 'p1')]]);
    if (!plan.ok) throw new Error(plan.error.message);
    expect((await repository.search(plan.value, { all: true })).matches).toHaveLength(1);
  });

  it('changes nothing when the same feeds are imported again', async () => {
    const before = await test.db.query('SELECT count(*)::int AS n FROM record_version');
    const again = await importFeeds(test.db, table, feeds, { writerId: 'test' });
    if (!again.ok) throw new Error(again.error);
    expect(again.value.counts).toEqual({ created: 0, updated: 0, unchanged: 3 });
    expect(await test.db.query('SELECT count(*)::int AS n FROM record_version')).toEqual(before);
  });

  it("imports only the chosen people's resources when asked (the demo's sample), counting the rest as left out", async () => {
    const sample = await createTestDatabase();
    try {
      const imported = await importFeeds(sample.db, table, feeds, {
        writerId: 'test',
        patients: (organisation, patientId) => organisation === 'B86001' && patientId === 'p1',
      });
      if (!imported.ok) throw new Error(imported.error);
      // p1 and its condition c1; p2, p3, the misfiled Patient p9 and c2 are left out before they are even checked.
      expect(imported.value.counts.created).toBe(2);
      expect(imported.value.leftOut).toBe(4);
      expect(feedPatientId({ resourceType: 'Immunization', patient: { reference: 'Patient/p7' } })).toBe(
        'p7',
      );
      expect(feedPatientId({ resourceType: 'Organization', id: 'B86001' })).toBeUndefined();
    } finally {
      await sample.drop();
    }
  }, 60_000);

  it('refuses a folder without a manifest, naming what to give', async () => {
    const imported = await importFeeds(test.db, table, tmpdir(), { writerId: 'test' });
    expect(!imported.ok && imported.error).toContain('manifest.json');
  });

  it('rewrites only relative references, leaving absolute and contained ones', () => {
    const rewritten = rewriteReferences(
      {
        subject: { reference: 'Patient/p1' },
        performer: [
          { reference: 'https://elsewhere.example/fhir/Practitioner/1' },
          { reference: '#contained' },
        ],
      },
      'B86001',
    );
    expect(rewritten.subject.reference).toBe(`Patient/${sourcedId('B86001', 'Patient', 'p1')}`);
    expect(rewritten.performer.map((p) => p.reference)).toEqual([
      'https://elsewhere.example/fhir/Practitioner/1',
      '#contained',
    ]);
  });

  it('finds a resource unchanged exactly when its content key is unchanged (as the repository compares)', async () => {
    const at = new Date('2025-01-01T00:00:00Z');
    const base: Resource = {
      resourceType: 'Observation',
      status: 'final',
      code: { coding: [{ system: 'http://loinc.org', code: '39156-5' }] },
      valueQuantity: { value: 25.7, unit: 'kg/m2' },
      meta: { tag: [{ code: 'a' }] },
    };
    // Variants that keep the content key (keys reordered, the server's meta) and ones that change it.
    const variants = fc.constantFrom<(r: Resource) => Resource>(
      (r) => Object.fromEntries(Object.entries(r).reverse()) as Resource,
      (r) => ({ ...r, meta: { ...(r.meta as object), versionId: '7', lastUpdated: '2020-01-01T00:00:00Z' } }),
      (r) => ({ ...r, meta: { versionId: '7' } }),
      (r) => ({ ...r, meta: {} }),
      (r) => ({ ...r, status: 'amended' }),
      (r) => ({ ...r, valueQuantity: { value: 25.70000001, unit: 'kg/m2' } }),
      (r) => ({ ...r, code: { coding: [{ code: '39156-5', system: 'http://loinc.org' }] } }),
      (r) => ({ ...r, extra: undefined }),
      (r) => ({ ...r, meta: { tag: [{ code: 'b' }] } }),
    );
    let n = 0;
    const outcomes = new Set<boolean>();
    await fc.assert(
      fc.asyncProperty(
        fc.array(variants, { maxLength: 3 }),
        fc.array(variants, { maxLength: 3 }),
        async (a, b) => {
          const sourceId = `o${n++}`;
          const first = a.reduce((r, change) => change(r), base);
          const second = b.reduce((r, change) => change(r), base);
          await test.db.transaction((tx) =>
            writeBatch(tx, table, 'test', [{ resource: first, organisation: 'B86001', sourceId }], at),
          );
          const again = await test.db.transaction((tx) =>
            writeBatch(tx, table, 'test', [{ resource: second, organisation: 'B86001', sourceId }], at),
          );
          const id = sourcedId('B86001', 'Observation', sourceId);
          const same = contentKey({ ...first, id }) === contentKey({ ...second, id });
          outcomes.add(same);
          expect(again.counts).toEqual(
            same ? { created: 0, updated: 0, unchanged: 1 } : { created: 0, updated: 1, unchanged: 0 },
          );
        },
      ),
      { numRuns: 60 },
    );
    expect(outcomes).toEqual(new Set([true, false]));
  });
});
