/**
 * A clinician's case-finding list, end to end through the real server and database: partners send records of six
 * people; the list shows, highest risk first, exactly those the clinician's organisation cares for now and may see
 * clinically — by an open episode, or by a care team another partner sent — leaving out the one who dissented from
 * sharing (counted), the one whose episode has ended, and the one with no score (counted); each person listed has
 * the look in their own access log, in words they can read; admin staff are refused; a wrong list size and scores
 * not yet computed are said. The organisation-wide relationships agree with the one-person reading for everyone.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/db.js';
import { fixtureResults } from '../../../test/support/population-fixture.js';
import { partnerToken, signedInPerson, type SignedIn } from '../../../test/support/people.js';
import { loadRiverside } from '../../../test/support/riverside.js';
import { modelCellsFollowing } from '../../../test/support/segmentation-fixture.js';
import { accessesOfPerson } from '../../access/audit/index.js';
import { saveModel } from '../../identity/index/index.js';
import { syntheticPairs } from '../../identity/linkage/testing.js';
import { linkRecords } from '../../identity/linkage/train.js';
import { parsePseudonymKey, pseudonymOf } from '../../identity/pseudonym.js';
import { packageRoot } from '../../core/paths.js';
import { loadCatalogue } from '../../population/indicators/catalogue.js';
import { segmentationFigures } from '../../population/segmentation/figures.js';
import { loadSegmentationRules } from '../../population/segmentation/reference.js';
import { fitRiskModel, riskOf } from '../../population/segmentation/risk-model.js';
import { AnalyticStore } from '../../population/store/analytic-store.js';
import { writeRiskScores, type ScoredFeatures } from '../../population/store/risk-scores.js';
import { relationshipsOfOrganisation, relationshipsWith } from '../../record/relationships.js';
import { buildServer, type ServerDeps } from '../server.js';
import { accessLine } from './my-record-pages.js';

const NOW = new Date('2026-03-03T10:00:00Z');
const key = (() => {
  const parsed = parsePseudonymKey('5e'.repeat(32));
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.value;
})();

/** A valid NHS number from nine digits (modulus 11; a check digit of 10 is not issued, so those are skipped). */
function nhsNumber(nine: number): string {
  for (let n = nine; ; n++) {
    const digits = String(n).padStart(9, '0');
    const sum = digits.split('').reduce((s, d, i) => s + Number(d) * (10 - i), 0);
    const check = (11 - (sum % 11)) % 11;
    if (check !== 10) return `${digits}${check}`;
  }
}

let test: TestDatabase;
let app: FastifyInstance;
let scratch: string;
let hospital: string;
let council: string;
let doctor: SignedIn;
let admin: SignedIn;
/** Person ids by the letter of the person in the setup below. */
const persons = new Map<string, string>();

const model = (() => {
  const fitted = fitRiskModel(
    modelCellsFollowing({
      years: { from: 2022, to: 2025 },
      persons: 2000,
      eta: (c) => -2.5 + 0.3 * c.band + 0.6 * c.prior + (c.segment === 7 ? 0.8 : 0),
      efiRank: (c) => (c.band >= 3 ? 0 : -1),
    }),
    { from: 2022, to: 2024 },
    2025,
  );
  if (!fitted.ok) throw new Error(fitted.error);
  return fitted.value;
})();

/** Each scored person's features: A the highest risk, then E, then B; C and D would be listed if nothing hid them. */
const FEATURES: Record<string, ScoredFeatures> = {
  A: { band: 5, sex: 'female', imdQuintile: 1, conditions: 2, prior: 1, efiRank: 1, segment: 7 },
  B: { band: 1, sex: 'male', imdQuintile: 3, conditions: 0, prior: 0, efiRank: -1, segment: 1 },
  C: { band: 5, sex: 'male', imdQuintile: 1, conditions: 2, prior: 1, efiRank: 1, segment: 7 },
  D: { band: 4, sex: 'female', imdQuintile: 2, conditions: 2, prior: 1, efiRank: 1, segment: 7 },
  E: { band: 3, sex: 'female', imdQuintile: 2, conditions: 1, prior: 1, efiRank: 1, segment: 4 },
};

const server = (riskScores: ServerDeps['riskScores']) => {
  const catalogue = loadCatalogue(`${packageRoot}/indicators`);
  if (!catalogue.ok) throw new Error('catalogue');
  const rules = loadSegmentationRules(catalogue.value.codeLists);
  if (!rules.ok) throw new Error('rules');
  const figures = segmentationFigures(rules.value, { from: 2025, to: 2025 }, ['north-bank'], [], []);
  return buildServer({
    db: test.db,
    config: { logLevel: 'silent', publicUrl: new URL('https://accord.example'), oidc: undefined },
    partnershipId: 'riverside',
    schemaCurrent: async () => true,
    clock: () => NOW,
    population: {
      ...fixtureResults(),
      segmentation: {
        ...figures,
        riskModel: model,
        riskScores: { featuresOn: '2025-12-31', predictingYear: 2026, persons: 5 },
      },
    },
    riskScores,
  });
};

