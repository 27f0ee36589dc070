/**
 * OpenID Connect sign-in against a small provider run in the test (discovery, JWKS, token endpoint, RS256 ID tokens),
 * through the real server and database.
 */
import type { FastifyInstance } from 'fastify';
import { allowInsecureRequests } from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/db.js';
import { cookieOf, startOidcProvider, type TestProvider } from '../../../test/support/oidc-provider.js';
import { createUser, oidcSubject } from '../../access/users.js';
import { buildServer } from '../server.js';

const CLIENT_ID = 'accord-test';

let provider: TestProvider;
let issuer: string;
let test: TestDatabase;
let app: FastifyInstance;

beforeAll(async () => {
  provider = await startOidcProvider({ clientId: CLIENT_ID });
  issuer = provider.issuer;

  test = await createTestDatabase();
  await createUser(test.db, {
    username: 'sso.person',
    displayName: 'Sam Single-Sign-On',
    organisation: 'riverside-icb',
    roles: ['officer'],
    oidcSubject: oidcSubject(issuer, 'subject-123'),
  });
  app = await buildServer({
    db: test.db,
    config: {
      logLevel: 'silent',
      publicUrl: new URL('https://accord.example'),
      oidc: { issuer: new URL(issuer), clientId: CLIENT_ID, clientSecret: 'shh' },
    },
    partnershipId: 'riverside',
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

/** Starts a sign-in and plays the provider's part: the callback URL it would send the browser back to. */
async function authorise(sub: string): Promise<{ cookie: string; callback: string }> {
  const login = await app.inject({ method: 'GET', url: '/auth/oidc/login?next=%2Faccount' });
  expect(login.statusCode).toBe(303);
  const location = new URL(String(login.headers.location));
  expect(location.origin + location.pathname).toBe(`${issuer}/authorize`);
  expect(location.searchParams.get('code_challenge_method')).toBe('S256');
  expect(location.searchParams.get('redirect_uri')).toBe('https://accord.example/auth/oidc/callback');
  const code = provider.grant(location, sub);
  const cookie = cookieOf(login, 'accord_oidc');
  if (cookie === undefined) throw new Error('no binding cookie');
  return {
    cookie,
    callback: `/auth/oidc/callback?code=${code}&state=${location.searchParams.get('state') ?? ''}`,
  };
}

describe('OpenID Connect sign-in', () => {
  it('signs in a person whose subject Accord knows, once', async () => {
    const { cookie, callback } = await authorise('subject-123');
    const done = await app.inject({ method: 'GET', url: callback, headers: { cookie } });
    expect(done.statusCode).toBe(303);
    expect(done.headers.location).toBe('/account');
    const session = cookieOf(done, 'accord_session');
    expect(session).toBeDefined();
    const me = await app.inject({ method: 'GET', url: '/api/me', headers: { cookie: session } });
    expect(me.json()).toMatchObject({ kind: 'user', displayName: 'Sam Single-Sign-On', roles: ['officer'] });

    const replay = await app.inject({ method: 'GET', url: callback, headers: { cookie } });
    expect(replay.statusCode).toBe(401);
  });

  it('refuses a subject Accord does not know, with a clear page, and creates no one', async () => {
    const { cookie, callback } = await authorise('stranger');
    const done = await app.inject({ method: 'GET', url: callback, headers: { cookie } });
    expect(done.statusCode).toBe(403);
    expect(done.body).toContain('You signed in, but you do not have an Accord account.');
    expect(cookieOf(done, 'accord_session')).toBeUndefined();
    expect(await test.db.query('SELECT 1 FROM app_user WHERE oidc_subject LIKE $1', ['%stranger'])).toEqual(
      [],
    );
  });

  it('refuses a callback from another browser (no binding cookie) or with a forged state', async () => {
    const { cookie, callback } = await authorise('subject-123');
    expect((await app.inject({ method: 'GET', url: callback })).statusCode).toBe(401);
    const again = await authorise('subject-123');
    const forged = again.callback.replace(/state=[^&]+/, 'state=forged');
    const response = await app.inject({ method: 'GET', url: forged, headers: { cookie: again.cookie } });
    expect(response.statusCode).toBe(401);
    expect(cookie).toBeDefined();
  });
});
