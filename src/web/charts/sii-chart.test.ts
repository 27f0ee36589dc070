/**
 * The SII chart (quintiles at their ranks, whiskers, the fitted line) and the trend chart (zero line, years not
 * published marked).
 */
import { describe, expect, it } from 'vitest';
import { expectAccessibleSvg } from '../../../test/support/svg.js';
import { siiChart, trendChart } from './sii-chart.js';

const accessible = expectAccessibleSvg;

describe('SII and trend charts', () => {
  it('plots the quintiles at their ranks with whiskers and the fitted line', () => {
    const svg = siiChart({
      title: 'SII',
      description: 'Quintiles and the line.',
      points: [1, 2, 3, 4, 5].map((q) => ({
        label: `Q${q}`,
        rank: (q - 0.5) / 5,
        value: 10 - q,
        lower: 9 - q,
        upper: 11 - q,
      })),
      line: { atZero: 9.5, atOne: 4.5 },
      yLabel: 'per 100',
    });
    accessible(svg, 'SII');
    expect([...svg.matchAll(/<circle /g)]).toHaveLength(5);
    expect(svg).toContain('most deprived');
    expect(svg).toContain('least deprived');
    expect(svg).toContain('Fitted line');
    expect(svg).toContain('<title>Q1: 9 (8 to 10)</title>');
  });
  it('draws a trend with a zero line, and marks years not published', () => {
    const svg = trendChart({
      title: 'SII by year',
      description: 'Over the years.',
      points: [
        { year: 2022, value: -3, lower: -4, upper: -2, text: '-3' },
        { year: 2023, text: 'not published: too few events' },
        { year: 2024, value: 1, lower: 0.5, upper: 1.5, text: '1' },
      ],
      yLabel: 'SII',
    });
    accessible(svg, 'SII by year');
    expect([...svg.matchAll(/<circle /g)]).toHaveLength(2);
    expect(svg).toContain('2023: not published: too few events');
    expect(svg).toContain('stroke-width="1.5"/>'); // the zero line
  });
});
