import { createHash } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createPseudonymKeyFile, parsePseudonymKey, pseudonymOf, readPseudonymKey } from './pseudonym.js';

const dir = mkdtempSync(join(tmpdir(), 'accord-pseudonym-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const KEY = 'a3'.repeat(32);
const person = '5b0e8a52-3a3e-4d1f-9d2e-1c7a2f4b9e10';

describe('pseudonyms', () => {
  it('are the keyed hash of the person id: stable for one key, different under another, and not the plain hash', () => {
    const key = parsePseudonymKey(KEY);
    const other = parsePseudonymKey('5c'.repeat(32));
    if (!key.ok || !other.ok) throw new Error('keys should parse');
    const pseudonym = pseudonymOf(key.value, person);
    expect(pseudonym).toMatch(/^[0-9a-f]{32}$/);
    expect(pseudonymOf(key.value, person)).toBe(pseudonym);
    expect(pseudonymOf(other.value, person)).not.toBe(pseudonym);
    expect(pseudonymOf(key.value, `${person.slice(0, -1)}1`)).not.toBe(pseudonym);
    // RFC 4231-style check that this is HMAC, not SHA-256 of key and id run together.
    expect(pseudonym).not.toBe(
      createHashHex(Buffer.concat([Buffer.from(KEY, 'hex'), Buffer.from(person)])).slice(0, 32),
    );
    expect(key.value.id).toMatch(/^[0-9a-f]{16}$/);
    expect(key.value.id).not.toBe(other.value.id);
  });

  it('refuse a short or malformed key with a message saying what a key must be', () => {
    expect(parsePseudonymKey('ab'.repeat(16))).toEqual({
      ok: false,
      error: 'the pseudonym key is 16 bytes; it must be at least 32 (64 hex digits)',
    });
    expect(parsePseudonymKey('not a key').ok).toBe(false);
  });

  it('keep the key in a file only its owner can read, never overwritten, and refuse one others can read', () => {
    const file = join(dir, 'pseudonym.key');
    const created = createPseudonymKeyFile(file);
    expect(created.ok).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).toMatch(/^[0-9a-f]{64}\n$/);
    const read = readPseudonymKey(file);
    expect(read.ok && created.ok && read.value.id === created.value.id).toBe(true);
    expect(createPseudonymKeyFile(file)).toMatchObject({
      ok: false,
      error: expect.stringMatching(/already exists/),
    });

    const loose = join(dir, 'loose.key');
    writeFileSync(loose, KEY);
    chmodSync(loose, 0o644);
    expect(readPseudonymKey(loose)).toMatchObject({ ok: false, error: expect.stringMatching(/chmod 600/) });
    expect(readPseudonymKey(join(dir, 'missing.key'))).toMatchObject({
      ok: false,
      error: expect.stringMatching(/ENOENT/),
    });
  });
});

function createHashHex(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}
