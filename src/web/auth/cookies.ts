/**
 * @module web/auth/cookies
 * The few cookies Accord sets, read and written here rather than through a plugin: all are HttpOnly, Secure and
 * SameSite, and hold only random values (never anything about the person).
 */

/** Parses a Cookie header; the first of repeated names wins, as browsers send the most specific first. */
export function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  if (header === undefined) return cookies;
  for (const part of header.split(';')) {
    const index = part.indexOf('=');
    if (index <= 0) continue;
    const name = part.slice(0, index).trim();
    let value = part.slice(index + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
    if (!cookies.has(name)) cookies.set(name, value);
  }
  return cookies;
}

export interface CookieOptions {
  readonly path?: string;
  /** Seconds; 0 deletes the cookie; absent makes it last until the browser closes. */
  readonly maxAge?: number;
  readonly sameSite?: 'Lax' | 'Strict';
}

/** A Set-Cookie value. Values are base64url (our own random tokens), so they need no encoding. */
export function serializeCookie(name: string, value: string, options: CookieOptions = {}): string {
  if (!/^[A-Za-z0-9_-]*$/.test(value)) throw new Error(`cookie ${name}: value must be base64url`);
  return [
    `${name}=${value}`,
    `Path=${options.path ?? '/'}`,
    ...(options.maxAge === undefined ? [] : [`Max-Age=${options.maxAge}`]),
    'HttpOnly',
    'Secure',
    `SameSite=${options.sameSite ?? 'Lax'}`,
  ].join('; ');
}
