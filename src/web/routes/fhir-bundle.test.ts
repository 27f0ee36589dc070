/**
 * Batch and transaction Bundles through the real server and database, sent by a standard FHIR client
 * (fhir-kit-client, over loopback): a transaction writes a Patient and what refers to it by urn, all or nothing; a
 * batch answers each entry on its own; references that lead nowhere are refused wherever they are written.
 */
import type { FastifyInstance } from 'fastify';
import { Client } from 'fhir-kit-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/db.js';
import { failure, freePort, type Outcome } from '../../../test/support/fhir-client.js';
import { partnerToken } from '../../../test/support/people.js';
import { loadRiverside } from '../../../test/support/riverside.js';
import { MAX_BUNDLE_ENTRIES } from '../../record/bundle.js';
import { buildServer } from '../server.js';

const NOW = new Date('2026-03-03T10:00:00Z');
const NHS = 'https://fhir.nhs.uk/Id/nhs-number';

let test: TestDatabase;
let app: FastifyInstance;
let hospital: Client;
let other: Client;
let writeOnly: Client;

interface ResponseBundle {
  resourceType: string;
  type: string;
  entry: {
    fullUrl?: string;
    resource?: { resourceType: string; id: string; subject?: { reference: string }; entry?: unknown[] };
    response: { status: string; location?: string; etag?: string; outcome?: Outcome };
  }[];
}

beforeAll(async () => {
  test = await createTestDatabase();
  const loaded = await loadRiverside(test.db);
  const [first = '', second = ''] = loaded.partnership.organisations.map((o) => o.id);
  const port = await freePort();
  app = await buildServer({
    db: test.db,
    config: { logLevel: 'silent', publicUrl: new URL(`http://127.0.0.1:${port}`), oidc: undefined },
    partnershipId: loaded.partnership.info.id,
    schemaCurrent: async () => true,
    clock: () => NOW,
  });
  const address = await app.listen({ host: '127.0.0.1', port });
  const client = async (organisation: string, scopes: string[]) =>
    new Client({
      baseUrl: `${address}/fhir`,
      bearerToken: await partnerToken(test.db, organisation, scopes, NOW),
    });
  hospital = await client(first, ['record:write', 'record:read']);
  other = await client(second, ['record:write', 'record:read']);
  writeOnly = await client(first, ['record:write']);
}, 60_000);

afterAll(async () => {
  await app.close();
  await test.drop();
});

const patient = (nhsNumber: string, family: string) => ({
  resourceType: 'Patient',
  identifier: [{ system: NHS, value: nhsNumber }],
  name: [{ family, given: ['Ann'] }],
  gender: 'female',
  birthDate: '1980-02-03',
});
const observation = (subject: string) => ({
  resourceType: 'Observation',
  status: 'final',
  code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }] },
  subject: { reference: subject },
});

const resources = async (type: string) =>
  (
    await test.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM record_resource WHERE resource_type = $1 AND NOT deleted',
      [type],
    )
  )[0]?.n ?? 0;

const transaction = (entry: object[]) => ({ resourceType: 'Bundle', type: 'transaction', entry });
const batch = (entry: object[]) => ({ resourceType: 'Bundle', type: 'batch', entry });

