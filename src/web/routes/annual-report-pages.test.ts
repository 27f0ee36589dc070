/**
 * The annual report through the real server on Riverside with the hand-made population figures: the chooser, the
 * report as a page (system and place), the same report as a PDF, and refusals of years and dates that cannot be.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/db.js';
import { fixtureResults } from '../../../test/support/population-fixture.js';
import { loadRiverside } from '../../../test/support/riverside.js';
import { buildServer } from '../server.js';

const NOW = new Date('2025-03-03T10:00:00Z');
let test: TestDatabase;
let app: FastifyInstance;

beforeAll(async () => {
  test = await createTestDatabase();
  const loaded = await loadRiverside(test.db);
  app = await buildServer({
    db: test.db,
    config: { logLevel: 'silent', publicUrl: new URL('https://accord.example'), oidc: undefined },
    partnershipId: loaded.partnership.info.id,
    schemaCurrent: async () => true,
    clock: () => NOW,
    population: fixtureResults(),
  });
});

afterAll(async () => {
  await app.close();
  await test.drop();
});

const get = (url: string) => app.inject({ method: 'GET', url });

it('offers the years and places', async () => {
  const page = await get('/reports/annual');
  expect(page.statusCode).toBe(200);
  expect(page.body).toContain('href="/reports/annual/2025"');
  expect(page.body).toContain('South Bank');
});

it('is a page with the headline gaps, outcomes and decisions, for the system or a place', async () => {
  const page = await get('/reports/annual/2024?as-of=2025-01-31');
  expect(page.statusCode).toBe(200);
  expect(page.body).toContain('Improving Population Health: 2024');
  expect(page.body).toContain('As of 31 January 2025');
  expect(page.body).toContain('<svg');
  expect(page.body).toContain('Shared outcomes');
  expect(page.body).toContain('href="/reports/annual/2024.pdf?as-of=2025-01-31"');
  const place = await get('/reports/annual/2024?place=south-bank&as-of=2025-01-31');
  expect(place.body).toContain('South Bank, Riverside');
});

it('is the same report as a PDF, the same bytes for the same date', async () => {
  const pdf = await get('/reports/annual/2024.pdf?as-of=2025-01-31');
  expect(pdf.statusCode).toBe(200);
  expect(pdf.headers['content-type']).toBe('application/pdf');
  expect(pdf.headers['content-disposition']).toContain(
    'improving-population-health-2024-as-of-2025-01-31.pdf',
  );
  expect(pdf.rawPayload.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  const again = await get('/reports/annual/2024.pdf?as-of=2025-01-31');
  expect(again.rawPayload.equals(pdf.rawPayload)).toBe(true);
});

it('refuses years and dates that cannot be', async () => {
  expect((await get('/reports/annual/2015')).statusCode).toBe(404);
  expect((await get('/reports/annual/2026')).statusCode).toBe(404);
  expect((await get('/reports/annual/20x4')).statusCode).toBe(404);
  expect((await get('/reports/annual/2024?as-of=2025-02-30')).statusCode).toBe(400);
  expect((await get('/reports/annual/2024?as-of=2025-04-01')).statusCode).toBe(400);
  expect((await get('/reports/annual/2024?as-of=2023-12-31')).statusCode).toBe(400);
  expect((await get('/reports/annual/2024?place=atlantis')).statusCode).toBe(404);
});
