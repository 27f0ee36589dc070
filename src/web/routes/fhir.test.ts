/**
 * The FHIR R4 API end to end through the real server, a real database and a standard FHIR client (fhir-kit-client,
 * over loopback): a partner system creates, reads, versions, searches and deletes its resources; conditional create
 * makes a feed idempotent; bad input comes back as an OperationOutcome naming the element; another organisation and
 * every person see nothing.
 */
import type { FastifyInstance } from 'fastify';
import fc from 'fast-check';
import { Client } from 'fhir-kit-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/db.js';
import { failure, freePort, type Outcome } from '../../../test/support/fhir-client.js';
import { partnerToken } from '../../../test/support/people.js';
import { loadRiverside } from '../../../test/support/riverside.js';
import { createSession, createUser } from '../../access/index.js';
import { verifyAuditChain } from '../../access/audit/index.js';
import { saveModel } from '../../identity/index/index.js';
import { syntheticPairs } from '../../identity/linkage/testing.js';
import { linkRecords } from '../../identity/linkage/train.js';
import { exampleResources } from '../../record/validation/testing.js';
import { buildServer } from '../server.js';

const NOW = new Date('2026-03-03T10:00:00Z');
const NHS = 'https://fhir.nhs.uk/Id/nhs-number';

let test: TestDatabase;
let app: FastifyInstance;
let hospital: Client;
let hospitalToken: string;
let otherToken: string;
let readOnlyToken: string;
let clinicianCookie: string;

beforeAll(async () => {
  test = await createTestDatabase();
  const loaded = await loadRiverside(test.db);
  const organisations = loaded.partnership.organisations.map((o) => o.id);
  const [first = '', second = ''] = organisations;
  hospitalToken = await partnerToken(test.db, first, ['record:write', 'record:read'], NOW);
  otherToken = await partnerToken(test.db, second, ['record:write', 'record:read'], NOW);
  readOnlyToken = await partnerToken(test.db, first, ['record:read'], NOW);
  const user = await createUser(test.db, {
    username: 'clinician.one',
    displayName: 'Clinician One',
    organisation: first,
    roles: ['R8000'],
    oidcSubject: 'https://idp.example#clinician.one',
  });
  if (!user.ok) throw new Error(user.error.title);
  const session = await createSession(test.db, user.value.id, () => NOW);
  clinicianCookie = `accord_session=${session.token}`;
  // The server's public address is where the client reaches it (paging links are absolute), so the port is found first.
  const port = await freePort();
  app = await buildServer({
    db: test.db,
    config: { logLevel: 'silent', publicUrl: new URL(`http://127.0.0.1:${port}`), oidc: undefined },
    partnershipId: loaded.partnership.info.id,
    schemaCurrent: async () => true,
    clock: () => NOW,
  });
  // A linkage model, so Patients written through the API join persons in the identity index.
  const { left, right } = syntheticPairs(1_500, 5);
  await test.db.transaction((tx) => saveModel(tx, linkRecords(left, right).model, 3_000, NOW));
  const address = await app.listen({ host: '127.0.0.1', port });
  hospital = new Client({ baseUrl: `${address}/fhir`, bearerToken: hospitalToken });
}, 60_000);

afterAll(async () => {
  await app.close();
  await test.drop();
});

const patient = (local: string, family: string, nhsNumber: string) => ({
  resourceType: 'Patient',
  identifier: [
    { system: NHS, value: nhsNumber },
    { system: 'https://riverside.example/mrn', value: local },
  ],
  name: [{ family, given: ['Ann'] }],
  gender: 'female',
  birthDate: '1980-02-03',
  address: [{ postalCode: 'LS1 4AP' }],
});

