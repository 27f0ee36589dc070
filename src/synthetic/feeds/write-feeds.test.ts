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
import { SETTING_TYPES } from './fhir.js';
import { MENTAL_HEALTH_DIAGNOSES } from './holdings.js';
import { DEATHS_REGISTER, REGISTRATION_ID_SYSTEM } from './deaths-register.js';
import { ORGANISATION_KINDS } from './organisations.js';
import { r4Problems } from './r4-shapes.js';
import { FIXTURE_PROVIDERS, writeTruthFixture } from './truth-fixture.js';
import { RESOURCE_TYPES, writeFeeds, type FeedReport } from './write-feeds.js';
import { CAUSES_OF_DEATH, type CauseOfDeath } from '../life-course/model.js';

interface Resource {
  resourceType: string;
  id: string;
  [element: string]: unknown;
}
interface Reference {
  reference?: string;
}
interface EpisodeOfCare extends Resource {
  status: string;
  type: { coding: { code: string }[] }[];
  patient: Reference;
  period: { start: string; end?: string };
  diagnosis?: { condition: Reference }[];
}

const HIGH: FaultSettings = { all: Object.fromEntries(FAULTS.map((fault) => [fault, 0.2])) };
const NHS = 'https://fhir.nhs.uk/Id/nhs-number';

let dir: string;
let truthDir: string;
let report: FeedReport;
let feeds: Map<string, Map<string, Resource[]>>;

