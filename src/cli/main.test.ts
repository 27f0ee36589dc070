import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { defaultPartnershipDir, packageRoot } from '../core/paths.js';
import { EXIT, main } from './main.js';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    out.push(String(chunk));
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    err.push(String(chunk));
    return true;
  });
  return { out: () => out.join(''), err: () => err.join('') };
}

describe('accord CLI', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('lists its commands and environment variables on --help', async () => {
    const io = capture();
    expect(await main(['--help'])).toBe(EXIT.ok);
    expect(io.out()).toMatch(/serve[\s\S]*demo[\s\S]*partnership validate/);
    expect(io.out()).toMatch(/DATABASE_URL/);
  });

  it('gives every command its own --help', async () => {
    for (const command of [['serve'], ['demo'], ['migrate'], ['partnership', 'validate']]) {
      const io = capture();
      expect(await main([...command, '--help'])).toBe(EXIT.ok);
      expect(io.out()).toMatch(/^Usage: accord /);
      vi.restoreAllMocks();
    }
  });

  it('lists a group of commands (accord token --help), and exits 2 for the bare group name', async () => {
    const io = capture();
    expect(await main(['token', '--help'])).toBe(EXIT.ok);
    expect(io.out()).toMatch(/accord token create[\s\S]*accord token revoke/);
    expect(await main(['partnership'])).toBe(EXIT.usage);
    expect(io.err()).toMatch(/accord partnership validate/);
  });

  it('exits 2 on an unknown command, an unknown option or a missing argument', async () => {
    capture();
    expect(await main(['frobnicate'])).toBe(EXIT.usage);
    expect(await main(['serve', '--no-such-option'])).toBe(EXIT.usage);
    expect(await main(['partnership', 'validate'])).toBe(EXIT.usage);
  });

  it('validates the default partnership', async () => {
    const io = capture();
    expect(await main(['partnership', 'validate', defaultPartnershipDir])).toBe(EXIT.ok);
    expect(io.out()).toMatch(/valid — West Yorkshire and Harrogate/);
  });

  it('reports every problem of a broken partnership as file: line: path: message and exits 1', async () => {
    const io = capture();
    const dir = join(packageRoot, 'test', 'fixtures', 'partnerships', 'broken');
    expect(await main(['partnership', 'validate', dir])).toBe(EXIT.failed);
    const lines = io.err().trim().split('\n');
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^bodies\.yaml: line \d+: bodies\[0\]\.members\[3\]\.organisation: unknown organisation/,
      ),
    );
    // The routing data's faults too: a financial limit that is not whole pence, a decision body's impossible date.
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^delegations\.yaml: line 13: delegations\[0\]\.financialLimit\.value: must be an amount in whole pence/,
      ),
    );
    expect(lines).toContainEqual(
      expect.stringMatching(/^places\.yaml: line \d+: places\[1\]\.decisionBodies\[0\]\.from: is not a real/),
    );
    expect(lines.at(-1)).toMatch(/^8 problem\(s\) in /);
  });

  it('names the variable when the environment is wrong, before touching any store', async () => {
    const io = capture();
    vi.stubEnv('PORT', 'eighty');
    vi.stubEnv('DATABASE_URL', 'mysql://nope');
    expect(await main(['serve'])).toBe(EXIT.failed);
    expect(io.err()).toMatch(/PORT: 'eighty' is not a port number/);
    expect(io.err()).toMatch(/DATABASE_URL: must be a connection string like postgresql:/);
    vi.unstubAllEnvs();
  });

  it('generates residents, and names the problem when the scale is wrong', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'accord-cli-generate-')), 'out');
    let io = capture();
    expect(await main(['generate', '--out', out])).toBe(EXIT.usage);
    expect(io.err()).toMatch(/--scale and --out are required/);
    vi.restoreAllMocks();
    io = capture();
    expect(await main(['generate', '--scale', 'lots', '--out', out])).toBe(EXIT.failed);
    expect(io.err()).toMatch(/scale must be a number above 0/);
    vi.restoreAllMocks();
    io = capture();
    expect(await main(['generate', '--scale', '0.001', '--seed', '5', '--out', out, '--report'])).toBe(
      EXIT.ok,
    );
    expect(io.out()).toMatch(
      /2,564 residents \([\d,]+ people in 2015-2025\), [\d,]+ events and [\d,]+ yearly counts of routine contacts, in 1 chunk\(s\)/,
    );
    expect(io.out()).toMatch(/^place\s+leeds\s+\d+\.\d\d%\s+\d+\.\d\d%\s+[+-]\d+\.\d\d points$/m);
    expect(io.out()).toMatch(/^prevalence type-2-diabetes \(DM\)\s+leeds\s+\d+\.\d\d%/m);
    expect(io.out()).toMatch(/^life expectancy gap, female\s+quintile 5 - quintile 1\s+\d+\.\d y/m);
    rmSync(out, { recursive: true, force: true });
  });
});
