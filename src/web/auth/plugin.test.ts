/**
 * The sign-in pages, sessions, CSRF, bearer tokens and access rules through the real server and a real database.
 * Time is a clock the tests move on; nothing waits on the wall clock.
 */
import { Writable } from 'node:stream';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/db.js';
import { MINUTE, type Clock } from '../../access/clock.js';
import { DEMO_PASSWORD, DEMO_PREFIX, demoUsersFor, seedDemoUsers } from '../../access/demo-users.js';
import type { LockoutPolicy } from '../../access/lockout.js';
import { createToken, revokeToken } from '../../access/tokens.js';
import { loadPartnership, syncPartnership } from '../../partnership/index.js';
import { buildServer } from '../server.js';
import { duration, safeNext } from './plugin.js';

const FIXTURE = 'test/fixtures/partnerships/riverside';

function loadedPartnership() {
  const loaded = loadPartnership(FIXTURE);
  if (!loaded.ok) throw new Error('the riverside fixture does not load');
  return loaded.value.partnership;
}

let test: TestDatabase;
let app: FastifyInstance;
let now = new Date('2025-03-03T10:00:00Z').getTime();
const clock: Clock = () => new Date(now);
const advance = (ms: number) => (now += ms);
let partnershipId: string;

/** A server on the test database, with its own clock, log and (optionally) lock-out policy. */
function buildApp(options: { clock: Clock; logLines?: string[]; lockout?: LockoutPolicy }) {
  const logLines = options.logLines ?? [];
  return buildServer({
    db: test.db,
    config: { logLevel: 'trace', publicUrl: new URL('https://accord.example'), oidc: undefined },
    partnershipId,
    schemaCurrent: async () => true,
    clock: options.clock,
    ...(options.lockout === undefined ? {} : { lockout: options.lockout }),
    logStream: new Writable({
      write(chunk: Buffer, _encoding, done) {
        logLines.push(chunk.toString());
        done();
      },
    }),
  });
}

beforeAll(async () => {
  test = await createTestDatabase();
  const loaded = loadPartnership(FIXTURE);
  if (!loaded.ok) throw new Error('the riverside fixture does not load');
  await syncPartnership(test.db, loaded.value, FIXTURE);
  await seedDemoUsers(test.db, loaded.value.partnership);
  partnershipId = loaded.value.partnership.info.id;
  app = await buildApp({ clock });
  // Routes that need a role, to see the access rule applied to people and systems.
  app.get('/api/test/privacy', { config: { access: { signedIn: true, anyRole: ['R0001'] } } }, async () => ({
    ok: true,
  }));
  app.get('/test/privacy', { config: { access: { signedIn: true, anyRole: ['R0001'] } } }, async () => 'ok');
  app.post('/api/test/feed', { config: { access: { scope: 'partnership:read' } } }, async () => ({
    ok: true,
  }));
  await app.ready();
});

afterAll(async () => {
  await app.close();
  await test.drop();
});

function setCookies(response: LightMyRequestResponse): string[] {
  const header = response.headers['set-cookie'];
  return header === undefined ? [] : Array.isArray(header) ? header : [header];
}

function cookieValue(response: LightMyRequestResponse, name: string): string | undefined {
  const line = setCookies(response).find((c) => c.startsWith(`${name}=`));
  return line?.slice(name.length + 1).split(';')[0];
}

/** Every secret a test handles, to check none of them reaches the log. */
const secrets = new Set<string>();

function csrfOf(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (match?.[1] === undefined) throw new Error('no CSRF token in the page');
  secrets.add(match[1]);
  return match[1];
}

/** Opens the sign-in form: the pre-session cookie and the form's token. */
async function openSignIn(on = app): Promise<{ cookie: string; csrf: string }> {
  const page = await on.inject({ method: 'GET', url: '/sign-in' });
  expect(page.statusCode).toBe(200);
  const value = cookieValue(page, 'accord_csrf');
  if (value === undefined) throw new Error('no pre-session cookie');
  secrets.add(value);
  return { cookie: `accord_csrf=${value}`, csrf: csrfOf(page.body) };
}

async function postSignIn(username: string, password: string, extra: Record<string, string> = {}, on = app) {
  const { cookie, csrf } = await openSignIn(on);
  return on.inject({
    method: 'POST',
    url: '/sign-in',
    headers: { cookie },
    payload: { _csrf: csrf, username, password, ...extra },
  });
}

