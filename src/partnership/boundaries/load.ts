/**
 * @module partnership/boundaries/load
 * Reads the boundary files the user pointed Accord at (ACCORD_BOUNDARIES or `--boundaries`: a GeoJSON file, or a
 * folder of them) and outlines the partnership's places from them. A file that is not a usable boundary file is a
 * problem to stop on, naming the file, the feature and the fix; a sound file that lacks a place is not: the caller
 * says so in its log and keeps the tile map. From a folder, the file with the fewest features that covers every
 * place is used: the coarsest boundaries drawn for the purpose (local authorities before LSOAs), and the quickest.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { problem, type Issue, type Problem } from '../../core/problem.js';
import { err, ok, type Result } from '../../core/result.js';
import { readBoundaries, type BoundaryCollection } from './geojson.js';
import { placeOutlines, type MapPlace, type PlaceOutline, type UncoveredPlace } from './outlines.js';

export interface BoundarySettings {
  /** A GeoJSON file, or a folder of `.geojson` files. */
  readonly path: string;
  /** The property holding each feature's local authority code (default: found by its name). */
  readonly property?: string | undefined;
}

export type PlaceBoundaries =
  | {
      readonly covered: true;
      readonly file: string;
      readonly codeProperty: string;
      readonly features: number;
      readonly outlines: readonly PlaceOutline[];
    }
  | {
      readonly covered: false;
      readonly files: readonly string[];
      readonly uncovered: readonly UncoveredPlace[];
    };

const FIX =
  'Point ACCORD_BOUNDARIES (or --boundaries) at a GeoJSON FeatureCollection of local authority or LSOA boundaries ' +
  'in WGS84 longitude and latitude, each feature with its LAD code (e.g. boundaries_ltla19_wyh.geojson from ONS ' +
  'Open Geography), or unset it to show the built-in tile map.';

function filesAt(path: string): Result<string[], Problem> {
  try {
    if (!statSync(path).isDirectory()) return ok([path]);
    const files = readdirSync(path)
      .filter((name) => /\.(geo)?json$/i.test(name))
      .sort()
      .map((name) => join(path, name));
    return files.length > 0
      ? ok(files)
      : err(problem('configuration', `The boundaries folder ${path} holds no .geojson files.`, FIX));
  } catch {
    return err(problem('configuration', `The boundaries ${path} cannot be read.`, FIX));
  }
}

/** The places' outlines from the configured file (or the best file of the configured folder). */
export function loadPlaceBoundaries(
  settings: BoundarySettings,
  places: readonly MapPlace[],
): Result<PlaceBoundaries, Problem> {
  const files = filesAt(settings.path);
  if (!files.ok) return files;
  const collections: BoundaryCollection[] = [];
  const issues: Issue[] = [];
  for (const file of files.value) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      issues.push({ file, message: 'cannot be read' });
      continue;
    }
    const read = readBoundaries(text, file, settings.property);
    if (read.ok) collections.push(read.value);
    else issues.push(...read.error);
  }
  if (issues.length > 0) {
    const which =
      files.value.length === 1 ? `The boundary file ${files.value[0] ?? ''}` : `A file in ${settings.path}`;
    return err(problem('configuration', `${which} is not a usable boundary file.`, FIX, issues));
  }
  let fewestMissing: UncoveredPlace[] | undefined;
  const covering = [...collections].sort((a, b) => a.features.length - b.features.length);
  for (const collection of covering) {
    const outlined = placeOutlines(collection, places);
    if (outlined.covered) {
      return ok({
        covered: true,
        file: collection.file,
        codeProperty: collection.codeProperty,
        features: collection.features.length,
        outlines: outlined.outlines,
      });
    }
    if (fewestMissing === undefined || outlined.uncovered.length < fewestMissing.length) {
      fewestMissing = [...outlined.uncovered];
    }
  }
  return ok({ covered: false, files: files.value, uncovered: fewestMissing ?? [] });
}

/** The start-up log's line for boundaries that do not cover the places. */
export function uncoveredMessage(files: readonly string[], uncovered: readonly UncoveredPlace[]): string {
  const places = uncovered
    .map((u) =>
      u.missingCodes.length === 0
        ? `${u.name} (no local authority codes in places.yaml)`
        : `${u.name} (${u.missingCodes.join(', ')})`,
    )
    .join('; ');
  return (
    `boundaries: ${files.join(', ')} has no feature for ${places}; the population pages show the tile map. ` +
    "Give boundaries that hold every place's local authority codes, or set ACCORD_BOUNDARIES_PROPERTY if the " +
    'codes are in another property.'
  );
}
