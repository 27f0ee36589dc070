/**
 * The access commands' functions (`accord token …`, `accord user …`) called directly, against a test database.
 */
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/db.js';
import { attemptSignIn } from '../../access/lockout.js';
import { createSession, resolveSession } from '../../access/sessions.js';
import { resolveToken } from '../../access/tokens.js';
import { findUserByUsername } from '../../access/users.js';
import { ProblemError } from '../../core/problem.js';
import {
  parseOidcSubject,
  readNewPassword,
  tokenCreate,
  tokenRevoke,
  userAdd,
  userDeactivate,
  userUnlock,
} from './access.js';

const ORGANISATIONS = new Set(['riverside-icb', 'north-bank-council']);
const PASSWORD = 'a long enough passphrase';

let test: TestDatabase;
beforeAll(async () => {
  test = await createTestDatabase();
});
afterAll(async () => {
  await test.drop();
});

function io() {
  const out: string[] = [];
  const fail: string[] = [];
  return {
    out,
    fail,
    io: { out: (line: string) => out.push(line), fail: (line: string) => fail.push(line) },
  };
}

/** The problem a command threw, or undefined when it did not throw one. */
async function problemOf(run: Promise<unknown>) {
  try {
    await run;
  } catch (error) {
    if (error instanceof ProblemError) return error.problem;
    throw error;
  }
  return undefined;
}

const stdinOf = (text: string) => Readable.from([text]) as unknown as NodeJS.ReadStream;

