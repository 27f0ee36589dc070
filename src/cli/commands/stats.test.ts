import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EXIT, main } from '../main.js';
import { readStatsOptions, runStats } from './stats.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'accord-stats-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
  vi.restoreAllMocks();
});

function write(name: string, lines: readonly string[]): string {
  const file = join(dir, name);
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

function io() {
  const out: string[] = [];
  const fail: string[] = [];
  return {
    io: { out: (line: string) => out.push(line), fail: (line: string) => fail.push(line) },
    out: () => out.join('\n'),
    fail: () => fail.join('\n'),
  };
}

describe('accord stats', () => {
  it('writes Wilson intervals to stdout (Newcombe 1998: 15/148 → 0.0624 to 0.1605)', async () => {
    const input = write('p.csv', ['group,numerator,denominator', 'a,15,148']);
    const t = io();
    expect(await runStats('proportion', { input }, t.io)).toBe(EXIT.ok);
    expect(t.out()).toBe(
      'group,numerator,denominator,value,lower,upper,level,method\na,15,148,0.101351,0.062386,0.160487,95,Wilson score',
    );
  });

  it('writes --output, at 99.8% when asked', async () => {
    const input = write('r.csv', ['events,denominator', '65,50000']);
    const output = join(dir, 'out.csv');
    const t = io();
    expect(await runStats('rate', { input, output, level: '99.8' }, t.io)).toBe(EXIT.ok);
    // Byar's limits of 65 at 99.8% (42.880261, 94.000291) per 100,000 of 50,000.
    expect(readFileSync(output, 'utf8')).toBe(
      'events,denominator,value,lower,upper,level,per,method\n65,50000,130,85.760523,188.000582,99.8,100000,Byar\n',
    );
    expect(t.out()).toContain('1 row(s) written to');
  });

  it('reports bad rows with their lines, writes nothing and exits 1', async () => {
    const input = write('bad.csv', ['age_band,deaths,population', '<1,3,100', '1-4,-3,100', '5-9,300,100']);
    const output = join(dir, 'out.csv');
    const t = io();
    expect(await runStats('life-expectancy', { input, output }, t.io)).toBe(EXIT.failed);
    expect(existsSync(output)).toBe(false);
    expect(t.fail()).toContain(`${input}: line 3: deaths is negative (-3); counts must be whole numbers ≥ 0`);
    expect(t.fail()).toContain(`${input}: line 4: deaths (300) are more than the population (100)`);
    expect(t.fail()).toContain('the file has no row for age bands 10-14');
    expect(t.fail()).toContain('nothing was written');
  });

  it('names missing columns', async () => {
    const input = write('dsr.csv', ['band,events', '0-4,3']);
    const t = io();
    expect(await runStats('dsr', { input }, t.io)).toBe(EXIT.failed);
    expect(t.fail()).toContain('line 1: missing columns: age_band, population (the header has band, events)');
  });

  it('exits 2 on a wrong command line and 1 on an unreadable file', async () => {
    const t = io();
    expect(await runStats('dsr', {}, t.io)).toBe(EXIT.usage);
    expect(await runStats('dsr', { input: 'x.csv', level: '90' }, t.io)).toBe(EXIT.usage);
    expect(await runStats('dsr', { input: join(dir, 'absent.csv') }, t.io)).toBe(EXIT.failed);
    expect(t.fail()).toContain('--level must be 95 or 99.8');
    expect(t.fail()).toContain('cannot read');
  });

  it('checks its options', () => {
    expect(readStatsOptions({ level: '99.8', per: '1000', seed: '3', repetitions: '500' })).toEqual({
      level: 99.8,
      per: 1000,
      seed: 3,
      repetitions: 500,
    });
    expect(readStatsOptions({ per: '0' })).toMatch(/--per/);
    expect(readStatsOptions({ seed: '1.5' })).toMatch(/--seed/);
    expect(readStatsOptions({ repetitions: '10' })).toMatch(/--repetitions/);
  });

  it('is registered in accord: each method has --help listing its columns', async () => {
    const written: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      written.push(String(chunk));
      return true;
    });
    expect(await main(['stats', 'dsr', '--help'])).toBe(EXIT.ok);
    expect(written.join('')).toContain('age_band');
    expect(written.join('')).toContain('90+');
    written.length = 0;
    expect(await main(['stats', '--help'])).toBe(EXIT.ok);
    for (const method of ['dsr', 'proportion', 'rate', 'isr', 'sii', 'life-expectancy']) {
      expect(written.join('')).toContain(`accord stats ${method}`);
    }
  });

  it('runs through accord main with an ISR per group', async () => {
    const input = write('isr.csv', [
      'group,age_band,events,population,reference_events,reference_population',
      'x,young,3,1000,50,100000',
      'x,old,12,2000,300,100000',
    ]);
    const written: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      written.push(String(chunk));
      return true;
    });
    expect(await main(['stats', 'isr', '--input', input])).toBe(EXIT.ok);
    // The hand computation of isr.test.ts: 15 observed, 6.5 expected, 2.307692 (1.290656 to 3.806405).
    expect(written.join('')).toContain(
      'x,15,6.5,2.307692,1.290656,3.806405,95,Byar limits on the observed count',
    );
  });
});
