import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scratchFolders } from '../../test/support/scratch.js';
import { partnershipsDir } from '../core/paths.js';
import { loadCalibration } from './calibration.js';
import { fidelityReport, formatFidelity, type GeneratedResident } from './fidelity.js';
import { generateResidents, readGeneratedResidents } from './generate.js';

const newFolder = scratchFolders('accord-fidelity-');
const calibration = (() => {
  const result = loadCalibration(join(partnershipsDir, 'west-yorkshire-and-harrogate', 'calibration'));
  if (!result.ok) throw new Error('the WY&H calibration does not load');
  return result.value;
})();

describe('the fidelity report', () => {
  it('finds a generated population (scale 0.01, 25,641 residents) within stated tolerances of its targets', () => {
    const dir = newFolder();
    const generated = generateResidents({
      calibration,
      partnershipId: 'west-yorkshire-and-harrogate',
      scale: 0.01,
      seed: 2026,
      outDir: dir,
    });
    expect(generated.ok).toBe(true);
    const rows = fidelityReport(calibration, readGeneratedResidents(dir));
    expect(rows.filter((r) => r.measure === 'place')).toHaveLength(6);
    // Tolerances: about three standard errors of a share at this size (≤ 0.3 points), rounded up.
    for (const row of rows) {
      const tolerance = row.measure === 'female share by age band' ? 2 : 1;
      expect(Math.abs(row.difference), `${row.measure} ${row.group}`).toBeLessThan(tolerance);
    }
    expect(formatFidelity(rows)).toMatch(/^measure\s+group\s+target\s+generated\s+difference\n/);
  });

  it('shows a population that does not match its targets', () => {
    const everyoneInOnePlace: GeneratedResident[] = Array.from({ length: 1000 }, () => ({
      place: 'leeds',
      imdDecile: 1,
      age: 40,
      sex: 'female',
    }));
    const rows = fidelityReport(calibration, everyoneInOnePlace);
    const leeds = rows.find((r) => r.measure === 'place' && r.group === 'leeds')!;
    expect(leeds.generated).toBe(100);
    expect(leeds.difference).toBeGreaterThan(60);
    expect(rows.find((r) => r.measure === 'age band' && r.group === '16-64')!.generated).toBe(100);
  });
});
