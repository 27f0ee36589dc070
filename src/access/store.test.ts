/**
 * Integration tests of the access module against a real PostgreSQL: users, sessions, lock-out, tokens, demo users.
 * Time is a clock the tests move on; nothing here waits on the wall clock.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.js';
import { loadPartnership } from '../partnership/index.js';
import type { Database } from '../store/database.js';
import { DAY, MINUTE, type Clock } from './clock.js';
import { csrfTokensMatch, preSessionCsrfToken, serverKey, sessionCsrfToken } from './csrf.js';
import {
  activeDemoUsernames,
  DEMO_PASSWORD,
  demoUsersFor,
  disableDemoUsers,
  seedDemoUsers,
} from './demo-users.js';
import { attemptSignIn, DEFAULT_LOCKOUT } from './lockout.js';
import { hashPassword, verifyPassword } from './passwords.js';
import type { Role } from './principal.js';
import {
  ABSOLUTE_TIMEOUT_MS,
  createSession,
  IDLE_TIMEOUT_MS,
  resolveSession,
  revokeSession,
} from './sessions.js';
import { createToken, resolveToken, revokeToken } from './tokens.js';
import { createUser, deactivateUser, findUserByUsername, setRoles, type NewUser } from './users.js';

function movableClock(start = new Date('2025-03-01T09:00:00Z')) {
  let now = start.getTime();
  const clock: Clock = () => new Date(now);
  return { clock, advance: (ms: number) => (now += ms) };
}

/** `db`, timing how long its transactions stay open. */
/** A Database that says whether a transaction is open, and a password check that notes it each time it runs. */
function watchedSignIn(db: Database) {
  let open = 0;
  const checks: { insideTransaction: boolean; hash: string }[] = [];
  const watched: Database = {
    query: (text, params) => db.query(text, params),
    async transaction(work) {
      open++;
      try {
        return await db.transaction(work);
      } finally {
        open--;
      }
    },
    ping: () => db.ping(),
    close: () => db.close(),
    description: db.description,
  };
  const verify = (password: string, hash: string) => {
    checks.push({ insideTransaction: open > 0, hash });
    return verifyPassword(password, hash);
  };
  return { db: watched, verify, checks };
}

let test: TestDatabase;
let passwordHash: string;
const person = (username: string, extra: Partial<NewUser> = {}): NewUser => ({
  username,
  displayName: username,
  organisation: 'riverside-icb',
  roles: ['officer'],
  passwordHash,
  ...extra,
});
beforeAll(async () => {
  test = await createTestDatabase();
  passwordHash = await hashPassword('a long enough passphrase');
});
afterAll(async () => {
  await test.drop();
});

