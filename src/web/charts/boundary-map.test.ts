/**
 * The boundary map: each place a named image with its <title>, filled as the tile map fills its tile, the same
 * legend, compact path data, and no map at all (so the tile map is drawn) when a place has no shape.
 */
import { describe, expect, it } from 'vitest';
import type { MapShapes } from '../../partnership/boundaries/shapes.js';
import { boundaryMap, ringPath } from './boundary-map.js';
import { COMPARISON_COLOURS, escapeXml } from './svg.js';
import { tileMap, type Tile } from './tile-map.js';

const shapes: MapShapes = {
  width: 200,
  height: 100,
  pointsIn: 8,
  pointsOut: 8,
  places: [
    {
      id: 'north',
      name: 'North Bank',
      rings: [
        [
          [0, 0],
          [100, 0],
          [100, 100],
          [0, 100],
        ],
      ],
      label: [50, 50],
    },
    {
      id: 'south',
      name: 'South Bank',
      rings: [
        [
          [100, 0],
          [200, 0],
          [200, 100],
          [100, 100],
        ],
      ],
      label: [150, 50],
    },
  ],
};

const tiles: Tile[] = [
  { id: 'north', name: 'North Bank', comparison: 'worse', valueText: '12.3' },
  { id: 'south', name: 'South Bank', comparison: 'not-compared', valueText: '[c]' },
];

describe('ringPath', () => {
  it('moves to the first point and draws relative lines, short and exact', () => {
    expect(
      ringPath([
        [10.5, 20],
        [10, 20.25],
        [0.3, 20.2],
        [10.5, 20],
      ]),
    ).toBe('M10.5 20l-.5 .3-9.7-.1 10.2-.2z');
  });
});

describe('boundary map', () => {
  const svg =
    boundaryMap({
      title: 'Emergency admissions: places',
      description: 'Each place with its value.',
      tiles,
      shapes,
      legend: ['better', 'similar', 'worse', 'not-compared'],
    }) ?? '';

  it('is a group of named images, one per place, each with its title and the tile map colour', () => {
    expect(svg).toMatch(/^<svg [^>]*class="accord-boundary-map"[^>]*role="group"/);
    expect(svg).toMatch(/aria-labelledby="[^"]+-title [^"]+-desc"/);
    expect(svg).toContain('>Emergency admissions: places</title>');
    expect(svg).not.toMatch(/<script|\son\w+=|style=/i);
    for (const [name, fill] of [
      ['North Bank: 12.3, worse', COMPARISON_COLOURS.worse.fill],
      ['South Bank: [c], not compared', COMPARISON_COLOURS['not-compared'].fill],
    ] as const) {
      expect(svg).toContain(`<path role="img" aria-label="${escapeXml(name)}" fill="${fill}" d="M`);
      expect(svg).toContain(`<title>${escapeXml(name)}</title></path>`);
    }
    expect(svg).toContain('d="M0 0l100 0 0 100-100 0z"');
  });

  it('writes each label, hidden from screen readers, and the tile map legend', () => {
    expect(svg).toMatch(/<g aria-hidden="true">.*>North Bank<\/text>.*>12\.3, worse<\/text>/);
    const legend = (s: string) => s.slice(s.indexOf('Better than the partnership') - 200);
    const tilesSvg = tileMap({
      title: 't',
      description: 'd',
      tiles,
      legend: ['better', 'similar', 'worse', 'not-compared'],
    });
    for (const words of [
      'Better than the partnership (95% interval)',
      'Not compared (withheld or no value)',
    ]) {
      expect(svg).toContain(words);
      expect(tilesSvg).toContain(words);
    }
    expect(legend(svg)).toContain(`fill="${COMPARISON_COLOURS.better.fill}"`);
  });

  it('is not drawn when a place has no shape, so the tile map is', () => {
    expect(
      boundaryMap({
        title: 't',
        description: 'd',
        tiles: [...tiles, { id: 'west', name: 'West', comparison: 'better', valueText: '1' }],
        shapes,
      }),
    ).toBeUndefined();
  });
});
