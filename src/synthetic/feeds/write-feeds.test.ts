import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isValidNhsNumber } from '../../identity/nhs-number.js';
import { parseCsv } from '../csv.js';
import { FAULT_LABELS, FAULTS, type FaultSettings } from './faults.js';
import { ORGANISATION_KINDS } from './organisations.js';
import { writeTruthFixture } from './truth-fixture.js';
import { RESOURCE_TYPES, writeFeeds, type FeedReport } from './write-feeds.js';

interface Resource {
  resourceType: string;
  id: string;
  [element: string]: unknown;
}
interface Reference {
  reference?: string;
}

const HIGH: FaultSettings = { all: Object.fromEntries(FAULTS.map((fault) => [fault, 0.2])) };
const NHS = 'https://fhir.nhs.uk/Id/nhs-number';

let dir: string;
let truthDir: string;
let report: FeedReport;
let feeds: Map<string, Map<string, Resource[]>>;

/** Every file of a feeds folder, by path relative to it. */
function filesOf(root: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const walk = (folder: string, prefix: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
      if (entry.isDirectory()) walk(join(folder, entry.name), path);
      else files.set(path, readFileSync(join(folder, entry.name)));
    }
  };
  walk(root, '');
  return files;
}

/** Resources of every feed: organisation → type → resources. */
function feedsOf(root: string): Map<string, Map<string, Resource[]>> {
  const feeds = new Map<string, Map<string, Resource[]>>();
  for (const [path, content] of filesOf(root)) {
    const match = /^([^/]+)\/([A-Za-z]+)\.ndjson$/.exec(path);
    if (match === null) continue;
    const [, organisation = '', type = ''] = match;
    const text = content.toString('utf8');
    if (!text.endsWith('\n')) throw new Error(`${path} does not end with a line break`);
    const resources = text
      .slice(0, -1)
      .split('\n')
      .map((line) => JSON.parse(line) as Resource);
    const byType = feeds.get(organisation) ?? new Map<string, Resource[]>();
    byType.set(type, resources);
    feeds.set(organisation, byType);
  }
  return feeds;
}

interface TruthRow {
  organisation: string;
  resource_type: string;
  id: string;
  person_id: string;
  duplicate: string;
  faults: string;
}

