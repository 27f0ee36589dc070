/**
 * @module access/lockout
 * Signing in with a username and password, with a lock-out against guessing: 5 failed attempts within 15 minutes
 * lock that username for 15 minutes, during which even the right password is refused.
 *
 * Nothing here tells anyone whether a username exists. Failures are counted per username typed (by its sha-256),
 * real or not, so an unknown username locks out like a real one; an unknown username is checked against a decoy
 * hash, so it takes as long as a real one; and every failure gets the same answer.
 */
import type { Database } from '../store/database.js';
import { MINUTE, systemClock, type Clock } from './clock.js';
import { decoyHash, PASSWORD_MAX_LENGTH, verifyPassword } from './passwords.js';
import { sha256Hex } from './sessions.js';
import { findUserByUsername, type User } from './users.js';

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

/**
 * Checks a username and password. The throttle row is locked for the attempt, so parallel guesses at one username
 * are counted one after another and cannot slip past the limit together.
 */
export async function attemptSignIn(
  db: Database,
  username: string,
  password: string,
  options: { clock?: Clock; policy?: LockoutPolicy } = {},
): Promise<SignInOutcome> {
  const clock = options.clock ?? systemClock;
  const policy = options.policy ?? DEFAULT_LOCKOUT;
  const key = sha256Hex(normalise(username));
  return db.transaction(async (tx) => {
    const now = clock();
    // Forget usernames whose failures and lock are over, so mistyped names do not pile up.
    await tx.query(
      "DELETE FROM sign_in_throttle WHERE coalesce(locked_until, window_started_at + $2 * interval '1 millisecond') < $1 AND username_hash <> $3",
      [now, policy.windowMs, key],
    );
    await tx.query(
      `INSERT INTO sign_in_throttle (username_hash, failed_count, window_started_at)
       VALUES ($1, 0, $2) ON CONFLICT (username_hash) DO NOTHING`,
      [key, now],
    );
    const [throttle] = await tx.query<ThrottleRow>(
      'SELECT failed_count, window_started_at, locked_until FROM sign_in_throttle WHERE username_hash = $1 FOR UPDATE',
      [key],
    );
    if (throttle?.locked_until != null && throttle.locked_until.getTime() > now.getTime()) {
      return { kind: 'locked', until: throttle.locked_until };
    }

    const user = normalise(username) === '' ? undefined : await findUserByUsername(tx, username);
    const usable = user?.active === true && user.passwordHash !== null ? user : undefined;
    // Over-long passwords are refused without hashing, but only after the same work as any other refusal.
    const matches =
      password.length <= PASSWORD_MAX_LENGTH &&
      (await verifyPassword(password, usable?.passwordHash ?? (await decoyHash())));
    if (usable !== undefined && matches) {
      await tx.query('DELETE FROM sign_in_throttle WHERE username_hash = $1', [key]);
      return { kind: 'signed-in', user: usable };
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
}

/** Lifts a lock early (e.g. an administrator has confirmed who is trying to sign in). */
export async function clearLockout(db: Database, username: string): Promise<void> {
  await db.query('DELETE FROM sign_in_throttle WHERE username_hash = $1', [sha256Hex(normalise(username))]);
}
