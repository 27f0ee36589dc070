import { describe, expect, it } from 'vitest';
import { DEFAULT_FAULTS, FAULTS, resolveFaults } from './faults.js';
import { ORGANISATION_KINDS } from './organisations.js';

describe('fault rates', () => {
  it('defaults to a rate in 0…1 for every fault and kind, with one secondary-care record in twenty lacking a number', () => {
    for (const kind of ORGANISATION_KINDS) {
      for (const fault of FAULTS) {
        expect(DEFAULT_FAULTS[kind][fault]).toBeGreaterThanOrEqual(0);
        expect(DEFAULT_FAULTS[kind][fault]).toBeLessThanOrEqual(1);
      }
    }
    expect(DEFAULT_FAULTS.acute.missingNhsNumber).toBe(0.05);
    expect(DEFAULT_FAULTS.gp.missingNhsNumber).toBeLessThan(DEFAULT_FAULTS.acute.missingNhsNumber);
  });

  it('lays `all` over the defaults, then the kind’s own rates', () => {
    const result = resolveFaults({ all: { nickname: 0.5, typo: undefined }, acute: { nickname: 0.25 } });
    // `typo` is not a fault: refused (see below); without it the settings apply.
    expect(result.ok).toBe(false);
    const good = resolveFaults({ all: { nickname: 0.5 }, acute: { nickname: 0.25 } });
    if (!good.ok) throw new Error(good.error.title);
    expect(good.value.gp.nickname).toBe(0.5);
    expect(good.value.acute.nickname).toBe(0.25);
    expect(good.value.acute.missingNhsNumber).toBe(DEFAULT_FAULTS.acute.missingNhsNumber);
  });

  it('refuses a rate outside 0…1, naming the field', () => {
    const result = resolveFaults({ acute: { missingNhsNumber: 1.5 } });
    if (result.ok) throw new Error('accepted');
    expect(result.error.kind).toBe('bad-input');
    expect(result.error.title).toContain('faults.acute.missingNhsNumber');
    expect(result.error.issues?.[0]?.path).toBe('faults.acute.missingNhsNumber');
    expect(result.error.issues?.[0]?.message).toMatch(/at most 1/);
  });

  it('refuses negative rates, text and unknown faults or kinds, reporting every one', () => {
    const result = resolveFaults({
      gp: { nameTypo: -0.1, nickname: '0.2' },
      acute: { typo: 0.1 },
      hospice: { nickname: 0.1 },
    });
    if (result.ok) throw new Error('accepted');
    const paths = (result.error.issues ?? []).map((issue) => issue.path);
    expect(paths).toEqual(
      expect.arrayContaining(['faults.gp.nameTypo', 'faults.gp.nickname', 'faults.acute', 'faults']),
    );
    expect(result.error.title).toContain('typo is not known');
    expect(result.error.title).toContain('hospice is not known');
    expect(result.error.title).toMatch(/faults\.gp\.nickname: must be a number/);
  });

  it('refuses settings that are not an object', () => {
    expect(resolveFaults(0.1).ok).toBe(false);
    expect(resolveFaults({}).ok).toBe(true);
  });
});
