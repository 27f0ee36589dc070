import { describe, expect, it } from 'vitest';
import { collection, feature, rectangle } from '../../../test/support/boundaries.js';
import { formatIssue } from '../../core/problem.js';
import { readBoundaries } from './geojson.js';

const messages = (result: ReturnType<typeof readBoundaries>) =>
  result.ok ? [] : result.error.map((issue) => formatIssue(issue));

describe('readBoundaries', () => {
  it('reads the features with their code, found by its property name, rings without the closing position', () => {
    const text = collection([
      feature({ LAD19CD: 'E08000035', LAD19NM: 'Leeds' }, rectangle(-1.8, 53.7, -1.3, 53.95)),
      {
        type: 'Feature',
        properties: { LAD19CD: 'E08000036' },
        geometry: {
          type: 'MultiPolygon',
          coordinates: [rectangle(-1.6, 53.5, -1.2, 53.7), rectangle(-1.1, 53.5, -1.0, 53.6)],
        },
      },
    ]);
    const read = readBoundaries(text, 'las.geojson');
    expect(read.ok).toBe(true);
    if (!read.ok) return;
    expect(read.value.codeProperty).toBe('LAD19CD');
    expect(read.value.features.map((f) => [f.index, f.code, f.polygons.length])).toEqual([
      [0, 'E08000035', 1],
      [1, 'E08000036', 2],
    ]);
    const ring = read.value.features[0]?.polygons[0]?.[0] ?? [];
    expect(ring[0]).toEqual([-1.8, 53.7]);
    expect(ring.at(-1)).not.toEqual(ring[0]);
  });

  it('reads the property it is told to', () => {
    const text = collection([feature({ code: 'E08000035', ltla19_code: 'x' }, rectangle(0, 50, 1, 51))]);
    const read = readBoundaries(text, 'f.geojson', 'code');
    expect(read.ok && read.value.features[0]?.code).toBe('E08000035');
  });

  it('names the file, the feature and the fault', () => {
    expect(messages(readBoundaries('{"type":', 'bad.geojson'))[0]).toMatch(/^bad\.geojson: is not JSON/);
    expect(messages(readBoundaries('{"type":"Feature"}', 'one.geojson'))[0]).toMatch(
      /one\.geojson: is a Feature, not a GeoJSON FeatureCollection/,
    );
    expect(messages(readBoundaries(collection([]), 'empty.geojson'))[0]).toMatch(/has no features/);
    const faults = collection([
      feature({ ltla19_code: 'E08000035' }, rectangle(-1.8, 53.7, -1.3, 53.95)),
      {
        type: 'Feature',
        properties: { ltla19_code: 'E08000036' },
        geometry: { type: 'Point', coordinates: [-1.5, 53.6] },
      },
      feature({ ltla19_code: 'E08000033' }, [
        [
          [412000, 425000],
          [413000, 425000],
          [413000, 426000],
          [412000, 425000],
        ],
      ]),
      feature({ name: 'Kirklees' }, rectangle(-1.9, 53.5, -1.6, 53.7)),
      feature({ ltla19_code: 'E08000032' }, [
        [
          [0, 50],
          [1, 50],
        ],
      ]),
    ]);
    expect(messages(readBoundaries(faults, 'wyh.geojson'))).toEqual([
      'wyh.geojson: feature 1: has geometry Point, not Polygon or MultiPolygon: a boundary file holds areas',
      expect.stringMatching(
        /^wyh\.geojson: feature 2: has coordinates out of the WGS84 range \(412000, 425000\): .*EPSG:27700.*EPSG:4326/,
      ),
      "wyh.geojson: feature 3: has no property 'ltla19_code' (its properties: name); every feature needs its local authority code",
      'wyh.geojson: feature 4: has a ring of fewer than three distinct positions',
    ]);
  });

  it('says which setting to use when no property looks like a code', () => {
    const text = collection([feature({ name: 'Leeds', id: 7 }, rectangle(0, 50, 1, 51))]);
    expect(messages(readBoundaries(text, 'f.geojson'))[0]).toMatch(/ACCORD_BOUNDARIES_PROPERTY/);
  });

  it('lists twenty faults, then counts the rest', () => {
    const text = collection(Array.from({ length: 25 }, () => feature({ ltla19_code: 'E1' }, [[[500, 500]]])));
    const found = messages(readBoundaries(text, 'f.geojson'));
    expect(found).toHaveLength(21);
    expect(found.at(-1)).toBe('f.geojson: and 5 more feature(s) with faults');
  });
});
