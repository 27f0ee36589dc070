import { describe, expect, it } from 'vitest';
import { hashPassword, needsRehash, passwordProblem, passwordTooLong, verifyPassword } from './passwords.js';

describe('passwords', () => {
  it('never stores the plaintext, and verifies the right password only', async () => {
    const hash = await hashPassword('correct horse battery staple');
    expect(hash).not.toContain('correct horse');
    expect(hash).toMatch(/^\$scrypt\$ln=15,r=8,p=1\$[A-Za-z0-9_-]+\$[A-Za-z0-9_-]+$/);
    expect(await verifyPassword('correct horse battery staple', hash)).toBe(true);
    expect(await verifyPassword('correct horse battery stapl', hash)).toBe(false);
    expect(await verifyPassword('', hash)).toBe(false);
  });

  it('salts each hash, so one password gives different hashes', async () => {
    const [a, b] = await Promise.all([hashPassword('same password!'), hashPassword('same password!')]);
    expect(a).not.toBe(b);
  });

  it('carries its parameters, so hashes made with other ones still verify and can be flagged for rehash', async () => {
    const light = await hashPassword('a password here', { ln: 10, r: 8, p: 1 });
    expect(light.startsWith('$scrypt$ln=10,r=8,p=1$')).toBe(true);
    expect(await verifyPassword('a password here', light)).toBe(true);
    expect(needsRehash(light)).toBe(true);
    expect(needsRehash(await hashPassword('a password here'))).toBe(false);
  });

  it('treats a malformed or excessive stored hash as matching nothing, without throwing', async () => {
    expect(await verifyPassword('x', 'plaintext')).toBe(false);
    expect(await verifyPassword('x', '$scrypt$ln=40,r=8,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA')).toBe(false);
    expect(await verifyPassword('x', '$argon2id$v=19$m=65536,t=3,p=4$abc$def')).toBe(false);
  });

  it('checks passwords people choose', () => {
    expect(passwordProblem('short')).toMatch(/at least 12/);
    expect(passwordProblem(' padded password ')).toMatch(/spaces/);
    expect(passwordProblem('x'.repeat(300))).toMatch(/at most 256/);
    expect(passwordProblem('a long enough passphrase')).toBeUndefined();
  });

  it('counts length in code points, the same when choosing a password and when signing in with it', () => {
    const emoji = '🔐'; // two UTF-16 units, one character
    expect(passwordProblem(emoji.repeat(200))).toBeUndefined();
    expect(passwordTooLong(emoji.repeat(256))).toBe(false);
    expect(passwordTooLong(emoji.repeat(257))).toBe(true);
    expect(passwordProblem(emoji.repeat(257))).toMatch(/at most 256/);
    expect(passwordProblem(emoji.repeat(11))).toMatch(/at least 12/);
    expect(passwordTooLong('x'.repeat(100_000))).toBe(true);
  });
});
