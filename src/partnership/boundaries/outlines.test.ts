import { describe, expect, it } from 'vitest';
import { collection, feature, rectangle } from '../../../test/support/boundaries.js';
import { readBoundaries, type BoundaryCollection, type Ring } from './geojson.js';
import { dissolve, placeOutlines, signedArea } from './outlines.js';

function read(text: string): BoundaryCollection {
  const result = readBoundaries(text, 'test.geojson');
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return result.value;
}

const square = (x: number, y: number, size = 1): Ring => [
  [x, y],
  [x + size, y],
  [x + size, y + size],
  [x, y + size],
];

describe('dissolve', () => {
  it('joins two squares sharing an edge into one outline, the shared edge gone', () => {
    const { rings, shared } = dissolve([square(0, 0), square(1, 0)]);
    expect(shared).toBe(1);
    expect(rings).toHaveLength(1);
    expect(new Set(rings[0]?.map((p) => p.join(',')))).toEqual(
      new Set(['0,0', '1,0', '2,0', '2,1', '1,1', '0,1']),
    );
    expect(signedArea(rings[0] ?? [])).toBe(4); // twice the area of two unit squares
  });

  it('leaves a hole where the pieces surround one', () => {
    const pieces: Ring[] = [];
    for (let x = 0; x < 3; x++) for (let y = 0; y < 3; y++) if (x !== 1 || y !== 1) pieces.push(square(x, y));
    const { rings } = dissolve(pieces);
    expect(rings).toHaveLength(2);
    const areas = rings.map(signedArea).sort((a, b) => a - b);
    expect(areas).toEqual([-2, 18]); // the hole runs the other way
  });

  it('leaves pieces that share no vertices side by side, each closed', () => {
    const offset: Ring = [
      [1, 0.5],
      [2, 0.5],
      [2, 1.5],
      [1, 1.5],
    ];
    expect(dissolve([square(0, 0), offset])).toEqual({ rings: [square(0, 0), offset], shared: 0 });
  });
});

describe('placeOutlines', () => {
  const places = [
    { id: 'leeds', name: 'Leeds', localAuthorityCodes: ['E08000035'] },
    { id: 'bdc', name: 'Bradford District and Craven', localAuthorityCodes: ['E08000032', 'E07000163'] },
  ];

  it('makes a place of several local authorities the union of their features, whichever way they run', () => {
    const clockwise = rectangle(-2.0, 53.9, -1.8, 54.1, 0.1).map((ring) => [...ring].reverse());
    const outlined = placeOutlines(
      read(
        collection([
          feature({ ltla19_code: 'E08000035' }, rectangle(-1.8, 53.7, -1.6, 53.9, 0.1)),
          feature({ ltla19_code: 'E08000032' }, rectangle(-2.0, 53.7, -1.8, 53.9, 0.1)),
          feature({ ltla19_code: 'E07000163' }, clockwise),
          feature({ ltla19_code: 'E06000014' }, rectangle(-1.2, 53.9, -1.0, 54.0)),
        ]),
      ),
      places,
    );
    expect(outlined.covered).toBe(true);
    if (!outlined.covered) return;
    const bdc = outlined.outlines.find((o) => o.id === 'bdc');
    expect(bdc).toMatchObject({ sharedEdges: 2, features: 2 });
    expect(bdc?.rings).toHaveLength(1);
    expect(signedArea(bdc?.rings[0] ?? [])).toBeCloseTo(2 * 0.2 * 0.4, 9);
    expect(outlined.outlines.map((o) => o.id)).toEqual(['leeds', 'bdc']);
  });

  it('names each place the file has no feature for, with the missing codes', () => {
    const outlined = placeOutlines(
      read(collection([feature({ ltla19_code: 'E08000032' }, rectangle(-2.0, 53.7, -1.8, 53.9))])),
      places,
    );
    expect(outlined).toEqual({
      covered: false,
      uncovered: [
        { id: 'leeds', name: 'Leeds', missingCodes: ['E08000035'] },
        { id: 'bdc', name: 'Bradford District and Craven', missingCodes: ['E07000163'] },
      ],
    });
  });
});
