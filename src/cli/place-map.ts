/**
 * @module cli/place-map
 * At start: the map of the places from the boundary files configured (ACCORD_BOUNDARIES or `--boundaries`), or
 * none. A file that is not a usable boundary file stops the start with the problem and its fix; boundaries that do
 * not cover every place of the partnership are noted in the log and the pages keep the tile map.
 */
import type { Config } from '../core/config.js';
import { ProblemError } from '../core/problem.js';
import { loadPlaceBoundaries, uncoveredMessage } from '../partnership/boundaries/load.js';
import type { MapPlace } from '../partnership/boundaries/outlines.js';
import { mapShapes } from '../partnership/boundaries/shapes.js';
import type { PlaceMap } from '../web/charts/boundary-map.js';

export function placeMapAtStart(
  config: Config,
  places: readonly MapPlace[],
  log: (message: string) => void,
): PlaceMap | undefined {
  const settings = config.boundaries;
  if (settings === undefined) return undefined;
  const started = performance.now();
  const loaded = loadPlaceBoundaries(settings, places);
  if (!loaded.ok) throw new ProblemError(loaded.error);
  if (!loaded.value.covered) {
    log(uncoveredMessage(loaded.value.files, loaded.value.uncovered));
    return undefined;
  }
  const { file, features, codeProperty, outlines } = loaded.value;
  const shapes = mapShapes(outlines);
  const apart = outlines.filter((o) => o.features > 1 && o.sharedEdges === 0).map((o) => o.name);
  log(
    `boundaries: ${file} (${features} features by ${codeProperty}): ${outlines.length} places drawn, ` +
      `${shapes.pointsIn.toLocaleString('en-GB')} points simplified to ${shapes.pointsOut.toLocaleString('en-GB')} ` +
      `in ${Math.round(performance.now() - started)} ms` +
      (apart.length === 0
        ? ''
        : `; drawn feature by feature, their inner borders showing (they share no vertices): ${apart.join(', ')}`),
  );
  return { shapes, attribution: settings.attribution };
}