describe('a transaction Bundle', () => {
  it('writes a Patient and the resources that refer to it by urn, with the references rewritten to its id', async () => {
    const body = transaction([
      {
        fullUrl: 'urn:uuid:0f3a0000-0000-4000-8000-000000000001',
        resource: observation('urn:uuid:0f3a0000-0000-4000-8000-000000000002'),
        request: { method: 'POST', url: 'Observation' },
      },
      {
        fullUrl: 'urn:uuid:0f3a0000-0000-4000-8000-000000000002',
        resource: patient('9000000009', 'Urn'),
        request: { method: 'POST', url: 'Patient', ifNoneExist: `identifier=${NHS}|9000000009` },
      },
    ]);
    const answer = (await hospital.transaction({ body })) as unknown as ResponseBundle;
    expect(answer.type).toBe('transaction-response');
    // Answered in the Bundle's order, though the Patient (its referent) was written first.
    const [obs, pat] = answer.entry;
    expect(obs?.response.status).toBe('201 Created');
    expect(pat?.response.status).toBe('201 Created');
    expect(obs?.resource?.subject?.reference).toBe(`Patient/${pat?.resource?.id ?? ''}`);
    expect(pat?.response.location).toMatch(/^Patient\/[0-9a-f-]{36}\/_history\/1$/);

    // Sent again, the conditional create finds the Patient: the Observation is new, the Patient is not.
    const again = (await hospital.transaction({ body })) as unknown as ResponseBundle;
    expect(again.entry[1]?.response.status).toBe('200 OK');
    expect(again.entry[1]?.resource?.id).toBe(pat?.resource?.id);
    expect(again.entry[0]?.resource?.subject?.reference).toBe(`Patient/${pat?.resource?.id ?? ''}`);
    expect(await resources('Patient')).toBe(1);
  });

  it('writes nothing when one entry fails, and says which entry and element', async () => {
    const patients = await resources('Patient');
    const observations = await resources('Observation');
    const { status, outcome } = await failure(
      hospital.transaction({
        body: transaction([
          { resource: patient('9000000017', 'First'), request: { method: 'POST', url: 'Patient' } },
          { resource: patient('9000000018', 'BadNhs'), request: { method: 'POST', url: 'Patient' } },
        ]),
      }),
    );
    expect(status).toBe(400);
    expect(outcome.issue[0]?.diagnostics).toMatch(/^Entry 1 of the transaction .*(modulus 11|check digit)/i);
    expect(outcome.issue[0]?.expression?.[0]).toMatch(/^Patient\.identifier\[0\]/);
    expect(await resources('Patient')).toBe(patients);

    const dangling = await failure(
      hospital.transaction({
        body: transaction([
          { resource: patient('9000000025', 'Second'), request: { method: 'POST', url: 'Patient' } },
          {
            resource: observation('Patient/no-such-patient'),
            request: { method: 'POST', url: 'Observation' },
          },
        ]),
      }),
    );
    expect(dangling.status).toBe(422);
    expect(dangling.outcome.issue[0]?.diagnostics).toContain('Entry 1 of the transaction');
    expect(dangling.outcome.issue[0]?.expression).toEqual(['Observation.subject.reference']);
    expect(await resources('Patient')).toBe(patients);
    expect(await resources('Observation')).toBe(observations);
  });

  it('updates with ifMatch and deletes in one go, refusing a stale version', async () => {
    const created = (await hospital.create({
      resourceType: 'Patient',
      body: patient('9000000033', 'Versioned'),
    })) as unknown as { id: string };
    const updated = { ...patient('9000000033', 'Versioned'), id: created.id, gender: 'other' };
    const stale = await failure(
      hospital.transaction({
        body: transaction([
          { resource: updated, request: { method: 'PUT', url: `Patient/${created.id}`, ifMatch: 'W/"7"' } },
        ]),
      }),
    );
    expect(stale.status).toBe(412);
    const done = (await hospital.transaction({
      body: transaction([
        { resource: updated, request: { method: 'PUT', url: `Patient/${created.id}`, ifMatch: 'W/"1"' } },
      ]),
    })) as unknown as ResponseBundle;
    expect(done.entry[0]?.response.etag).toBe('W/"2"');
    const removed = (await hospital.transaction({
      body: transaction([{ request: { method: 'DELETE', url: `Patient/${created.id}` } }]),
    })) as unknown as ResponseBundle;
    expect(removed.entry[0]?.response.status).toBe('204 No Content');
    expect(await failure(hospital.read({ resourceType: 'Patient', id: created.id }))).toMatchObject({
      status: 410,
    });
  });
});