describe('users', () => {
  it('creates a person with roles, lowercasing the username, and refuses a duplicate', async () => {
    const created = await createUser(test.db, {
      username: 'A.Clinician',
      displayName: 'Dr A',
      organisation: 'riverside-hospitals',
      roles: ['R8000', 'analyst'],
      passwordHash,
    });
    expect(created.ok).toBe(true);
    const found = await findUserByUsername(test.db, 'a.clinician');
    expect(found).toMatchObject({
      username: 'a.clinician',
      organisation: 'riverside-hospitals',
      active: true,
    });
    expect(found?.roles).toEqual(['R8000', 'analyst']);
    const again = await createUser(test.db, {
      username: 'a.clinician',
      displayName: 'X',
      organisation: 'riverside-hospitals',
      roles: ['public'],
      passwordHash,
    });
    expect(again.ok).toBe(false);
    if (!again.ok) expect(again.error.kind).toBe('conflict');
  });

  it('checks every field and says what is wrong with each', async () => {
    const bad = await createUser(test.db, {
      username: '-x',
      displayName: '',
      organisation: 'Not An Id',
      roles: ['R9999'],
    });
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.error.kind).toBe('bad-input');
      const paths = bad.error.issues?.map((i) => i.path);
      expect(paths).toEqual(expect.arrayContaining(['username', 'displayName', 'organisation', 'roles.0']));
    }
  });

  it('refuses an organisation that is not one of the partnership', async () => {
    const bad = await createUser(
      test.db,
      { username: 'someone', displayName: 'S', organisation: 'elsewhere', roles: ['officer'], passwordHash },
      new Set(['riverside-icb']),
    );
    expect(!bad.ok && bad.error.title).toMatch(/'elsewhere' is not an organisation/);
  });

  it("refuses a username starting with the demo users' prefix, which `accord serve` would deactivate", async () => {
    for (const username of ['demo.smith', 'Demo.Jones', ' DEMO.x ']) {
      const refused = await createUser(test.db, person(username));
      expect(refused.ok).toBe(false);
      if (!refused.ok) {
        expect(refused.error.kind).toBe('bad-input');
        expect(refused.error.issues).toEqual([
          { path: 'username', message: "must not start with 'demo.', which marks the demo's users" },
        ]);
      }
    }
    expect(await test.db.query("SELECT 1 FROM app_user WHERE username LIKE 'demo%'")).toEqual([]);
    expect((await createUser(test.db, person('demonstrator'))).ok).toBe(true);
    expect(await disableDemoUsers(test.db)).toBe(0);
    expect((await findUserByUsername(test.db, 'demonstrator'))?.active).toBe(true);
  });

  it('replaces roles in one transaction: a failure part-way leaves the old roles', async () => {
    const created = await createUser(test.db, person('role.changer', { roles: ['officer', 'analyst'] }));
    if (!created.ok) throw new Error('setup');
    const { token } = await createSession(test.db, created.value.id);
    await setRoles(test.db, created.value.id, ['finance', 'finance']);
    // The session stays, and shows the new roles at once.
    expect((await resolveSession(test.db, token))?.principal.roles).toEqual(['finance']);
    // The database refuses the second role; the delete before it must not stand.
    await expect(setRoles(test.db, created.value.id, ['public', 'R9999' as Role])).rejects.toThrow();
    expect((await findUserByUsername(test.db, 'role.changer'))?.roles).toEqual(['finance']);
  });

  it('deactivates a person and ends every session of theirs', async () => {
    const created = await createUser(test.db, person('leaving.user'));
    if (!created.ok) throw new Error('setup');
    const sessions = [
      await createSession(test.db, created.value.id),
      await createSession(test.db, created.value.id),
    ];
    await deactivateUser(test.db, created.value.id);
    expect((await findUserByUsername(test.db, 'leaving.user'))?.active).toBe(false);
    expect(await test.db.query('SELECT 1 FROM session WHERE user_id = $1', [created.value.id])).toEqual([]);
    for (const { token } of sessions) expect(await resolveSession(test.db, token)).toBeUndefined();
  });
});

describe('sessions', () => {
  it('stores only the hash of the token, and ends after 30 idle minutes', async () => {
    const user = await createUser(test.db, {
      username: 'idle.user',
      displayName: 'Idle',
      organisation: 'riverside-icb',
      roles: ['officer'],
      passwordHash,
    });
    if (!user.ok) throw new Error('setup');
    const { clock, advance } = movableClock();
    const { token, session } = await createSession(test.db, user.value.id, clock);
    const rows = await test.db.query<{ id: string }>('SELECT id FROM session WHERE user_id = $1', [
      user.value.id,
    ]);
    expect(rows.map((r) => r.id)).toEqual([session.id]);
    expect(session.id).not.toContain(token);

    advance(IDLE_TIMEOUT_MS - MINUTE);
    expect((await resolveSession(test.db, token, clock))?.principal).toMatchObject({
      kind: 'user',
      displayName: 'Idle',
      roles: ['officer'],
    });
    advance(IDLE_TIMEOUT_MS - MINUTE); // used a moment ago, so still alive
    expect(await resolveSession(test.db, token, clock)).toBeDefined();
    advance(IDLE_TIMEOUT_MS);
    expect(await resolveSession(test.db, token, clock)).toBeUndefined();
  });

  it('ends 12 hours after sign-in however busy, and at once when revoked', async () => {
    const user = await findUserByUsername(test.db, 'idle.user');
    const { clock, advance } = movableClock();
    const { token } = await createSession(test.db, user!.id, clock);
    for (let elapsed = 0; elapsed < ABSOLUTE_TIMEOUT_MS - 20 * MINUTE; elapsed += 20 * MINUTE) {
      advance(20 * MINUTE);
      expect(await resolveSession(test.db, token, clock)).toBeDefined();
    }
    advance(40 * MINUTE);
    expect(await resolveSession(test.db, token, clock)).toBeUndefined();

    const second = await createSession(test.db, user!.id, clock);
    await revokeSession(test.db, second.session.id);
    expect(await resolveSession(test.db, second.token, clock)).toBeUndefined();
    expect(await resolveSession(test.db, 'not a token', clock)).toBeUndefined();
  });
});

