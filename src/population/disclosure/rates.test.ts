import { describe, expect, it } from 'vitest';
import { protectRate } from './rates.js';
import { DEFAULT_POLICY } from './rules.js';

describe('protectRate', () => {
  const interval = { value: 123.4, lower: 110.2, upper: 135.9 };

  it('withholds a rate from 9 events, and publishes its 9 events rounded to 10', () => {
    expect(protectRate({ ...interval, events: 9, denominator: 7300 })).toEqual({
      ok: true,
      value: {
        estimate: { kind: 'suppressed', reason: 'too-few-events' },
        events: { kind: 'count', value: 10 },
        denominator: { kind: 'count', value: 7300 },
      },
    });
  });

  it('shows a rate from 10 events with its interval', () => {
    expect(protectRate({ ...interval, events: 10, denominator: 8104 })).toEqual({
      ok: true,
      value: {
        estimate: { kind: 'rate', value: 123.4, lower: 110.2, upper: 135.9 },
        events: { kind: 'count', value: 10 },
        denominator: { kind: 'count', value: 8105 },
      },
    });
  });

  it('withholds the events themselves when they are 1 to 7, and leaves out a denominator not given', () => {
    const result = protectRate({ ...interval, events: 4 });
    expect(result).toEqual({
      ok: true,
      value: {
        estimate: { kind: 'suppressed', reason: 'too-few-events' },
        events: { kind: 'suppressed', reason: 'small-count' },
      },
    });
    expect(JSON.stringify(result)).not.toContain('123.4');
  });

  it('treats a small denominator in person-years like a small count', () => {
    const result = protectRate({ ...interval, events: 12, denominator: 7.6 });
    expect(result.ok && result.value.denominator).toEqual({ kind: 'suppressed', reason: 'small-count' });
  });

  it('follows the policy’s minimum of events', () => {
    const result = protectRate({ ...interval, events: 19 }, { ...DEFAULT_POLICY, minEventsForRate: 20 });
    expect(result.ok && result.value.estimate.kind).toBe('suppressed');
  });

  it('refuses an interval not holding its value, events that are not a count, a bad denominator', () => {
    const result = protectRate({ value: 5, lower: 6, upper: 7, events: 2.5, denominator: -1 });
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.error.map((issue) => issue.path)).toEqual(['value', 'events', 'denominator']);
    expect(protectRate({ value: Number.NaN, lower: 0, upper: 1, events: 10 })).toMatchObject({
      ok: false,
      error: [{ path: 'value' }],
    });
  });
});