describe('a batch Bundle', () => {
  it('answers each entry on its own: one failing leaves the others written', async () => {
    const before = await resources('Patient');
    const answer = (await hospital.batch({
      body: batch([
        { resource: patient('9000000041', 'Batch'), request: { method: 'POST', url: 'Patient' } },
        {
          resource: { resourceType: 'Patient', birthDate: 'yesterday' },
          request: { method: 'POST', url: 'Patient' },
        },
        { request: { method: 'GET', url: `Patient?identifier=${NHS}|9000000009` } },
        { request: { method: 'GET', url: 'Patient/not-there' } },
        {
          resource: observation('urn:uuid:0f3a0000-0000-4000-8000-000000000009'),
          request: { method: 'POST', url: 'Observation' },
        },
      ]),
    })) as unknown as ResponseBundle;
    expect(answer.type).toBe('batch-response');
    expect(answer.entry.map((entry) => entry.response.status)).toEqual([
      '201 Created',
      '400 Bad Request',
      '200 OK',
      '404 Not Found',
      '422 Unprocessable Entity',
    ]);
    expect(answer.entry[1]?.response.outcome?.issue[0]?.expression?.[0]).toBe('Patient.birthDate');
    expect(answer.entry[2]?.resource?.entry).toHaveLength(1);
    expect(await resources('Patient')).toBe(before + 1);
  });

  it("never lets one organisation read, change or point at another's resources", async () => {
    const mine = (await hospital.create({
      resourceType: 'Patient',
      body: patient('9000000068', 'Mine'),
    })) as unknown as {
      id: string;
    };
    const answer = (await other.batch({
      body: batch([
        { request: { method: 'GET', url: `Patient/${mine.id}` } },
        {
          resource: { ...patient('9000000068', 'Theirs'), id: mine.id },
          request: { method: 'PUT', url: `Patient/${mine.id}` },
        },
        { resource: observation(`Patient/${mine.id}`), request: { method: 'POST', url: 'Observation' } },
      ]),
    })) as unknown as ResponseBundle;
    expect(answer.entry.map((entry) => entry.response.status)).toEqual([
      '404 Not Found',
      '403 Forbidden',
      '422 Unprocessable Entity',
    ]);
    // The same reference through the single-resource API is refused the same way.
    const single = await failure(
      other.create({ resourceType: 'Observation', body: observation(`Patient/${mine.id}`) }),
    );
    expect(single.status).toBe(422);
    expect(single.outcome.issue[0]?.expression).toEqual(['Observation.subject.reference']);
  });
});

describe('a malformed Bundle', () => {
  it('is refused whole, naming the fault, before anything is written', async () => {
    const cases: [{ resourceType: string }, RegExp][] = [
      [{ resourceType: 'Bundle', type: 'collection', entry: [] }, /batch or transaction/],
      [{ resourceType: 'Patient' }, /takes a Bundle/],
      [transaction([{ request: { method: 'PATCH', url: 'Patient/1' } }]), /request\.method/],
      [
        transaction([{ request: { method: 'PUT', url: 'Patient' }, resource: patient('9000000076', 'X') }]),
        /Type\/id/,
      ],
      [transaction([{ request: { method: 'GET', url: 'Nonsense/1' } }]), /resource type/],
      [transaction([{ request: { method: 'POST', url: 'Patient' } }]), /carries the resource/],
      [
        transaction(
          Array.from({ length: MAX_BUNDLE_ENTRIES + 1 }, () => ({
            request: { method: 'GET', url: 'Patient' },
          })),
        ),
        /at most/,
      ],
    ];
    for (const [body, message] of cases) {
      const { status, outcome } = await failure(hospital.transaction({ body }));
      expect(status).toBe(400);
      expect(outcome.issue[0]?.diagnostics).toMatch(message);
    }
  });

  it('needs the read scope for GET entries', async () => {
    const { status } = await failure(
      writeOnly.batch({ body: batch([{ request: { method: 'GET', url: 'Patient' } }]) }),
    );
    expect(status).toBe(403);
  });
});
