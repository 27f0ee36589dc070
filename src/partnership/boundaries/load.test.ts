import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { collection, feature, folderWith, rectangle } from '../../../test/support/boundaries.js';
import { formatIssue } from '../../core/problem.js';
import { defaultPartnershipDir, packageRoot } from '../../core/paths.js';
import { loadPartnership } from '../index.js';
import { loadPlaceBoundaries, uncoveredMessage } from './load.js';
import { mapShapes } from './shapes.js';

const places = [
  { id: 'north', name: 'North', localAuthorityCodes: ['E06999901'] },
  { id: 'south', name: 'South', localAuthorityCodes: ['E06999902'] },
];
const las = collection([
  feature({ ltla19_code: 'E06999901' }, rectangle(-1.6, 53.8, -1.4, 54.0)),
  feature({ ltla19_code: 'E06999902' }, rectangle(-1.6, 53.6, -1.4, 53.8)),
]);
const lsoas = collection([
  feature({ lsoa11_code: 'E01000001', ltla19_code: 'E06999901' }, rectangle(-1.6, 53.8, -1.5, 54.0)),
  feature({ lsoa11_code: 'E01000002', ltla19_code: 'E06999901' }, rectangle(-1.5, 53.8, -1.4, 54.0)),
  feature({ lsoa11_code: 'E01000003', ltla19_code: 'E06999902' }, rectangle(-1.6, 53.6, -1.4, 53.8)),
]);
const northOnly = collection([feature({ ltla19_code: 'E06999901' }, rectangle(-1.6, 53.8, -1.4, 54.0))]);

const folders: string[] = [];
const folder = (files: Record<string, string>) => {
  const dir = folderWith(files);
  folders.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

describe('loadPlaceBoundaries', () => {
  it('from a folder, uses the file with the fewest features that covers every place', () => {
    const dir = folder({
      'a-lsoa.geojson': lsoas,
      'b-la.geojson': las,
      'c-north.geojson': northOnly,
      'x.txt': '',
    });
    const loaded = loadPlaceBoundaries({ path: dir }, places);
    expect(loaded.ok && loaded.value.covered && loaded.value.file).toBe(join(dir, 'b-la.geojson'));
    const lsoaOnly = loadPlaceBoundaries({ path: join(dir, 'a-lsoa.geojson') }, places);
    expect(
      lsoaOnly.ok && lsoaOnly.value.covered && lsoaOnly.value.outlines.map((o) => o.sharedEdges),
    ).toEqual([1, 0]);
  });

  it('says which places a sound file does not cover, for the log, without failing', () => {
    const dir = folder({ 'north.geojson': northOnly });
    const loaded = loadPlaceBoundaries({ path: join(dir, 'north.geojson') }, places);
    expect(loaded.ok).toBe(true);
    if (!loaded.ok || loaded.value.covered) return;
    expect(loaded.value.uncovered).toEqual([{ id: 'south', name: 'South', missingCodes: ['E06999902'] }]);
    expect(uncoveredMessage(loaded.value.files, loaded.value.uncovered)).toMatch(
      /north\.geojson has no feature for South \(E06999902\); the population pages show the tile map/,
    );
  });

  it('stops on a file that is not a boundary file, naming it, the feature and the fix', () => {
    const dir = folder({
      'good.geojson': las,
      'bad.geojson': collection([{ type: 'Feature', properties: { ltla19_code: 'E1' }, geometry: null }]),
    });
    const loaded = loadPlaceBoundaries({ path: dir }, places);
    expect(loaded.ok).toBe(false);
    if (loaded.ok) return;
    expect(loaded.error.kind).toBe('configuration');
    expect(loaded.error.title).toBe(`A file in ${dir} is not a usable boundary file.`);
    expect(loaded.error.fix).toMatch(/ACCORD_BOUNDARIES .*WGS84.*or unset it/);
    expect(loaded.error.issues?.map(formatIssue)).toEqual([
      `${join(dir, 'bad.geojson')}: feature 0: has geometry none, not Polygon or MultiPolygon: a boundary file holds areas`,
    ]);
    const empty = loadPlaceBoundaries({ path: folder({}) }, places);
    expect(!empty.ok && empty.error.title).toMatch(/holds no \.geojson files/);
  });
});

/**
 * The real boundaries of West Yorkshire and Harrogate, beside the project (never copied into it):
 * ACCORD_TEST_BOUNDARIES, else ../shared/data/boundaries from the package's folder.
 */
const REAL = process.env.ACCORD_TEST_BOUNDARIES ?? join(packageRoot, '..', 'shared', 'data', 'boundaries');

describe.skipIf(!existsSync(REAL))(`the WY&H boundaries in ${REAL}`, () => {
  const wyh = loadPartnership(defaultPartnershipDir);
  const wyhPlaces = wyh.ok ? wyh.value.partnership.places : [];

  it('outline all six places, Bradford District and Craven as one, from the local authorities or the LSOAs', () => {
    expect(wyhPlaces).toHaveLength(6);
    const drawn: Record<string, number> = {};
    for (const file of ['boundaries_ltla19_wyh.geojson', 'boundaries_lsoa11_wyh_simplified30m.geojson']) {
      const loaded = loadPlaceBoundaries({ path: join(REAL, file) }, wyhPlaces);
      expect(loaded.ok && loaded.value.covered).toBe(true);
      if (!loaded.ok || !loaded.value.covered) return;
      const bdc = loaded.value.outlines.find((o) => o.id === 'bradford-district-and-craven');
      expect(bdc?.sharedEdges).toBeGreaterThan(0);
      const shapes = mapShapes(loaded.value.outlines);
      // Bradford and Craven dissolved: one outline big enough to see (cracks between LSOAs are dropped).
      expect(shapes.places.find((p) => p.id === 'bradford-district-and-craven')?.rings).toHaveLength(1);
      drawn[file] = shapes.height;
    }
    // Both files draw the same extent.
    const [a = 0, b = 0] = Object.values(drawn);
    expect(Math.abs(a - b)).toBeLessThan(3);
    // From the folder, the local authorities' file: fewer features.
    const fromFolder = loadPlaceBoundaries({ path: REAL }, wyhPlaces);
    expect(fromFolder.ok && fromFolder.value.covered && fromFolder.value.file).toBe(
      join(REAL, 'boundaries_ltla19_wyh.geojson'),
    );
  });
});
