/**
 * OpenID Connect sign-in against a small provider run in the test (discovery, JWKS, token endpoint, RS256 ID tokens),
 * through the real server and database.
 */
import { createHash, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { allowInsecureRequests } from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/db.js';
import { createUser, oidcSubject } from '../../access/users.js';
import { buildServer } from '../server.js';

const CLIENT_ID = 'accord-test';
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Codes the provider has issued: what it will put in the ID token when the code is redeemed. */
const codes = new Map<string, { sub: string; nonce: string; challenge: string }>();
let provider: Server;
let issuer: string;
let test: TestDatabase;
let app: FastifyInstance;

function idToken(sub: string, nonce: string): string {
  const now = Math.floor(Date.now() / 1000);
  const header = b64({ alg: 'RS256', kid: 'k1', typ: 'JWT' });
  const payload = b64({ iss: issuer, sub, aud: CLIENT_ID, iat: now, exp: now + 300, nonce });
  const signature = sign('sha256', Buffer.from(`${header}.${payload}`), privateKey).toString('base64url');
  return `${header}.${payload}.${signature}`;
}

beforeAll(async () => {
  provider = createServer((request, response) => {
    const send = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    if (request.url === '/.well-known/openid-configuration') {
      send(200, {
        issuer,
        authorization_endpoint: `${issuer}/authorize`,
        token_endpoint: `${issuer}/token`,
        jwks_uri: `${issuer}/jwks`,
        response_types_supported: ['code'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
        code_challenge_methods_supported: ['S256'],
      });
    } else if (request.url === '/jwks') {
      send(200, { keys: [{ ...publicKey.export({ format: 'jwk' }), kid: 'k1', alg: 'RS256', use: 'sig' }] });
    } else if (request.url === '/token' && request.method === 'POST') {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        const form = new URLSearchParams(body);
        const grant = codes.get(form.get('code') ?? '');
        codes.delete(form.get('code') ?? '');
        const verifier = form.get('code_verifier') ?? '';
        if (
          grant === undefined ||
          createHash('sha256').update(verifier).digest('base64url') !== grant.challenge
        ) {
          send(400, { error: 'invalid_grant' });
          return;
        }
        send(200, {
          access_token: 'at',
          token_type: 'Bearer',
          expires_in: 300,
          id_token: idToken(grant.sub, grant.nonce),
        });
      });
    } else {
      send(404, { error: 'not_found' });
    }
  });
  await new Promise<void>((resolve) => provider.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(provider.address() as AddressInfo).port}`;

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
  await new Promise((resolve) => provider.close(resolve));
});

const cookieOf = (response: LightMyRequestResponse, name: string) => {
  const header = response.headers['set-cookie'];
  const lines = header === undefined ? [] : Array.isArray(header) ? header : [header];
  return lines.find((line) => line.startsWith(`${name}=`))?.split(';')[0];
};

/** Starts a sign-in and plays the provider's part: the callback URL it would send the browser back to. */
async function authorise(sub: string): Promise<{ cookie: string; callback: string }> {
  const login = await app.inject({ method: 'GET', url: '/auth/oidc/login?next=%2Faccount' });
  expect(login.statusCode).toBe(303);
  const location = new URL(String(login.headers.location));
  expect(location.origin + location.pathname).toBe(`${issuer}/authorize`);
  expect(location.searchParams.get('code_challenge_method')).toBe('S256');
  expect(location.searchParams.get('redirect_uri')).toBe('https://accord.example/auth/oidc/callback');
  const code = randomBytes(16).toString('hex');
  codes.set(code, {
    sub,
    nonce: location.searchParams.get('nonce') ?? '',
    challenge: location.searchParams.get('code_challenge') ?? '',
  });
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
