/**
 * The fair-shares page and download through the real server (Riverside's two places, hand-made need cells, the
 * demo's illustrative allocation of Riverside's budget): the table, the chart, the simulation and the method with
 * its sources; populations rounded to 5 by disclosure control; the CSV; and the page before anything is computed.
 */
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/db.js';
import { loadRiverside } from '../../../test/support/riverside.js';
import { expectAccessibleSvg } from '../../../test/support/svg.js';
import { packageRoot } from '../../core/paths.js';
import { computeFairShares, type FairSharesReport } from '../../money/fair-shares/index.js';
import type { NeedCell } from '../../money/fair-shares/need-cells.js';
import { loadCatalogue } from '../../population/indicators/catalogue.js';
import { fixtureResults } from '../../../test/support/population-fixture.js';
import { buildServer } from '../server.js';
import { fairSharesView } from './fair-shares-pages.js';

const NOW = new Date('2025-03-03T10:00:00Z');

let test: TestDatabase;
let app: FastifyInstance;
let empty: FastifyInstance;
let computed: FairSharesReport;

const CELLS: NeedCell[] = [
  { place: 'north-bank', ageBand: 8, sex: 'female', imdQuintile: 1, persons: 40_003, multimorbid: 2_001 },
  { place: 'north-bank', ageBand: 16, sex: 'male', imdQuintile: 2, persons: 9_001, multimorbid: 4_002 },
  { place: 'south-bank', ageBand: 8, sex: 'male', imdQuintile: 5, persons: 52_002, multimorbid: 1_003 },
  { place: 'south-bank', ageBand: 16, sex: 'female', imdQuintile: 4, persons: 6_004, multimorbid: 2_501 },
  { place: null, ageBand: 8, sex: 'female', imdQuintile: null, persons: 3, multimorbid: 0 },
];

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
  const catalogue = loadCatalogue(join(packageRoot, 'indicators'));
  if (!catalogue.ok) throw new Error('catalogue');
  const result = computeFairShares({
    year: 2024,
    cells: CELLS,
    catalogue: catalogue.value,
    places: loaded.partnership.places.map((p) => ({ id: p.id, name: p.name })),
    budget: { pence: 400_000_000 * 100, source: 'riverside-budget' },
  });
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  computed = result.value;
  empty = await buildServer(deps);
  app = await buildServer({ ...deps, population: { ...fixtureResults(), fairShares: computed } });
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

describe('the fair-shares pages', () => {
  it('say how to compute fair shares before they have been', async () => {
    const response = await empty.inject({ url: '/money/fair-shares' });
    expect(response.statusCode).toBe(200);
    expect(text(response.body)).toContain('Fair shares have not been computed yet');
    expect(response.body.match(/<h1/g)).toHaveLength(1);
    const csv = await empty.inject({ url: '/money/fair-shares.csv' });
    expect(csv.statusCode).toBe(404);
  });

  it('show each place’s target against its current allocation, the chart, the pace of change and the method', async () => {
    const response = await app.inject({ url: '/money/fair-shares' });
    expect(response.statusCode).toBe(200);
    const page = text(response.body);
    expect(response.body.match(/<h1/g)).toHaveLength(1);
    expect(page).toContain('ILLUSTRATIVE DEMO DATA');
    // North Bank: 40,003 + 9,001 = 49,004 registered → 49,005; South Bank 58,006 → 58,005; together 107,010 → 107,010.
    expect(page).toContain('North Bank 49,005');
    expect(page).toContain('South Bank 58,005');
    expect(page).toContain('Registered population, 31 December 2024 107,010');
    expect(page).not.toMatch(/49,004|58,006/);
    expect(page).toContain('Total allocated to the places £400,000,000');
    expect(page).toMatch(/(over|under) target/);
    expect(response.body).toMatch(/<caption class="nhsuk-table__caption[^"]*">Need-weighted target/);
    expect(response.body).toContain('scope="row"');
    const svg = /<svg [^>]*class="accord-chart"[\s\S]*?<\/svg>/.exec(response.body)?.[0] ?? '';
    expectAccessibleSvg(svg, 'Distance from target by place, 2024 population');
    expect(page).toContain('Year 5');
    for (const source of ['asaria-2017-che147', 'asaria-2016-jech', 'soley-bori-2021-bjgp']) {
      expect(page).toContain(source);
    }
    expect(page).toContain('85 and over');
    expect(page).toContain('1 (most deprived) 1.386');
  });

  it('download every table as CSV, populations rounded to 5', async () => {
    const response = await app.inject({ url: '/money/fair-shares.csv' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/csv/);
    expect(response.headers['content-disposition']).toContain('fair-shares.csv');
    const lines = response.body.split('\r\n');
    expect(lines.find((l) => l.startsWith('north-bank,North Bank,'))?.split(',')[2]).toBe('49005');
    expect(lines).toContain('Pace of change');
    expect(lines.some((l) => l.startsWith('soley-bori-2021-bjgp,'))).toBe(true);
  });

  it('format distances with words, so colour is never the only cue', () => {
    const view = fairSharesView(computed);
    for (const p of view.places) expect(p.distance).toMatch(/^[+−]?\d+\.\d% \((over|under|on) target\)$/);
    expect(view.simulation[0]?.year).toBe('Now');
  });
});
