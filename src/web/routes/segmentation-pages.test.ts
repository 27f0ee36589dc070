/**
 * The segmentation and risk model pages and downloads through the real server, on hand-made aggregates: segments
 * and eFI by place, quintile, age and sex; the Core20PLUS5 cohorts; the model's odds ratios, AUC and calibration;
 * the CSVs; the pages before anything is computed; an unknown year. Above all, the small counts planted in the
 * cells (3 people in segment 6 of South Bank, 2 with moderate frailty) appear nowhere, and every count published
 * is 0 or a multiple of 5 from 10.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/db.js';
import { fixtureResults } from '../../../test/support/population-fixture.js';
import { loadRiverside } from '../../../test/support/riverside.js';
import { modelCellsFollowing } from '../../../test/support/segmentation-fixture.js';
import { expectAccessibleSvg } from '../../../test/support/svg.js';
import { packageRoot } from '../../core/paths.js';
import { loadCatalogue } from '../../population/indicators/catalogue.js';
import type { Core20Cell, SegmentCell } from '../../population/segmentation/cells.js';
import { segmentationFigures } from '../../population/segmentation/figures.js';
import { loadSegmentationRules } from '../../population/segmentation/reference.js';
import { fitRiskModel } from '../../population/segmentation/risk-model.js';
import { calibrationChart } from '../charts/calibration-chart.js';
import { stackedBars } from '../charts/stacked-bars.js';
import { buildServer } from '../server.js';

const NOW = new Date('2025-03-03T10:00:00Z');
const PLACES = ['north-bank', 'south-bank'];

function segmentation() {
  const catalogue = loadCatalogue(`${packageRoot}/indicators`);
  if (!catalogue.ok) throw new Error('catalogue');
  const rules = loadSegmentationRules(catalogue.value.codeLists);
  if (!rules.ok) throw new Error('rules');
  const cells: SegmentCell[] = [];
  for (const year of [2020, 2021]) {
    for (const [p, place] of PLACES.entries()) {
      for (let q = 1; q <= 5; q++) {
        for (const sex of ['female', 'male']) {
          for (let band = 0; band < 6; band++) {
            const older = band >= 3;
            cells.push({
              year,
              place,
              imdQuintile: q,
              sex,
              band,
              segment: 1,
              efiRank: older ? 0 : -1,
              persons: 100 + 10 * q + p,
            });
            cells.push({
              year,
              place,
              imdQuintile: q,
              sex,
              band,
              segment: 4,
              efiRank: older ? 1 : -1,
              persons: 40 + q,
            });
            cells.push({
              year,
              place,
              imdQuintile: q,
              sex,
              band,
              segment: 7,
              efiRank: older ? 1 : -1,
              persons: 12,
            });
          }
        }
      }
    }
    // The planted small counts.
    cells.push({
      year,
      place: 'south-bank',
      imdQuintile: 1,
      sex: 'male',
      band: 4,
      segment: 6,
      efiRank: 0,
      persons: 3,
    });
    cells.push({
      year,
      place: 'north-bank',
      imdQuintile: 2,
      sex: 'female',
      band: 5,
      segment: 8,
      efiRank: 2,
      persons: 2,
    });
  }
  const core20: Core20Cell[] = PLACES.flatMap((place) =>
    [1, 2, 3, 4, 5].map((q) => ({
      year: 2021,
      place,
      imdQuintile: q,
      counts: {
        adults: 1000,
        core20: q === 1 ? 1000 : 0,
        plus_0: 120,
        area_0: 150,
        area_0_core20: q === 1 ? 150 : 0,
        area_2: 40,
        measure_2: place === 'north-bank' && q === 1 ? 6 : 0,
      },
    })),
  );
  const model = modelCellsFollowing({
    years: { from: 2019, to: 2021 },
    persons: 200,
    eta: (c) =>
      -3 +
      0.3 * c.band +
      0.1 * (5 - c.imdQuintile) +
      0.4 * c.conditions +
      0.6 * c.prior +
      (c.segment === 7 ? 0.3 : 0),
    efiRank: (c) => (c.band >= 3 ? (c.conditions === 2 ? 1 : 0) : -1),
  });
  const fitted = fitRiskModel(model, { from: 2019, to: 2020 }, 2021);
  if (!fitted.ok) throw new Error(fitted.error);
  return {
    ...segmentationFigures(
      rules.value,
      { from: 2020, to: 2021 },
      PLACES,
      cells,
      core20,
      // The lists the demo's feeds carry.
      new Set(
        [
          'atrial-fibrillation',
          'stroke',
          'ckd-stage-3-5',
          'diabetes-type2',
          'heart-failure',
          'hypertension',
        ].concat(['coronary-heart-disease', 'dementia', 'has-carer', 'copd']),
      ),
    ),
    riskModel: fitted.value,
  };
}

let test: TestDatabase;
let app: FastifyInstance;
let empty: FastifyInstance;

beforeAll(async () => {
  test = await createTestDatabase();
  const loaded = await loadRiverside(test.db);
  const deps = {
    db: test.db,
    config: { logLevel: 'silent', publicUrl: new URL('https://accord.example'), oidc: undefined },
    partnershipId: loaded.partnership.info.id,
    schemaCurrent: async () => true,
    clock: () => NOW,
  } as const;
  app = await buildServer({ ...deps, population: { ...fixtureResults(), segmentation: segmentation() } });
  empty = await buildServer(deps);
});

afterAll(async () => {
  await app.close();
  await empty.close();
  await test.drop();
});

const text = (body: string) =>
  body
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');

/** Every number in the tables' cells: published counts are 0 or multiples of 5 from 10. */
function cellNumbers(body: string): number[] {
  return [...body.matchAll(/nhsuk-table__cell--numeric">([\d,]+)</g)].map((m) =>
    Number((m[1] ?? '').replaceAll(',', '')),
  );
}

describe('the segments page', () => {
  it('shows segments, frailty and Core20PLUS5 by place, quintile, age and sex, with charts', async () => {
    const response = await app.inject({ url: '/population/segments' });
    expect(response.statusCode).toBe(200);
    const page = text(response.body);
    expect(page).toContain('Segments, frailty and Core20PLUS5');
    expect(page).toContain('8 Frailty and dementia');
    expect(page).toContain('Persons by segment by place, 2021');
    expect(page).toContain('Frailty is under-counted');
    expect(page).toContain(
      "Of the 36 deficits, 19 are mapped to codes, and the partners' records hold codes of only 10 of them.",
    );
    expect(page).toContain('Hypertension case-finding');
    expect(page).toContain('Maternity (continuity of carer)');
    expect(response.body.match(/<svg [^>]*class="accord-chart"/g)?.length).toBe(2);
    expect(page).toContain('[c]');
    for (const n of cellNumbers(response.body)) expect(n === 0 || (n >= 10 && n % 5 === 0)).toBe(true);
    // COPD cohort 400, flu vaccinated 6: the measure is withheld, and so its share.
    expect(page).toMatch(
      /Chronic respiratory disease \(COPD\) 400 0 – 0 0 0 0 vaccinated against flu in the 12 months \[c\] –/,
    );
  });

  it('shows an earlier year, and says when there is none', async () => {
    const earlier = await app.inject({ url: '/population/segments?year=2020' });
    expect(earlier.statusCode).toBe(200);
    expect(text(earlier.body)).toContain('Persons by segment by place, 2020');
    const none = await app.inject({ url: '/population/segments?year=1999' });
    expect(none.statusCode).toBe(400); // as the indicator pages answer a bad year
    expect(text(none.body)).toContain('Choose a year from 2020 to 2021');
  });

  it('downloads every year’s tables as CSV, with no small count', async () => {
    const response = await app.inject({ url: '/population/segments.csv' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/csv');
    const lines = response.body.trim().split('\r\n');
    expect(lines[0]).toContain('[c]');
    expect(lines[1]).toBe('table,year,breakdown,group,category,persons');
    expect(lines.some((l) => l.startsWith('segment,2020,place,south-bank,6,'))).toBe(true);
    for (const line of lines.slice(2)) {
      const value = line.split(',').at(-1) ?? '';
      if (value !== '[c]')
        expect(Number(value) === 0 || (Number(value) >= 10 && Number(value) % 5 === 0)).toBe(true);
    }
    expect(lines).toContain('segment,2021,place,south-bank,6,[c]');
  });

  it('says how to build the figures before they exist', async () => {
    const response = await empty.inject({ url: '/population/segments' });
    expect(response.statusCode).toBe(200);
    expect(text(response.body)).toContain('have not been computed yet');
    expect((await empty.inject({ url: '/population/segments.csv' })).statusCode).toBe(404);
    expect((await empty.inject({ url: '/population/risk-model.csv' })).statusCode).toBe(404);
  });
});

describe('the risk model page', () => {
  it('shows the method, odds ratios, AUC and calibration', async () => {
    const response = await app.inject({ url: '/population/risk-model' });
    expect(response.statusCode).toBe(200);
    const page = text(response.body);
    expect(page).toContain('fitted on 2019 to 2020 and tested on 2021');
    expect(page).toMatch(/Discrimination \(AUC\), 2021 0\.\d{3}/);
    expect(page).toContain('1 (reference)');
    expect(page).toContain('not estimated (nobody at this level)');
    // The age effect planted: 0.3 a band, so 85+ against 0-17 is e^1.5 ≈ 4.48.
    expect(page).toMatch(/85\+ [\d,]+ [\d,]+ 4\.[45]\d \(/);
    expect(response.body.match(/<svg [^>]*class="accord-chart"/g)?.length).toBe(2);
    for (const n of cellNumbers(response.body)) expect(n === 0 || (n >= 10 && n % 5 === 0)).toBe(true);
  });

  it('downloads the odds ratios and calibration as CSV', async () => {
    const response = await app.inject({ url: '/population/risk-model.csv' });
    expect(response.statusCode).toBe(200);
    const lines = response.body.trim().split('\r\n');
    expect(lines[1]).toBe(
      'section,feature,level,persons,admitted,odds_ratio,lower_95,upper_95,predicted,observed',
    );
    expect(lines.filter((l) => l.startsWith('calibration,')).length).toBeGreaterThanOrEqual(5);
  });
});

describe('the charts', () => {
  it('are accessible images', () => {
    expectAccessibleSvg(
      stackedBars({
        title: 'T',
        description: 'D',
        parts: ['a', 'b'],
        rows: [{ label: 'x', parts: [3, undefined] }],
      }),
      'T',
    );
    expectAccessibleSvg(
      calibrationChart({ title: 'C', description: 'D', points: [{ label: '1', predicted: 2, observed: 3 }] }),
      'C',
    );
  });
});