beforeAll(async () => {
  test = await createTestDatabase();
  const loaded = await loadRiverside(test.db);
  [hospital = '', council = ''] = loaded.partnership.organisations.map((o) => o.id);
  doctor = await signedInPerson(test.db, 'doctor.list', hospital, ['R8000'], NOW);
  admin = await signedInPerson(test.db, 'admin.list', hospital, ['R8008'], NOW);
  const { left, right } = syntheticPairs(1_500, 5);
  await test.db.transaction((tx) => saveModel(tx, linkRecords(left, right).model, 3_000, NOW));
  scratch = mkdtempSync(join(tmpdir(), 'accord-case-finding-'));
  app = await server(undefined);

  const tokens = {
    [hospital]: await partnerToken(test.db, hospital, ['record:write', 'record:read'], NOW),
    [council]: await partnerToken(test.db, council, ['record:write', 'record:read'], NOW),
  };
  const write = async (organisation: string, resource: Record<string, unknown>) => {
    const response = await app.inject({
      method: 'POST',
      url: `/fhir/${String(resource['resourceType'])}`,
      headers: { authorization: `Bearer ${tokens[organisation]}`, 'content-type': 'application/fhir+json' },
      payload: JSON.stringify(resource),
    });
    if (response.statusCode >= 300) throw new Error(`${response.statusCode} ${response.body}`);
    return response.json<{ id: string }>().id;
  };
  const patient = (organisation: string, letter: string, i: number) =>
    write(organisation, {
      resourceType: 'Patient',
      identifier: [{ system: 'https://fhir.nhs.uk/Id/nhs-number', value: nhsNumber(900_000_100 + i * 37) }],
      name: [{ family: `Person${letter}`, given: ['Listed'] }],
      gender: i % 2 === 0 ? 'female' : 'male',
      birthDate: `19${40 + i * 7}-0${i + 1}-1${i}`,
    });
  const episode = (patientId: string, status: string) =>
    write(hospital, {
      resourceType: 'EpisodeOfCare',
      status,
      patient: { reference: `Patient/${patientId}` },
      period: { start: '2026-01-05' },
    });

  // A and B: open episodes at the hospital. C: open too, but dissented from sharing. D: an episode that has ended.
  // E: known only to the council, whose care team names the hospital. F: an open episode, but no score.
  const ids: Record<string, string> = {};
  for (const [i, letter] of ['A', 'B', 'C', 'D', 'F'].entries()) {
    ids[letter] = await patient(hospital, letter, i);
    await episode(ids[letter] ?? '', letter === 'D' ? 'finished' : 'active');
  }
  await write(hospital, {
    resourceType: 'Consent',
    status: 'active',
    scope: {
      coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: 'patient-privacy' }],
    },
    category: [{ coding: [{ system: 'http://loinc.org', code: '59284-0' }] }],
    patient: { reference: `Patient/${ids['C'] ?? ''}` },
    policyRule: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'OPTOUT' }] },
    provision: { type: 'deny' },
  });
  ids['E'] = await patient(council, 'E', 5);
  await write(council, {
    resourceType: 'CareTeam',
    status: 'active',
    subject: { reference: `Patient/${ids['E']}` },
    participant: [
      { member: { identifier: { value: hospital.toUpperCase() } }, period: { start: '2026-02-01' } },
    ],
  });
  const rows = await test.db.query<{ id: string; person_id: string }>(
    `SELECT p.id, r.person_id::text AS person_id FROM record_resource p
       JOIN identity_record r ON r.organisation = p.source_organisation AND r.local_id = p.source_id
      WHERE p.resource_type = 'Patient'`,
  );
  for (const [letter, id] of Object.entries(ids)) {
    const person = rows.find((row) => row.id === id)?.person_id;
    if (person === undefined) throw new Error(`person ${letter} was not indexed`);
    persons.set(letter, person);
  }

  // The scores a build would have written: everyone but F, by pseudonym.
  const store = await AnalyticStore.open(':memory:', key.id);
  if (!store.ok) throw new Error(store.error);
  const scored = Object.entries(FEATURES);
  const values = scored.map(
    ([letter, f]) =>
      `('${pseudonymOf(key, persons.get(letter) ?? '')}', ${f.band}, '${f.sex}', ${f.imdQuintile}, ` +
      `${f.conditions}, ${f.prior}, ${f.efiRank}, ${f.segment})`,
  );
  const written = await writeRiskScores(
    store.value,
    `SELECT * FROM (VALUES ${values.join(', ')}) f (person, band, sex, imd_quintile, conditions, prior, efi_rank, segment)`,
    scored.map(([, f]) => ({ ...f, risk: riskOf(model, f).risk })),
    '2025-12-31',
    join(scratch, 'risk-scores.parquet'),
  );
  store.value.close();
  expect(written).toBe(5);
  await app.close();
  app = await server({ key, file: join(scratch, 'risk-scores.parquet') });
}, 120_000);

