/**
 * People and the shared care record, end to end through the real server and database: two partners send their
 * records of one person, the identity index joins them, and then — a clinician with an open episode sees the whole
 * record from both, each item with its source; admin staff see demographics only; a clinician without a
 * relationship sees nothing clinical until they break the glass with a reason; a privacy officer reviews that in
 * their queue; a restricted record hides the address; dissent limits the record to one's own organisation's; and
 * the person's access log shows every look.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/db.js';
import { loadRiverside } from '../../../test/support/riverside.js';
import { partnerToken, postForm, signedInPerson, type SignedIn } from '../../../test/support/people.js';
import type { Role } from '../../access/index.js';
import { saveModel } from '../../identity/index/index.js';
import { tieNhsNumber } from '../../identity/person-accounts.js';
import { syntheticPairs } from '../../identity/linkage/testing.js';
import { linkRecords } from '../../identity/linkage/train.js';
import { buildServer } from '../server.js';
import { SOURCE_ORGANISATION_EXTENSION } from './fhir.js';

const NOW = new Date('2026-03-03T10:00:00Z');

type Person = SignedIn;

let test: TestDatabase;
let app: FastifyInstance;
let hospital: string;
let council: string;
let hospitalToken: string;
let councilToken: string;
let doctor: Person;
let admin: Person;
let socialWorker: Person;
let privacyOfficer: Person;
let analyst: Person;
let patientAtHospital: string;
let personId: string;

const person = (username: string, organisation: string, roles: Role[]): Promise<Person> =>
  signedInPerson(test.db, username, organisation, roles, NOW);

const token = (organisation: string): Promise<string> =>
  partnerToken(test.db, organisation, ['record:write', 'record:read'], NOW);

const demographics = {
  resourceType: 'Patient',
  identifier: [{ system: 'https://fhir.nhs.uk/Id/nhs-number', value: '9000000076' }],
  name: [{ family: 'Shared', given: ['Rosa'] }],
  gender: 'female',
  birthDate: '1950-05-05',
  address: [{ line: ['1 Mill Lane'], postalCode: 'HX1 1AA' }],
};

const write = async (
  systemToken: string,
  resource: Record<string, unknown>,
  method = 'POST',
  id?: string,
) => {
  const type = String(resource['resourceType']);
  const response = await app.inject({
    method: method as 'POST' | 'PUT',
    url: id === undefined ? `/fhir/${type}` : `/fhir/${type}/${id}`,
    headers: { authorization: `Bearer ${systemToken}`, 'content-type': 'application/fhir+json' },
    payload: JSON.stringify(id === undefined ? resource : { ...resource, id }),
  });
  if (response.statusCode >= 300) throw new Error(`${type}: ${response.statusCode} ${response.body}`);
  return response.json<{ id: string }>().id;
};

const everything = (who: Person, patientId = patientAtHospital) =>
  app.inject({
    method: 'GET',
    url: `/fhir/Patient/${patientId}/$everything`,
    headers: { cookie: who.cookie },
  });

interface Bundle {
  entry: {
    resource: Record<string, unknown> & { resourceType: string };
    extension: { url: string; valueString: string }[];
  }[];
}

const post = (who: Person, url: string, payload: object) =>
  app.inject({
    method: 'POST',
    url,
    headers: { cookie: who.cookie, 'x-csrf-token': who.csrf },
    payload,
  });

beforeAll(async () => {
  test = await createTestDatabase();
  const loaded = await loadRiverside(test.db);
  const ids = loaded.partnership.organisations.map((o) => o.id);
  [hospital = '', council = ''] = ids;
  hospitalToken = await token(hospital);
  councilToken = await token(council);
  doctor = await person('doctor.one', hospital, ['R8000']);
  admin = await person('admin.one', hospital, ['R8008']);
  socialWorker = await person('worker.one', council, ['R8000']);
  privacyOfficer = await person('privacy.one', council, ['R0001']);
  analyst = await person('analyst.one', hospital, ['analyst']);
  const { left, right } = syntheticPairs(1_500, 5);
  await test.db.transaction((tx) => saveModel(tx, linkRecords(left, right).model, 3_000, NOW));
  app = await buildServer({
    db: test.db,
    config: { logLevel: 'silent', publicUrl: new URL('https://accord.example'), oidc: undefined },
    partnershipId: loaded.partnership.info.id,
    schemaCurrent: async () => true,
    clock: () => NOW,
  });

  // The hospital has the person on an open episode of care, with a diagnosis; the council knows them too.
  patientAtHospital = await write(hospitalToken, demographics);
  await write(hospitalToken, {
    resourceType: 'EpisodeOfCare',
    status: 'active',
    patient: { reference: `Patient/${patientAtHospital}` },
    period: { start: '2026-02-01' },
  });
  await write(hospitalToken, {
    resourceType: 'Condition',
    subject: { reference: `Patient/${patientAtHospital}` },
    code: { coding: [{ system: 'http://snomed.info/sct', code: '44054006' }] },
  });
  const patientAtCouncil = await write(councilToken, demographics);
  await write(councilToken, {
    resourceType: 'Observation',
    status: 'final',
    code: { coding: [{ system: 'http://loinc.org', code: '72166-2' }] },
    subject: { reference: `Patient/${patientAtCouncil}` },
  });
  const [row] = await test.db.query<{ person_id: string; n: number }>(
    `SELECT min(person_id::text) AS person_id, count(DISTINCT person_id)::int AS n FROM identity_record`,
  );
  if (row?.n !== 1) throw new Error("the two partners' records of one person were not joined");
  personId = row.person_id;
}, 90_000);

afterAll(async () => {
  await app.close();
  await test.drop();
});

describe("a person's shared care record", () => {
  it('shows a clinician with an open episode the whole record, from every partner, each item with its source', async () => {
    const response = await everything(doctor);
    expect(response.statusCode).toBe(200);
    const bundle = response.json<Bundle>();
    const items = bundle.entry.map((e) => [e.resource.resourceType, e.extension[0]?.valueString]);
    expect(items).toEqual(
      expect.arrayContaining([
        ['Patient', hospital],
        ['Patient', council],
        ['Condition', hospital],
        ['Observation', council],
        ['EpisodeOfCare', hospital],
      ]),
    );
    // Every entry, not only these, names its source organisation in the record's extension.
    for (const entry of bundle.entry) {
      expect(entry.extension).toEqual([
        { url: SOURCE_ORGANISATION_EXTENSION, valueString: expect.stringMatching(/^riverside-/) },
      ]);
    }
  });

  it('shows admin staff demographics only, and the partnership roles nothing', async () => {
    const response = await everything(admin);
    expect(response.statusCode).toBe(200);
    expect(new Set(response.json<Bundle>().entry.map((e) => e.resource.resourceType))).toEqual(
      new Set(['Patient']),
    );
    expect((await everything(analyst)).statusCode).toBe(403);
  });

  it('refuses a clinician without a relationship, offering emergency access, which a privacy officer reviews', async () => {
    const refused = await everything(socialWorker);
    expect(refused.statusCode).toBe(403);
    const outcome = refused.json<{ issue: { diagnostics: string }[] }>();
    expect(outcome.issue[0]?.diagnostics).toContain('no current care relationship');
    expect(outcome.issue[0]?.diagnostics).toContain('break-glass');

    const noReason = await post(socialWorker, '/api/record/break-glass', { personId, reason: 'now' });
    expect(noReason.statusCode).toBe(400);
    const adminGlass = await post(admin, '/api/record/break-glass', {
      personId,
      reason: 'Collapsed in reception',
    });
    expect(adminGlass.statusCode).toBe(403);

    const granted = await post(socialWorker, '/api/record/break-glass', {
      personId,
      reason: 'Found unconscious at home visit; need medications',
    });
    expect(granted.statusCode).toBe(201);
    const grant = granted.json<{ id: number; expiresAt: string }>();
    expect(grant.expiresAt).toBe('2026-03-03T14:00:00.000Z');
    const seen = await everything(socialWorker);
    expect(seen.statusCode).toBe(200);
    expect(seen.json<Bundle>().entry.map((e) => e.resource.resourceType)).toContain('Condition');

    const queue = await app.inject({
      method: 'GET',
      url: '/api/record/break-glass',
      headers: { cookie: privacyOfficer.cookie },
    });
    expect(queue.json<{ grants: { id: number; reason: string }[] }>().grants.map((g) => g.id)).toEqual([
      grant.id,
    ]);
    // The clinician cannot review their own access; the privacy officer closes it, once.
    expect(
      (await post(socialWorker, `/api/record/break-glass/${grant.id}/review`, { outcome: 'justified' }))
        .statusCode,
    ).toBe(403);
    const review = await post(privacyOfficer, `/api/record/break-glass/${grant.id}/review`, {
      outcome: 'justified',
      note: 'Checked with the team leader.',
    });
    expect(review.statusCode).toBe(200);
    expect(
      (await post(privacyOfficer, `/api/record/break-glass/${grant.id}/review`, { outcome: 'justified' }))
        .statusCode,
    ).toBe(409);
    const after = await app.inject({
      method: 'GET',
      url: '/api/record/break-glass',
      headers: { cookie: privacyOfficer.cookie },
    });
    expect(after.json<{ grants: unknown[] }>().grants).toEqual([]);
  });

  it("lists every look at the person's record, with who, where, why and how it went", async () => {
    const response = await app.inject({
      method: 'GET',
      url: `/api/record/persons/${personId}/accesses`,
      headers: { cookie: privacyOfficer.cookie },
    });
    expect(response.statusCode).toBe(200);
    const accesses = response.json<{
      accesses: { action: string; actorName: string; purpose: string; outcome: string }[];
    }>();
    const seen = accesses.accesses.map((e) => [e.action, e.actorName, e.outcome]);
    expect(seen).toEqual(
      expect.arrayContaining([
        ['everything', 'doctor.one Person', 'success'],
        ['everything', 'worker.one Person', 'denied'],
        ['break-glass', 'worker.one Person', 'success'],
        ['break-glass-review', 'privacy.one Person', 'success'],
      ]),
    );
    const glass = accesses.accesses.find((e) => e.action === 'everything' && e.purpose !== 'direct-care');
    expect(glass?.purpose).toContain('Found unconscious');
    // Only a privacy officer reads someone else's access log.
    const doctorAsks = await app.inject({
      method: 'GET',
      url: `/api/record/persons/${personId}/accesses`,
      headers: { cookie: doctor.cookie },
    });
    expect(doctorAsks.statusCode).toBe(403);
  });

  it("hides the address of a restricted record, and limits a dissenting person's record to one's own organisation", async () => {
    await write(
      hospitalToken,
      {
        ...demographics,
        meta: {
          security: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality', code: 'R' }],
        },
      },
      'PUT',
      patientAtHospital,
    );
    const restricted = (await everything(doctor)).json<Bundle>();
    const patients = restricted.entry.filter((e) => e.resource.resourceType === 'Patient');
    expect(patients.length).toBe(2);
    expect(patients.every((e) => e.resource['address'] === undefined)).toBe(true);

    await write(hospitalToken, {
      resourceType: 'Consent',
      status: 'active',
      scope: {
        coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: 'patient-privacy' }],
      },
      category: [{ coding: [{ system: 'http://loinc.org', code: '59284-0' }] }],
      patient: { reference: `Patient/${patientAtHospital}` },
      policyRule: {
        coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'OPTOUT' }],
      },
      provision: { type: 'deny' },
    });
    const dissent = (await everything(doctor)).json<Bundle>();
    expect(new Set(dissent.entry.map((e) => e.extension[0]?.valueString))).toEqual(new Set([hospital]));
  });
});

describe('a care team', () => {
  it('gives an organisation named on an active care team a relationship, for as long as its part lasts', async () => {
    const mentalHealth = await person('mh.one', 'riverside-minds', ['R8000']);
    expect((await everything(mentalHealth)).statusCode).toBe(403);
    const team = {
      resourceType: 'CareTeam',
      status: 'active',
      subject: { reference: `Patient/${patientAtHospital}` },
      participant: [
        {
          member: {
            type: 'Organization',
            identifier: { system: 'https://fhir.nhs.uk/Id/ods-organization-code', value: 'ZZ5' },
          },
          period: { start: '2026-01-15' },
        },
      ],
    };
    const teamId = await write(hospitalToken, team);
    const seen = await everything(mentalHealth);
    expect(seen.statusCode).toBe(200);
    // Its part ended two days ago: the relationship with it.
    const ended = structuredClone(team);
    const [participant] = ended.participant;
    if (participant !== undefined) Object.assign(participant.period, { end: '2026-03-01' });
    await write(hospitalToken, ended, 'PUT', teamId);
    expect((await everything(mentalHealth)).statusCode).toBe(403);
  });
});

describe('the care record pages', () => {
  const get = (who: Person, url: string) =>
    app.inject({ method: 'GET', url, headers: { cookie: who.cookie } });
  const form = (who: Person, url: string, fields: Record<string, string>) => postForm(app, who, url, fields);

  it('finds a person by NHS number, or by surname and date of birth, and refuses a bad NHS number', async () => {
    const byNhs = await get(doctor, '/record?nhsNumber=900+000+0076');
    expect(byNhs.statusCode).toBe(200);
    expect(byNhs.body).toContain(`/record/persons/${personId}`);
    const byName = await get(doctor, '/record?surname=shared&birthDate=1950-05-05');
    expect(byName.body).toContain(`/record/persons/${personId}`);
    const bad = await get(doctor, '/record?nhsNumber=1234567890');
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Enter a valid 10-digit NHS number');
    expect((await get(analyst, '/record')).statusCode).toBe(403);
  });

  it("shows the clinician the joined-up record with why they may see it, and each item's source", async () => {
    const page = await get(doctor, `/record/persons/${personId}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Episode of care with');
    // The person dissented (the test before): only the doctor's own organisation's items, and the page says so.
    expect(page.body).toContain('asked that their record is not shared');
    expect(page.body).toContain('44054006');
    expect(page.body).toContain('Not shown: restricted record');
  });

  it('lets a clinician without a relationship use emergency access with a reason, and a privacy officer close it', async () => {
    const nurse = await person('nurse.one', council, ['R8000']);
    const refused = await get(nurse, `/record/persons/${personId}`);
    expect(refused.statusCode).toBe(403);
    expect(refused.body).toContain('Use emergency access');
    const short = await form(nurse, `/record/persons/${personId}/break-glass`, { reason: 'now' });
    expect(short.statusCode).toBe(400);
    expect(short.body).toContain('There is a problem');
    const used = await form(nurse, `/record/persons/${personId}/break-glass`, {
      reason: 'Collapsed at day centre; need allergies',
    });
    expect(used.statusCode).toBe(303);
    const seen = await get(nurse, `/record/persons/${personId}`);
    expect(seen.statusCode).toBe(200);
    expect(seen.body).toContain('Emergency access');

    const queue = await get(privacyOfficer, '/record/break-glass');
    expect(queue.body).toContain('Collapsed at day centre');
    const id = /action="\/record\/break-glass\/(\d+)"/.exec(queue.body)?.[1];
    const closed = await form(privacyOfficer, `/record/break-glass/${id ?? ''}`, { outcome: 'justified' });
    expect(closed.statusCode).toBe(303);
    expect((await get(privacyOfficer, '/record/break-glass')).body).toContain(
      'No emergency access is waiting',
    );
  });

  it("shows a privacy officer the person's access log as a page, and no one else", async () => {
    const log = await get(privacyOfficer, `/record/persons/${personId}/accesses`);
    expect(log.statusCode).toBe(200);
    expect(log.body).toContain('Who looked at this record');
    expect(log.body).toContain('doctor.one Person');
    expect(log.body).toContain('Collapsed at day centre');
    expect((await get(doctor, `/record/persons/${personId}/accesses`)).statusCode).toBe(403);
    expect((await get(privacyOfficer, '/record/persons/not-a-person/accesses')).statusCode).toBe(400);
  });

  it('shows the person themselves every access to their record, once their account is tied to their NHS number', async () => {
    const rosa = await person('rosa.shared', council, ['public']);
    const unverified = await get(rosa, '/my-record');
    expect(unverified.statusCode).toBe(200);
    expect(unverified.body).toContain('not yet linked to your NHS number');
    expect(unverified.body).not.toContain('<table');

    const tied = await tieNhsNumber(test.db, rosa.id, '900 000 0076', 'demo', NOW);
    expect(tied.ok).toBe(true);
    const page = await get(rosa, '/my-record');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('900 000 0076');
    // By organisation and role, with the reason: the emergency access stands out; staff names are not shown.
    const rows = [...page.body.matchAll(/<tr class="nhsuk-table__row">([\s\S]*?)<\/tr>/g)].slice(1);
    const cells = rows.map((row) =>
      [...(row[1] ?? '').matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((cell) =>
        (cell[1] ?? '').replace(/<[^>]+>/g, '').trim(),
      ),
    );
    expect(cells.length).toBeGreaterThanOrEqual(8);
    expect(cells).toContainEqual([
      expect.any(String),
      expect.stringMatching(/^NHS Riverside/),
      'Clinician',
      'Opened your joined-up record',
      'Emergency: Collapsed at day centre; need allergies',
      'Allowed',
    ]);
    expect(cells).toContainEqual([
      expect.any(String),
      'NHS Riverside CCG',
      'Their computer system',
      'Added an item',
      'Your care',
      'Allowed',
    ]);
    expect(cells.some((row) => row[3] === 'Opened your joined-up record' && row[5] === 'Refused')).toBe(true);
    expect(page.body).not.toContain('doctor.one');

    // The number is one person's: another account cannot take it, and staff cannot open this page.
    const other = await person('someone.else', council, ['public']);
    expect((await tieNhsNumber(test.db, other.id, '9000000076', 'demo', NOW)).ok).toBe(false);
    expect((await tieNhsNumber(test.db, other.id, '9000000075', 'demo', NOW)).ok).toBe(false);
    expect((await get(doctor, '/my-record')).statusCode).toBe(403);
  });
});

describe('Patient/$match', () => {
  const match = (headers: Record<string, string>, patient: object, extra: object[] = []) =>
    app.inject({
      method: 'POST',
      url: '/fhir/Patient/$match',
      headers: { ...headers, 'content-type': 'application/fhir+json' },
      payload: JSON.stringify({
        resourceType: 'Parameters',
        parameter: [{ name: 'resource', resource: patient }, ...extra],
      }),
    });
  interface MatchBundle {
    entry: { resource: { id: string }; search: { score: number; extension: { valueCode: string }[] } }[];
  }

  it("finds the person from the identity index, giving a partner system its own organisation's record", async () => {
    const response = await match({ authorization: `Bearer ${hospitalToken}` }, demographics, [
      { name: 'onlyCertainMatches', valueBoolean: true },
    ]);
    expect(response.statusCode).toBe(200);
    const bundle = response.json<MatchBundle>();
    expect(bundle.entry.map((e) => e.resource.id)).toEqual([patientAtHospital]);
    expect(bundle.entry[0]?.search.extension[0]?.valueCode).toBe('certain');
    expect(bundle.entry[0]?.search.score).toBeGreaterThan(0.99);
  });

  it('gives a clinician one record per person, finds no one for a stranger, and refuses a malformed request', async () => {
    const found = await match({ cookie: doctor.cookie, 'x-csrf-token': doctor.csrf }, demographics);
    expect(found.json<MatchBundle>().entry).toHaveLength(1);
    const stranger = await match(
      { authorization: `Bearer ${hospitalToken}` },
      {
        ...demographics,
        identifier: [],
        name: [{ family: 'Nobody', given: ['Else'] }],
        birthDate: '1999-09-09',
      },
    );
    expect(stranger.json<MatchBundle>().entry).toEqual([]);
    const malformed = await app.inject({
      method: 'POST',
      url: '/fhir/Patient/$match',
      headers: { authorization: `Bearer ${hospitalToken}`, 'content-type': 'application/fhir+json' },
      payload: JSON.stringify({ resourceType: 'Parameters', parameter: [] }),
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json<{ issue: { diagnostics: string }[] }>().issue[0]?.diagnostics).toContain(
      '"resource"',
    );
  });
});
