/**
 * The sparkline: accessible, broken where a year has no published value, every year in words.
 */
import { describe, expect, it } from 'vitest';
import { expectAccessibleSvg } from '../../../test/support/svg.js';
import { sparkline } from './sparkline.js';

const accessible = expectAccessibleSvg;

describe('sparkline', () => {
  it('breaks the line where a year has no published value and lists every year in its description', () => {
    const svg = sparkline('Trend', [
      { year: 2020, value: 1, text: '1.0' },
      { year: 2021, value: undefined, text: '[c]' },
      { year: 2022, value: 3, text: '3.0' },
      { year: 2023, value: 2, text: '2.0' },
    ]);
    accessible(svg, 'Trend');
    expect(svg).toContain('2020: 1.0; 2021: [c]; 2022: 3.0; 2023: 2.0');
    const d = /<path d="([^"]+)"/.exec(svg)?.[1] ?? '';
    expect(d.match(/M/g)).toHaveLength(2);
    expect(d.match(/L/g)).toHaveLength(1);
  });
  it('says when there are no values', () => {
    expect(sparkline('Empty', [{ year: 2020, text: '[c]' }])).toContain('no values');
  });
});
