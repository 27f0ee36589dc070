/**
 * NHS login for members of the public, against a small provider run in the test that behaves as NHS login does:
 * it checks Accord's signed client assertion (private_key_jwt, RS512) and PKCE, and releases the NHS number and the
 * identity level from its userinfo endpoint. Through the real server and database: the first sign-in at P9 makes an
 * account tied to the NHS number and lands on "who has looked at your record"; less than P9 is refused.
 */
import { generateKeyPairSync, verify } from 'node:crypto';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { allowInsecureRequests } from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/db.js';
import { cookieOf, startOidcProvider, type TestProvider } from '../../../test/support/oidc-provider.js';
import { loadRiverside } from '../../../test/support/riverside.js';
import { P9_VECTORS } from '../../access/nhs-login.js';
import { nhsNumberOfAccount } from '../../identity/person-accounts.js';
import { buildServer } from '../server.js';

const CLIENT_ID = 'accord-nhs-login-test';
/** Accord's key pair: the private half configured in Accord, the public half registered with the provider. */
const accord = generateKeyPairSync('rsa', { modulusLength: 2048 });

interface Person {
  readonly sub: string;
  readonly level: string;
  readonly nhsNumber: string;
}
const people = new Map<string, Person>();
/** What the provider saw of each client assertion: whether its RS512 signature verified with Accord's key. */
const assertions: boolean[] = [];
let provider: TestProvider;
let test: TestDatabase;
let app: FastifyInstance;

function assertionVerifies(jwt: string): boolean {
  const [header = '', payload = '', signature = ''] = jwt.split('.');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as { iss?: string; sub?: string };
  const alg = (JSON.parse(Buffer.from(header, 'base64url').toString()) as { alg?: string }).alg;
  const verified =
    alg === 'RS512' &&
    claims.iss === CLIENT_ID &&
    claims.sub === CLIENT_ID &&
    verify(
      'sha512',
      Buffer.from(`${header}.${payload}`),
      accord.publicKey,
      Buffer.from(signature, 'base64url'),
    );
  assertions.push(verified);
  return verified;
}

beforeAll(async () => {
  provider = await startOidcProvider({
    clientId: CLIENT_ID,
    metadata: { token_endpoint_auth_methods_supported: ['private_key_jwt'] },
    clientAuthenticates: (form) => assertionVerifies(form.get('client_assertion') ?? ''),
    userinfo: (sub) => {
      const person = people.get(sub);
      return {
        nhs_number: person?.nhsNumber,
        identity_proofing_level: person?.level,
        given_name: 'Rosa',
        family_name: 'Public',
        birthdate: '1950-05-05',
      };
    },
  });
  test = await createTestDatabase();
  const loaded = await loadRiverside(test.db);
  app = await buildServer({
    db: test.db,
    config: {
      logLevel: 'silent',
      publicUrl: new URL('https://accord.example'),
      oidc: undefined,
      nhsLogin: {
        issuer: new URL(provider.issuer),
        clientId: CLIENT_ID,
        privateKeyPem: accord.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      },
    },
    partnershipId: loaded.partnership.info.id,
    schemaCurrent: async () => true,
    // The test provider speaks plain http on localhost; production issuers must be https (core/config checks).
    // eslint-disable-next-line @typescript-eslint/no-deprecated -- deprecated only to flag it as test-only
    oidcDiscovery: { execute: [allowInsecureRequests] },
  });
  await app.ready();
});

afterAll(async () => {
  await app.close();
  await test.drop();
  await provider.close();
});

/** Signs in through the provider as `person`: the callback's answer. */
async function signInAs(person: Person): Promise<LightMyRequestResponse> {
  const login = await app.inject({ method: 'GET', url: '/auth/nhs-login/login' });
  expect(login.statusCode).toBe(303);
  const location = new URL(String(login.headers.location));
  expect(location.searchParams.get('vtr')).toBe(P9_VECTORS);
  expect(location.searchParams.get('scope')).toBe('openid profile');
  expect(location.searchParams.get('redirect_uri')).toBe('https://accord.example/auth/nhs-login/callback');
  people.set(person.sub, person);
  const code = provider.grant(location, person.sub);
  const cookie = cookieOf(login, 'accord_nhs_login');
  if (cookie === undefined) throw new Error('no binding cookie');
  const state = location.searchParams.get('state') ?? '';
  return app.inject({
    method: 'GET',
    url: `/auth/nhs-login/callback?code=${code}&state=${state}`,
    headers: { cookie },
  });
}

describe('NHS login', () => {
  it('offers itself on the sign-in page', async () => {
    const page = await app.inject({ method: 'GET', url: '/sign-in' });
    expect(page.body).toContain('Continue to NHS login');
  });

  it('makes an account tied to the NHS number on the first sign-in at P9, and finds it the next time', async () => {
    const rosa = { sub: 'nhs-login-rosa', level: 'P9', nhsNumber: '9000000076' };
    const first = await signInAs(rosa);
    expect(first.statusCode).toBe(303);
    expect(first.headers.location).toBe('/my-record');
    expect(assertions.at(-1)).toBe(true);
    const session = cookieOf(first, 'accord_session');
    const me = await app.inject({ method: 'GET', url: '/api/me', headers: { cookie: session } });
    expect(me.json()).toMatchObject({
      displayName: 'Rosa Public',
      roles: ['public'],
      organisation: 'riverside-icb',
    });
    const [account] = await test.db.query<{ id: string }>(
      "SELECT id FROM app_user WHERE oidc_subject LIKE '%#nhs-login-rosa'",
    );
    expect(await nhsNumberOfAccount(test.db, account?.id ?? '')).toBe('9000000076');
    const page = await app.inject({ method: 'GET', url: '/my-record', headers: { cookie: session } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('900 000 0076');

    const again = await signInAs(rosa);
    expect(again.statusCode).toBe(303);
    const count = await test.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM app_user WHERE oidc_subject LIKE '%#nhs-login-rosa'",
    );
    expect(count[0]?.n).toBe(1);
  });

  it('refuses anyone NHS login has not verified to P9, and makes no account', async () => {
    const low = await signInAs({ sub: 'nhs-login-p5', level: 'P5', nhsNumber: '9000000084' });
    expect(low.statusCode).toBe(403);
    expect(low.body).toContain('Prove who you are in NHS login');
    expect(cookieOf(low, 'accord_session')).toBeUndefined();
    expect(await test.db.query("SELECT 1 FROM app_user WHERE oidc_subject LIKE '%#nhs-login-p5'")).toEqual(
      [],
    );
  });

  it('refuses a second NHS login account claiming an NHS number already tied to someone', async () => {
    const other = await signInAs({ sub: 'nhs-login-other', level: 'P9', nhsNumber: '9000000076' });
    expect(other.statusCode).toBe(409);
    expect(cookieOf(other, 'accord_session')).toBeUndefined();
  });
});