/** The session cookie header a sign-in response sets. */
function sessionCookieOf(response: LightMyRequestResponse): string {
  const token = cookieValue(response, 'accord_session');
  if (token === undefined) throw new Error('no session cookie');
  secrets.add(token);
  return `accord_session=${token}`;
}

/** Signs in and returns the session cookie header to send. */
async function signIn(username: string, on = app): Promise<string> {
  const response = await postSignIn(username, DEMO_PASSWORD, {}, on);
  expect(response.statusCode).toBe(303);
  return sessionCookieOf(response);
}

/** The CSRF token of a signed-in session's forms (from its sign-out page). */
async function sessionCsrf(cookie: string, on = app): Promise<string> {
  return csrfOf((await on.inject({ method: 'GET', url: '/sign-out', headers: { cookie } })).body);
}

const errorSummary = (html: string) =>
  /<div class="nhsuk-error-summary"[\s\S]*?<\/ul>/.exec(html)?.[0].replace(/\s+/g, ' ');

describe('sign-in page', () => {
  it('is an accessible form that works without JavaScript', async () => {
    const page = await app.inject({ method: 'GET', url: '/sign-in?next=%2Faccount' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<form method="post" action="/sign-in"');
    expect(page.body).toMatch(/<label class="nhsuk-label" for="username">\s*Username/);
    expect(page.body).toMatch(/<label class="nhsuk-label" for="password">\s*Password/);
    expect(page.body).toContain('autocomplete="username"');
    expect(page.body).toContain('autocomplete="current-password"');
    expect(page.body).toContain('name="next" value="/account"');
    // Demo users exist, so the page says how to use them.
    expect(page.body).toContain(`with the password <code>${DEMO_PASSWORD}</code>`);
    const cookie = setCookies(page).find((c) => c.startsWith('accord_csrf='));
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/Secure/);
  });

  it('signs in with the right password: a Secure, HttpOnly, SameSite=Lax session cookie', async () => {
    const response = await postSignIn('demo.clinician', DEMO_PASSWORD, { next: '/account' });
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe('/account');
    const cookie = setCookies(response).find((c) => c.startsWith('accord_session='));
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; Secure/);
    expect(cookie).toMatch(/; SameSite=Lax/);
    expect(cookie).toMatch(/; Path=\//);
    const token = cookieValue(response, 'accord_session')!;
    secrets.add(token);

    const account = await app.inject({
      method: 'GET',
      url: '/account',
      headers: { cookie: `accord_session=${token}` },
    });
    expect(account.statusCode).toBe(200);
    expect(account.body).toContain('Dr Amara Okafor');
    expect(account.body).toContain('Riverside Hospitals NHS Trust');
    expect(account.body).toContain('Clinical Practitioner Access Role (R8000)');
  });

  it('lists the demo users that can sign in, from the demo data, and none outside a demo', async () => {
    const usernames = demoUsersFor(loadedPartnership()).map((u) => u.username);
    const listed = async () => {
      const body = (await app.inject({ method: 'GET', url: '/sign-in' })).body;
      return [...body.matchAll(/<code>([^<]+)<\/code>/g)].map((m) => m[1]);
    };
    try {
      expect(await listed()).toEqual([...usernames, DEMO_PASSWORD]);
      await test.db.query("UPDATE app_user SET active = false WHERE username = 'demo.public'");
      expect(await listed()).toEqual([...usernames.filter((u) => u !== 'demo.public'), DEMO_PASSWORD]);
      await test.db.query('UPDATE app_user SET active = false WHERE starts_with(username, $1)', [
        DEMO_PREFIX,
      ]);
      const page = await app.inject({ method: 'GET', url: '/sign-in' });
      expect(page.statusCode).toBe(200);
      expect(page.body).not.toContain(DEMO_PASSWORD);
      expect(page.body).not.toContain('This is a demo');
    } finally {
      await test.db.query('UPDATE app_user SET active = true WHERE starts_with(username, $1)', [DEMO_PREFIX]);
    }
  });

  it('goes only to a local path after signing in', async () => {
    const response = await postSignIn('demo.officer', DEMO_PASSWORD, { next: '//evil.example/x' });
    expect(response.headers.location).toBe('/account');
  });

  it('goes to /account, not another site, when next only becomes // once normalised', async () => {
    for (const next of [
      '/.//evil.example/x',
      '/..//evil.example/x',
      '/%2e//evil.example/x',
      '/%5c/evil.example',
    ]) {
      const response = await postSignIn('demo.officer', DEMO_PASSWORD, { next });
      expect(response.statusCode).toBe(303);
      expect(response.headers.location).toBe('/account');
    }
  });

  it('says how long the lock-out lasts from the policy in force', async () => {
    const other = await buildApp({
      clock: () => new Date('2025-05-01T10:00:00Z'),
      lockout: { maxFailures: 3, windowMs: 10 * MINUTE, lockMs: 5 * MINUTE },
    });
    try {
      const refused = await postSignIn('policy.tester', 'wrong-password-123', {}, other);
      expect(refused.statusCode).toBe(401);
      expect(refused.body).toContain(
        'after 2 more wrong tries, signing in with this username is paused for 5 minutes',
      );
      expect(refused.body).not.toContain('15 minutes');
    } finally {
      await other.close();
    }
  });

  it('signing in again ends the session the browser had (no session fixation)', async () => {
    const first = await signIn('demo.privacy');
    const again = await app.inject({
      method: 'POST',
      url: '/sign-in',
      headers: { cookie: first },
      payload: { _csrf: await sessionCsrf(first), username: 'demo.privacy', password: DEMO_PASSWORD },
    });
    expect(again.statusCode).toBe(303);
    const second = sessionCookieOf(again);
    expect(second).not.toBe(first);
    const old = await app.inject({ method: 'GET', url: '/account', headers: { cookie: first } });
    expect(old.statusCode).toBe(303);
    expect(old.headers.location).toBe('/sign-in?next=%2Faccount');
    expect(
      (await app.inject({ method: 'GET', url: '/account', headers: { cookie: second } })).statusCode,
    ).toBe(200);
  });

  it('shows an error summary for a wrong password, the same whether or not the user exists', async () => {
    const wrong = await postSignIn('demo.analyst', 'wrong-password-123');
    const nobody = await postSignIn('no.such.person', 'wrong-password-123');
    expect(wrong.statusCode).toBe(401);
    expect(nobody.statusCode).toBe(401);
    expect(errorSummary(wrong.body)).toContain('There is a problem');
    expect(errorSummary(wrong.body)).toContain('href="#username"');
    expect(errorSummary(wrong.body)).toContain('The username or password is not right');
    expect(errorSummary(wrong.body)).toEqual(errorSummary(nobody.body));
    expect(wrong.body).toContain('<title>Error: Sign in');
    expect(cookieValue(wrong, 'accord_session')).toBeUndefined();
  });

  it('asks for missing fields, each linked to its field', async () => {
    const response = await postSignIn('', '');
    expect(response.statusCode).toBe(400);
    expect(errorSummary(response.body)).toContain('<a href="#username">');
    expect(errorSummary(response.body)).toContain('Enter your username');
    expect(errorSummary(response.body)).toContain('<a href="#password">');
    expect(errorSummary(response.body)).toContain('Enter your password');
  });

  it('locks out after 5 failures, even with the right password, until the lock expires', async () => {
    const statuses = [];
    for (let i = 0; i < 5; i++)
      statuses.push((await postSignIn('demo.finance', 'wrong-password-123')).statusCode);
    expect(statuses).toEqual([401, 401, 401, 401, 429]);
    const locked = await postSignIn('demo.finance', DEMO_PASSWORD);
    expect(locked.statusCode).toBe(429);
    expect(locked.body).toContain('too many wrong attempts to sign in with this username');
    expect(cookieValue(locked, 'accord_session')).toBeUndefined();
    // An unknown username locks out the same way, so the lock-out does not reveal who exists.
    const unknown = [];
    for (let i = 0; i < 6; i++)
      unknown.push((await postSignIn('nobody.else', 'wrong-password-123')).statusCode);
    expect(unknown).toEqual([401, 401, 401, 401, 429, 429]);

    advance(14 * MINUTE);
    expect((await postSignIn('demo.finance', DEMO_PASSWORD)).statusCode).toBe(429);
    advance(2 * MINUTE);
    expect((await postSignIn('demo.finance', DEMO_PASSWORD)).statusCode).toBe(303);
  });
});

describe('CSRF', () => {
  it('refuses a sign-in without a token, or with a wrong one', async () => {
    const { cookie } = await openSignIn();
    const missing = await app.inject({
      method: 'POST',
      url: '/sign-in',
      headers: { cookie },
      payload: { username: 'demo.clinician', password: DEMO_PASSWORD },
    });
    expect(missing.statusCode).toBe(403);
    expect(missing.body).toContain('This form has expired, or was not sent from an Accord page.');
    const wrong = await app.inject({
      method: 'POST',
      url: '/sign-in',
      headers: { cookie },
      payload: { _csrf: 'x'.repeat(43), username: 'demo.clinician', password: DEMO_PASSWORD },
    });
    expect(wrong.statusCode).toBe(403);
    const noCookie = await app.inject({
      method: 'POST',
      url: '/sign-in',
      payload: { _csrf: (await openSignIn()).csrf, username: 'demo.clinician', password: DEMO_PASSWORD },
    });
    expect(noCookie.statusCode).toBe(403);
  });

  it('leaves a request to no route to the not-found answer', async () => {
    const response = await app.inject({ method: 'POST', url: '/api/no-such-route', payload: { a: 1 } });
    expect(response.statusCode).toBe(404);
    expect(response.body).not.toContain('This form has expired');
  });

  it("refuses a signed-in form without this session's token, and changes nothing", async () => {
    const session = await signIn('demo.board');
    const other = await signIn('demo.board');
    const otherToken = csrfOf(
      (await app.inject({ method: 'GET', url: '/sign-out', headers: { cookie: other } })).body,
    );
    const forged = await app.inject({
      method: 'POST',
      url: '/sign-out',
      headers: { cookie: session },
      payload: { _csrf: otherToken },
    });
    expect(forged.statusCode).toBe(403);
    const json = await app.inject({ method: 'POST', url: '/api/test/feed', headers: { cookie: session } });
    expect(json.statusCode).toBe(403);
    expect(json.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(
      (await app.inject({ method: 'GET', url: '/account', headers: { cookie: session } })).statusCode,
    ).toBe(200);
  });
});

describe('CSRF once signed in', () => {
  it("refuses a pre-session token from a signed-in browser: only the session's token will do", async () => {
    const session = await signIn('demo.board');
    const { cookie: preSession, csrf: preSessionToken } = await openSignIn();
    const both = `${session}; ${preSession}`;
    const refused = await app.inject({
      method: 'POST',
      url: '/sign-out',
      headers: { cookie: both },
      payload: { _csrf: preSessionToken },
    });
    expect(refused.statusCode).toBe(403);
    expect(refused.body).toContain('This form has expired, or was not sent from an Accord page.');
    expect(
      (await app.inject({ method: 'GET', url: '/account', headers: { cookie: session } })).statusCode,
    ).toBe(200);
    const accepted = await app.inject({
      method: 'POST',
      url: '/sign-out',
      headers: { cookie: both },
      payload: { _csrf: await sessionCsrf(session) },
    });
    expect(accepted.statusCode).toBe(200);
  });
});

describe('sessions', () => {
  it('end after 30 minutes idle: the next page asks to sign in again', async () => {
    const session = await signIn('demo.support');
    advance(29 * MINUTE);
    expect(
      (await app.inject({ method: 'GET', url: '/account', headers: { cookie: session } })).statusCode,
    ).toBe(200);
    advance(31 * MINUTE);
    const after = await app.inject({ method: 'GET', url: '/account', headers: { cookie: session } });
    expect(after.statusCode).toBe(303);
    expect(after.headers.location).toBe('/sign-in?next=%2Faccount');
    expect(setCookies(after).find((c) => c.startsWith('accord_session='))).toMatch(/Max-Age=0/);
  });

  it('sign-out asks to confirm, then revokes the session', async () => {
    const session = await signIn('demo.public');
    const confirm = await app.inject({ method: 'GET', url: '/sign-out', headers: { cookie: session } });
    expect(confirm.body).toContain('<form method="post" action="/sign-out"');
    const out = await app.inject({
      method: 'POST',
      url: '/sign-out',
      headers: { cookie: session },
      payload: { _csrf: csrfOf(confirm.body) },
    });
    expect(out.statusCode).toBe(200);
    expect(out.body).toContain('You have signed out');
    expect(setCookies(out).find((c) => c.startsWith('accord_session='))).toMatch(/Max-Age=0/);
    const after = await app.inject({ method: 'GET', url: '/account', headers: { cookie: session } });
    expect(after.statusCode).toBe(303);
  });
});

describe('access rules', () => {
  it('refuses a route needing a role to a person without it', async () => {
    const clinician = await signIn('demo.clinician');
    const privacy = await signIn('demo.privacy');
    const denied = await app.inject({
      method: 'GET',
      url: '/api/test/privacy',
      headers: { cookie: clinician },
    });
    expect(denied.statusCode).toBe(403);
    expect(denied.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(
      (await app.inject({ method: 'GET', url: '/test/privacy', headers: { cookie: clinician } })).statusCode,
    ).toBe(403);
    expect(
      (await app.inject({ method: 'GET', url: '/api/test/privacy', headers: { cookie: privacy } })).json(),
    ).toEqual({
      ok: true,
    });
  });

  it('asks an anonymous caller to authenticate', async () => {
    const me = await app.inject({ method: 'GET', url: '/api/me' });
    expect(me.statusCode).toBe(401);
    const page = await app.inject({ method: 'GET', url: '/account' });
    expect(page.statusCode).toBe(303);
  });

  it('tells a signed-in person who they are at /api/me', async () => {
    const session = await signIn('demo.analyst');
    const me = await app.inject({ method: 'GET', url: '/api/me', headers: { cookie: session } });
    expect(me.json()).toEqual({
      kind: 'user',
      organisation: 'riverside-icb',
      displayName: 'Mei Lin Wong',
      roles: ['analyst'],
    });
  });
});

describe('bearer tokens', () => {
  it('act for their organisation, with their scopes, and need no CSRF token', async () => {
    const created = await createToken(
      test.db,
      { organisation: 'north-bank-council', scopes: ['partnership:read'] },
      { clock },
    );
    if (!created.ok) throw new Error(created.error.title);
    secrets.add(created.value.token);
    const authorization = `Bearer ${created.value.token}`;
    const me = await app.inject({ method: 'GET', url: '/api/me', headers: { authorization } });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toEqual({
      kind: 'system',
      organisation: 'north-bank-council',
      tokenId: created.value.id,
      scopes: ['partnership:read', 'me:read'],
    });
    const feed = await app.inject({ method: 'POST', url: '/api/test/feed', headers: { authorization } });
    expect(feed.statusCode).toBe(200);
    // A system is never a person: person-only routes refuse it.
    expect(
      (await app.inject({ method: 'GET', url: '/api/test/privacy', headers: { authorization } })).statusCode,
    ).toBe(403);
  });

  it('are refused with 401 when revoked, expired, tampered or malformed', async () => {
    const created = await createToken(
      test.db,
      { organisation: 'riverside-icb', scopes: ['partnership:read'], expiresInDays: 1 },
      { clock },
    );
    const revokedOne = await createToken(
      test.db,
      { organisation: 'riverside-icb', scopes: ['partnership:read'] },
      { clock },
    );
    if (!created.ok || !revokedOne.ok) throw new Error('setup');
    secrets.add(created.value.token);
    secrets.add(revokedOne.value.token);
    await revokeToken(test.db, revokedOne.value.id, clock);

    const call = (authorization: string) =>
      app.inject({ method: 'GET', url: '/api/me', headers: { authorization } });
    const revoked = await call(`Bearer ${revokedOne.value.token}`);
    expect(revoked.statusCode).toBe(401);
    expect(revoked.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(revoked.json()).toMatchObject({ status: 401, title: 'The bearer token has been revoked.' });
    expect((await call(`Bearer ${created.value.token.slice(0, -2)}xx`)).statusCode).toBe(401);
    expect((await call('Bearer nonsense')).json()).toMatchObject({ status: 401 });
    expect((await call('Basic dXNlcjpwYXNz')).statusCode).toBe(401);
    // Even on a public page: a bad token is a mistake to report, not a reason to carry on as anonymous.
    expect(
      (await app.inject({ method: 'GET', url: '/health', headers: { authorization: 'Bearer nonsense' } }))
        .statusCode,
    ).toBe(401);

    expect((await call(`Bearer ${created.value.token}`)).statusCode).toBe(200);
    advance(25 * 60 * MINUTE);
    const expired = await call(`Bearer ${created.value.token}`);
    expect(expired.statusCode).toBe(401);
    expect(expired.json()).toMatchObject({ title: 'The bearer token has expired.' });
  });
});

describe('logs', () => {
  it('hold no username, password, token or cookie value', async () => {
    // Its own server, log and clock: what it checks is what it did.
    const clock: Clock = () => new Date('2025-06-02T09:00:00Z');
    const logLines: string[] = [];
    const logged = await buildApp({ clock, logLines });
    try {
      secrets.clear();
      secrets.add(DEMO_PASSWORD).add('wrong-password-123');
      const session = await signIn('demo.clinician', logged);
      expect((await postSignIn('demo.finance', 'wrong-password-123', {}, logged)).statusCode).toBe(401);
      expect((await postSignIn('no.such.person', 'wrong-password-123', {}, logged)).statusCode).toBe(401);
      const signOut = await logged.inject({
        method: 'POST',
        url: '/sign-out',
        headers: { cookie: session },
        payload: { _csrf: await sessionCsrf(session, logged) },
      });
      expect(signOut.statusCode).toBe(200);
      const created = await createToken(
        test.db,
        { organisation: 'riverside-icb', scopes: ['partnership:read'] },
        { clock },
      );
      if (!created.ok) throw new Error(created.error.title);
      secrets.add(created.value.token);
      const authorization = `Bearer ${created.value.token}`;
      expect(
        (await logged.inject({ method: 'GET', url: '/api/me', headers: { authorization } })).statusCode,
      ).toBe(200);
      await revokeToken(test.db, created.value.id, clock);
      expect(
        (await logged.inject({ method: 'GET', url: '/api/me', headers: { authorization } })).statusCode,
      ).toBe(401);

      const log = logLines.join('');
      // The log did capture what happened.
      for (const event of ['"event":"sign-in"', '"event":"sign-out"', '"event":"token-refused"']) {
        expect(log).toContain(event);
      }
      for (const secret of secrets) expect(log).not.toContain(secret);
      for (const username of ['demo.clinician', 'demo.finance', 'no.such.person', 'Amara']) {
        expect(log).not.toContain(username);
      }
      expect(log).not.toMatch(/accord_session=|accord_csrf=|Bearer /);
    } finally {
      await logged.close();
    }
  });
});

describe('safeNext', () => {
  it('keeps local paths', () => {
    expect(safeNext('/account')).toBe('/account');
    expect(safeNext('/partnership/bodies?x=1')).toBe('/partnership/bodies?x=1');
    expect(safeNext('/a/../account')).toBe('/account');
  });

  it('refuses anything that would leave the site, before or after normalisation', () => {
    for (const next of [
      '//evil.example/x',
      '/\\evil.example',
      'https://evil.example/',
      'evil.example',
      '/.//evil.example/x',
      '/..//evil.example',
      '/%2e//evil.example',
      '/%2E%2E//evil.example',
      '/a/..//evil.example',
      '/./%2fevil.example',
      '/%2f%2fevil.example',
      '/%5c/evil.example',
      '/%5Cevil.example',
      '/.%5c/evil.example',
      '/%2e/%5cevil.example',
      '/x\nSet-Cookie: a=b',
    ]) {
      expect(safeNext(next), next).toBeUndefined();
    }
  });

  it('refuses loops back into signing in', () => {
    expect(safeNext('/sign-in')).toBeUndefined();
    expect(safeNext('/./sign-out')).toBeUndefined();
    expect(safeNext('/auth/oidc/login')).toBeUndefined();
  });
});

describe('duration', () => {
  it('says a lock-out length in words', () => {
    expect(duration(15 * MINUTE)).toBe('15 minutes');
    expect(duration(MINUTE)).toBe('1 minute');
    expect(duration(60 * MINUTE)).toBe('1 hour');
    expect(duration(90_000)).toBe('90 seconds');
  });
});
