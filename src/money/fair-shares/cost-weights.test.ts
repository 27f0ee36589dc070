/**
 * Accord's cost weights file loads, every figure citing a listed source with a URL; and planted faults in a copy —
 * a gap between bands, an open band before the last, a band not on the store's bands, an unlisted source, YAML that
 * does not parse — are each reported with their line.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ageSexWeight, COST_WEIGHTS_FILE, loadCostWeights, quintileIndices } from './cost-weights.js';

const original = readFileSync(COST_WEIGHTS_FILE, 'utf8');
const planted = (edit: (text: string) => string) => {
  const dir = mkdtempSync(join(tmpdir(), 'accord-weights-'));
  const file = join(dir, 'cost-weights.yaml');
  const text = edit(original);
  expect(text).not.toBe(original);
  writeFileSync(file, text);
  return loadCostWeights(file);
};

describe('the cost weights', () => {
  it('load, with every figure sourced', () => {
    const weights = loadCostWeights();
    if (!weights.ok) throw new Error(JSON.stringify(weights.error));
    const ids = new Set(weights.value.sources.map((s) => s.id));
    for (const id of [
      weights.value.ageSex.source,
      weights.value.deprivation.source,
      weights.value.multimorbidity.source,
    ]) {
      expect(ids.has(id), id).toBe(true);
    }
    for (const source of weights.value.sources) expect(source.url).toMatch(/^https:\/\//);
    expect(weights.value.deprivation.byQuintile[0]).toBeCloseTo(43385 / 31298, 12);
    expect(weights.value.deprivation.byQuintile[4]).toBe(1);
    expect(ageSexWeight(weights.value.ageSex.bands, 90, 'male')).toBe(4.5);
    expect(ageSexWeight(weights.value.ageSex.bands, 30, 'other')).toBeCloseTo(0.75, 12);
  });

  it('report planted faults with their lines', () => {
    const gap = planted((t) => t.replace('{ from: 15, to: 24', '{ from: 16, to: 24'));
    expect(gap.ok).toBe(false);
    if (!gap.ok) {
      expect(gap.error.map((i) => i.message).join('\n')).toMatch(/must be 15|16 is not where/);
      expect(gap.error[0]?.line).toBeGreaterThan(10);
    }
    const unlisted = planted((t) => t.replace('source: soley-bori-2021-bjgp', 'source: nowhere'));
    expect(unlisted.ok).toBe(false);
    if (!unlisted.ok) expect(unlisted.error[0]?.message).toMatch(/nowhere is not listed/);
    const open = planted((t) => t.replace('{ from: 75, to: 84,', '{ from: 75,'));
    expect(open.ok).toBe(false);
    if (!open.ok)
      expect(open.error.map((i) => i.message).join('\n')).toMatch(/only the last band may be open/);
    const broken = planted((t) => t.replace('ratio: 1.62', 'ratio: [1.62'));
    expect(broken.ok).toBe(false);
    const negative = planted((t) => t.replace('male: 0.4, female: 0.4', 'male: -0.4, female: 0.4'));
    expect(negative.ok).toBe(false);
    if (!negative.ok) expect(negative.error[0]).toMatchObject({ path: 'ageSex.bands[1].male' });
    expect(loadCostWeights('/no/such/file.yaml').ok).toBe(false);
  });

  it('interpolate the deprivation index linearly between the ends', () => {
    expect(quintileIndices(150, 100)).toEqual([1.5, 1.375, 1.25, 1.125, 1]);
  });
});
