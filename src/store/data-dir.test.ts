import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ProblemError } from '../core/problem.js';
import { acquireLock, resetDataDir } from './data-dir.js';
import { scratchFolders } from '../../test/support/scratch.js';

const newScratch = scratchFolders('accord-datadir-');
const scratch = () => newScratch();

describe('the data directory lock', () => {
  it('is taken by one holder at a time, and taken over from a holder that died', () => {
    const dir = scratch();
    const first = acquireLock(dir);
    expect(() => acquireLock(dir)).toThrow(ProblemError);
    first.release();
    const second = acquireLock(dir);
    second.release();
    writeFileSync(join(dir, 'accord.pid'), '999999999\n'); // no such process
    const third = acquireLock(dir);
    third.release();
    expect(existsSync(join(dir, 'accord.pid'))).toBe(false);
  });
});

describe('resetDataDir (accord demo --reset)', () => {
  it('refuses a folder that is not an Accord data directory, deleting nothing', () => {
    const dir = scratch();
    writeFileSync(join(dir, 'thesis.docx'), 'years of work');
    const result = resetDataDir(dir);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.title).toMatch(/not an Accord data directory/);
    expect(readdirSync(dir)).toEqual(['thesis.docx']);
  });

  it("deletes only Accord's own entries", () => {
    const dir = scratch();
    mkdirSync(join(dir, 'pg'));
    writeFileSync(join(dir, 'pg', 'PG_VERSION'), '17\n');
    writeFileSync(join(dir, 'accord.json'), '{"format":1}');
    writeFileSync(join(dir, 'postgres.log'), '');
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    expect(resetDataDir(dir).ok).toBe(true);
    expect(readdirSync(dir)).toEqual(['notes.txt']);
  });

  it('refuses while another Accord holds the directory', () => {
    const dir = scratch();
    writeFileSync(join(dir, 'accord.json'), '{"format":1}');
    writeFileSync(join(dir, 'accord.pid'), '1\n'); // PID 1 is always alive
    expect(resetDataDir(dir).ok).toBe(false);
    expect(existsSync(join(dir, 'accord.json'))).toBe(true);
  });
});
