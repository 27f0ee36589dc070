/**
 * @module access/lockout
 * Signing in with a username and password, with a lock-out against guessing: 5 failed attempts within 15 minutes
 * lock that username for 15 minutes, during which even the right password is refused.
 *
 * Nothing here tells anyone whether a username exists. Failures are counted per username typed (by its sha-256),
 * real or not, so an unknown username locks out like a real one; an unknown username is checked against a decoy
 * hash, so it takes as long as a real one (as does an over-long password); and every failure gets the same answer.
 */
import type { Database } from '../store/database.js';
import { MINUTE, systemClock, type Clock } from './clock.js';
import { decoyHash, hashPassword, needsRehash, passwordTooLong, verifyPassword } from './passwords.js';
import { sha256Hex } from './sessions.js';
import { findUserById, findUserByUsername, type User } from './users.js';

export interface LockoutPolicy {
  /** Failures that lock the username. */
  readonly maxFailures: number;
  /** Failures older than this are forgotten. */
  readonly windowMs: number;
  /** How long the lock lasts. */
  readonly lockMs: number;
}

export const DEFAULT_LOCKOUT: LockoutPolicy = { maxFailures: 5, windowMs: 15 * MINUTE, lockMs: 15 * MINUTE };

export type SignInOutcome =
  | { readonly kind: 'signed-in'; readonly user: User }
  /** Wrong username or password; which of the two is never said. */
  | { readonly kind: 'refused'; readonly attemptsLeft: number }
  | { readonly kind: 'locked'; readonly until: Date };

interface ThrottleRow {
  failed_count: number;
  window_started_at: Date;
  locked_until: Date | null;
}

const normalise = (username: string) => username.trim().toLowerCase();

const isLocked = (lockedUntil: Date | null | undefined, now: Date): lockedUntil is Date =>
  lockedUntil != null && lockedUntil.getTime() > now.getTime();

/**
 * Checks a username and password. The slow part, scrypt, runs outside any transaction, so sign-ins never hold a
 * pooled connection or a row lock while hashing. The attempt then counts in a short transaction that locks the
 * username's throttle row and checks the lock again: parallel guesses at one username are counted one after another,
 * so they cannot slip past the limit together, and a right password that arrives after the lock has landed is refused
 * like any other attempt while locked.
 */
export async function attemptSignIn(
  db: Database,
  username: string,
  password: string,
  options: {
    clock?: Clock;
    policy?: LockoutPolicy;
    /** Checks a password against a hash; tests pass a spy to see when and against what it runs. */
    verify?: (password: string, hash: string) => Promise<boolean>;
  } = {},
): Promise<SignInOutcome> {
  const clock = options.clock ?? systemClock;
  const verify = options.verify ?? verifyPassword;
  const policy = options.policy ?? DEFAULT_LOCKOUT;
  const key = sha256Hex(normalise(username));

  // 1. Already locked? Then nothing more is done (and nothing is hashed).
  const started = clock();
  // Forget usernames whose failures and lock are over, so mistyped names do not pile up.
  await db.query(
    "DELETE FROM sign_in_throttle WHERE coalesce(locked_until, window_started_at + $2 * interval '1 millisecond') < $1 AND username_hash <> $3",
    [started, policy.windowMs, key],
  );
  const [before] = await db.query<Pick<ThrottleRow, 'locked_until'>>(
    'SELECT locked_until FROM sign_in_throttle WHERE username_hash = $1',
    [key],
  );
  if (isLocked(before?.locked_until, started)) return { kind: 'locked', until: before.locked_until };

  // 2. The password, outside any transaction. An unknown username, a person without a password and an over-long
  // password are all checked against the decoy hash, so every refusal costs the same scrypt work.
  const user = normalise(username) === '' ? undefined : await findUserByUsername(db, username);
  const usable = user?.active === true && user.passwordHash !== null ? user : undefined;
  const tooLong = passwordTooLong(password);
  const stored = usable !== undefined && !tooLong ? usable.passwordHash : null;
  const verified = await verify(tooLong ? '' : password, stored ?? (await decoyHash()));
  const matches = stored !== null && verified;

  // 3. Count the attempt, with the throttle row locked.
  const outcome = await db.transaction(async (tx): Promise<SignInOutcome> => {
    const now = clock();
    await tx.query(
      `INSERT INTO sign_in_throttle (username_hash, failed_count, window_started_at)
       VALUES ($1, 0, $2) ON CONFLICT (username_hash) DO NOTHING`,
      [key, now],
    );
    const [throttle] = await tx.query<ThrottleRow>(
      'SELECT failed_count, window_started_at, locked_until FROM sign_in_throttle WHERE username_hash = $1 FOR UPDATE',
      [key],
    );
    // Parallel attempts may have locked the username while this one was hashing.
    if (isLocked(throttle?.locked_until, now)) return { kind: 'locked', until: throttle.locked_until };

    if (matches && usable !== undefined) {
      // The person must still be active with the password just checked (not deactivated or changed meanwhile).
      const current = await findUserById(tx, usable.id);
      if (current?.active === true && current.passwordHash === usable.passwordHash) {
        await tx.query('DELETE FROM sign_in_throttle WHERE username_hash = $1', [key]);
        return { kind: 'signed-in', user: current };
      }
    }

    const windowOpen =
      throttle !== undefined &&
      throttle.failed_count > 0 &&
      now.getTime() - throttle.window_started_at.getTime() < policy.windowMs;
    const failures = windowOpen ? throttle.failed_count + 1 : 1;
    const windowStart = windowOpen ? throttle.window_started_at : now;
    if (failures >= policy.maxFailures) {
      const until = new Date(now.getTime() + policy.lockMs);
      // The count starts afresh once the lock ends: the next mistake after it is the first of a new window.
      await tx.query(
        'UPDATE sign_in_throttle SET failed_count = 0, window_started_at = $2, locked_until = $3 WHERE username_hash = $1',
        [key, now, until],
      );
      return { kind: 'locked', until };
    }
    await tx.query(
      'UPDATE sign_in_throttle SET failed_count = $2, window_started_at = $3, locked_until = NULL WHERE username_hash = $1',
      [key, failures, windowStart],
    );
    return { kind: 'refused', attemptsLeft: policy.maxFailures - failures };
  });

  // 4. A hash made with weaker parameters than today's is replaced now, while the password is at hand.
  if (outcome.kind === 'signed-in' && outcome.user.passwordHash !== null) {
    await upgradeHash(db, outcome.user.id, outcome.user.passwordHash, password);
  }
  return outcome;
}

async function upgradeHash(db: Database, userId: string, stored: string, password: string): Promise<void> {
  if (!needsRehash(stored)) return;
  const fresh = await hashPassword(password);
  // Only if nobody has changed the hash meanwhile.
  await db.query('UPDATE app_user SET password_hash = $3 WHERE id = $1 AND password_hash = $2', [
    userId,
    stored,
    fresh,
  ]);
}

/**
 * Lifts a lock early (e.g. an administrator has confirmed who is trying to sign in), and forgets the username's
 * failures. Returns when the lock would have ended, or undefined when the username was not locked.
 */
export async function clearLockout(
  db: Database,
  username: string,
  clock: Clock = systemClock,
): Promise<Date | undefined> {
  const [row] = await db.query<Pick<ThrottleRow, 'locked_until'>>(
    'DELETE FROM sign_in_throttle WHERE username_hash = $1 RETURNING locked_until',
    [sha256Hex(normalise(username))],
  );
  return isLocked(row?.locked_until, clock()) ? row.locked_until : undefined;
}