describe('lock-out', () => {
  it('locks after 5 failures, refuses even the right password while locked, and lifts after 15 minutes', async () => {
    await createUser(test.db, {
      username: 'locked.user',
      displayName: 'L',
      organisation: 'riverside-icb',
      roles: ['finance'],
      passwordHash,
    });
    const { clock, advance } = movableClock();
    const outcomes = [];
    for (let i = 0; i < 5; i++)
      outcomes.push((await attemptSignIn(test.db, 'locked.user', 'wrong', { clock })).kind);
    expect(outcomes).toEqual(['refused', 'refused', 'refused', 'refused', 'locked']);
    advance(14 * MINUTE);
    expect((await attemptSignIn(test.db, 'locked.user', 'a long enough passphrase', { clock })).kind).toBe(
      'locked',
    );
    advance(2 * MINUTE);
    expect((await attemptSignIn(test.db, 'LOCKED.user', 'a long enough passphrase', { clock })).kind).toBe(
      'signed-in',
    );
  });

  it('forgets failures older than the window', async () => {
    const { clock, advance } = movableClock();
    for (let i = 0; i < 4; i++) await attemptSignIn(test.db, 'locked.user', 'wrong', { clock });
    advance(16 * MINUTE);
    const next = await attemptSignIn(test.db, 'locked.user', 'wrong', { clock });
    expect(next).toEqual({ kind: 'refused', attemptsLeft: 4 });
    await attemptSignIn(test.db, 'locked.user', 'a long enough passphrase', { clock });
  });

  it('treats an unknown username exactly like a known one', async () => {
    const { clock } = movableClock();
    const known = [];
    const unknown = [];
    for (let i = 0; i < 5; i++) {
      known.push(await attemptSignIn(test.db, 'locked.user', 'wrong', { clock }));
      unknown.push(await attemptSignIn(test.db, 'nobody.here', 'wrong', { clock }));
    }
    expect(unknown).toEqual(known);
  });

  it('hashes outside any transaction, so a sign-in holds a connection only briefly', async () => {
    await createUser(test.db, person('slow.hash'));
    const { clock } = movableClock();
    const watched = watchedSignIn(test.db);
    const options = { clock, verify: watched.verify };
    expect((await attemptSignIn(watched.db, 'slow.hash', 'wrong', options)).kind).toBe('refused');
    expect((await attemptSignIn(watched.db, 'slow.hash', 'a long enough passphrase', options)).kind).toBe(
      'signed-in',
    );
    expect(watched.checks).toHaveLength(2);
    expect(watched.checks.every((check) => !check.insideTransaction)).toBe(true);
  });

  it('counts parallel guesses one after another: no more than the limit get an answer', async () => {
    await createUser(test.db, person('parallel.user'));
    const { clock } = movableClock();
    const outcomes = await Promise.all(
      Array.from({ length: 10 }, () => attemptSignIn(test.db, 'parallel.user', 'wrong guess', { clock })),
    );
    const kinds = outcomes.map((o) => o.kind).sort();
    expect(kinds).toEqual([...Array<string>(6).fill('locked'), ...Array<string>(4).fill('refused')]);
    expect((await attemptSignIn(test.db, 'parallel.user', 'a long enough passphrase', { clock })).kind).toBe(
      'locked',
    );
  });

  it('signs in with a password of 200 emoji, which `user add` accepts', async () => {
    const password = '🔐'.repeat(200);
    await createUser(test.db, person('emoji.person', { passwordHash: await hashPassword(password) }));
    const { clock } = movableClock();
    expect((await attemptSignIn(test.db, 'emoji.person', password, { clock })).kind).toBe('signed-in');
  });

  it('refuses an over-long password after as much work as any other refusal', async () => {
    const tooLong = 'x'.repeat(257);
    // Even were it the stored password: nobody can have chosen it.
    await createUser(test.db, person('long.password', { passwordHash: await hashPassword(tooLong) }));
    const { clock } = movableClock();
    const policy = { ...DEFAULT_LOCKOUT, maxFailures: 1000 };
    const watched = watchedSignIn(test.db);
    const options = { clock, policy, verify: watched.verify };
    expect((await attemptSignIn(watched.db, 'long.password', tooLong, options)).kind).toBe('refused');
    expect((await attemptSignIn(watched.db, 'no.such.person', 'wrong', options)).kind).toBe('refused');
    // Both refusals ran one full scrypt check, against the same decoy hash: neither time nor work tells them apart.
    expect(watched.checks).toHaveLength(2);
    expect(watched.checks[0]?.hash).toBe(watched.checks[1]?.hash);
    expect(watched.checks[0]?.hash).not.toBe(
      (await findUserByUsername(test.db, 'long.password'))?.passwordHash,
    );
  });

  it('replaces a hash made with weaker parameters when its owner signs in', async () => {
    const weak = await hashPassword('a long enough passphrase', { ln: 10, r: 8, p: 1 });
    await createUser(test.db, person('old.hash', { passwordHash: weak }));
    const { clock } = movableClock();
    expect((await attemptSignIn(test.db, 'old.hash', 'a wrong passphrase', { clock })).kind).toBe('refused');
    expect((await findUserByUsername(test.db, 'old.hash'))?.passwordHash).toBe(weak);
    expect((await attemptSignIn(test.db, 'old.hash', 'a long enough passphrase', { clock })).kind).toBe(
      'signed-in',
    );
    const upgraded = (await findUserByUsername(test.db, 'old.hash'))?.passwordHash ?? '';
    expect(upgraded).toMatch(/^\$scrypt\$ln=15,r=8,p=1\$/);
    expect(await verifyPassword('a long enough passphrase', upgraded)).toBe(true);
    expect((await attemptSignIn(test.db, 'old.hash', 'a long enough passphrase', { clock })).kind).toBe(
      'signed-in',
    );
  });
});

