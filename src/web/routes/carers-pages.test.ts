/**
 * The carers' pages and download through the real server, on hand-made register figures
 * (test/support/population-fixture.ts): the overview with its trend, places, quintiles and age bands; a place's
 * neighbourhoods and practices; the CSV; the page before anything is computed; an unknown place. Above all, the
 * small practice's carers (1, 2 and 3 over the years) appear nowhere, nor anything it could be worked out from.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/db.js';
import { fixtureResults } from '../../../test/support/population-fixture.js';
import { loadRiverside } from '../../../test/support/riverside.js';
import { loadDemoWorkforceReturns } from '../../workforce/index.js';
import { buildServer } from '../server.js';

const NOW = new Date('2025-03-03T10:00:00Z');

let test: TestDatabase;
let partnership: Awaited<ReturnType<typeof loadRiverside>>['partnership'];
let app: FastifyInstance;
let empty: FastifyInstance;

beforeAll(async () => {
  test = await createTestDatabase();
  const loaded = await loadRiverside(test.db);
  partnership = loaded.partnership;
  const deps = {
    db: test.db,
    config: { logLevel: 'silent', publicUrl: new URL('https://accord.example'), oidc: undefined },
    partnershipId: loaded.partnership.info.id,
    schemaCurrent: async () => true,
    clock: () => NOW,
  } as const;
  app = await buildServer({ ...deps, population: fixtureResults() });
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

describe('the carers pages', () => {
  it('show carers identified against the estimate for the partnership, places, quintiles and ages', async () => {
    const response = await app.inject({ url: '/carers' });
    expect(response.statusCode).toBe(200);
    const page = text(response.body);
    // Latest year (2025): identified (40 + 1 + 60) × 3 × 2 adult cells = 606 → 605 published; expected is the census
    // shares applied to the lists: Y00001 2000×(0.02+0.12+0.08) = 440, Y00002 1500×0.22 = 330, Y00004 3000×0.22 = 660.
    expect(page).toContain('Carers identified, 2025 605');
    expect(page).toContain('Carers expected 1,430');
    // 606 / 1430 = 42.4%, with Byar's limits on 606.
    expect(page).toMatch(/Identified, % of expected \(95% interval\) 42\.4 \(39\.1 to 45\.9\)/);
    expect(page).toContain('South Bank');
    expect(page).toContain('Quintile 1 (most deprived)');
    expect(response.body.match(/<svg/g)?.length).toBeGreaterThanOrEqual(3);
    expect(response.body).toContain('href="/carers/places/north-bank"');
  });

  it('show a place’s practices, withholding the one with too few carers and what would give it away', async () => {
    const response = await app.inject({ url: '/carers/places/north-bank' });
    expect(response.statusCode).toBe(200);
    const page = text(response.body);
    // Y00002 has 6 carers in 2025: withheld; Y00001's 240 is then withheld too, or 246 − 240 would give it back.
    const rows = page.split('Practices of')[1] ?? '';
    expect(rows.match(/\[c\]/g)?.length).toBeGreaterThanOrEqual(4);
    expect(rows).not.toMatch(/\b240\b/);
    expect(rows).not.toMatch(/ 6 /);
  });

  it('download every table as CSV, with the note on withheld figures', async () => {
    const response = await app.inject({ url: '/carers.csv' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/csv/);
    const lines = response.body.split('\r\n');
    expect(lines[0]).toMatch(/withheld to protect confidentiality/);
    expect(lines[1]).toBe(
      'area_type,area_code,area_name,place,year,registered_aged_5_and_over,carers_identified,carers_expected,identified_percent_of_expected,lower_95,upper_95',
    );
    const practice = lines.find((line) => line.startsWith('practice,Y00002,'));
    expect(practice?.split(',').slice(6, 7)).toEqual(['[c]']);
    expect(lines.find((line) => line.startsWith('system,'))).toBe(
      'system,system,Riverside,,2025,19500,605,1430,42.4,39.1,45.9',
    );
  });

  it('say how to compute the figures when there are none, and refuse an unknown place', async () => {
    const none = await empty.inject({ url: '/carers' });
    expect(none.statusCode).toBe(200);
    expect(text(none.body)).toContain('accord population build');
    expect((await empty.inject({ url: '/carers.csv' })).statusCode).toBe(404);
    const unknown = await app.inject({ url: '/carers/places/atlantis' });
    expect(unknown.statusCode).toBe(404);
  });

  it('say how many working carers the employer partners recognise, from their workforce returns', async () => {
    expect(text((await app.inject({ url: '/carers' })).body)).toContain(
      'No employer partner has sent a workforce return yet',
    );
    const loaded = await loadDemoWorkforceReturns(test.db, partnership, { now: NOW });
    expect(loaded.ok).toBe(true);
    const page = text((await app.inject({ url: '/carers' })).body);
    // Riverside's demo returns: three of its four organisations report working carers (workforce-pages.test.ts).
    expect(page).toMatch(
      /In 2025-Q1, 3 of the 4 organisations with a return reported it: (\d[\d,]*[05]|\[c\]) working carers recognised among [\d,]*[05] staff \(\d+\.\d%\)/,
    );
  });
});
