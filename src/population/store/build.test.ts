import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RecordOfPerson } from '../../identity/analytic-keys.js';
import { parsePseudonymKey, pseudonymOf } from '../../identity/pseudonym.js';
import { AnalyticStore, ROW_LEVEL_READERS } from './analytic-store.js';
import { buildAnalyticStore, type BuildInputs } from './build.js';
import { STORE_TABLES } from './schema.js';

const dir = mkdtempSync(join(tmpdir(), 'accord-analytic-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const parsed = parsePseudonymKey('c4'.repeat(32));
if (!parsed.ok) throw new Error(parsed.error);
const key = parsed.value;

const GP = 'B86001';
const TRUST = 'leeds-teaching-hospitals-nhs-trust';
const SNOMED = 'http://snomed.info/sct';

const patient = (
  id: string,
  o: { nhs: string; family: string; dob: string; postcode: string; gp?: string },
) => ({
  resourceType: 'Patient',
  id,
  identifier: [{ system: 'https://fhir.nhs.uk/Id/nhs-number', value: o.nhs }],
  name: [{ family: o.family, given: ['Ada'] }],
  gender: 'female',
  birthDate: o.dob,
  extension: [
    {
      url: 'https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-EthnicCategory',
      valueCodeableConcept: { coding: [{ code: 'H' }] },
    },
  ],
  address: [{ use: 'home', line: ['1 Secret Street'], postalCode: o.postcode }],
  ...(o.gp === undefined
    ? {}
    : {
        generalPractitioner: [
          { identifier: { system: 'https://fhir.nhs.uk/Id/ods-organization-code', value: o.gp } },
        ],
      }),
});
const condition = (id: string, subject: string, code: string, onset: string) => ({
  resourceType: 'Condition',
  id,
  subject: { reference: `Patient/${subject}` },
  code: { coding: [{ system: SNOMED, code }], text: 'free text that must not be kept' },
  onsetDateTime: onset,
});

const feeds = join(dir, 'feeds');
function writeFeed(files: Record<string, readonly (object | string)[]>): void {
  rmSync(feeds, { recursive: true, force: true });
  const output: { type: string; url: string }[] = [];
  for (const [url, lines] of Object.entries(files)) {
    mkdirSync(join(feeds, url.split('/')[0] ?? ''), { recursive: true });
    writeFileSync(
      join(feeds, url),
      lines.map((line) => (typeof line === 'string' ? line : JSON.stringify(line))).join('\n') + '\n',
    );
    output.push({ type: url.split('/')[1]?.replace('.ndjson', '') ?? '', url });
  }
  writeFileSync(join(feeds, 'manifest.json'), JSON.stringify({ output }));
}

const lookup = join(dir, 'postcodes.csv');
writeFileSync(lookup, 'pcds,lsoa11\nLS6 2QT,E01011312\nBD7 6GY,E01010568\n');
const lsoas = [
  { lsoa11: 'E01011312', place: 'leeds', lad19: 'E08000035', imdDecile: 1, imdQuintile: 1 },
  {
    lsoa11: 'E01010568',
    place: 'bradford-district-and-craven',
    lad19: 'E08000032',
    imdDecile: 8,
    imdQuintile: 4,
  },
];

const ada = { nhs: '9434765919', family: 'Lovelace', dob: '1960-03-14', postcode: 'LS6 2QT', gp: GP };
const bob = { nhs: '9434765870', family: 'Marley', dob: '1980-11-02', postcode: 'bd7  6gy', gp: GP };
const gpFeed = {
  [`${GP}/Patient.ndjson`]: [patient('g1', ada), patient('g2', bob)],
  [`${GP}/Condition.ndjson`]: [
    condition('c1', 'g1', '44054006', '2018-05-01'),
    '{"resourceType": "Condition", not json',
    condition('c2', 'g2', '38341003', '2019-01-01'),
    { resourceType: 'Condition', id: 'c3', code: { coding: [{ system: SNOMED, code: '1' }] } },
    '',
    { ...condition('c4', 'g2', '195967001', '2020-02-02'), resourceType: 'Observation' },
    {
      ...condition('c5', 'g1', '195967001', '2020-02-02'),
      verificationStatus: { coding: [{ code: 'entered-in-error' }] },
    },
  ],
};
const trustFeed = {
  [`${TRUST}/Patient.ndjson`]: [
    patient('t1', { ...ada, gp: GP }),
    patient('t2', { ...bob, nhs: '9434765838' }),
  ],
  [`${TRUST}/Encounter.ndjson`]: [
    {
      resourceType: 'Encounter',
      id: 'e1',
      status: 'finished',
      class: { code: 'IMP' },
      type: [{ coding: [{ system: SNOMED, code: '183452005' }] }],
      subject: { reference: 'Patient/t1' },
      period: { start: '2021-07-01T10:00:00Z', end: '2021-07-03' },
      reasonCode: [{ coding: [{ system: SNOMED, code: '52684005' }] }],
    },
    {
      resourceType: 'Encounter',
      id: 'e2',
      status: 'finished',
      class: { code: 'EMER' },
      subject: { reference: 'Patient/t2' },
      period: { start: '2022-01-01' },
    },
  ],
};

/** Ada's GP and trust records are one person; Bob's GP record another; the trust's t2 is not linked yet. */
let records: RecordOfPerson[] = [
  { organisation: GP, localId: 'g1', personId: 'person-ada' },
  { organisation: TRUST, localId: 't1', personId: 'person-ada' },
  { organisation: GP, localId: 'g2', personId: 'person-bob' },
];
const inputs = (over: Partial<BuildInputs> = {}): BuildInputs => ({
  feedsDir: feeds,
  postcodeLookup: lookup,
  lsoas,
  records: (after, limit) =>
    Promise.resolve({
      records: records.slice(after, after + limit),
      next: after + limit < records.length ? after + limit : undefined,
    }),
  optedOut: [],
  now: () => new Date('2026-11-25T12:00:00Z'),
  ...over,
});

const storePath = join(dir, 'analytics', 'population.duckdb');

describe('the pseudonymised analytic store', () => {
  it('joins one person across partners under a pseudonym, from the best source, and reports bad lines', async () => {
    writeFeed({ ...gpFeed, ...trustFeed });
    const opened = await AnalyticStore.open(storePath, key.id);
    if (!opened.ok) throw new Error(opened.error);
    const store = opened.value;
    try {
      const built = await buildAnalyticStore(store, key, inputs());
      if (!built.ok) throw new Error(built.error);
      const report = built.value;
      expect(report.issues).toEqual([
        {
          file: `${GP}/Condition.ndjson`,
          line: 2,
          message: 'is not a FHIR resource (not JSON, or no resourceType); skipped',
        },
        {
          file: `${GP}/Condition.ndjson`,
          line: 4,
          message: 'names no Patient (a reference Patient/<id> is needed); skipped',
        },
        {
          file: `${GP}/Condition.ndjson`,
          line: 6,
          message: 'is a Observation in a file of Condition; skipped',
        },
      ]);
      expect(report.ingest).toMatchObject({
        filesRead: 4,
        resourcesRead: 12,
        resourcesKept: 8,
        resourcesVoid: 1,
      });
      expect(report).toMatchObject({ persons: 2, events: 3, eventsUnlinked: 1, optedOut: 0 });

      const ada = pseudonymOf(key, 'person-ada');
      const persons = await store.rows('SELECT * FROM person ORDER BY birth_year');
      expect(persons).toEqual([
        {
          person: ada,
          sex: 'female',
          birth_year: 1960,
          birth_month: 3,
          death_date: null,
          ethnic_category: 'H',
          lsoa11: 'E01011312',
          place: 'leeds',
          imd_decile: 1,
          imd_quintile: 1,
          practice: GP,
          registered: true,
        },
        expect.objectContaining({
          person: pseudonymOf(key, 'person-bob'),
          lsoa11: 'E01010568',
          imd_quintile: 4,
        }),
      ]);
      const events = await store.rows<{ person: string; kind: string; code: string }>(
        'SELECT person, kind, code, reason_code, setting, organisation FROM event ORDER BY date',
      );
      expect(events).toEqual([
        {
          person: ada,
          kind: 'condition',
          code: '44054006',
          reason_code: null,
          setting: null,
          organisation: GP,
        },
        expect.objectContaining({ kind: 'condition', code: '38341003' }),
        {
          person: ada,
          kind: 'encounter',
          code: '183452005',
          reason_code: '52684005',
          setting: 'IMP',
          organisation: TRUST,
        },
      ]);
    } finally {
      store.close();
    }
  });

  it('holds no identifier anywhere: no name, NHS number, postcode, address, date of birth, local or person id', async () => {
    const opened = await AnalyticStore.open(storePath, key.id);
    if (!opened.ok) throw new Error(opened.error);
    const store = opened.value;
    try {
      const forbidden = [
        'Lovelace',
        'Marley',
        'Ada',
        '9434765919',
        '9434765870',
        '9434765838',
        'LS6',
        '2QT',
        'BD7',
        'Secret',
        '1960-03-14',
        '1980-11-02',
        'free text',
        'person-ada',
        'person-bob',
        'g1',
        't1',
        't2',
      ];
      const found: string[] = [];
      for (const table of STORE_TABLES) {
        const columns = await store.rows<{ column_name: string }>(
          `SELECT column_name FROM information_schema.columns WHERE table_name = '${table}'`,
        );
        for (const { column_name } of columns) {
          const values = await store.rows<{ v: string | null }>(
            `SELECT DISTINCT CAST("${column_name}" AS VARCHAR) AS v FROM ${table}`,
          );
          for (const { v } of values) {
            if (v === null) continue;
            for (const text of forbidden) {
              // Whole-value or word match: hex pseudonyms may contain "g1"-like runs only by chance of letters,
              // and hex has no g or t, so any hit is a real leak.
              if (v.includes(text)) found.push(`${table}.${column_name} = ${v} (holds ${text})`);
            }
          }
        }
      }
      // File names are the feed's own (organisation/Type.ndjson), which identify no one.
      expect(found.filter((hit) => !/\.file = |ingested_file\.file/.test(hit))).toEqual([]);
    } finally {
      store.close();
    }
  });

  it('skips unchanged files, replaces a changed one, follows a merge, and leaves out those who opted out', async () => {
    const opened = await AnalyticStore.open(storePath, key.id);
    if (!opened.ok) throw new Error(opened.error);
    const store = opened.value;
    try {
      const again = await buildAnalyticStore(store, key, inputs());
      if (!again.ok) throw new Error(again.error);
      expect(again.value.ingest).toMatchObject({ filesRead: 0, filesUnchanged: 4 });
      expect(again.value.events).toBe(3);

      // The trust re-sends its encounters without e2, and its Patient file no longer (a full extract).
      const { [`${TRUST}/Patient.ndjson`]: _dropped, ...rest } = trustFeed;
      writeFeed({
        ...gpFeed,
        ...rest,
        [`${TRUST}/Encounter.ndjson`]: trustFeed[`${TRUST}/Encounter.ndjson`].slice(0, 1),
      });
      for (const name of readdirSync(join(feeds, GP))) {
        // Rewritten with the same content: same size; keep the old time so they count as unchanged.
        utimesSync(join(feeds, GP, name), new Date('2026-01-01'), new Date('2026-01-01'));
      }
      const changed = await buildAnalyticStore(store, key, inputs());
      if (!changed.ok) throw new Error(changed.error);
      expect(changed.value.ingest).toMatchObject({ filesRemoved: 1, resourcesRead: expect.any(Number) });
      expect(changed.value.eventsUnlinked).toBe(0);

      // The master patient index merges Bob into Ada: his events move to her pseudonym without re-reading feeds.
      records = records.map((record) => ({ ...record, personId: 'person-ada' }));
      const merged = await buildAnalyticStore(store, key, inputs());
      if (!merged.ok) throw new Error(merged.error);
      expect(merged.value.persons).toBe(1);
      expect(await store.rows('SELECT DISTINCT person FROM event')).toEqual([
        { person: pseudonymOf(key, 'person-ada') },
      ]);

      const optedOut = await buildAnalyticStore(store, key, inputs({ optedOut: ['person-ada'] }));
      if (!optedOut.ok) throw new Error(optedOut.error);
      expect(optedOut.value).toMatchObject({ persons: 0, events: 0, optedOut: 1 });
      // Not kept at all: their source rows are gone too, only the files they came from are remembered.
      expect(await store.rows('SELECT count(*) AS n FROM source_event')).toEqual([{ n: 0 }]);
      expect(await store.rows('SELECT count(*) AS n FROM source_patient')).toEqual([{ n: 0 }]);

      // Opting back in reads those files again.
      const optedIn = await buildAnalyticStore(store, key, inputs({ optedOut: [] }));
      if (!optedIn.ok) throw new Error(optedIn.error);
      expect(optedIn.value).toMatchObject({ persons: 1, events: 3, optedOut: 0 });

      // A new postcode lookup places every home again: the Patient files are read again, the rest are not.
      writeFileSync(lookup, 'pcds,lsoa11\nLS6 2QT,E01010568\nBD7 6GY,E01010568\n');
      const relocated = await buildAnalyticStore(store, key, inputs());
      if (!relocated.ok) throw new Error(relocated.error);
      expect(relocated.value.ingest.filesRead).toBe(1);
      expect(await store.rows('SELECT DISTINCT lsoa11 FROM person')).toEqual([{ lsoa11: 'E01010568' }]);
    } finally {
      store.close();
    }
  });

  it('refuses a store built with another key, and a postcode lookup without its columns', async () => {
    const other = parsePseudonymKey('d5'.repeat(32));
    if (!other.ok) throw new Error(other.error);
    const refused = await AnalyticStore.open(storePath, other.value.id);
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.error).toMatch(/built with another pseudonym key/);

    const opened = await AnalyticStore.open(':memory:', key.id);
    if (!opened.ok) throw new Error(opened.error);
    try {
      const bad = join(dir, 'bad-lookup.csv');
      writeFileSync(bad, 'postcode,area\nLS6 2QT,x\n');
      const built = await buildAnalyticStore(opened.value, key, inputs({ postcodeLookup: bad }));
      expect(built).toEqual({
        ok: false,
        error: `the postcode lookup ${bad} needs a column pcds (or postcode) and a column lsoa11 (or lsoa11cd); it has postcode, area`,
      });
    } finally {
      opened.value.close();
    }
  });
});

describe('row-level data', () => {
  it('is imported only by the modules named as its readers', () => {
    const src = join(import.meta.dirname, '..', '..');
    const offenders: string[] = [];
    const walk = (folder: string) => {
      for (const entry of readdirSync(folder, { withFileTypes: true })) {
        const path = join(folder, entry.name);
        if (entry.isDirectory()) walk(path);
        else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) {
          const text = readFileSync(path, 'utf8');
          const name = relative(src, path);
          const imports = [...text.matchAll(/from '(\.[^']+)'/g)].map((m) => join(folder, m[1] ?? ''));
          if (imports.some((target) => relative(src, target).startsWith(join('population', 'store')))) {
            if (!ROW_LEVEL_READERS.some((allowed) => name.startsWith(allowed))) offenders.push(name);
          }
        }
      }
    };
    walk(src);
    expect(offenders).toEqual([]);
  });
});
