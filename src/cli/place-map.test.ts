/**
 * The boundary map at start: none unless configured; a bad file stops the start with its problem; boundaries that
 * miss a place are logged and the tile map kept; good ones are logged with what was drawn.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { collection, feature, folderWith, riversideBoundaries } from '../../test/support/boundaries.js';
import { DEFAULT_BOUNDARIES_ATTRIBUTION, type Config } from '../core/config.js';
import { ProblemError } from '../core/problem.js';
import { placeMapAtStart } from './place-map.js';

const places = [
  { id: 'north-bank', name: 'North Bank', localAuthorityCodes: ['E06999901'] },
  { id: 'south-bank', name: 'South Bank', localAuthorityCodes: ['E06999902'] },
];
const dir = folderWith({
  'riverside.geojson': riversideBoundaries(),
  'north.geojson.txt': '',
  'bng.geojson': collection([
    feature({ ltla19_code: 'E06999901' }, [
      [
        [412000, 425000],
        [413000, 425000],
        [413000, 426000],
      ],
    ]),
  ]),
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const config = (path: string | undefined) =>
  ({
    boundaries: path === undefined ? undefined : { path, attribution: DEFAULT_BOUNDARIES_ATTRIBUTION },
  }) as Config;

describe('placeMapAtStart', () => {
  it('draws nothing unless boundaries are configured', () => {
    expect(placeMapAtStart(config(undefined), places, () => undefined)).toBeUndefined();
  });

  it('makes the shapes of every place and logs what it drew', () => {
    const log: string[] = [];
    const map = placeMapAtStart(config(join(dir, 'riverside.geojson')), places, (line) => log.push(line));
    expect(map?.shapes.places.map((p) => p.id)).toEqual(['north-bank', 'south-bank']);
    expect(map?.attribution).toBe(DEFAULT_BOUNDARIES_ATTRIBUTION);
    expect(log[0]).toMatch(/^boundaries: .*riverside\.geojson \(3 features by ltla19_code\): 2 places drawn/);
  });

  it('logs the places the boundaries miss and keeps the tile map', () => {
    const log: string[] = [];
    const more = [...places, { id: 'west', name: 'West', localAuthorityCodes: ['E06999903'] }];
    expect(placeMapAtStart(config(join(dir, 'riverside.geojson')), more, (l) => log.push(l))).toBeUndefined();
    expect(log).toEqual([expect.stringMatching(/has no feature for West \(E06999903\); .*tile map/)]);
  });

  it('stops the start on a file in the wrong coordinates, naming the file, the feature and the fix', () => {
    const start = () => placeMapAtStart(config(join(dir, 'bng.geojson')), places, () => undefined);
    expect(start).toThrow(ProblemError);
    try {
      start();
    } catch (error) {
      const problem = (error as ProblemError).problem;
      expect(problem.kind).toBe('configuration');
      expect(problem.fix).toMatch(/ACCORD_BOUNDARIES/);
      expect(problem.issues?.[0]).toMatchObject({
        file: join(dir, 'bng.geojson'),
        path: 'feature 0',
        message: expect.stringMatching(/out of the WGS84 range.*EPSG:4326/),
      });
    }
  });
});