/** Rows of a query over the truth's Parquet files. */
async function query<T>(sql: string): Promise<T[]> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    return (await connection.runAndReadAll(sql)).getRowObjectsJS() as T[];
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

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
  it('writes one NDJSON file per resource type per organisation, every line an R4 resource of its file’s type', () => {
    expect([...feeds.keys()].sort()).toEqual([
      'B86001',
      'B86002',
      'B86003',
      'deaths-register',
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
      EpisodeOfCare: ['identifier', 'status', 'type', 'patient', 'managingOrganization', 'period'],
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
          // The deaths register has no ODS or ONS code to identify it by.
          const register = organisation === DEATHS_REGISTER.key && type === 'Organization';
          for (const element of required[type] ?? [])
            if (!(element in resource) && !(register && element === 'identifier'))
              problems.push(`${where} lacks ${element}`);
          problems.push(...r4Problems(resource));
        }
        if (ids.size !== resources.length) problems.push(`${organisation}/${type}: ids repeat`);
      }
    }
    expect(problems).toEqual([]);
    // Practices send the GP record (consultations are only counted in the truth); the others what they recorded:
    // dated contacts as encounters, counted ones as episodes of care, diagnoses at admissions and in mental health.
    const types = (organisation: string) => [...(feeds.get(organisation)?.keys() ?? [])].sort();
    expect(types('B86001')).toEqual(['Condition', 'Immunization', 'Observation', 'Organization', 'Patient']);
    expect(types(FIXTURE_PROVIDERS.ambulance)).toEqual(['Encounter', 'Organization', 'Patient']);
    expect(types(DEATHS_REGISTER.key)).toEqual(['Observation', 'Organization', 'Patient']);
    expect(types(FIXTURE_PROVIDERS['social-care'])).toEqual(['Encounter', 'Organization', 'Patient']);
    expect(types(FIXTURE_PROVIDERS.community)).toEqual(['EpisodeOfCare', 'Organization', 'Patient']);
    expect(types(FIXTURE_PROVIDERS['mental-health'])).toEqual([
      'Condition',
      'EpisodeOfCare',
      'Organization',
      'Patient',
    ]);
    expect(types(FIXTURE_PROVIDERS.outpatient)).toEqual([
      'Condition',
      'Encounter',
      'EpisodeOfCare',
      'Organization',
      'Patient',
    ]);
  });

  it('references resolve within the same organisation’s feed', () => {
    const problems: string[] = [];
    for (const [organisation, byType] of feeds) {
      const patients = new Set((byType.get('Patient') ?? []).map((p) => `Patient/${p.id}`));
      const encounters = new Set((byType.get('Encounter') ?? []).map((e) => `Encounter/${e.id}`));
      const conditions = new Map(
        (byType.get('Condition') ?? []).map((c) => [`Condition/${c.id}`, (c.subject as Reference).reference]),
      );
      const self = `Organization/${organisation}`;
      for (const [type, resources] of byType) {
        for (const r of resources) {
          const subject = ((r.subject ?? r.patient) as Reference | undefined)?.reference;
          if (type !== 'Patient' && type !== 'Organization' && !patients.has(subject ?? '')) {
            problems.push(`${organisation}/${type} ${r.id}: ${subject ?? 'no subject'}`);
          }
          const encounter = (r.encounter as Reference | undefined)?.reference;
          if (encounter !== undefined && !encounters.has(encounter)) problems.push(`${r.id}: ${encounter}`);
          // An episode's diagnoses are Conditions of the same patient.
          for (const diagnosis of (r as Partial<EpisodeOfCare>).diagnosis ?? []) {
            const condition = diagnosis.condition.reference ?? '';
            if (conditions.get(condition) !== subject) problems.push(`${r.id}: ${condition}`);
          }
          const provider = (r.serviceProvider ?? r.managingOrganization) as Reference | undefined;
          if (provider !== undefined && provider.reference !== self)
            problems.push(`${r.id}: ${provider.reference ?? ''}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('sends each run of consecutive years of counted contacts as one EpisodeOfCare, active if it reaches 2025 in life', async () => {
    // The truth's runs: per person, organisation and setting (not general practice), years in a row.
    const expected = await query<{ entry: string }>(`
      WITH rows AS (
        SELECT a.*, o.organisation,
               a.year - row_number() OVER (PARTITION BY a.person_key, a.organisation_index, a.setting ORDER BY a.year)
                 AS run
        FROM read_parquet('${join(truthDir, 'activity-*.parquet')}') a
        JOIN read_parquet('${join(truthDir, 'organisations.parquet')}') o USING (organisation_index)
        WHERE a.setting <> 'gp' AND o.type <> 'gp-practice')
      SELECT concat_ws(' ', r.organisation, p.person_id, r.setting, strftime(min(r.first_date), '%Y-%m-%d'),
               CASE WHEN max(r.year) = 2025 AND coalesce(p.date_of_death > DATE '2025-12-31', true) THEN 'active'
                    ELSE strftime(max(r.last_date), '%Y-%m-%d') END) AS entry
      FROM rows r JOIN read_parquet('${join(truthDir, 'persons-*.parquet')}') p USING (person_key)
      GROUP BY r.organisation, p.person_id, r.setting, r.run, p.date_of_death`);
    const people = new Map(
      groundTruth(report.dir).map((row) => [`${row.organisation} ${row.id}`, row.person_id]),
    );
    const settingOf = new Map(Object.entries(SETTING_TYPES).map(([setting, type]) => [type.code, setting]));
    const sent: string[] = [];
    for (const [organisation, byType] of feeds) {
      for (const episode of (byType.get('EpisodeOfCare') ?? []) as EpisodeOfCare[]) {
        const patient = (episode.patient.reference ?? '').slice('Patient/'.length);
        const setting = settingOf.get(episode.type[0]?.coding[0]?.code ?? '');
        // Active exactly when it has no end.
        expect(episode.status === 'active', episode.id).toBe(episode.period.end === undefined);
        const end = episode.status === 'active' ? 'active' : episode.period.end;
        sent.push(
          [organisation, people.get(`${organisation} ${patient}`), setting, episode.period.start, end].join(
            ' ',
          ),
        );
      }
    }
    expect(sent.length).toBeGreaterThan(1000);
    expect(sent.sort()).toEqual(expected.map((row) => row.entry).sort());
    expect(report.resources.EpisodeOfCare).toBe(sent.length);
    expect(sent.filter((entry) => entry.endsWith(' active')).length).toBeGreaterThan(100);
    expect(sent.filter((entry) => !entry.endsWith(' active')).length).toBeGreaterThan(100);
    expect(sent.some((entry) => entry.includes(' gp '))).toBe(false);
  });

  it('the community provider holds everyone it counted contacts with', async () => {
    const organisation = FIXTURE_PROVIDERS.community;
    const expected = await query<{ person_id: string }>(`
      SELECT DISTINCT p.person_id
      FROM read_parquet('${join(truthDir, 'activity-*.parquet')}') a
      JOIN read_parquet('${join(truthDir, 'organisations.parquet')}') o USING (organisation_index)
      JOIN read_parquet('${join(truthDir, 'persons-*.parquet')}') p USING (person_key)
      WHERE o.organisation = '${organisation}'`);
    const held = groundTruth(report.dir).filter((row) => row.organisation === organisation);
    expect(expected.length).toBeGreaterThan(500);
    expect(
      held
        .filter((row) => row.duplicate === 'false')
        .map((row) => row.person_id)
        .sort(),
    ).toEqual(expected.map((row) => row.person_id).sort());
  });

  it('a mental health service diagnoses with the first episode whose year ends after the onset, and lists it there', async () => {
    const organisation = FIXTURE_PROVIDERS['mental-health'];
    const codes = MENTAL_HEALTH_DIAGNOSES.map((code) => `'${code}'`).join(', ');
    const expected = await query<{ entry: string }>(`
      WITH onsets AS (
        SELECT e.person_key, e.date AS onset, c.code
        FROM read_parquet('${join(truthDir, 'events-*.parquet')}') e
        JOIN read_parquet('${join(truthDir, 'codes.parquet')}') c USING (code_index)
        WHERE e.kind = 'condition' AND c.system = 'snomed' AND c.code IN (${codes})),
      years AS (
        SELECT o.person_key, o.code, o.onset, a.first_date,
               row_number() OVER (PARTITION BY o.person_key, o.code ORDER BY a.year) AS n
        FROM onsets o JOIN read_parquet('${join(truthDir, 'activity-*.parquet')}') a
          ON a.person_key = o.person_key AND a.setting = 'mental-health' AND a.last_date >= o.onset)
      SELECT concat_ws(' ', p.person_id, y.code, strftime(greatest(y.onset, y.first_date), '%Y-%m-%d')) AS entry
      FROM years y JOIN read_parquet('${join(truthDir, 'persons-*.parquet')}') p USING (person_key)
      WHERE y.n = 1`);
    const people = new Map(
      groundTruth(report.dir).map((row) => [`${row.organisation} ${row.id}`, row.person_id]),
    );
    const byType = feeds.get(organisation);
    const episodes = (byType?.get('EpisodeOfCare') ?? []) as EpisodeOfCare[];
    const listedIn = new Map<string, EpisodeOfCare[]>();
    for (const episode of episodes) {
      for (const diagnosis of episode.diagnosis ?? []) {
        const id = (diagnosis.condition.reference ?? '').slice('Condition/'.length);
        listedIn.set(id, [...(listedIn.get(id) ?? []), episode]);
      }
    }
    const sent: string[] = [];
    for (const condition of byType?.get('Condition') ?? []) {
      // Held over an episode, not at an encounter: listed by exactly one episode, dated within it.
      expect(condition).not.toHaveProperty('encounter');
      expect(condition).toMatchObject({ category: [{ coding: [{ code: 'problem-list-item' }] }] });
      const [episode, ...others] = listedIn.get(condition.id) ?? [];
      expect(others, condition.id).toEqual([]);
      const recorded = condition.recordedDate as string;
      expect((episode?.period.start ?? '9999') <= recorded, condition.id).toBe(true);
      expect(recorded <= (episode?.period.end ?? '9999'), condition.id).toBe(true);
      const patient = ((condition.subject as Reference).reference ?? '').slice('Patient/'.length);
      const code = (condition.code as { coding: { code: string }[] }).coding[0]?.code;
      sent.push([people.get(`${organisation} ${patient}`), code, recorded].join(' '));
    }
    expect(sent.length).toBeGreaterThan(100);
    expect(sent.sort()).toEqual(expected.map((row) => row.entry).sort());
  });

  it('ground truth: one row per Patient line, in the same order, naming the person the record is', async () => {
    // The deaths register's cause of death Observations have rows too, each after its Patient's (tested below).
    const all = groundTruth(report.dir);
    const rows = all.filter((row) => row.resource_type === 'Patient');
    expect(all.filter((row) => row.resource_type !== 'Patient').map((row) => row.organisation)).toEqual(
      Array<string>(all.length - rows.length).fill(DEATHS_REGISTER.key),
    );
    // By organisation, then as the organisation's feed lists its patients.
    const lines = [...feeds]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .flatMap(([organisation, byType]) =>
        (byType.get('Patient') ?? []).map((p) => `${organisation} ${p.id}`),
      );
    expect(rows.map((row) => `${row.organisation} ${row.id}`)).toEqual(lines);
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
    expect(first.has(`${DEATHS_REGISTER.key}/Observation.ndjson`)).toBe(true);
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

  it('refuses a ground truth of the earlier format (person ids and code texts, no activity), writing nothing', async () => {
    const old = join(dir, 'old');
    cpSync(truthDir, old, { recursive: true });
    // As the earlier generator wrote it: persons by person_id, events with their codes' text, no activity files.
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    for (const file of readdirSync(old)) {
      const path = join(old, file);
      if (file.startsWith('activity-')) rmSync(path);
      if (!/^(persons|addresses|registrations|events)-\d{5}\.parquet$/.test(file)) continue;
      const select = file.startsWith('events-')
        ? `SELECT 'P' || lpad(e.person_key::VARCHAR, 9, '0') AS person_id, e.date, e.kind, c.system AS code_system,
                  c.code, c.display, e.value, e.setting
           FROM read_parquet('${path}') e JOIN read_parquet('${join(old, 'codes.parquet')}') c USING (code_index)`
        : `SELECT 'P' || lpad(person_key::VARCHAR, 9, '0') AS person_id, * EXCLUDE (person_key${file.startsWith('persons-') ? ', person_id' : ''})
           FROM read_parquet('${path}')`;
      await connection.run(`COPY (${select}) TO '${path}.old' (FORMAT parquet)`);
      rmSync(path);
      cpSync(`${path}.old`, path);
      rmSync(`${path}.old`);
    }
    connection.closeSync();
    instance.closeSync();
    const out = join(dir, 'old-out');
    const result = await writeFeeds({ truthDir: old, outDir: out, seed: 1 });
    if (result.ok) throw new Error('accepted');
    expect(result.error.kind).toBe('bad-input');
    expect(result.error.title).toMatch(/is of another format: .*persons lacks person_key/);
    expect(result.error.title).toMatch(
      /events lacks person_key, code_index, organisation_index, reason_index/,
    );
    expect(result.error.title).toMatch(/it has no activity files/);
    expect(existsSync(out)).toBe(false);
    // Its manifest said so too: the format number is checked first.
    const manifest = JSON.parse(readFileSync(join(old, 'manifest.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(join(old, 'manifest.json'), JSON.stringify({ ...manifest, format: 2 }));
    const numbered = await writeFeeds({ truthDir: old, outDir: out, seed: 1 });
    expect(numbered.ok ? undefined : numbered.error.title).toMatch(
      /is of another format: format 2, where this version of accord reads format 3/,
    );
    expect(existsSync(out)).toBe(false);
  });

  it('refuses a ground truth with an organisation named as the deaths register’s folder', async () => {
    const named = join(dir, 'named');
    cpSync(truthDir, named, { recursive: true });
    const file = join(named, 'organisations.parquet');
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    await connection.run(
      `COPY (SELECT * REPLACE (CASE WHEN organisation_index = 0 THEN '${DEATHS_REGISTER.key}' ELSE organisation END
                               AS organisation)
             FROM read_parquet('${file}')) TO '${file}.new' (FORMAT parquet)`,
    );
    connection.closeSync();
    instance.closeSync();
    cpSync(`${file}.new`, file);
    const result = await writeFeeds({ truthDir: named, outDir: named, seed: 1 });
    expect(result.ok ? undefined : result.error.title).toContain('named deaths-register');
    expect(existsSync(join(named, 'feeds'))).toBe(false);
  });

  it('refuses a seed or a number of workers that is not a whole number', async () => {
    expect((await writeFeeds({ truthDir, outDir: join(dir, 'x'), seed: -1 })).ok).toBe(false);
    expect((await writeFeeds({ truthDir, outDir: join(dir, 'x'), seed: 1, workers: 0 })).ok).toBe(false);
  });
});

/** The ICD-10 groups of the causes (ONS; reference/life-course/mortality.yaml), for three-character codes. */
const GROUPS: Readonly<Record<CauseOfDeath, RegExp>> = {
  circulatory: /^I\d\d$/,
  cancer: /^C([0-8]\d|9[0-7])$/,
  respiratory: /^J\d\d$/,
  dementia: /^(F01|F03|G30)$/,
  suicide: /^(X(6\d|7\d|8[0-4])|Y([12]\d|3[0-4]))$/,
  'other-external': /^(V\d\d|W\d\d|X[0-5]\d|X(8[5-9]|9\d)|Y0\d|Y(3[5-9]|[4-8]\d))$/,
  other: /^(?!F01|F03|G30)([AB]\d\d|D\d\d|E([0-8]\d|90)|F\d\d|G\d\d|H([0-8]\d|9[0-5])|[K-R]\d\d)$/,
};

describe('the deaths register', () => {
  interface Coded {
    coding: { system: string; code: string; display?: string }[];
  }
  interface Death {
    person_id: string;
    nhs_number: string;
    family_name: string;
    birth: string;
    death: string;
    cause: CauseOfDeath;
  }
  const deathsInWindow = () =>
    query<Death>(`
      SELECT person_id, nhs_number, family_name, strftime(date_of_birth, '%Y-%m-%d') AS birth,
             strftime(date_of_death, '%Y-%m-%d') AS death, cause_of_death::VARCHAR AS cause
      FROM read_parquet('${join(truthDir, 'persons-*.parquet')}')
      WHERE date_of_death BETWEEN DATE '2015-01-01' AND DATE '2025-12-31'`);

  it('holds every person who died in the window once, with their details and the date of death', async () => {
    const deaths = await deathsInWindow();
    expect(deaths.length).toBeGreaterThan(100);
    const rows = groundTruth(report.dir).filter((row) => row.organisation === DEATHS_REGISTER.key);
    const patients = feeds.get(DEATHS_REGISTER.key)?.get('Patient') ?? [];
    const personOf = new Map(
      rows.filter((row) => row.resource_type === 'Patient').map((row) => [row.id, row.person_id]),
    );
    expect(personOf.size).toBe(patients.length);
    const truth = new Map(deaths.map((d) => [d.person_id, d]));
    const problems: string[] = [];
    for (const patient of patients) {
      const person = truth.get(personOf.get(patient.id) ?? '');
      if (person === undefined) {
        problems.push(`${patient.id}: no death in the window`);
        continue;
      }
      const identifiers = patient.identifier as { system: string; value: string }[];
      expect(identifiers).toEqual([
        { system: REGISTRATION_ID_SYSTEM, value: patient.id },
        { system: NHS, value: person.nhs_number },
      ]);
      expect(patient).toMatchObject({
        active: false,
        deceasedDateTime: person.death,
        birthDate: person.birth,
        name: [{ family: person.family_name }],
        managingOrganization: { reference: `Organization/${DEATHS_REGISTER.key}` },
      });
      expect((patient.address as { postalCode: string }[])[0]?.postalCode).toMatch(
        /^[A-Z0-9]+ [0-9][A-Z]{2}$/,
      );
    }
    expect(problems).toEqual([]);
    // Every death, once; no faults, no second records.
    expect([...personOf.values()].sort()).toEqual(deaths.map((d) => d.person_id).sort());
    expect(rows.every((row) => row.duplicate === 'false' && row.faults === '')).toBe(true);
    const manifest = JSON.parse(readFileSync(join(report.dir, 'manifest.json'), 'utf8')) as {
      output: { type: string; url: string; count: number }[];
    };
    expect(manifest.output.filter((o) => o.url.startsWith(`${DEATHS_REGISTER.key}/`))).toEqual([
      { type: 'Organization', url: `${DEATHS_REGISTER.key}/Organization.ndjson`, count: 1 },
      { type: 'Patient', url: `${DEATHS_REGISTER.key}/Patient.ndjson`, count: deaths.length },
      { type: 'Observation', url: `${DEATHS_REGISTER.key}/Observation.ndjson`, count: deaths.length },
    ]);
  });

  it('codes each death’s underlying cause in ICD-10, within the group the truth certified', async () => {
    const truth = new Map((await deathsInWindow()).map((d) => [d.person_id, d]));
    const rows = groundTruth(report.dir).filter((row) => row.organisation === DEATHS_REGISTER.key);
    const personOf = new Map(rows.map((row) => [`${row.resource_type}/${row.id}`, row.person_id]));
    // Each Observation's row follows its Patient's.
    rows.forEach((row, i) => {
      expect(row.resource_type).toBe(i % 2 === 0 ? 'Patient' : 'Observation');
      if (i % 2 === 1) expect(row.person_id).toBe(rows[i - 1]?.person_id);
    });
    const observations = feeds.get(DEATHS_REGISTER.key)?.get('Observation') ?? [];
    expect(observations.length).toBe(truth.size);
    const byCause = new Map<string, string[]>();
    for (const observation of observations) {
      const subject = (observation.subject as Reference).reference ?? '';
      const person = truth.get(personOf.get(subject) ?? '');
      expect(personOf.get(`Observation/${observation.id}`)).toBe(person?.person_id);
      expect(observation).toMatchObject({
        status: 'final',
        code: {
          coding: [{ system: 'http://snomed.info/sct', code: '184305005', display: 'Cause of death' }],
        },
        effectiveDateTime: person?.death,
      });
      const value = (observation.valueCodeableConcept as Coded).coding;
      expect(value).toHaveLength(1);
      expect(value[0]?.system).toBe('http://hl7.org/fhir/sid/icd-10');
      const code = value[0]?.code ?? '';
      const cause = person?.cause ?? 'other';
      expect(code, `${observation.id}: ${cause}`).toMatch(GROUPS[cause]);
      byCause.set(cause, [...(byCause.get(cause) ?? []), code]);
    }
    // The fixture certifies every cause; suicides are mostly hangings (X70), as ONS counts them.
    expect([...byCause.keys()].sort()).toEqual([...CAUSES_OF_DEATH].sort());
    const suicides = byCause.get('suicide') ?? [];
    expect(suicides.filter((code) => code === 'X70').length).toBeGreaterThan(suicides.length / 3);
  });
});
