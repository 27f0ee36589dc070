/**
 * @module access/sessions
 * Server-side sessions for people signed in with a browser. The browser holds a random token; the database holds
 * only its sha-256 (the session id), so reading the session table does not let anyone take over a session.
 * A session ends after 30 minutes without use (idle) or 12 hours after sign-in (absolute), whichever comes first.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Queryable } from '../store/database.js';
import { prepared } from '../store/prepared.js';

/** Run on every request a signed-in person makes. */
const RESOLVE_SESSION = prepared(
  `SELECT s.id, s.user_id, s.csrf_secret, s.last_seen_at, s.expires_at,
          u.display_name, u.organisation_id, u.active,
          array_remove(array_agg(r.role ORDER BY r.role), NULL) AS roles
     FROM session s JOIN app_user u ON u.id = s.user_id LEFT JOIN user_role r ON r.user_id = u.id
    WHERE s.id = $1
    GROUP BY s.id, u.id`,
);
import { HOUR, MINUTE, systemClock, type Clock } from './clock.js';
import { isRole, type Principal } from './principal.js';

export const IDLE_TIMEOUT_MS = 30 * MINUTE;
export const ABSOLUTE_TIMEOUT_MS = 12 * HOUR;
/** last_seen_at is written at most this often, so browsing does not write to the database on every request. */
const TOUCH_INTERVAL_MS = MINUTE;

export type UserPrincipal = Extract<Principal, { kind: 'user' }>;

export interface Session {
  readonly id: string;
  readonly userId: string;
  readonly csrfSecret: string;
  readonly expiresAt: Date;
}

export interface ResolvedSession extends Session {
  readonly principal: UserPrincipal;
}

export const sha256Hex = (text: string): string => createHash('sha256').update(text).digest('hex');

/** Session tokens are 32 random bytes, base64url: anything else is not worth a database query. */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** Starts a session; returns the token for the cookie (the only time it exists outside the browser). */
export async function createSession(
  db: Queryable,
  userId: string,
  clock: Clock = systemClock,
): Promise<{ token: string; session: Session }> {
  const now = clock();
  const token = randomBytes(32).toString('base64url');
  const session: Session = {
    id: sha256Hex(token),
    userId,
    csrfSecret: randomBytes(32).toString('base64url'),
    expiresAt: new Date(now.getTime() + ABSOLUTE_TIMEOUT_MS),
  };
  // Sweep ended sessions now and then, so the table holds only live ones.
  await db.query('DELETE FROM session WHERE expires_at <= $1 OR last_seen_at <= $2', [
    now,
    new Date(now.getTime() - IDLE_TIMEOUT_MS),
  ]);
  await db.query(
    `INSERT INTO session (id, user_id, csrf_secret, created_at, last_seen_at, expires_at)
     VALUES ($1, $2, $3, $4, $4, $5)`,
    [session.id, userId, session.csrfSecret, now, session.expiresAt],
  );
  return { token, session };
}

interface SessionRow {
  id: string;
  user_id: string;
  csrf_secret: string;
  last_seen_at: Date;
  expires_at: Date;
  display_name: string;
  organisation_id: string;
  active: boolean;
  roles: string[] | null;
}

/**
 * The live session a token belongs to, with the person as a principal, or undefined when the token is unknown, the
 * session has ended (idle or absolute) or the person has been deactivated. Records the use (idle timeout restarts).
 */
export async function resolveSession(
  db: Queryable,
  token: string,
  clock: Clock = systemClock,
): Promise<ResolvedSession | undefined> {
  if (!TOKEN_PATTERN.test(token)) return undefined;
  const id = sha256Hex(token);
  const [row] = await db.query<SessionRow>(RESOLVE_SESSION, [id]);
  if (row === undefined) return undefined;
  const now = clock().getTime();
  const ended = now >= row.expires_at.getTime() || now >= row.last_seen_at.getTime() + IDLE_TIMEOUT_MS;
  if (ended || !row.active) {
    await revokeSession(db, id);
    return undefined;
  }
  if (now - row.last_seen_at.getTime() >= TOUCH_INTERVAL_MS) {
    await db.query('UPDATE session SET last_seen_at = $2 WHERE id = $1', [id, new Date(now)]);
  }
  return {
    id,
    userId: row.user_id,
    csrfSecret: row.csrf_secret,
    expiresAt: row.expires_at,
    principal: {
      kind: 'user',
      userId: row.user_id,
      displayName: row.display_name,
      organisation: row.organisation_id,
      roles: (row.roles ?? []).filter(isRole),
      sessionId: id,
    },
  };
}

export async function revokeSession(db: Queryable, sessionId: string): Promise<void> {
  await db.query('DELETE FROM session WHERE id = $1', [sessionId]);
}

/** Ends every session of a person: when they are deactivated (`deactivateUser`). */
export async function revokeUserSessions(db: Queryable, userId: string): Promise<void> {
  await db.query('DELETE FROM session WHERE user_id = $1', [userId]);
}
