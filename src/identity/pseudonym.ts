/**
 * @module identity/pseudonym
 * Pseudonyms for secondary use: the person id of the master patient index put through HMAC-SHA-256 with a secret key,
 * so the analytic store can join one person's events across partners without holding anything that identifies
 * them, and nobody holding only the store can turn a pseudonym back into a person or compute one from an id.
 *
 * The key is kept outside the analytic store — in a file readable only by Accord's own user, or a secrets manager
 * that writes one — never in the database or next to the analytic files. Each key has a public key id (a hash of the
 * key under a fixed label) that the store records with its pseudonyms: a store built with another key is then
 * recognised instead of silently failing to join.
 *
 * Pseudonyms follow the person id, so when two persons are merged the absorbed person's pseudonym must be re-keyed
 * to the survivor's by whoever consumes them: the analytic store keys events by record (`recordKeyOf`) and maps each
 * record to its person's pseudonym afresh at every build, from the index's current records.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { closeSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { err, ok, type Result } from '../core/result.js';

/** 256 bits: HMAC-SHA-256's own block of security; shorter keys are refused. */
export const KEY_BYTES = 32;

export interface PseudonymKey {
  readonly id: string;
  readonly secret: Buffer;
}

const keyOf = (secret: Buffer): PseudonymKey => ({
  id: createHash('sha256').update('accord pseudonym key id\n').update(secret).digest('hex').slice(0, 16),
  secret,
});

/** A key from its text form: hexadecimal, at least 64 digits (32 bytes), surrounding white space ignored. */
export function parsePseudonymKey(text: string): Result<PseudonymKey, string> {
  const hex = text.trim();
  if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length % 2 !== 0) {
    return err('the pseudonym key must be hexadecimal digits only (as `accord identity key` writes it)');
  }
  if (hex.length < KEY_BYTES * 2) {
    return err(
      `the pseudonym key is ${hex.length / 2} bytes; it must be at least ${KEY_BYTES} (64 hex digits)`,
    );
  }
  return ok(keyOf(Buffer.from(hex, 'hex')));
}

/**
 * Reads the key file, refusing one that other users could read: a pseudonymisation key anyone on the machine can copy
 * protects nothing.
 */
export function readPseudonymKey(file: string): Result<PseudonymKey, string> {
  let text: string;
  try {
    const mode = statSync(file).mode;
    if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
      return err(`the pseudonym key file ${file} can be read by other users; run \`chmod 600 ${file}\``);
    }
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    return err(
      `cannot read the pseudonym key file ${file} (${code}); create one with \`accord identity key ${file}\``,
    );
  }
  const key = parsePseudonymKey(text);
  return key.ok ? key : err(`${file}: ${key.error}`);
}

/** Writes a new random key to a file only its owner can read; refuses to overwrite one (that would orphan a store). */
export function createPseudonymKeyFile(file: string): Result<PseudonymKey, string> {
  const secret = randomBytes(KEY_BYTES);
  let fd: number;
  try {
    fd = openSync(file, 'wx', 0o600);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return err(
      code === 'EEXIST'
        ? `${file} already exists: a key is never replaced in place, because pseudonyms made with it would no longer join`
        : `cannot create ${file} (${code ?? 'error'})`,
    );
  }
  try {
    writeSync(fd, `${secret.toString('hex')}\n`);
  } finally {
    closeSync(fd);
  }
  return ok(keyOf(secret));
}

/** The person's pseudonym: 128 bits of HMAC-SHA-256(key, person id), as 32 hex digits. */
export function pseudonymOf(key: PseudonymKey, personId: string): string {
  return createHmac('sha256', key.secret).update(personId).digest('hex').slice(0, 32);
}

/**
 * The key of one partner's record of a person (its organisation and the partner's own id for the Patient): the
 * analytic store holds its events under this key and maps the key to the person's pseudonym at each build, so a
 * merge or an unmerge in the master patient index moves the events without re-reading the feeds. A different
 * message domain from `pseudonymOf`, so a record key can never equal a person's pseudonym.
 */
export function recordKeyOf(key: PseudonymKey, organisation: string, localId: string): string {
  return createHmac('sha256', key.secret)
    .update(`record\n${organisation}\n${localId}`)
    .digest('hex')
    .slice(0, 32);
}

const BLOCK_BYTES = 64;

/**
 * HMAC-SHA-256 as a SQL expression (DuckDB: `sha256` of a BLOB, `unhex`, `encode`), over a VARCHAR expression, as
 * 64 hex digits: H((K ⊕ opad) ‖ H((K ⊕ ipad) ‖ m)) (RFC 2104). It lets the analytic ingest key millions of rows
 * inside DuckDB's vectorised engine instead of one call at a time in JavaScript; the key's padded forms are in the
 * query text, which lives only in this process's memory.
 */
function hmacSql(key: PseudonymKey, message: string): string {
  // Keys longer than a block are hashed first (RFC 2104); ours are 32 bytes, but a longer one must still agree.
  const secret =
    key.secret.length > BLOCK_BYTES ? createHash('sha256').update(key.secret).digest() : key.secret;
  const inner = Buffer.alloc(BLOCK_BYTES, 0x36);
  const outer = Buffer.alloc(BLOCK_BYTES, 0x5c);
  for (let i = 0; i < secret.length; i++) {
    inner[i] = (inner[i] ?? 0) ^ (secret[i] ?? 0);
    outer[i] = (outer[i] ?? 0) ^ (secret[i] ?? 0);
  }
  return (
    `sha256(unhex('${outer.toString('hex')}') || ` +
    `unhex(sha256(unhex('${inner.toString('hex')}') || encode(${message}))))`
  );
}

/** `pseudonymOf` as a DuckDB SQL expression over a VARCHAR expression holding the person id. */
export const pseudonymSql = (key: PseudonymKey, personId: string): string =>
  `left(${hmacSql(key, personId)}, 32)`;

/** `recordKeyOf` as a DuckDB SQL expression over VARCHAR expressions for the organisation and the local id. */
export const recordKeySql = (key: PseudonymKey, organisation: string, localId: string): string =>
  `left(${hmacSql(key, `'record' || chr(10) || ${organisation} || chr(10) || ${localId}`)}, 32)`;
