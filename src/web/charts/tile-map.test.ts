/**
 * The tile map: the West Yorkshire and Harrogate layout, the alphabetical grid for other partnerships, a title and
 * text on each tile, and the legend.
 */
import { describe, expect, it } from 'vitest';
import { expectAccessibleSvg } from '../../../test/support/svg.js';
import { tileLayout, tileMap, wrap } from './tile-map.js';

const accessible = expectAccessibleSvg;

describe('tile map', () => {
  const wyh = [
    ['harrogate', 'Harrogate'],
    ['bradford-district-and-craven', 'Bradford District and Craven'],
    ['leeds', 'Leeds'],
    ['calderdale', 'Calderdale'],
    ['kirklees', 'Kirklees'],
    ['wakefield', 'Wakefield'],
  ].map(([id = '', name = '']) => ({ id, name }));

  it('lays West Yorkshire and Harrogate out as the places lie', () => {
    const layout = tileLayout(wyh);
    expect(layout.get('harrogate')?.[1]).toBe(0);
    expect(layout.get('leeds')?.[1]).toBe(1);
    expect(layout.get('bradford-district-and-craven')?.[1]).toBe(1);
    expect(layout.get('bradford-district-and-craven')?.[0]).toBeLessThan(layout.get('leeds')?.[0] ?? 0);
    for (const id of ['calderdale', 'kirklees', 'wakefield']) expect(layout.get(id)?.[1]).toBe(2);
  });

  it('falls back to an alphabetical grid for other partnerships', () => {
    const layout = tileLayout([
      { id: 'z', name: 'Zeta' },
      { id: 'a', name: 'Alpha' },
      { id: 'm', name: 'Mu' },
    ]);
    expect(layout.get('a')).toEqual([0, 0]);
    expect(layout.get('m')).toEqual([1, 0]);
    expect(layout.get('z')).toEqual([0, 1]);
  });

  it('gives each tile a title, its name, value and comparison as text, and a legend', () => {
    const svg = tileMap({
      title: 'Places',
      description: 'Compared with the partnership.',
      tiles: wyh.map((p, i) => ({
        ...p,
        comparison: (['better', 'similar', 'worse', 'not-compared'] as const)[i % 4] ?? 'similar',
        valueText: i === 3 ? '[c]' : `${10 + i}.0`,
      })),
      legend: ['better', 'similar', 'worse', 'not-compared'],
    });
    accessible(svg, 'Places');
    expect([...svg.matchAll(/<rect [^>]*rx="6"/g)]).toHaveLength(6);
    expect(svg).toContain('<title>Harrogate: 10.0, better</title>');
    expect(svg).toContain('<title>Calderdale: [c], not compared</title>');
    expect(svg).toContain('>Bradford District</text>');
    expect(svg).toContain('>and Craven</text>');
    expect(svg).toContain('Worse than the partnership (95% interval)');
    expect(svg).not.toContain('<a ');
  });

  it('wraps long names at spaces', () => {
    expect(wrap('Bradford District and Craven', 18)).toEqual(['Bradford District', 'and Craven']);
  });
});
