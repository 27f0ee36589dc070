/**
 * @module access/passwords
 * Password hashing with scrypt (node:crypto), in a PHC-style string that carries its own parameters and salt:
 * `$scrypt$ln=15,r=8,p=1$<salt>$<hash>`. Because the parameters travel with each hash, they can be raised later
 * without breaking the hashes already stored: a hash made with weaker ones (`needsRehash`) is replaced by a fresh one
 * when its owner next signs in with the right password (see `attemptSignIn`).
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

export interface ScryptParameters {
  /** log2 of the CPU/memory cost N. */
  readonly ln: number;
  readonly r: number;
  readonly p: number;
}

/** N = 2^15, r = 8, p = 1: about 32 MiB and tens of milliseconds per hash, OWASP's scrypt recommendation. */
export const DEFAULT_PARAMETERS: ScryptParameters = { ln: 15, r: 8, p: 1 };

const KEY_LENGTH = 32;
const SALT_LENGTH = 16;
/** Ceilings on what a stored hash may ask for, so a tampered row cannot make verification exhaust the server. */
const MAX_LN = 20;
const MAX_R = 32;
const MAX_P = 16;

/** Passwords people choose (`accord user add`): long enough to resist guessing; bounded so hashing stays cheap. */
export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;

function derive(password: string, salt: Buffer, parameters: ScryptParameters): Promise<Buffer> {
  const N = 2 ** parameters.ln;
  const options: ScryptOptions = {
    N,
    r: parameters.r,
    p: parameters.p,
    // scrypt needs 128·N·r bytes; node's default ceiling (32 MiB) is exactly the default's need, so leave room.
    maxmem: 256 * N * parameters.r,
  };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, KEY_LENGTH, options, (error, key) => {
      if (error === null) resolve(key);
      else reject(error);
    });
  });
}

export async function hashPassword(
  password: string,
  parameters: ScryptParameters = DEFAULT_PARAMETERS,
): Promise<string> {
  const salt = randomBytes(SALT_LENGTH);
  const key = await derive(password, salt, parameters);
  return `$scrypt$ln=${parameters.ln},r=${parameters.r},p=${parameters.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

interface ParsedHash {
  readonly parameters: ScryptParameters;
  readonly salt: Buffer;
  readonly key: Buffer;
}

function parseHash(stored: string): ParsedHash | undefined {
  const match = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9_-]+)\$([A-Za-z0-9_-]+)$/.exec(
    stored,
  );
  if (match === null) return undefined;
  const [, ln, r, p, salt, key] = match;
  const parameters = { ln: Number(ln), r: Number(r), p: Number(p) };
  if (parameters.ln < 1 || parameters.ln > MAX_LN || parameters.r < 1 || parameters.r > MAX_R)
    return undefined;
  if (parameters.p < 1 || parameters.p > MAX_P) return undefined;
  const saltBytes = Buffer.from(salt ?? '', 'base64url');
  const keyBytes = Buffer.from(key ?? '', 'base64url');
  if (saltBytes.length < 8 || keyBytes.length < 16) return undefined;
  return { parameters, salt: saltBytes, key: keyBytes };
}

/** True when `password` matches `stored`. A malformed stored hash never matches (and does not throw). */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parseHash(stored);
  if (parsed === undefined) return false;
  const key = await derive(password, parsed.salt, parsed.parameters);
  return key.length === parsed.key.length && timingSafeEqual(key, parsed.key);
}

/**
 * True when `stored` was made with weaker parameters than `parameters`, so it should be replaced (`attemptSignIn`
 * does so on a successful sign-in, the one time the password is at hand).
 */
export function needsRehash(stored: string, parameters: ScryptParameters = DEFAULT_PARAMETERS): boolean {
  const parsed = parseHash(stored);
  return (
    parsed === undefined ||
    parsed.parameters.ln < parameters.ln ||
    parsed.parameters.r < parameters.r ||
    parsed.parameters.p < parameters.p
  );
}

/** A hash no password matches, verified against when a username is unknown so that takes as long as a real one. */
let decoy: Promise<string> | undefined;
export function decoyHash(): Promise<string> {
  decoy ??= hashPassword(randomBytes(32).toString('base64url'));
  return decoy;
}

/**
 * A password's length as a person counts characters: in code points, so an accented letter or an emoji is one (not
 * the two UTF-16 units of `String.length`). The one measure for both choosing a password and signing in with it.
 */
const passwordLength = (password: string): number => Array.from(password).length;

/** True when a password is longer than `passwordProblem` accepts (so no stored hash can be of it). */
export function passwordTooLong(password: string): boolean {
  // A code point is one or two UTF-16 units, so beyond twice the maximum the answer is known without splitting what
  // may be a very long string.
  return password.length > 2 * PASSWORD_MAX_LENGTH || passwordLength(password) > PASSWORD_MAX_LENGTH;
}

/** Checks a password someone chose; undefined when it is acceptable, else what is wrong. */
export function passwordProblem(password: string): string | undefined {
  if (passwordLength(password) < PASSWORD_MIN_LENGTH) {
    return `must be at least ${PASSWORD_MIN_LENGTH} characters long`;
  }
  if (passwordTooLong(password)) return `must be at most ${PASSWORD_MAX_LENGTH} characters long`;
  if (password.trim() !== password) return 'must not start or end with spaces';
  return undefined;
}