describe('tokens', () => {
  it('returns the secret once, stores only its hash, and resolves to its organisation and scopes', async () => {
    const { clock } = movableClock();
    const created = await createToken(
      test.db,
      { organisation: 'north-bank-council', scopes: ['partnership:read'], label: 'BI feed' },
      { clock },
    );
    if (!created.ok) throw new Error(created.error.title);
    expect(created.value.token).toMatch(/^acc_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    const secret = created.value.token.split('_').slice(2).join('_');
    const stored = await test.db.query('SELECT * FROM api_token');
    expect(JSON.stringify(stored)).not.toContain(secret);
    const resolved = await resolveToken(test.db, created.value.token, clock);
    expect(resolved).toEqual({
      ok: true,
      value: {
        kind: 'system',
        tokenId: created.value.id,
        organisation: 'north-bank-council',
        scopes: ['partnership:read', 'me:read'],
      },
    });
  });

  it('refuses a tampered, expired or revoked token, each with its reason', async () => {
    const { clock, advance } = movableClock();
    const created = await createToken(
      test.db,
      { organisation: 'riverside-icb', scopes: ['partnership:read'], expiresInDays: 1 },
      { clock },
    );
    if (!created.ok) throw new Error(created.error.title);
    const token = created.value.token;
    const tampered = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    expect(await resolveToken(test.db, tampered, clock)).toEqual({ ok: false, error: 'unknown' });
    expect(await resolveToken(test.db, 'hello', clock)).toEqual({ ok: false, error: 'malformed' });
    advance(DAY);
    expect(await resolveToken(test.db, token, clock)).toEqual({ ok: false, error: 'expired' });

    const other = await createToken(
      test.db,
      { organisation: 'riverside-icb', scopes: ['x:read'] },
      { clock },
    );
    if (!other.ok) throw new Error(other.error.title);
    expect((await revokeToken(test.db, other.value.id, clock)).ok).toBe(true);
    expect(await resolveToken(test.db, other.value.token, clock)).toEqual({ ok: false, error: 'revoked' });
    const missing = await revokeToken(test.db, '0123456789abcdef');
    expect(!missing.ok && missing.error.kind).toBe('not-found');
  });

  it('checks the request', async () => {
    const bad = await createToken(test.db, {
      organisation: 'Bad Org',
      scopes: ['everything'],
      expiresInDays: 5000,
    });
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.error.issues?.map((i) => i.path)).toEqual(['organisation', 'scopes.0', 'expiresInDays']);
    }
  });
});

