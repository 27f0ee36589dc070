import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scratchFolders } from '../../test/support/scratch.js';
import { partnershipsDir } from '../core/paths.js';
import { isTestRangeNhsNumber, isValidNhsNumber } from '../identity/nhs-number.js';
import { loadCalibration } from './calibration.js';
import { parseCsv } from './csv.js';
import { generateResidents, type GenerateOptions } from './generate.js';

const newFolder = scratchFolders('accord-generate-');
const calibration = (() => {
  const result = loadCalibration(join(partnershipsDir, 'west-yorkshire-and-harrogate', 'calibration'));
  if (!result.ok) throw new Error('the WY&H calibration does not load');
  return result.value;
})();

const options = (outDir: string, extra: Partial<GenerateOptions> = {}): GenerateOptions => ({
  calibration,
  partnershipId: 'west-yorkshire-and-harrogate',
  scale: 0.002,
  seed: 7,
  outDir,
  chunkSize: 2_000,
  ...extra,
});

const files = (dir: string) =>
  Object.fromEntries(
    readdirSync(dir)
      .sort()
      .map((name) => [name, readFileSync(join(dir, name), 'utf8')]),
  );

describe('generateResidents', () => {
  it('writes the residents of the scale asked for, in chunks, each with a valid test-range NHS number', () => {
    const dir = newFolder();
    const report = generateResidents(options(dir));
    expect(report).toEqual({ ok: true, value: { residents: 5128, chunks: 3, reused: 0 } });
    expect(readdirSync(dir).sort()).toEqual([
      'manifest.json',
      'residents-00000.csv',
      'residents-00001.csv',
      'residents-00002.csv',
    ]);
    const rows = readdirSync(dir)
      .filter((name) => name.endsWith('.csv'))
      .flatMap((name) => {
        const parsed = parseCsv(readFileSync(join(dir, name), 'utf8'));
        if (!parsed.ok) throw new Error(name);
        return parsed.value.slice(1).map((record) => record.fields);
      });
    expect(rows).toHaveLength(5128);
    const numbers = rows.map((row) => row[1]!);
    expect(new Set(numbers).size).toBe(numbers.length);
    for (const number of numbers) expect(isValidNhsNumber(number) && isTestRangeNhsNumber(number)).toBe(true);
    for (const row of rows) expect(row[3]).toMatch(/^(19[2-9]\d|20[0-2]\d)-\d{2}-\d{2}$/);
  });

  it('is byte-identical for the same seed and scale, and different for another seed', () => {
    const a = newFolder();
    const b = newFolder();
    const c = newFolder();
    generateResidents(options(a));
    generateResidents(options(b));
    generateResidents(options(c, { seed: 8 }));
    expect(files(a)).toEqual(files(b));
    expect(files(a)['residents-00000.csv']).not.toEqual(files(c)['residents-00000.csv']);
  });

  it('resumes after an interruption: whole chunks are kept, the missing one is written again identically', () => {
    const dir = newFolder();
    generateResidents(options(dir));
    const before = files(dir);
    rmSync(join(dir, 'residents-00001.csv'));
    writeFileSync(join(dir, 'residents-00002.csv.partial'), 'half a chunk');
    const report = generateResidents(options(dir));
    expect(report).toEqual({ ok: true, value: { residents: 5128, chunks: 3, reused: 2 } });
    rmSync(join(dir, 'residents-00002.csv.partial'));
    expect(files(dir)).toEqual(before);
  });

  it('refuses a folder holding other files (unless forced), and writes nothing there', () => {
    const dir = newFolder();
    writeFileSync(join(dir, 'thesis.docx'), 'years of work');
    const refused = generateResidents(options(dir));
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.error.title).toMatch(/already holds files; nothing was written/);
    expect(readdirSync(dir)).toEqual(['thesis.docx']);
    expect(generateResidents(options(dir, { force: true })).ok).toBe(true);
    expect(readFileSync(join(dir, 'thesis.docx'), 'utf8')).toBe('years of work');
  });

  it('refuses a scale of 0 or less, and one needing more NHS numbers than the test range holds', () => {
    for (const scale of [0, -1, Number.NaN]) {
      const result = generateResidents(options(newFolder(), { scale }));
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error.title).toMatch(/scale must be a number above 0/);
    }
    const dir = newFolder();
    const tooMany = generateResidents(options(dir, { scale: 1 }));
    expect(tooMany.ok).toBe(false);
    if (!tooMany.ok) {
      expect(tooMany.error.title).toMatch(/2,564,118 residents, more than the 909,091 valid NHS numbers/);
      expect(tooMany.error.fix).toMatch(/at most 0\.35/);
    }
    expect(existsSync(join(dir, 'manifest.json'))).toBe(false);
  });
});
