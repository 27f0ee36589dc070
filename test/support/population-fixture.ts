/**
 * The population health figures the web tests read: hand-made cube cells (groups of 3, 4 and 9 events among large
 * ones, two places, five quintiles) put through the real measures and inequality gap, for four indicators of
 * different measures. Used by src/web/population-view.test.ts and src/web/routes/population-pages.test.ts.
 */
import type { CubeCell } from '../../src/population/indicators/cube.js';
import { parseIndicator, type Indicator } from '../../src/population/indicators/definition.js';
import { inequalityGap } from '../../src/population/indicators/inequality-gap.js';
import { indicatorValues } from '../../src/population/indicators/measures.js';
import { RESULTS_FORMAT, type PopulationResults } from '../../src/population/indicators/results-file.js';
import { carersFigures, type CarersFigures } from '../../src/carers/figures.js';
import type { RegisterCell } from '../../src/carers/register.js';

const indicator = (id: string, measure: string, per: number, polarity: string): Indicator => {
  const parsed = parseIndicator(
    {
      id,
      title: `Test ${id}`,
      description: `What ${id} shows.`,
      rationale: `Why ${id} matters.`,
      source: 'Invented for tests',
      priority: ['tests'],
      measure,
      per,
      polarity,
      years: { from: 2022, to: 2024 },
      population: {},
      numerator: { where: { event: { kind: 'condition', codes: 'test-codes', within: 'ever' } } },
    },
    `${id}.yaml`,
  );
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.error));
  return parsed.value;
};

/** The cube: two places × five quintiles × two sexes of large groups, and a few small groups beside them. */
function cells(): CubeCell[] {
  const out: CubeCell[] = [];
  const cell = (c: Omit<CubeCell, 'ageBand' | 'ethnicGroup'> & Partial<CubeCell>): CubeCell => ({
    ageBand: 10,
    ethnicGroup: 'White',
    ...c,
  });
  for (const year of [2022, 2023, 2024]) {
    for (const place of ['north-bank', 'south-bank']) {
      for (const q of [1, 2, 3, 4, 5]) {
        for (const sex of ['female', 'male']) {
          // The gap narrows from 2022 to 2023; quintile 5 of 2024 has 1 event a cell: 4 in the quintile, withheld.
          const numerator = year === 2024 && q === 5 ? 1 : year === 2022 ? 400 - q * 70 : 200 - q * 10;
          const denominator = 5000 + q * 101 + (place === 'north-bank' ? 13 : 29) + (sex === 'male' ? 7 : 0);
          out.push(cell({ year, place, imdQuintile: q, sex, numerator, denominator }));
        }
      }
    }
    // 3 events among 7,919 people: an ethnic group and an age band of their own.
    out.push(
      cell({
        year,
        place: 'north-bank',
        imdQuintile: 3,
        sex: 'female',
        ageBand: 8,
        ethnicGroup: 'Black',
        numerator: 3,
        denominator: 7919,
      }),
    );
    // 9 events among 2,203: enough to show the count (rounded to 10), too few for a rate.
    out.push(
      cell({
        year,
        place: 'south-bank',
        imdQuintile: 2,
        sex: 'male',
        ageBand: 12,
        ethnicGroup: 'Mixed',
        numerator: 9,
        denominator: 2203,
      }),
    );
    // People whose place is not known.
    out.push(cell({ year, place: null, imdQuintile: 4, sex: 'female', numerator: 40, denominator: 1111 }));
  }
  return out;
}

export function fixtureResults(): PopulationResults {
  const cube = cells();
  const results = [
    indicator('emergency-admissions', 'crude-rate', 100000, 'low-is-good'),
    indicator('screening-uptake', 'proportion', 100, 'high-is-good'),
    indicator('referrals', 'count', 1, 'no-judgement'),
  ].map((ind) => {
    const values = indicatorValues(ind, cube);
    return { indicator: ind, values, gap: inequalityGap(values) };
  });
  return { format: RESULTS_FORMAT, computedAt: '2025-03-01T09:00:00.000Z', results, carers: fixtureCarers() };
}

/**
 * Carers' register figures for three years in Riverside (test/fixtures/partnerships/riverside): two practices of
 * North Bank's neighbourhood — one with a single carer, too few to publish — and one of South Bank's.
 */
export function fixtureCarers(): CarersFigures {
  const bands = [
    { from: 5, to: 17, male: 0.01, female: 0.02 },
    { from: 18, male: 0.08, female: 0.12 },
  ];
  const cells: RegisterCell[] = [];
  const add = (place: string, practice: string, persons: number, identified: number) => {
    for (const year of [2023, 2024, 2025]) {
      for (const [band, sex] of [
        [0, 'female'],
        [1, 'female'],
        [1, 'male'],
      ] as const) {
        const grown = year - 2022;
        cells.push({
          year,
          place,
          practice,
          imdQuintile: place === 'north-bank' ? 1 : 5,
          sex,
          band,
          persons,
          identified: band === 0 ? 0 : identified * grown,
        });
      }
    }
  };
  add('north-bank', 'Y00001', 2000, 40);
  add('north-bank', 'Y00002', 1500, 1);
  add('south-bank', 'Y00004', 3000, 60);
  return carersFigures(cells, bands, { from: 2023, to: 2025 }, 'ons-census-2021-unpaid-care');
}
