/**
 * @module partnership/boundaries/geojson
 * Reads and checks a boundary file: a GeoJSON FeatureCollection (RFC 7946) in WGS84 longitude and latitude whose
 * features are Polygons or MultiPolygons and carry a local authority code (LAD / LTLA, e.g. `ltla19_code`), such as
 * the ONS Open Geography boundaries. Every fault is reported with the file, the feature's index and what to do, so a
 * user pointing Accord at the wrong file learns why at start. Pure: the text in, the features or the issues out.
 */
import type { Issue } from '../../core/problem.js';
import { err, ok, type Result } from '../../core/result.js';

/** [longitude, latitude] in degrees. */
export type Position = readonly [number, number];
/** A closed ring: the first position is not repeated at the end. */
export type Ring = readonly Position[];
/** The exterior ring, then any holes. */
export type Polygon = readonly Ring[];

export interface BoundaryFeature {
  /** The feature's position in the file, from 0, for messages. */
  readonly index: number;
  /** The local authority code (e.g. E08000035). */
  readonly code: string;
  readonly polygons: readonly Polygon[];
}

export interface BoundaryCollection {
  readonly file: string;
  /** The property the codes were read from. */
  readonly codeProperty: string;
  readonly features: readonly BoundaryFeature[];
}

/**
 * The property names taken to hold a local authority code when none is configured: ONS's own (`LAD19CD`,
 * `LAD23CD`, `lad19cd`) and the lower-tier forms (`ltla19_code`, `ltla_code`).
 */
export const CODE_PROPERTY = /^(ltla|lad)\d{0,2}_?(code|cd)$/i;

/** A file's faults are listed up to this many, then counted: a wrong file should not print thousands of lines. */
const MAX_ISSUES = 20;

type Json = unknown;
const isObject = (v: Json): v is Record<string, Json> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Checks one boundary file's text. `codeProperty`: the property holding the local authority code; when absent, the
 * first property of the first feature whose name looks like one (`CODE_PROPERTY`).
 */
export function readBoundaries(
  text: string,
  file: string,
  codeProperty?: string,
): Result<BoundaryCollection, Issue[]> {
  const fail = (message: string, path?: string) =>
    err([{ file, ...(path === undefined ? {} : { path }), message }]);
  let json: Json;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return fail(`is not JSON (${(error as Error).message}): give a GeoJSON FeatureCollection`);
  }
  if (!isObject(json) || json.type !== 'FeatureCollection') {
    const what = isObject(json) && typeof json.type === 'string' ? `a ${json.type}` : 'not GeoJSON';
    return fail(
      `is ${what}, not a GeoJSON FeatureCollection: give a FeatureCollection of the areas' boundaries`,
    );
  }
  if (!Array.isArray(json.features) || json.features.length === 0) {
    return fail('has no features: give a FeatureCollection with one feature per local authority (or LSOA)');
  }
  const features: Json[] = json.features;

  const first = features[0];
  const property =
    codeProperty ??
    (isObject(first) && isObject(first.properties)
      ? Object.keys(first.properties).find((key) => CODE_PROPERTY.test(key))
      : undefined);
  if (property === undefined) {
    return fail(
      'feature 0 has no property naming a local authority code (such as ltla19_code or LAD19CD): set ' +
        "ACCORD_BOUNDARIES_PROPERTY to the name of the property that holds each feature's LAD code",
    );
  }

  const issues: Issue[] = [];
  let faults = 0;
  const bad = (index: number, message: string) => {
    faults += 1;
    if (issues.length < MAX_ISSUES) issues.push({ file, path: `feature ${index}`, message });
  };
  const read: BoundaryFeature[] = [];
  features.forEach((feature, index) => {
    if (!isObject(feature) || feature.type !== 'Feature') {
      bad(index, 'is not a GeoJSON Feature');
      return;
    }
    const properties = isObject(feature.properties) ? feature.properties : {};
    const code = properties[property];
    if (typeof code !== 'string' || code.trim() === '') {
      const has = Object.keys(properties);
      bad(
        index,
        `has no property '${property}' (its properties: ${has.length === 0 ? 'none' : has.join(', ')}); ` +
          'every feature needs its local authority code',
      );
    }
    const geometry = feature.geometry;
    if (!isObject(geometry) || (geometry.type !== 'Polygon' && geometry.type !== 'MultiPolygon')) {
      const type = isObject(geometry) && typeof geometry.type === 'string' ? geometry.type : 'none';
      bad(index, `has geometry ${type}, not Polygon or MultiPolygon: a boundary file holds areas`);
      return;
    }
    const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
    const checked = readPolygons(polygons);
    if (typeof checked === 'string') bad(index, checked);
    else if (typeof code === 'string' && code.trim() !== '')
      read.push({ index, code: code.trim(), polygons: checked });
  });
  if (faults > MAX_ISSUES) {
    issues.push({ file, message: `and ${faults - MAX_ISSUES} more feature(s) with faults` });
  }
  return issues.length > 0 ? err(issues) : ok({ file, codeProperty: property, features: read });
}

/** The polygons' rings as positions, or what is wrong with them. */
function readPolygons(polygons: Json): Polygon[] | string {
  if (!Array.isArray(polygons) || polygons.length === 0) return 'has no coordinates';
  const out: Polygon[] = [];
  for (const polygon of polygons as Json[]) {
    if (!Array.isArray(polygon) || polygon.length === 0) return 'has a polygon without rings';
    const rings: Ring[] = [];
    for (const ring of polygon as Json[]) {
      if (!Array.isArray(ring)) return 'has a ring that is not a list of positions';
      const positions: Position[] = [];
      for (const position of ring as Json[]) {
        if (
          !Array.isArray(position) ||
          position.length < 2 ||
          typeof position[0] !== 'number' ||
          typeof position[1] !== 'number' ||
          !Number.isFinite(position[0]) ||
          !Number.isFinite(position[1])
        ) {
          return 'has a position that is not [longitude, latitude]';
        }
        const [lon, lat] = position as [number, number];
        if (lon < -180 || lon > 180 || lat < -90 || lat > 90) {
          return (
            `has coordinates out of the WGS84 range (${lon}, ${lat}): the file is probably in British National ` +
            'Grid metres (EPSG:27700). Give it in WGS84 longitude and latitude (EPSG:4326), e.g. ' +
            '`ogr2ogr -t_srs EPSG:4326 out.geojson in.geojson`, or download the WGS84 GeoJSON from ONS Open Geography'
          );
        }
        positions.push([lon, lat]);
      }
      // RFC 7946 repeats the first position at the end; a file that does not is read as closed all the same.
      const last = positions.at(-1);
      const head = positions[0];
      if (last !== undefined && head !== undefined && last[0] === head[0] && last[1] === head[1])
        positions.pop();
      if (positions.length < 3) return 'has a ring of fewer than three distinct positions';
      rings.push(positions);
    }
    out.push(rings);
  }
  return out;
}
