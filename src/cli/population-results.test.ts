/**
 * The build's allocations file for fair shares: read whole when it exists; a missing one named, so the build stops
 * saying which file, before anything is saved.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readAllocationsFile } from './population-results.js';

describe('the allocations file', () => {
  it('is read whole, and a missing one is named', () => {
    const dir = mkdtempSync(join(tmpdir(), 'accord-allocations-'));
    const file = join(dir, 'allocations.csv');
    writeFileSync(file, 'place,allocation_pounds\nleeds,1000\n');
    expect(readAllocationsFile(file)).toEqual({
      ok: true,
      value: { text: 'place,allocation_pounds\nleeds,1000\n', file },
    });
    const missing = readAllocationsFile(join(dir, 'nope.csv'));
    expect(missing.ok).toBe(false);
    if (!missing.ok)
      expect(missing.error).toBe(`the allocations file ${join(dir, 'nope.csv')} does not exist`);
  });
});