afterAll(async () => {
  await app.close();
  await test.drop();
  rmSync(scratch, { recursive: true, force: true });
});

const list = (who: SignedIn, query = '') =>
  app.inject({ method: 'GET', url: `/record/case-finding${query}`, headers: { cookie: who.cookie } });

const listedPersons = (body: string) =>
  [...body.matchAll(/data-case-finding-row>[\s\S]*?href="\/record\/persons\/([0-9a-f-]+)"/g)].map(
    (m) => m[1],
  );

describe('the case-finding list', () => {
  it('lists the people the organisation cares for now, highest risk first, and no one else', async () => {
    const response = await list(doctor);
    expect(response.statusCode).toBe(200);
    const risk = (letter: string) => riskOf(model, FEATURES[letter] ?? FEATURES['B']!).risk;
    expect(risk('A')).toBeGreaterThan(risk('E'));
    expect(risk('E')).toBeGreaterThan(risk('B'));
    expect(listedPersons(response.body)).toEqual(['A', 'E', 'B'].map((letter) => persons.get(letter)));
    expect(response.body).toContain(`${(risk('A') * 100).toFixed(1)}%`);
    expect(response.body).toContain('Listed PersonA');
    expect(response.body).toContain('Care team with');
    // C dissented; D's episode ended (not cared for now); F has no score.
    const counts = [...response.body.matchAll(/<dd class="nhsuk-summary-list__value">\s*([^<\s]+)/g)].map(
      (m) => m[1],
    );
    expect(counts).toEqual(['5', '1', '1', '3']);
    expect(response.body).not.toContain('PersonC');
    expect(response.body).not.toContain('PersonD');
    // What raises A's risk, from the published odds ratios: the oldest band first.
    expect(response.body).toContain('Age band: 85+');
  });

  it("writes each person listed to their own access log, in words they can read, and no one else's", async () => {
    await list(doctor, '?show=25');
    const forPerson = async (letter: string) => {
      const accesses = await accessesOfPerson(test.db, persons.get(letter) ?? '');
      if (!accesses.ok) throw new Error(accesses.error.title);
      return accesses.value.accesses.filter((a) => a.list !== undefined);
    };
    for (const letter of ['A', 'B', 'E']) {
      const listed = await forPerson(letter);
      expect(listed.length).toBeGreaterThanOrEqual(1);
      expect(accessLine(listed[0]!, (id) => id)).toMatchObject({
        role: 'Clinician',
        what: 'Listed you among the people they care for at highest risk of an emergency admission',
        why: 'Your care',
      });
    }
    for (const letter of ['C', 'D', 'F']) expect(await forPerson(letter)).toEqual([]);
  });

  it('keeps the scores file to Accord’s own user', () => {
    expect(statSync(join(scratch, 'risk-scores.parquet')).mode & 0o077).toBe(0);
  });

  it('refuses staff who may not see clinical data, and says what is wrong with a list size', async () => {
    expect((await list(admin)).statusCode).toBe(403);
    const wrong = await list(doctor, '?show=7');
    expect(wrong.statusCode).toBe(400);
    expect(wrong.body).toContain('25, 50, 100, 200');
  });

  it('says how to compute the scores when there are none', async () => {
    const bare = await server(undefined);
    try {
      const response = await bare.inject({
        method: 'GET',
        url: '/record/case-finding',
        headers: { cookie: doctor.cookie },
      });
      expect(response.statusCode).toBe(503);
      expect(response.body).toContain('accord population build');
    } finally {
      await bare.close();
    }
  });

  it('finds, organisation-wide, the same relationships as the one-person reading', async () => {
    for (const organisation of [hospital, council]) {
      const all = await relationshipsOfOrganisation(test.db, organisation);
      for (const personId of persons.values()) {
        const one = await relationshipsWith(test.db, personId, organisation);
        const sort = (list: readonly object[]) => [...list].map((r) => JSON.stringify(r)).sort();
        expect(sort(all.get(personId) ?? [])).toEqual(sort(one));
      }
    }
  });
});
