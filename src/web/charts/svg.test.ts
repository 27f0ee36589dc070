/**
 * The charts' shared helpers: escaping, and the axis bounds and ticks.
 */
import { describe, expect, it } from 'vitest';
import { axisDomain, escapeXml, ticks } from './svg.js';

const nasty = 'A <b>&"\'</b> place';

describe('svg helpers', () => {
  it('escapes markup', () => {
    expect(escapeXml(nasty)).toBe('A &lt;b&gt;&amp;&quot;&#39;&lt;/b&gt; place');
  });
  it('finds an axis holding every value, from 0 when the values are well above it', () => {
    expect(axisDomain([12, 48])).toEqual({ min: 0, max: 50 });
    expect(axisDomain([78, 82])).toEqual({ min: 78, max: 82 });
    expect(axisDomain([-3, 2])).toEqual({ min: -3, max: 2 });
    expect(axisDomain([])).toEqual({ min: 0, max: 1 });
    expect(ticks({ min: 0, max: 50 })).toEqual([0, 10, 20, 30, 40, 50]);
  });
});