describe('the FHIR API for a partner system', () => {
  it('publishes a CapabilityStatement to anyone', async () => {
    const statement = (await hospital.capabilityStatement()) as unknown as {
      resourceType: string;
      fhirVersion: string;
      rest: { resource: { type: string; searchParam: { name: string }[] }[] }[];
    };
    expect(statement.resourceType).toBe('CapabilityStatement');
    expect(statement.fhirVersion).toBe('4.0.1');
    const patientEntry = statement.rest[0]?.resource.find((r) => r.type === 'Patient');
    expect(patientEntry?.searchParam.map((p) => p.name)).toEqual(
      expect.arrayContaining(['_id', 'identifier', 'family', 'birthdate', 'address-postalcode']),
    );
  });

  it('creates, reads, updates with If-Match, reads old versions and the history, and deletes', async () => {
    const created = (await hospital.create({
      resourceType: 'Patient',
      body: patient('H1', 'Smith', '9000000009'),
    })) as unknown as { id: string; meta: { versionId: string } };
    expect(created.meta.versionId).toBe('1');
    const read = (await hospital.read({ resourceType: 'Patient', id: created.id })) as unknown as {
      name: { family: string }[];
    };
    expect(read.name[0]?.family).toBe('Smith');

    const updated = (await hospital.update({
      resourceType: 'Patient',
      id: created.id,
      body: { ...patient('H1', 'Smyth', '9000000009'), id: created.id },
      options: { headers: { 'If-Match': 'W/"1"' } },
    })) as unknown as { meta: { versionId: string } };
    expect(updated.meta.versionId).toBe('2');

    // A second writer who read version 1 is refused, and told why.
    const stale = await failure(
      hospital.update({
        resourceType: 'Patient',
        id: created.id,
        body: { ...patient('H1', 'Smithe', '9000000009'), id: created.id },
        options: { headers: { 'If-Match': 'W/"1"' } },
      }),
    );
    expect(stale.status).toBe(412);
    expect(stale.outcome.issue[0]?.diagnostics).toContain('version 2');

    const first = (await hospital.vread({
      resourceType: 'Patient',
      id: created.id,
      version: '1',
    })) as unknown as {
      name: { family: string }[];
    };
    expect(first.name[0]?.family).toBe('Smith');
    const history = (await hospital.history({ resourceType: 'Patient', id: created.id })) as unknown as {
      type: string;
      entry: { response: { etag: string } }[];
    };
    expect(history.type).toBe('history');
    expect(history.entry.map((e) => e.response.etag)).toEqual(['W/"2"', 'W/"1"']);

    await hospital.delete({ resourceType: 'Patient', id: created.id });
    const gone = await failure(hospital.read({ resourceType: 'Patient', id: created.id }));
    expect(gone.status).toBe(410);
  });

  it('searches by the common parameters, with paging links and _include', async () => {
    const ids: string[] = [];
    for (const [local, family, nhs] of [
      ['S1', 'Okafor', '9000000017'],
      ['S2', 'Okonkwo', '9000000025'],
      ['S3', 'Brown', '9000000033'],
    ] as const) {
      const made = (await hospital.create({
        resourceType: 'Patient',
        body: patient(local, family, nhs),
      })) as unknown as {
        id: string;
      };
      ids.push(made.id);
    }
    const [okafor = ''] = ids;
    const search = async (resourceType: string, searchParams: Record<string, string>) =>
      (await hospital.search({ resourceType, searchParams })) as unknown as {
        total?: number;
        entry?: { resource: { id: string; resourceType: string }; search: { mode: string } }[];
        link: { relation: string; url: string }[];
      };
    expect((await search('Patient', { family: 'oko' })).entry?.map((e) => e.resource.id)).toEqual([ids[1]]);
    expect((await search('Patient', { family: 'OK' })).entry).toHaveLength(2);
    expect((await search('Patient', { identifier: `${NHS}|9000000017` })).entry?.[0]?.resource.id).toBe(
      okafor,
    );
    expect((await search('Patient', { identifier: '9000000033' })).entry?.[0]?.resource.id).toBe(ids[2]);
    expect((await search('Patient', { birthdate: '1980-02' })).entry?.length).toBeGreaterThanOrEqual(3);
    expect((await search('Patient', { birthdate: 'gt1980-02-03' })).entry ?? []).toHaveLength(0);
    expect((await search('Patient', { 'address-postalcode': 'ls1' })).entry?.length).toBeGreaterThanOrEqual(
      3,
    );
    expect((await search('Patient', { gender: 'male' })).entry ?? []).toHaveLength(0);

    const encounter = (await hospital.create({
      resourceType: 'Encounter',
      body: {
        resourceType: 'Encounter',
        status: 'finished',
        class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' },
        subject: { reference: `Patient/${okafor}` },
        period: { start: '2026-01-10T09:00:00Z', end: '2026-01-10T09:20:00Z' },
      },
    })) as unknown as { id: string };
    const byPatient = await search('Encounter', { patient: okafor, _include: 'Encounter:patient' });
    expect(byPatient.entry?.map((e) => [e.resource.resourceType, e.search.mode])).toEqual([
      ['Encounter', 'match'],
      ['Patient', 'include'],
    ]);
    expect(
      (await search('Encounter', { date: 'ge2026-01-10', status: 'finished' })).entry?.[0]?.resource.id,
    ).toBe(encounter.id);
    expect((await search('Encounter', { date: 'lt2026-01-01' })).entry ?? []).toHaveLength(0);

    const paged = await search('Patient', { _count: '2', _sort: '_id', _total: 'accurate' });
    expect(paged.total).toBeGreaterThanOrEqual(3);
    expect(paged.entry).toHaveLength(2);
    expect(paged.link.map((l) => l.relation)).toEqual(['self', 'next']);
    const next = (await hospital.nextPage({ bundle: paged as never })) as unknown as {
      entry: { resource: { id: string } }[];
    };
    expect(next.entry[0]?.resource.id).not.toBe(paged.entry?.[1]?.resource.id);
  });

  it('makes a feed idempotent with conditional create (If-None-Exist)', async () => {
    const body = patient('C1', 'Idem', '9000000041');
    const send = () =>
      app.inject({
        method: 'POST',
        url: '/fhir/Patient',
        headers: {
          authorization: `Bearer ${hospitalToken}`,
          'content-type': 'application/fhir+json',
          'if-none-exist': 'identifier=https://riverside.example/mrn|C1',
        },
        payload: JSON.stringify(body),
      });
    const first = await send();
    expect(first.statusCode).toBe(201);
    const again = await send();
    expect(again.statusCode).toBe(200);
    expect(again.json<{ id: string }>().id).toBe(first.json<{ id: string }>().id);
  });
});