function groundTruth(root: string): TruthRow[] {
  const parsed = parseCsv(readFileSync(join(root, 'ground-truth.csv'), 'utf8'));
  if (!parsed.ok) throw new Error('ground-truth.csv does not parse');
  const [header, ...rows] = parsed.value;
  expect(header?.fields).toEqual(['organisation', 'resource_type', 'id', 'person_id', 'duplicate', 'faults']);
  return rows.map((row) => {
    const [organisation = '', resource_type = '', id = '', person_id = '', duplicate = '', faults = ''] =
      row.fields;
    return { organisation, resource_type, id, person_id, duplicate, faults };
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'accord-feeds-'));
  truthDir = join(dir, 'truth');
  // Three chunks, so the feeds are written a chunk at a time.
  await writeTruthFixture(truthDir, { residents: 3000, chunkSize: 1000, seed: 4 });
  const result = await writeFeeds({ truthDir, outDir: join(dir, 'a'), seed: 11, faults: HIGH, workers: 1 });
  if (!result.ok) throw new Error(result.error.title);
  report = result.value;
  feeds = feedsOf(report.dir);
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('partner feeds', () => {
  it('writes one NDJSON file per resource type per organisation, every line a resource of its file’s type', () => {
    expect([...feeds.keys()].sort()).toEqual([
      'B86001',
      'B86002',
      'B86003',
      'leeds-and-york-partnership-nhs-ft',
      'leeds-city-council',
      'leeds-community-healthcare-nhs-trust',
      'leeds-teaching-hospitals-nhs-trust',
      'yorkshire-ambulance-service-nhs-trust',
    ]);
    const required: Record<string, string[]> = {
      Organization: ['name', 'identifier'],
      Patient: ['identifier', 'name', 'gender', 'birthDate', 'managingOrganization'],
      Encounter: ['status', 'class', 'type', 'subject', 'period', 'serviceProvider'],
      Condition: ['clinicalStatus', 'verificationStatus', 'code', 'subject', 'recordedDate'],
      Observation: ['status', 'code', 'subject', 'effectiveDateTime'],
      Immunization: ['status', 'vaccineCode', 'patient', 'occurrenceDateTime'],
    };
    const problems: string[] = [];
    for (const [organisation, byType] of feeds) {
      expect(byType.get('Organization')?.map((o) => o.id)).toEqual([organisation]);
      for (const [type, resources] of byType) {
        expect(RESOURCE_TYPES).toContain(type);
        const ids = new Set<string>();
        for (const resource of resources) {
          const where = `${organisation}/${type} ${resource.id}`;
          if (resource.resourceType !== type) problems.push(`${where} is a ${resource.resourceType}`);
          if (!/^[A-Za-z0-9\-.]{1,64}$/.test(resource.id)) problems.push(`${where}: bad id`);
          ids.add(resource.id);
          for (const element of required[type] ?? [])
            if (!(element in resource)) problems.push(`${where} lacks ${element}`);
        }
        if (ids.size !== resources.length) problems.push(`${organisation}/${type}: ids repeat`);
      }
    }
    expect(problems).toEqual([]);
    // Practices send the GP record; the others only what they recorded.
    expect([...(feeds.get('B86001')?.keys() ?? [])].sort()).toEqual([...RESOURCE_TYPES].sort());
    expect([...(feeds.get('yorkshire-ambulance-service-nhs-trust')?.keys() ?? [])].sort()).toEqual([
      'Encounter',
      'Organization',
      'Patient',
    ]);
  });

  it('references resolve within the same organisation’s feed', () => {
    const problems: string[] = [];
    for (const [organisation, byType] of feeds) {
      const patients = new Set((byType.get('Patient') ?? []).map((p) => `Patient/${p.id}`));
      const encounters = new Set((byType.get('Encounter') ?? []).map((e) => `Encounter/${e.id}`));
      const self = `Organization/${organisation}`;
      for (const [type, resources] of byType) {
        for (const r of resources) {
          const subject = ((r.subject ?? r.patient) as Reference | undefined)?.reference;
          if (type !== 'Patient' && type !== 'Organization' && !patients.has(subject ?? '')) {
            problems.push(`${organisation}/${type} ${r.id}: ${subject ?? 'no subject'}`);
          }
          const encounter = (r.encounter as Reference | undefined)?.reference;
          if (encounter !== undefined && !encounters.has(encounter)) problems.push(`${r.id}: ${encounter}`);
          const provider = (r.serviceProvider ?? r.managingOrganization) as Reference | undefined;
          if (provider !== undefined && provider.reference !== self)
            problems.push(`${r.id}: ${provider.reference ?? ''}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('ground truth: one row per Patient line, in the same order, naming the person the record is', async () => {
    const rows = groundTruth(report.dir);
    // By organisation, then as the organisation's feed lists its patients.
    const lines = [...feeds]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .flatMap(([organisation, byType]) =>
        (byType.get('Patient') ?? []).map((p) => `${organisation} ${p.id}`),
      );
    expect(rows.map((row) => `${row.organisation} ${row.id}`)).toEqual(lines);
    expect(rows.every((row) => row.resource_type === 'Patient')).toBe(true);
    expect(report.resources.Patient).toBe(rows.length);

    // Where no fault touched them, the record's NHS number and date of birth are the person's own.
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    const persons = (
      await connection.runAndReadAll(
        `SELECT person_id, nhs_number, strftime(date_of_birth, '%Y-%m-%d') AS birth
         FROM read_parquet('${join(truthDir, 'persons-*.parquet')}')`,
      )
    ).getRowObjectsJS() as { person_id: string; nhs_number: string; birth: string }[];
    connection.closeSync();
    instance.closeSync();
    const truth = new Map(persons.map((p) => [p.person_id, p]));
    const byRecord = new Map(rows.map((row) => [`${row.organisation} ${row.id}`, row]));
    let checked = 0;
    const problems: string[] = [];
    for (const [organisation, byType] of feeds) {
      for (const patient of byType.get('Patient') ?? []) {
        const row = byRecord.get(`${organisation} ${patient.id}`);
        const person = truth.get(row?.person_id ?? '');
        const faults = (row?.faults ?? '').split(' ');
        const nhs = (patient.identifier as { system: string; value: string }[]).find(
          (i) => i.system === NHS,
        )?.value;
        if (person === undefined) problems.push(`${organisation} ${patient.id}: no person`);
        else if (!faults.includes('missing-nhs-number') && !faults.includes('mistyped-nhs-number')) {
          if (nhs !== person.nhs_number)
            problems.push(`${organisation} ${patient.id}: NHS number ${nhs ?? 'none'}`);
          checked++;
        }
        if (!faults.includes('swapped-day-month') && patient.birthDate !== person?.birth) {
          problems.push(`${organisation} ${patient.id}: born ${String(patient.birthDate)}`);
        }
      }
    }
    expect(problems).toEqual([]);
    expect(checked).toBeGreaterThan(1000);
  });

  it('NHS numbers pass modulus 11 except those the ground truth marks mistyped; missing ones are marked missing', () => {
    const rows = new Map(
      groundTruth(report.dir).map((row) => [`${row.organisation} ${row.id}`, row.faults.split(' ')]),
    );
    let mistyped = 0;
    const problems: string[] = [];
    for (const [organisation, byType] of feeds) {
      for (const patient of byType.get('Patient') ?? []) {
        const faults = rows.get(`${organisation} ${patient.id}`) ?? [];
        const nhs = (patient.identifier as { system: string; value: string }[]).find(
          (i) => i.system === NHS,
        )?.value;
        if ((nhs === undefined) !== faults.includes('missing-nhs-number'))
          problems.push(`${patient.id}: missing?`);
        if (nhs === undefined) continue;
        if (isValidNhsNumber(nhs) === faults.includes('mistyped-nhs-number'))
          problems.push(`${patient.id}: ${nhs}`);
        if (faults.includes('mistyped-nhs-number')) mistyped++;
      }
    }
    expect(problems).toEqual([]);
    expect(mistyped).toBeGreaterThan(100);
  });

  it('plants each fault at its configured rate, and the report, manifest and ground truth agree on the counts', () => {
    let compared = 0;
    for (const kind of ORGANISATION_KINDS) {
      for (const fault of FAULTS) {
        const { eligible, applied } = report.faults[kind][fault];
        if (eligible < 400) continue;
        compared++;
        // Binomial: with 400 or more records, 0.2 ± 0.06 is beyond three standard deviations.
        expect(Math.abs(applied / eligible - 0.2), `${kind} ${fault}: ${applied}/${eligible}`).toBeLessThan(
          0.06,
        );
      }
    }
    expect(compared).toBeGreaterThan(20);
    const rows = groundTruth(report.dir);
    for (const fault of FAULTS) {
      const applied = ORGANISATION_KINDS.reduce((sum, kind) => sum + report.faults[kind][fault].applied, 0);
      const labelled = rows.filter((row) => row.faults.split(' ').includes(FAULT_LABELS[fault])).length;
      expect(labelled, fault).toBe(applied);
    }
    expect(rows.filter((row) => row.duplicate === 'true')).toHaveLength(report.duplicates);
    const manifest = JSON.parse(readFileSync(join(report.dir, 'manifest.json'), 'utf8')) as {
      output: { type: string; url: string; count: number }[];
      extension: Record<string, { faults: unknown; seed: number }>;
    };
    const extension = Object.values(manifest.extension)[0];
    expect(extension?.faults).toEqual(report.faults);
    expect(extension?.seed).toBe(11);
    // Every file is listed with its number of lines.
    const listed = new Map(manifest.output.map((o) => [o.url, o]));
    const files = [...filesOf(report.dir).entries()].filter(([path]) => path.endsWith('.ndjson'));
    expect(listed.size).toBe(files.length);
    for (const [path, content] of files) {
      expect(listed.get(path)?.count, path).toBe(content.toString('utf8').split('\n').length - 1);
      expect(path.endsWith(`/${listed.get(path)?.type ?? ''}.ndjson`)).toBe(true);
    }
  });

  it('a second record of a person at an organisation holds another number for the same person', () => {
    const rows = groundTruth(report.dir);
    const duplicates = rows.filter((row) => row.duplicate === 'true');
    expect(duplicates.length).toBeGreaterThan(100);
    for (const duplicate of duplicates) {
      const first = rows.find(
        (row) =>
          row.organisation === duplicate.organisation &&
          row.person_id === duplicate.person_id &&
          row.duplicate === 'false',
      );
      expect(first?.faults.split(' ')).toContain('duplicate-record');
      expect(first?.id).not.toBe(duplicate.id);
    }
  });

  it('gives byte-identical feeds for the same seed, however many workers, and other feeds for another seed', async () => {
    const progress: [number, number][] = [];
    const again = await writeFeeds({
      truthDir,
      outDir: join(dir, 'b'),
      seed: 11,
      faults: HIGH,
      workers: 2,
      onProgress: (done, total) => progress.push([done, total]),
    });
    if (!again.ok) throw new Error(again.error.title);
    const total = progress[0]?.[1] ?? 0;
    expect(total).toBeGreaterThan(3000);
    expect(progress.at(-1)).toEqual([total, total]);
    const first = filesOf(report.dir);
    const second = filesOf(again.value.dir);
    expect([...second.keys()].sort()).toEqual([...first.keys()].sort());
    for (const [path, content] of first) expect(second.get(path)?.equals(content), path).toBe(true);

    // Another seed into the same folder replaces the feeds there, with other numbers and other faults.
    const other = await writeFeeds({ truthDir, outDir: join(dir, 'b'), seed: 12, faults: HIGH, workers: 1 });
    if (!other.ok) throw new Error(other.error.title);
    const third = filesOf(other.value.dir);
    expect(
      third.get('B86001/Patient.ndjson')?.equals(first.get('B86001/Patient.ndjson') ?? Buffer.alloc(0)),
    ).toBe(false);
    expect(existsSync(join(dir, 'b', 'feeds.partial'))).toBe(false);
  });

  it('refuses bad fault rates, naming the field, and writes nothing', async () => {
    const out = join(dir, 'bad');
    const result = await writeFeeds({ truthDir, outDir: out, seed: 1, faults: { acute: { nickname: 2 } } });
    if (result.ok) throw new Error('accepted');
    expect(result.error.title).toContain('faults.acute.nickname');
    expect(existsSync(out)).toBe(false);
  });

  it('refuses a folder without a ground truth, or with an unfinished one, and a feeds folder it did not write', async () => {
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    const missing = await writeFeeds({ truthDir: empty, outDir: empty, seed: 1 });
    expect(missing.ok ? undefined : missing.error.kind).toBe('not-found');

    const unfinished = join(dir, 'unfinished');
    cpSync(truthDir, unfinished, { recursive: true });
    rmSync(join(unfinished, 'chunk-00001.done'));
    const partial = await writeFeeds({ truthDir: unfinished, outDir: unfinished, seed: 1 });
    expect(partial.ok ? undefined : partial.error.title).toMatch(/incomplete: chunk-00001\.done missing/);

    const foreign = join(dir, 'foreign');
    mkdirSync(join(foreign, 'feeds'), { recursive: true });
    writeFileSync(join(foreign, 'feeds', 'notes.txt'), 'mine');
    const conflict = await writeFeeds({ truthDir, outDir: foreign, seed: 1 });
    expect(conflict.ok ? undefined : conflict.error.kind).toBe('conflict');
    expect(readFileSync(join(foreign, 'feeds', 'notes.txt'), 'utf8')).toBe('mine');
  });

  it('refuses a seed or a number of workers that is not a whole number', async () => {
    expect((await writeFeeds({ truthDir, outDir: join(dir, 'x'), seed: -1 })).ok).toBe(false);
    expect((await writeFeeds({ truthDir, outDir: join(dir, 'x'), seed: 1, workers: 0 })).ok).toBe(false);
  });
});
