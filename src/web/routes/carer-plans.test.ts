/**
 * Carers' plans on the record of the person they care for (issue 9), end to end through the real server and
 * database: the council records a carer, the person they care for, the carer's support and contingency plans naming
 * that person, and other things of the carer's; the hospital has the cared-for person on an open episode. Then — the
 * hospital's clinician sees the carer's plans on the cared-for person's record (page and `$everything`), and nothing
 * else of the carer's; the carer's access log lists each look, without naming the person cared for; admin staff and
 * a clinician without a relationship see no plan, until that clinician breaks the glass; a restricted carer's phone
 * is never shown; a plan no longer in force is marked; and the carer's dissent hides the council's plans from the
 * hospital's relationship, but not from emergency access.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/db.js';
import { loadRiverside } from '../../../test/support/riverside.js';
import { partnerToken, signedInPerson, type SignedIn } from '../../../test/support/people.js';
import { CARER_PLAN_SYSTEM } from '../../access/carer-plans-access.js';
import type { Role } from '../../access/index.js';
import { saveModel } from '../../identity/index/index.js';
import { tieNhsNumber } from '../../identity/person-accounts.js';
import { syntheticPairs } from '../../identity/linkage/testing.js';
import { linkRecords } from '../../identity/linkage/train.js';
import { buildServer } from '../server.js';
import { CARER_PLAN_EMERGENCY_PURPOSE } from './record-audit.js';

const NOW = new Date('2026-03-03T10:00:00Z');
const NHS = 'https://fhir.nhs.uk/Id/nhs-number';

let test: TestDatabase;
let app: FastifyInstance;
let hospitalToken: string;
let councilToken: string;
let doctor: SignedIn;
let admin: SignedIn;
let outsider: SignedIn;
let privacyOfficer: SignedIn;
let carerAccount: SignedIn;
let caredForAtHospital: string;
let carerPatient: string;
let caredForPerson: string;
let carerPerson: string;
let supportPlan: string;
let contingencyPlan: string;

const person = (username: string, organisation: string, roles: Role[]) =>
  signedInPerson(test.db, username, organisation, roles, NOW);

const caredForDemographics = {
  resourceType: 'Patient',
  identifier: [{ system: NHS, value: '9000000106' }],
  name: [{ family: 'Ellison', given: ['Mary'] }],
  gender: 'female',
  birthDate: '1940-02-02',
  address: [{ line: ['3 Weir Street'], postalCode: 'HX1 2CC' }],
};
const carerDemographics = {
  resourceType: 'Patient',
  identifier: [{ system: NHS, value: '9000000114' }],
  name: [{ family: 'Carter', given: ['Peter'] }],
  gender: 'male',
  birthDate: '1968-07-07',
  telecom: [{ system: 'phone', value: '07700 900123' }],
  address: [{ line: ['9 Canal Row'], postalCode: 'HX3 9ZZ' }],
};

const category = (code: string) => [{ coding: [{ system: CARER_PLAN_SYSTEM, code }] }];

const write = async (token: string, resource: Record<string, unknown>, id?: string) => {
  const type = String(resource['resourceType']);
  const response = await app.inject({
    method: id === undefined ? 'POST' : 'PUT',
    url: id === undefined ? `/fhir/${type}` : `/fhir/${type}/${id}`,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/fhir+json' },
    payload: JSON.stringify(id === undefined ? resource : { ...resource, id }),
  });
  if (response.statusCode >= 300) throw new Error(`${type}: ${response.statusCode} ${response.body}`);
  return response.json<{ id: string }>().id;
};

const get = (who: SignedIn, url: string) =>
  app.inject({ method: 'GET', url, headers: { cookie: who.cookie } });

interface Bundle {
  entry: { resource: Record<string, unknown> & { resourceType: string; id: string } }[];
}
const everything = async (who: SignedIn) => {
  const response = await get(who, `/fhir/Patient/${caredForAtHospital}/$everything`);
  return { status: response.statusCode, bundle: response.json<Bundle>() };
};
const carePlansIn = (bundle: Bundle) =>
  bundle.entry
    .filter((e) => e.resource.resourceType === 'CarePlan')
    .map((e) => e.resource.id)
    .sort();

const personOf = async (patientId: string): Promise<string> => {
  const [row] = await test.db.query<{ person_id: string }>(
    `SELECT r.person_id::text AS person_id FROM record_resource p
       JOIN identity_record r ON r.organisation = p.source_organisation AND r.local_id = p.source_id
      WHERE p.resource_type = 'Patient' AND p.id = $1`,
    [patientId],
  );
  if (row === undefined) throw new Error(`Patient/${patientId} has no person`);
  return row.person_id;
};

interface Access {
  action: string;
  actorName: string;
  resourceType: string;
  resourceId: string | null;
  purpose: string;
  carerPlan?: string;
}
const carerLog = async (): Promise<Access[]> => {
  const response = await get(privacyOfficer, `/api/record/persons/${carerPerson}/accesses`);
  expect(response.statusCode).toBe(200);
  return response.json<{ accesses: Access[] }>().accesses;
};

beforeAll(async () => {
  test = await createTestDatabase();
  const loaded = await loadRiverside(test.db);
  const [hospital = '', council = '', elsewhere = ''] = loaded.partnership.organisations.map((o) => o.id);
  hospitalToken = await partnerToken(test.db, hospital, ['record:write', 'record:read'], NOW);
  councilToken = await partnerToken(test.db, council, ['record:write', 'record:read'], NOW);
  doctor = await person('doctor.carers', hospital, ['R8000']);
  admin = await person('admin.carers', hospital, ['R8008']);
  outsider = await person('outsider.carers', elsewhere, ['R8000']);
  privacyOfficer = await person('privacy.carers', council, ['R0001']);
  carerAccount = await person('peter.carter', council, ['public']);
  const { left, right } = syntheticPairs(1_500, 5);
  await test.db.transaction((tx) => saveModel(tx, linkRecords(left, right).model, 3_000, NOW));
  app = await buildServer({
    db: test.db,
    config: { logLevel: 'silent', publicUrl: new URL('https://accord.example'), oidc: undefined },
    partnershipId: loaded.partnership.info.id,
    schemaCurrent: async () => true,
    clock: () => NOW,
  });

  // The hospital has Mary on an open episode of care.
  caredForAtHospital = await write(hospitalToken, caredForDemographics);
  await write(hospitalToken, {
    resourceType: 'EpisodeOfCare',
    status: 'active',
    patient: { reference: `Patient/${caredForAtHospital}` },
    period: { start: '2026-02-01' },
  });
  // The council knows Mary, and Peter, who cares for her: who he is to her, his plans, and his own record.
  const caredForAtCouncil = await write(councilToken, caredForDemographics);
  carerPatient = await write(councilToken, carerDemographics);
  await write(councilToken, {
    resourceType: 'RelatedPerson',
    active: true,
    patient: { reference: `Patient/${caredForAtCouncil}` },
    relationship: [
      { coding: [{ system: 'http://snomed.info/sct', code: '407542009', display: 'Informal caregiver' }] },
    ],
    name: [{ family: 'Carter', given: ['Peter'] }],
  });
  const plan = (code: string, title: string, more: Record<string, unknown> = {}) => ({
    resourceType: 'CarePlan',
    status: 'active',
    intent: 'plan',
    category: category(code),
    title,
    subject: { reference: `Patient/${carerPatient}` },
    supportingInfo: [{ reference: `Patient/${caredForAtCouncil}` }],
    period: { start: '2026-01-10' },
    created: '2026-01-10',
    ...more,
  });
  supportPlan = await write(
    councilToken,
    plan('carer-support-plan', 'Support for Peter Carter as a carer', {
      description: 'Two nights of respite a month; a carers group on Thursdays.',
    }),
  );
  contingencyPlan = await write(
    councilToken,
    plan('carer-contingency-plan', 'If Peter cannot care: the emergency plan', {
      description:
        'If Peter is taken ill, call Ann Carter (sister) first, then the council emergency carer line.',
      activity: [
        { detail: { status: 'not-started', description: 'Ann Carter steps in the same day' } },
        {
          detail: {
            status: 'not-started',
            description: 'Mary needs help to wash, dress and take her tablets',
          },
        },
      ],
    }),
  );
  // Peter's own record, which no relationship with Mary opens: a problem, a plan for himself, and a plan for Ivy.
  await write(councilToken, {
    resourceType: 'Condition',
    subject: { reference: `Patient/${carerPatient}` },
    code: { text: 'Low back pain' },
  });
  await write(councilToken, {
    resourceType: 'CarePlan',
    status: 'active',
    intent: 'plan',
    title: 'Physiotherapy for Peter',
    subject: { reference: `Patient/${carerPatient}` },
  });
  const ivy = await write(councilToken, {
    resourceType: 'Patient',
    identifier: [{ system: NHS, value: '9000000122' }],
    name: [{ family: 'Other', given: ['Ivy'] }],
    birthDate: '1931-01-01',
  });
  await write(
    councilToken,
    plan('carer-contingency-plan', 'If Peter cannot care for Ivy', {
      supportingInfo: [{ reference: `Patient/${ivy}` }],
    }),
  );
  caredForPerson = await personOf(caredForAtHospital);
  carerPerson = await personOf(carerPatient);
  if ((await personOf(caredForAtCouncil)) !== caredForPerson)
    throw new Error('Mary’s records were not joined');
  if (carerPerson === caredForPerson) throw new Error('Peter and Mary were joined');
}, 90_000);

afterAll(async () => {
  await app.close();
  await test.drop();
});

describe("a carer's plans on the record of the person they care for", () => {
  it("shows the care team the carer's contingency and support plans, and nothing else of the carer's", async () => {
    const page = await get(doctor, `/record/persons/${caredForPerson}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Carer’s plans');
    expect(page.body).toContain('If Peter cannot care: the emergency plan');
    expect(page.body).toContain('Carer’s contingency plan');
    expect(page.body).toContain('call Ann Carter (sister) first');
    expect(page.body).toContain('Mary needs help to wash, dress and take her tablets');
    expect(page.body).toContain('Support for Peter Carter as a carer');
    expect(page.body).toContain('Peter Carter');
    expect(page.body).toContain('07700 900123');
    for (const hidden of [
      'Low back pain',
      'Physiotherapy for Peter',
      'care for Ivy',
      '9 Canal Row',
      '900 000 0114',
    ]) {
      expect(page.body).not.toContain(hidden);
    }

    const { status, bundle } = await everything(doctor);
    expect(status).toBe(200);
    expect(carePlansIn(bundle)).toEqual([contingencyPlan, supportPlan].sort());
    const ofCarer = bundle.entry.filter(
      (e) => JSON.stringify(e.resource).includes(carerPatient) && e.resource.resourceType !== 'CarePlan',
    );
    expect(ofCarer).toEqual([]);
    expect(bundle.entry.some((e) => e.resource.resourceType === 'Condition')).toBe(false);
  });

  it("lists each look in the carer's access log, saying which plan and why, without naming the person cared for", async () => {
    const log = await carerLog();
    const looks = log.filter((e) => e.actorName === 'doctor.carers Person');
    // The page and $everything each showed both plans.
    expect(looks.map((e) => [e.action, e.resourceType, e.carerPlan, e.purpose])).toEqual(
      expect.arrayContaining([
        ['read', 'CarePlan', 'carer-contingency-plan', 'direct-care'],
        ['read', 'CarePlan', 'carer-support-plan', 'direct-care'],
      ]),
    );
    expect(looks.filter((e) => e.resourceId === contingencyPlan)).toHaveLength(2);

    expect((await tieNhsNumber(test.db, carerAccount.id, '9000000114', 'demo', NOW)).ok).toBe(true);
    const mine = await get(carerAccount, '/my-record');
    expect(mine.statusCode).toBe(200);
    expect(mine.body).toContain('Read your contingency plan as a carer');
    expect(mine.body).toContain('Read your support plan as a carer');
    expect(mine.body).toContain('The care of the person you look after');
    expect(mine.body).not.toContain('Mary');
    expect(mine.body).not.toContain('Ellison');
  });

  it('shows admin staff no carer’s plan, and a clinician without a relationship none until they break the glass', async () => {
    const adminPage = await get(admin, `/record/persons/${caredForPerson}`);
    expect(adminPage.statusCode).toBe(200);
    expect(adminPage.body).not.toContain('If Peter cannot care');
    expect(adminPage.body).not.toContain('Carer’s plans');
    expect(carePlansIn((await everything(admin)).bundle)).toEqual([]);

    const refused = await get(outsider, `/record/persons/${caredForPerson}`);
    expect(refused.statusCode).toBe(403);
    expect(refused.body).not.toContain('If Peter cannot care');
    const before = (await carerLog()).length;
    const granted = await app.inject({
      method: 'POST',
      url: '/api/record/break-glass',
      headers: { cookie: outsider.cookie, 'x-csrf-token': outsider.csrf },
      payload: { personId: caredForPerson, reason: 'Mary found alone at home: her carer is in hospital' },
    });
    expect(granted.statusCode).toBe(201);
    const page = await get(outsider, `/record/persons/${caredForPerson}`);
    expect(page.body).toContain('If Peter cannot care: the emergency plan');
    const log = await carerLog();
    expect(log.length).toBe(before + 2);
    // The reason given is about Mary: the carer's log says emergency access, and not that.
    expect(log.slice(0, 2).map((e) => e.purpose)).toEqual([
      CARER_PLAN_EMERGENCY_PURPOSE,
      CARER_PLAN_EMERGENCY_PURPOSE,
    ]);
  });

  it("never shows a restricted carer's phone, and marks a plan no longer in force", async () => {
    await write(
      councilToken,
      {
        ...carerDemographics,
        meta: {
          security: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality', code: 'R' }],
        },
      },
      carerPatient,
    );
    const support = await app.inject({
      method: 'GET',
      url: `/fhir/CarePlan/${supportPlan}`,
      headers: { authorization: `Bearer ${councilToken}` },
    });
    await write(
      councilToken,
      { ...support.json<Record<string, unknown>>(), status: 'completed' },
      supportPlan,
    );
    const page = await get(doctor, `/record/persons/${caredForPerson}`);
    expect(page.body).toContain('Peter Carter');
    expect(page.body).not.toContain('07700 900123');
    expect(page.body).toContain('Not shown: restricted record');
    expect(page.body).toContain('Completed: no longer in force');
  });

  it("hides the council's plans from the hospital's relationship when the carer dissents, but not from emergency access", async () => {
    await write(councilToken, {
      resourceType: 'Consent',
      status: 'active',
      scope: {
        coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: 'patient-privacy' }],
      },
      category: [{ coding: [{ system: 'http://loinc.org', code: '59284-0' }] }],
      patient: { reference: `Patient/${carerPatient}` },
      policyRule: {
        coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'OPTOUT' }],
      },
      provision: { type: 'deny' },
    });
    const page = await get(doctor, `/record/persons/${caredForPerson}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toContain('If Peter cannot care');
    expect(page.body).toContain('No carer’s support or contingency plan that names this person is recorded');
    expect(carePlansIn((await everything(doctor)).bundle)).toEqual([]);
    // Mary's own record is still shared: only Peter asked.
    expect(page.body).toContain('Carers and cared-for');

    const emergency = await get(outsider, `/record/persons/${caredForPerson}`);
    expect(emergency.body).toContain('If Peter cannot care: the emergency plan');
  });
});
