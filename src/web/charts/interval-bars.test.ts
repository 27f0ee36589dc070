/**
 * Interval bars: accessible SVG, labels escaped, a bar and whiskers for a published value and none for a withheld
 * one, each comparison in words, the benchmark line.
 */
import { describe, expect, it } from 'vitest';
import { expectAccessibleSvg } from '../../../test/support/svg.js';
import { intervalBars } from './interval-bars.js';
import { escapeXml } from './svg.js';

const accessible = expectAccessibleSvg;

const nasty = 'A <b>&"\'</b> place';

describe('interval bars', () => {
  const svg = intervalBars({
    title: 'Admissions by place',
    description: 'Bars with intervals.',
    data: [
      { label: nasty, value: 40, lower: 35, upper: 45, comparison: 'worse', valueText: '40.0' },
      { label: 'Small', comparison: 'not-compared', valueText: '[c]' },
    ],
    benchmark: 30,
    benchmarkLabel: 'Partnership',
  });
  it('is accessible and escapes labels', () => {
    accessible(svg, 'Admissions by place');
    expect(svg).toContain(escapeXml(nasty));
    expect(svg).not.toContain('<b>');
  });
  it('draws a bar with whiskers for a value, none for a withheld one, and says each comparison in words', () => {
    expect([...svg.matchAll(/<rect /g)]).toHaveLength(1);
    expect(svg).toContain('#d5281b'); // worse
    expect(svg).toContain('40.0 – worse');
    expect(svg).toContain('[c] – not compared');
    expect(svg).toMatch(/<path d="M[\d.]+ [\d.]+H[\d.]+/);
    expect(svg).toContain('stroke-dasharray="4 3"'); // the benchmark line
    expect(svg).toContain('>Partnership</text>');
  });
});
