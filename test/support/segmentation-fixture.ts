/**
 * Made-up risk model cells whose admissions follow a given logistic law, for the model's tests and the pages' tests:
 * every age band, sex and quintile, with or without a prior admission, in five combinations of conditions and
 * segment chosen so the design is not collinear (conditions 2 in two segments; segments 1 and 3 both without one).
 */
import type { ModelCell } from '../../src/population/segmentation/cells.js';
import { logistic } from '../../src/population/statistics/logistic.js';

type Features = Omit<ModelCell, 'year' | 'persons' | 'admitted' | 'efiRank'>;

export function modelCellsFollowing(options: {
  readonly years: { readonly from: number; readonly to: number };
  readonly persons: number;
  /** The log odds of an admission. */
  readonly eta: (cell: Features) => number;
  readonly efiRank: (cell: Features) => number;
}): ModelCell[] {
  const out: ModelCell[] = [];
  for (let year = options.years.from; year <= options.years.to; year++)
    for (let band = 0; band < 6; band++)
      for (const sex of ['female', 'male'] as const)
        for (let imdQuintile = 1; imdQuintile <= 5; imdQuintile++)
          for (const [conditions, segment] of [
            [0, 1],
            [0, 3],
            [1, 4],
            [2, 4],
            [2, 7],
          ] as const)
            for (const prior of [0, 1]) {
              const features = { band, sex, imdQuintile, conditions, prior, segment };
              out.push({
                year,
                ...features,
                efiRank: options.efiRank(features),
                persons: options.persons,
                admitted: Math.round(options.persons * logistic(options.eta(features))),
              });
            }
  return out;
}
