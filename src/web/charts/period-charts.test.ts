/**
 * The workforce charts: accessible, every value in words, a gap where a value is not published, nothing unescaped.
 */
import { describe, expect, it } from 'vitest';
import { expectAccessibleSvg } from '../../../test/support/svg.js';
import { periodLine, valueBars } from './period-charts.js';

describe('periodLine', () => {
  it('draws a point per published period, breaks the line at a gap, and lists every period in words', () => {
    const svg = periodLine({
      title: 'Headcount by quarter',
      yLabel: 'Headcount',
      points: [
        { label: '2024-Q2', value: 100, text: '100' },
        { label: '2024-Q3', text: 'not available' },
        { label: '2024-Q4', value: 104, text: '104' },
        { label: '2025-Q1', value: 103, text: '103' },
      ],
    });
    expectAccessibleSvg(svg, 'Headcount by quarter');
    expect(svg).toContain('2024-Q2: 100; 2024-Q3: not available; 2024-Q4: 104; 2025-Q1: 103');
    expect(svg.match(/<circle/g)).toHaveLength(3);
    const d = /<path d="([^"]+)"/.exec(svg)?.[1] ?? '';
    expect(d.match(/M/g)).toHaveLength(2);
  });
});

describe('valueBars', () => {
  it('draws a bar per published value, none for a withheld one, and escapes labels', () => {
    const svg = valueBars({
      title: 'Vacancy rate by place',
      bars: [
        { label: 'North <Bank>', value: 7.5, text: '7.5%' },
        { label: 'South Bank', text: '[c]' },
      ],
    });
    expectAccessibleSvg(svg, 'Vacancy rate by place');
    expect(svg.match(/<rect/g)).toHaveLength(1);
    expect(svg).toContain('North &lt;Bank&gt;: 7.5%; South Bank: [c]');
    expect(svg).not.toContain('<Bank>');
  });
});
