/**
 * `accord audit verify`: what it prints and its exit codes, on an intact chain, a tampered one, and a chain whose
 * last entry was removed (caught only against the head printed before); and through `accord` itself.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { connectionUrl, createTestDatabase, type TestDatabase } from '../../../test/support/db.js';
import { AuditLog } from '../../access/audit/index.js';
import { readEntry } from '../../access/audit/test-entries.js';
import { readConfig, type Config } from '../../core/config.js';
import type { Database } from '../../store/database.js';
import { EXIT, main } from '../main.js';
import { parseHead, runAuditVerify } from './audit.js';

let test: TestDatabase;
beforeAll(async () => {
  test = await createTestDatabase();
});
afterAll(async () => {
  await test.drop();
});

async function tamper(sql: string) {
  await test.db.transaction(async (tx) => {
    await tx.query('ALTER TABLE audit_entry DISABLE TRIGGER USER');
    await tx.query(sql);
    await tx.query('ALTER TABLE audit_entry ENABLE TRIGGER USER');
  });
}

beforeEach(async () => {
  await tamper('TRUNCATE audit_entry');
  const log = new AuditLog(test.db);
  await Promise.all(Array.from({ length: 6 }, (_, i) => log.record(readEntry({ resourceId: `obs-${i}` }))));
  await log.close();
});
afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

function config(env: Record<string, string> = {}): Config {
  const read = readConfig({ ...env });
  if (!read.ok) throw new Error('bad test configuration');
  return read.value;
}

/** Runs the command on the test database, capturing its lines and the directory it would have opened. */
async function verify(values: Record<string, unknown>, env: Record<string, string> = {}) {
  const out: string[] = [];
  const fail: string[] = [];
  const opened: string[] = [];
  const code = await runAuditVerify(
    values,
    config(env),
    { out: (line) => out.push(line), fail: (line) => fail.push(line) },
    (target: Config, work: (db: Database) => Promise<number>) => {
      opened.push(target.dataDir);
      return work(test.db);
    },
  );
  return { code, out, fail, opened };
}

describe('accord audit verify', () => {
  it('says an intact chain is intact, with the count and the head, and exits 0', async () => {
    const run = await verify({});
    expect(run.code).toBe(EXIT.ok);
    expect(run.out[0]).toBe('checked 6 audit entries');
    expect(run.out[1]).toMatch(/^head 6:[0-9a-f]{64}$/);
    expect(run.out[2]).toBe('the audit chain is intact');
    expect(run.fail).toEqual([]);
  });

  it('names the seq of each problem and exits 1', async () => {
    await tamper("UPDATE audit_entry SET purpose = 'nosiness' WHERE seq = 2");
    await tamper('DELETE FROM audit_entry WHERE seq = 4');
    const run = await verify({});
    expect(run.code).toBe(EXIT.failed);
    expect(run.out[0]).toBe('checked 5 audit entries');
    expect(run.fail).toEqual([
      'entry 2: altered — its hash does not match its content',
      'entry 4: missing — deleted',
      'accord audit verify: the audit chain is NOT intact: 2 problem(s)',
    ]);
    expect(run.out).not.toContain('the audit chain is intact');
  });

  it('catches a removed last entry against the head it printed before', async () => {
    const before = await verify({});
    const head = (before.out[1] ?? '').replace(/^head /, '');
    expect((await verify({ 'expect-head': head })).out.at(-1)).toBe(
      'the audit chain is intact, and holds the expected head 6',
    );
    await tamper('DELETE FROM audit_entry WHERE seq = 6');
    expect((await verify({})).code).toBe(EXIT.ok);
    const run = await verify({ 'expect-head': head });
    expect(run.code).toBe(EXIT.failed);
    expect(run.fail[0]).toBe('entry 6: missing — the anchored head is gone (entries removed from the end)');
  });

  it('exits 2 for a malformed --expect-head, or --data-dir with DATABASE_URL set', async () => {
    const bad = await verify({ 'expect-head': '6:abc' });
    expect(bad.code).toBe(EXIT.usage);
    expect(bad.fail[0]).toMatch(/--expect-head must be <seq>:<64 hexadecimal digits>/);
    expect(bad.opened).toEqual([]);
    const both = await verify({ 'data-dir': '/tmp/x' }, { DATABASE_URL: 'postgresql://localhost/accord' });
    expect(both.code).toBe(EXIT.usage);
    expect(both.opened).toEqual([]);
  });

  it('opens the data directory named by --data-dir, resolved, instead of ACCORD_DATA_DIR', async () => {
    const run = await verify({ 'data-dir': '/srv/accord/../accord-data' }, { ACCORD_DATA_DIR: '/elsewhere' });
    expect(run.opened).toEqual(['/srv/accord-data']);
  });

  it('parses the head it prints', () => {
    const hash = 'ab'.repeat(32);
    const parsed = parseHead(` 12:${hash.toUpperCase()} `);
    expect(parsed.ok && parsed.value.seq).toBe(12);
    expect(parsed.ok && parsed.value.hash.toString('hex')).toBe(hash);
    expect(parseHead('12').ok).toBe(false);
  });

  it('runs as `accord audit verify` on the store in DATABASE_URL', async () => {
    const out: string[] = [];
    const err: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => out.push(String(chunk)) > 0);
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => err.push(String(chunk)) > 0);
    vi.stubEnv('DATABASE_URL', connectionUrl(test.target));
    expect(await main(['audit', 'verify'])).toBe(EXIT.ok);
    expect(out.join('')).toMatch(/checked 6 audit entries\nhead 6:[0-9a-f]{64}\nthe audit chain is intact\n/);
    await tamper('DELETE FROM audit_entry WHERE seq = 3');
    expect(await main(['audit', 'verify'])).toBe(EXIT.failed);
    expect(err.join('')).toMatch(/entry 3: missing — deleted/);
    expect(await main(['audit', 'verify', '--expect-head', 'nonsense'])).toBe(EXIT.usage);
    expect(await main(['audit', 'verify', '--no-such-option'])).toBe(EXIT.usage);
    expect(await main(['audit', 'verify', '--help'])).toBe(EXIT.ok);
    expect(out.join('')).toMatch(/Usage: accord audit verify/);
  });
});
