import { describe, expect, it } from 'vitest';
import { scratchFolders } from '../../test/support/scratch.js';
import { defaultPartnershipDir } from '../core/paths.js';
import {
  abridgedLifeExpectancy,
  fidelityReport,
  formatFidelity,
  mortalityFidelity,
  type GeneratedResident,
} from './fidelity.js';
import { generatePopulation } from './generate.js';
import { readFidelity } from './truth-reader.js';
import { wyhCalibration } from '../../test/support/calibration.js';

const newFolder = scratchFolders('accord-fidelity-');
const calibration = wyhCalibration();

describe('the fidelity report', () => {
  it('finds a generated population (scale 0.01, 25,641 residents) within stated tolerances of its targets', async () => {
    const dir = newFolder();
    const generated = await generatePopulation({
      partnershipDir: defaultPartnershipDir,
      partnershipId: 'west-yorkshire-and-harrogate',
      scale: 0.01,
      seed: 2026,
      outDir: dir,
      workers: 2,
    });
    expect(generated.ok).toBe(true);
    const report = await readFidelity(dir, defaultPartnershipDir);
    if (!report.ok) throw new Error(report.error.title);
    const rows = report.value;
    expect(rows.filter((r) => r.measure === 'place')).toHaveLength(6);
    // Demography: about three standard errors of a share at this size (≤ 0.3 points), rounded up.
    const demographic = new Set(['place', 'imd quintile', 'age band', 'female share by age band']);
    for (const row of rows.filter((r) => demographic.has(r.measure))) {
      const tolerance = row.measure === 'female share by age band' ? 2 : 1;
      expect(Math.abs(row.difference), `${row.measure} ${row.group}`).toBeLessThan(tolerance);
    }
    // Prevalence by place: within four standard errors of the target for the place's residents (n ≈ 1,600–8,000).
    const residentsOf = new Map<string, number>();
    for (const row of calibration.ageStructure)
      residentsOf.set(row.place, (residentsOf.get(row.place) ?? 0) + row.total * 0.01);
    const prevalence = rows.filter((r) => r.measure.startsWith('prevalence ') && r.unit === '%');
    expect(prevalence.length).toBeGreaterThanOrEqual(6 * 12);
    for (const row of prevalence) {
      const p = row.target / 100;
      const n = residentsOf.get(row.group) ?? 1;
      const se = 100 * Math.sqrt((p * (1 - p)) / n);
      expect(Math.abs(row.difference), `${row.measure} ${row.group}`).toBeLessThan(4 * se + 0.15);
    }
    // The deprivation gradient: diabetes is more common in the most deprived quintile, as the modelled QOF says.
    const diabetes = rows.find(
      (r) => r.measure === 'prevalence ratio type-2-diabetes (DM)' && r.group === 'quintile 1 / all',
    );
    expect(diabetes?.target).toBeGreaterThan(1.1);
    expect(diabetes?.generated).toBeGreaterThan(1.1);
    // Life expectancy, from 5½ years of deaths of about 26,000 people (about 1,300 deaths, so each figure is
    // uncertain by a year or more): the most deprived live shorter lives, and levels and gap come within 4 years of
    // the published ones.
    for (const sex of ['female', 'male']) {
      const gap = rows.find((r) => r.measure === `life expectancy gap, ${sex}`);
      expect(gap?.generated, sex).toBeGreaterThan(2);
      expect(Math.abs(gap?.difference ?? 99), sex).toBeLessThan(4);
      for (const row of rows.filter((r) => r.measure === `life expectancy at birth, ${sex}`))
        expect(Math.abs(row.difference), `${sex} ${row.group}`).toBeLessThan(4);
    }
    // Immunisation coverage (MMR1 by two years, flu at 65 and over in 2019-20): within four standard errors.
    const coverage = rows.filter((r) => r.measure.startsWith('immunisation coverage'));
    expect(coverage.map((r) => r.measure)).toEqual([
      'immunisation coverage mmr1',
      'immunisation coverage flu-65',
    ]);
    for (const row of coverage) {
      const n = Number(row.group.replace(/[^0-9]/g, ''));
      const p = row.target / 100;
      expect(Math.abs(row.difference), row.measure).toBeLessThan(400 * Math.sqrt((p * (1 - p)) / n) + 0.1);
    }
    expect(formatFidelity(rows)).toMatch(/^measure\s+group\s+target\s+generated\s+difference\n/);
  }, 240_000);

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

  it('computes life expectancy from an abridged life table as the textbook does', () => {
    // A constant death rate m gives life expectancy 1/m in continuous time; the abridged table comes close.
    const m = 0.0125;
    const bands = [0, 1, ...Array.from({ length: 18 }, (_, i) => 5 + 5 * i)].map((ageFrom) => ({
      ageFrom,
      years: 10_000,
      deaths: 10_000 * m,
    }));
    expect(abridgedLifeExpectancy(bands)).toBeCloseTo(1 / m, 0);
    const rows = mortalityFidelity(
      Array.from({ length: 10 }, (_, i) => ({ decile: i + 1, male: 74 + i, female: 79 + i * 0.8 })),
      [1, 5].flatMap((quintile) =>
        (['female', 'male'] as const).flatMap((sex) => bands.map((b) => ({ ...b, quintile, sex }))),
      ),
    );
    expect(rows.find((r) => r.measure === 'life expectancy gap, male')?.target).toBeCloseTo(8, 5);
    expect(rows.find((r) => r.measure === 'life expectancy gap, male')?.generated).toBeCloseTo(0, 5);
  });
});