describe('bad input to the FHIR API', () => {
  const post = (url: string, payload: string, type = 'application/fhir+json') =>
    app.inject({
      method: 'POST',
      url,
      headers: { authorization: `Bearer ${hospitalToken}`, 'content-type': type },
      payload,
    });

  it('names the element at fault in an OperationOutcome and stores nothing', async () => {
    const bad = { ...patient('B1', 'Bad', '9000000009'), gender: 'dude', birthDate: '1980-13-01' };
    const response = await post('/fhir/Patient', JSON.stringify(bad));
    expect(response.statusCode).toBe(400);
    const outcome = response.json<Outcome>();
    expect(outcome.resourceType).toBe('OperationOutcome');
    const paths = outcome.issue.flatMap((issue) => issue.expression ?? []);
    expect(paths).toEqual(expect.arrayContaining(['Patient.gender', 'Patient.birthDate']));
    const found = await app.inject({
      method: 'GET',
      url: '/fhir/Patient?family=bad',
      headers: { authorization: `Bearer ${hospitalToken}` },
    });
    expect(found.json<{ entry: unknown[] }>().entry).toHaveLength(0);
  });

  it('refuses an invalid NHS number, malformed JSON, a body of another type and an unknown search parameter', async () => {
    const nhs = await post('/fhir/Patient', JSON.stringify(patient('B2', 'Bad', '9000000001')));
    expect(nhs.statusCode).toBe(400);
    expect(nhs.json<Outcome>().issue.flatMap((i) => i.expression ?? [])).toContain(
      'Patient.identifier[0].value',
    );

    const malformed = await post('/fhir/Patient', '{"resourceType": "Patient",');
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json<Outcome>().resourceType).toBe('OperationOutcome');

    const wrongType = await post('/fhir/Encounter', JSON.stringify(patient('B3', 'Bad', '9000000009')));
    expect(wrongType.statusCode).toBe(400);
    expect(wrongType.json<Outcome>().issue[0]?.diagnostics).toContain('the Patient endpoint');

    const unknown = await app.inject({
      method: 'GET',
      url: '/fhir/Patient?favourite-colour=blue',
      headers: { authorization: `Bearer ${hospitalToken}` },
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json<Outcome>().issue[0]?.diagnostics).toContain('favourite-colour');

    const notAType = await app.inject({
      method: 'GET',
      url: '/fhir/Wizard/1',
      headers: { authorization: `Bearer ${hospitalToken}` },
    });
    expect(notAType.statusCode).toBe(404);
  });
});

describe('who may use the FHIR API', () => {
  it("hides one organisation's resources from another, and lets no one else change them", async () => {
    const created = (await hospital.create({
      resourceType: 'Patient',
      body: patient('P1', 'Private', '9000000009'),
    })) as unknown as {
      id: string;
    };
    const other = { authorization: `Bearer ${otherToken}` };
    const read = await app.inject({ method: 'GET', url: `/fhir/Patient/${created.id}`, headers: other });
    expect(read.statusCode).toBe(404);
    const search = await app.inject({ method: 'GET', url: '/fhir/Patient?family=private', headers: other });
    expect(search.json<{ entry: unknown[] }>().entry).toHaveLength(0);
    const update = await app.inject({
      method: 'PUT',
      url: `/fhir/Patient/${created.id}`,
      headers: { ...other, 'content-type': 'application/fhir+json' },
      payload: JSON.stringify({ ...patient('P1', 'Taken', '9000000009'), id: created.id }),
    });
    expect(update.statusCode).toBe(403);
    const remove = await app.inject({ method: 'DELETE', url: `/fhir/Patient/${created.id}`, headers: other });
    expect(remove.statusCode).toBe(403);
  });

  it('refuses writes without record:write, and every person, with an OperationOutcome', async () => {
    const readOnly = await app.inject({
      method: 'POST',
      url: '/fhir/Patient',
      headers: { authorization: `Bearer ${readOnlyToken}`, 'content-type': 'application/fhir+json' },
      payload: JSON.stringify(patient('R1', 'Reader', '9000000009')),
    });
    expect(readOnly.statusCode).toBe(403);
    expect(readOnly.json<Outcome>().resourceType).toBe('OperationOutcome');
    const person = await app.inject({
      method: 'GET',
      url: '/fhir/Patient',
      headers: { cookie: clinicianCookie },
    });
    expect(person.statusCode).toBe(403);
    const anonymous = await app.inject({ method: 'GET', url: '/fhir/Patient' });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json<Outcome>().issue[0]?.code).toBe('login');
  });
});

