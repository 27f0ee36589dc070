/**
 * The outcomes of every partnership folder name indicators of the catalogue (which partnership/validate cannot see),
 * and an unknown one is named with its file and path.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultPartnershipDir, packageRoot } from '../core/paths.js';
import { loadPartnership } from '../partnership/index.js';
import { loadCatalogue } from '../population/indicators/catalogue.js';
import { checkIndicators, planOf } from './plan.js';

describe('outcomes and the indicator catalogue', () => {
  it("West Yorkshire and Harrogate's outcomes all name indicators of the catalogue", () => {
    const loaded = loadPartnership(defaultPartnershipDir);
    const catalogue = loadCatalogue(join(packageRoot, 'indicators'));
    expect(loaded.ok && catalogue.ok).toBe(true);
    if (!loaded.ok || !catalogue.ok) return;
    const plan = planOf(loaded.value.partnership);
    expect(plan.outcomes.length).toBe(10);
    const ids = new Set(catalogue.value.indicators.map((i) => i.id));
    expect(checkIndicators(plan, ids)).toEqual([]);
    // Every ambition with no indicator says why in its note, rather than carrying invented figures.
    for (const outcome of plan.outcomes.filter((o) => o.indicator === undefined)) {
      expect(outcome.note).toMatch(/not measured/i);
      expect(outcome.baseline).toBeUndefined();
    }
  });

  it('names an unknown indicator with its file and path', () => {
    const loaded = loadPartnership(defaultPartnershipDir);
    if (!loaded.ok) throw new Error('WY&H does not load');
    expect(checkIndicators(planOf(loaded.value.partnership), new Set(['life-expectancy']))).toContainEqual({
      file: 'outcomes.yaml',
      path: 'outcomes[2].indicator',
      message:
        "unknown indicator 'cancer-early-diagnosis': use an id of the catalogue (indicators/<id>.yaml)",
    });
  });
});
