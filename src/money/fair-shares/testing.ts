/**
 * @module money/fair-shares/testing
 * Weights small enough to compute by hand, for the tests of this folder: two age bands (0–64 weight 1, 65+ weight
 * 3), a deprivation gradient of 1.5 (quintile 1) to 1 (quintile 5) and a multimorbidity ratio of 2.
 */
import { quintileIndices, type CostWeights } from './cost-weights.js';

export const HAND_WEIGHTS: CostWeights = {
  ageSex: {
    source: 'test',
    bands: [
      { from: 0, to: 64, male: 1, female: 1 },
      { from: 65, male: 3, female: 3 },
    ],
  },
  deprivation: {
    source: 'test',
    mostDeprived: 150,
    leastDeprived: 100,
    byQuintile: quintileIndices(150, 100),
  },
  multimorbidity: { source: 'test', minimumConditions: 2, ratio: 2 },
  sources: [
    {
      id: 'test',
      title: 'Hand-made weights',
      publisher: 'Accord tests',
      url: 'https://example.org/',
      published: '2025-01-01',
      note: 'For tests only.',
    },
  ],
};