describe('the audit of the FHIR API', () => {
  it('records every access before answering, under each person whose data it touched, in an intact chain', async () => {
    const created = (await hospital.create({
      resourceType: 'Patient',
      body: patient('A1', 'Audited', '9000000068'),
    })) as unknown as { id: string };
    // The Patient joined a person in the identity index as its organisation's record (organisation, record id).
    const [record] = await test.db.query<{ person_id: string }>(
      `SELECT person_id::text FROM identity_record WHERE local_id = $1`,
      [created.id],
    );
    expect(record?.person_id).toMatch(/^[0-9a-f-]{36}$/);
    await hospital.read({ resourceType: 'Patient', id: created.id });
    await hospital.search({ resourceType: 'Patient', searchParams: { family: 'audited' } });
    const entries = await test.db.query<{ action: string; outcome: string; detail: { query?: string } }>(
      `SELECT action, outcome, detail FROM audit_entry WHERE person_id = $1 ORDER BY seq`,
      [record?.person_id],
    );
    expect(entries.map((entry) => [entry.action, entry.outcome])).toEqual([
      ['create', 'success'],
      ['read', 'success'],
      ['search', 'success'],
    ]);
    // A search is recorded by its parameters' names, never their values.
    expect(entries[2]?.detail.query).toBe('family');
    const denied = await test.db.query(`SELECT 1 FROM audit_entry WHERE outcome = 'denied'`);
    expect(denied.length).toBeGreaterThan(0);
    const report = await verifyAuditChain(test.db);
    expect(report.problems).toEqual([]);
    expect(report.checked).toBeGreaterThan(10);
  });
});

describe('the FHIR API under generated bad input', () => {
  it('answers every mutated resource with 201 or a 4xx OperationOutcome, and stores nothing it refuses', async () => {
    const before = await test.db.query<{ n: number }>('SELECT count(*)::int AS n FROM record_version');
    let created = 0;
    const value = fc.oneof(
      fc.string(),
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
      fc.array(fc.string(), { maxLength: 2 }),
      fc.dictionary(fc.string({ maxLength: 5 }), fc.string(), { maxKeys: 2 }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...exampleResources),
        fc.array(
          fc.tuple(fc.constantFrom('replace', 'add', 'remove'), fc.nat(), fc.string({ maxLength: 8 }), value),
          {
            minLength: 1,
            maxLength: 3,
          },
        ),
        async (example, mutations) => {
          const resource: Record<string, unknown> = structuredClone(example);
          const keys = Object.keys(resource).filter((key) => key !== 'resourceType');
          for (const [kind, at, name, inner] of mutations) {
            const key = keys[at % Math.max(1, keys.length)] ?? 'id';
            if (kind === 'replace') resource[key] = inner;
            else if (kind === 'add') resource[`x${name}`] = inner;
            else Reflect.deleteProperty(resource, key);
          }
          const response = await app.inject({
            method: 'POST',
            url: `/fhir/${example.resourceType}`,
            headers: { authorization: `Bearer ${hospitalToken}`, 'content-type': 'application/fhir+json' },
            payload: JSON.stringify(resource),
          });
          if (response.statusCode === 201) {
            created++;
            return;
          }
          expect(response.statusCode).toBeGreaterThanOrEqual(400);
          expect(response.statusCode).toBeLessThan(500);
          const outcome = response.json<Outcome>();
          expect(outcome.resourceType).toBe('OperationOutcome');
          expect(outcome.issue.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 150, seed: 5 },
    );
    const after = await test.db.query<{ n: number }>('SELECT count(*)::int AS n FROM record_version');
    expect((after[0]?.n ?? 0) - (before[0]?.n ?? 0)).toBe(created);
    // Most mutations break the resource: the property exercised the refusals, not only the happy path.
    expect(created).toBeLessThan(75);
  }, 60_000);
});