describe('accord token create', () => {
  it('prints the token once, which then works for its organisation and scopes', async () => {
    const { out, io: output } = io();
    const code = await tokenCreate(
      test.db,
      { org: 'north-bank-council', scope: ['partnership:read'], label: 'BI feed', 'expires-days': '30' },
      ORGANISATIONS,
      output,
    );
    expect(code).toBe(0);
    expect(out[0]).toMatch(/^Token [0-9a-f]{16} for north-bank-council, scopes partnership:read, expires /);
    const token = out.at(-1) ?? '';
    expect(token).toMatch(/^acc_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    const resolved = await resolveToken(test.db, token);
    expect(resolved.ok && resolved.value.organisation).toBe('north-bank-council');
  });

  it('refuses a non-numeric --expires-days (exit 2), and an organisation not of the partnership', async () => {
    const bad = io();
    expect(
      await tokenCreate(
        test.db,
        { org: 'riverside-icb', scope: ['partnership:read'], 'expires-days': 'soon' },
        ORGANISATIONS,
        bad.io,
      ),
    ).toBe(2);
    expect(bad.fail[0]).toMatch(/--expires-days 'soon' is not a whole number/);
    const problem = await problemOf(
      tokenCreate(test.db, { org: 'elsewhere', scope: ['partnership:read'] }, ORGANISATIONS, io().io),
    );
    expect(problem?.title).toMatch(/'elsewhere' is not an organisation of the partnership/);
  });
});

describe('accord token revoke', () => {
  it('revokes a token, says so again without error, and refuses an id that is not one', async () => {
    const created = io();
    await tokenCreate(
      test.db,
      { org: 'riverside-icb', scope: ['partnership:read'] },
      ORGANISATIONS,
      created.io,
    );
    const token = created.out.at(-1) ?? '';
    const id = token.split('_')[1] ?? '';
    const first = io();
    expect(await tokenRevoke(test.db, id, first.io)).toBe(0);
    expect(first.out).toEqual([`Token ${id} is revoked: it no longer works.`]);
    expect(await resolveToken(test.db, token)).toEqual({ ok: false, error: 'revoked' });
    const again = io();
    expect(await tokenRevoke(test.db, id, again.io)).toBe(0);
    expect(again.out).toEqual([`Token ${id} was already revoked.`]);
    expect((await problemOf(tokenRevoke(test.db, 'acc_nonsense', io().io)))?.kind).toBe('bad-input');
    expect((await problemOf(tokenRevoke(test.db, '0123456789abcdef', io().io)))?.kind).toBe('not-found');
  });
});

describe('accord user add', () => {
  it('adds a person with a password they can sign in with', async () => {
    const { out, io: output } = io();
    const code = await userAdd(
      test.db,
      { username: 'A.Officer', org: 'riverside-icb', role: ['officer', 'analyst'], name: 'Alex Officer' },
      PASSWORD,
      ORGANISATIONS,
      output,
    );
    expect(code).toBe(0);
    expect(out).toEqual(['Added a.officer (riverside-icb; officer, analyst), who signs in with a password.']);
    const user = await findUserByUsername(test.db, 'a.officer');
    expect(user).toMatchObject({ displayName: 'Alex Officer', oidcSubject: null });
    expect(user?.passwordHash).toMatch(/^\$scrypt\$/);
    expect((await attemptSignIn(test.db, 'a.officer', PASSWORD)).kind).toBe('signed-in');
  });

  it('adds a person who signs in only through OpenID Connect, with no password', async () => {
    const { out, io: output } = io();
    const code = await userAdd(
      test.db,
      {
        username: 'oidc.person',
        org: 'riverside-icb',
        role: ['public'],
        'oidc-subject': 'https://id.example#abc-123',
      },
      undefined,
      ORGANISATIONS,
      output,
    );
    expect(code).toBe(0);
    expect(out[0]).toMatch(/signs in through OpenID Connect as https:\/\/id\.example#abc-123\.$/);
    expect(await findUserByUsername(test.db, 'oidc.person')).toMatchObject({
      passwordHash: null,
      oidcSubject: 'https://id.example#abc-123',
      roles: ['public'],
    });
  });

  it('refuses a malformed --oidc-subject (exit 2)', async () => {
    for (const subject of ['no-hash-here', 'not a url#sub', 'https://id.example#', 'ftp://id.example#x']) {
      const { fail, io: output } = io();
      expect(
        await userAdd(
          test.db,
          { username: 'oidc.bad', org: 'riverside-icb', role: ['public'], 'oidc-subject': subject },
          undefined,
          ORGANISATIONS,
          output,
        ),
      ).toBe(2);
      expect(fail[0]).toMatch(/--oidc-subject must read '<issuer>#<sub>'/);
    }
    expect(await findUserByUsername(test.db, 'oidc.bad')).toBeUndefined();
  });

  it('refuses an unknown role (exit 2), and a weak or missing password (exit 1)', async () => {
    const role = io();
    expect(
      await userAdd(
        test.db,
        { username: 'x.y', org: 'riverside-icb', role: ['R9999'] },
        PASSWORD,
        ORGANISATIONS,
        role.io,
      ),
    ).toBe(2);
    expect(role.fail[0]).toMatch(/unknown role\(s\) R9999/);
    const weak = io();
    expect(
      await userAdd(
        test.db,
        { username: 'x.y', org: 'riverside-icb', role: ['public'] },
        'short',
        ORGANISATIONS,
        weak.io,
      ),
    ).toBe(1);
    expect(weak.fail[0]).toMatch(/the password must be at least 12 characters/);
    const missing = io();
    expect(
      await userAdd(
        test.db,
        { username: 'x.y', org: 'riverside-icb', role: ['public'] },
        undefined,
        ORGANISATIONS,
        missing.io,
      ),
    ).toBe(1);
    expect(missing.fail[0]).toMatch(/the password is missing/);
    expect(await findUserByUsername(test.db, 'x.y')).toBeUndefined();
  });

  it("refuses a username starting with the demo users' prefix", async () => {
    const problem = await problemOf(
      userAdd(
        test.db,
        { username: 'Demo.Smith', org: 'riverside-icb', role: ['public'] },
        PASSWORD,
        ORGANISATIONS,
        io().io,
      ),
    );
    expect(problem?.kind).toBe('bad-input');
    expect(problem?.issues).toEqual([
      expect.objectContaining({ path: 'username', message: expect.stringMatching(/demo\./) }),
    ]);
    expect(await findUserByUsername(test.db, 'demo.smith')).toBeUndefined();
  });

  it('accepts a password of 200 emoji (counted as 200 characters) and signs in with it', async () => {
    const password = '🔐'.repeat(200);
    expect(
      await userAdd(
        test.db,
        { username: 'emoji.user', org: 'riverside-icb', role: ['public'] },
        password,
        ORGANISATIONS,
        io().io,
      ),
    ).toBe(0);
    expect((await attemptSignIn(test.db, 'emoji.user', password)).kind).toBe('signed-in');
  });
});

describe('parseOidcSubject', () => {
  it('keeps the issuer exactly as given, split at the first #', () => {
    expect(parseOidcSubject('https://login.example.org/tenant/v2.0#a#b')).toBe(
      'https://login.example.org/tenant/v2.0#a#b',
    );
    expect(parseOidcSubject('https://login.example.org#')).toBeUndefined();
  });
});

describe('readNewPassword', () => {
  it('takes ACCORD_NEW_PASSWORD when set, without reading stdin', async () => {
    expect(await readNewPassword({ ACCORD_NEW_PASSWORD: 'from the environment' }, stdinOf('piped\n'))).toBe(
      'from the environment',
    );
  });

  it('otherwise takes the first line piped to stdin, without its line ending', async () => {
    expect(await readNewPassword({}, stdinOf('first line password\r\nsecond line\n'))).toBe(
      'first line password',
    );
    expect(await readNewPassword({ ACCORD_NEW_PASSWORD: '' }, stdinOf('no newline at all'))).toBe(
      'no newline at all',
    );
    expect(await readNewPassword({}, stdinOf(''))).toBe('');
  });
});

describe('accord user unlock', () => {
  it('lifts a lock-out at once', async () => {
    await userAdd(
      test.db,
      { username: 'locked.out', org: 'riverside-icb', role: ['finance'] },
      PASSWORD,
      ORGANISATIONS,
      io().io,
    );
    for (let i = 0; i < 5; i++) await attemptSignIn(test.db, 'locked.out', 'wrong password!');
    expect((await attemptSignIn(test.db, 'locked.out', PASSWORD)).kind).toBe('locked');
    const { out, io: output } = io();
    expect(await userUnlock(test.db, 'Locked.Out', output)).toBe(0);
    expect(out[0]).toMatch(/^Signing in as locked\.out is no longer paused \(it was until /);
    expect((await attemptSignIn(test.db, 'locked.out', PASSWORD)).kind).toBe('signed-in');
    const again = io();
    expect(await userUnlock(test.db, 'locked.out', again.io)).toBe(0);
    expect(again.out[0]).toMatch(/was not paused/);
  });
});

describe('accord user deactivate', () => {
  it('stops the person signing in and ends their sessions; says so for an unknown username', async () => {
    await userAdd(
      test.db,
      { username: 'leaving.soon', org: 'riverside-icb', role: ['officer'] },
      PASSWORD,
      ORGANISATIONS,
      io().io,
    );
    const user = await findUserByUsername(test.db, 'leaving.soon');
    const { token } = await createSession(test.db, user!.id);
    const { out, io: output } = io();
    expect(await userDeactivate(test.db, 'leaving.soon', output)).toBe(0);
    expect(out[0]).toMatch(/leaving\.soon is deactivated/);
    expect(await resolveSession(test.db, token)).toBeUndefined();
    expect(await test.db.query('SELECT 1 FROM session WHERE user_id = $1', [user!.id])).toEqual([]);
    expect((await attemptSignIn(test.db, 'leaving.soon', PASSWORD)).kind).toBe('refused');
    const again = io();
    expect(await userDeactivate(test.db, 'leaving.soon', again.io)).toBe(0);
    expect(again.out[0]).toMatch(/already deactivated/);
    expect((await problemOf(userDeactivate(test.db, 'no.such.user', io().io)))?.kind).toBe('not-found');
  });
});