describe('csrf', () => {
  it('binds a token to its session, and a pre-session token to its cookie and the server key', async () => {
    const a = sessionCsrfToken('secret-a');
    expect(csrfTokensMatch(a, a)).toBe(true);
    expect(csrfTokensMatch(a, sessionCsrfToken('secret-b'))).toBe(false);
    expect(csrfTokensMatch(a, undefined)).toBe(false);
    expect(csrfTokensMatch('', '')).toBe(false);
    const key = await serverKey(test.db, 'test-key');
    expect(await serverKey(test.db, 'test-key')).toEqual(key);
    expect(preSessionCsrfToken(key, 'v1')).not.toBe(preSessionCsrfToken(key, 'v2'));
  });
});

describe('demo users', () => {
  const loaded = loadPartnership('test/fixtures/partnerships/riverside');
  it.runIf(loaded.ok)(
    'seeds one user per role (two officers, two members of the public) at fitting organisations, idempotently',
    async () => {
      if (!loaded.ok) return;
      const partnership = loaded.value.partnership;
      const first = await seedDemoUsers(test.db, partnership);
      expect(first).toHaveLength(10);
      expect(new Set(first.map((u) => u.role)).size).toBe(8);
      expect(first.filter((u) => u.role === 'public').map((u) => u.username)).toEqual([
        'demo.patient',
        'demo.public',
      ]);
      expect(first.filter((u) => u.role === 'officer').map((u) => u.username)).toEqual([
        'demo.officer',
        'demo.governance',
      ]);
      const organisations = new Map(partnership.organisations.map((o) => [o.id, o]));
      const clinician = first.find((u) => u.role === 'R8000');
      expect(organisations.get(clinician!.organisation)?.type).toBe('acute-trust');
      const board = first.find((u) => u.role === 'board-member');
      expect(organisations.get(board!.organisation)?.type).toMatch(/council/);
      expect(demoUsersFor(partnership)).toEqual(first);

      const hashes = await test.db.query<{ password_hash: string }>(
        "SELECT password_hash FROM app_user WHERE username LIKE 'demo.%' ORDER BY username",
      );
      await seedDemoUsers(test.db, partnership);
      expect(
        await test.db.query(
          "SELECT password_hash FROM app_user WHERE username LIKE 'demo.%' ORDER BY username",
        ),
      ).toEqual(hashes);
      const { clock } = movableClock();
      expect((await attemptSignIn(test.db, 'demo.clinician', DEMO_PASSWORD, { clock })).kind).toBe(
        'signed-in',
      );

      expect(await activeDemoUsernames(test.db)).toEqual(first.map((u) => u.username));

      expect(await disableDemoUsers(test.db)).toBe(10);
      expect(await activeDemoUsernames(test.db)).toEqual([]);
      expect((await attemptSignIn(test.db, 'demo.clinician', DEMO_PASSWORD, { clock })).kind).toBe('refused');
    },
  );
});
