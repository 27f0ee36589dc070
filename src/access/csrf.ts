/**
 * @module access/csrf
 * Tokens against cross-site request forgery. Every form that changes something carries one, and the server checks it
 * before acting, so another site cannot make a signed-in browser submit a form.
 *
 * - With a session: the token is an HMAC of the session's own secret, so it is worthless in any other session.
 * - Before a session exists (the sign-in form): a random value in a cookie, and in the form an HMAC of that value
 *   under the server's key (a signed double-submit). Another site can neither read the cookie nor forge the HMAC
 *   without the key, so it cannot sign a victim in to the attacker's account either.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Queryable } from '../store/database.js';

const hmac = (key: string | Buffer, purpose: string): string =>
  createHmac('sha256', key).update(purpose).digest('base64url');

/** The CSRF token of a session's forms. */
export const sessionCsrfToken = (csrfSecret: string): string => hmac(csrfSecret, 'accord-csrf-session-v1');

/** A fresh value for the pre-session CSRF cookie. */
export const newPreSessionValue = (): string => randomBytes(32).toString('base64url');

/** The token that goes in a form alongside the pre-session cookie `value`. */
export const preSessionCsrfToken = (serverKey: Buffer, value: string): string =>
  hmac(serverKey, `accord-csrf-pre-session-v1:${value}`);

/** Constant-time comparison of a presented token with the expected one. */
export function csrfTokensMatch(expected: string, presented: unknown): boolean {
  if (typeof presented !== 'string' || expected === '') return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(presented);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The server's signing key called `name`, made on first use. Kept in the database so every Accord instance behind a
 * load balancer shares it, and restarting does not void forms already open.
 */
export async function serverKey(db: Queryable, name: string): Promise<Buffer> {
  await db.query('INSERT INTO server_key (name, key) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING', [
    name,
    randomBytes(32),
  ]);
  const [row] = await db.query<{ key: Buffer }>('SELECT key FROM server_key WHERE name = $1', [name]);
  if (row === undefined) throw new Error(`server key ${name} could not be stored`);
  return row.key;
}
