/**
 * The map of the places on the population pages when Accord is pointed at boundary files: the dashboard and an
 * indicator's page draw the boundary map (and no tiles) with the licence line; the table of places stays; a map
 * that lacks a place falls back to the tile map. Through the real server, with a synthetic boundary file of the
 * Riverside test partnership.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { folderWith, riversideBoundaries } from '../../../test/support/boundaries.js';
import { createTestDatabase, type TestDatabase } from '../../../test/support/db.js';
import { fixtureResults } from '../../../test/support/population-fixture.js';
import { loadRiverside } from '../../../test/support/riverside.js';
import { DEFAULT_BOUNDARIES_ATTRIBUTION } from '../../core/config.js';
import { loadPlaceBoundaries } from '../../partnership/boundaries/load.js';
import { mapShapes } from '../../partnership/boundaries/shapes.js';
import type { PlaceMap } from '../charts/boundary-map.js';
import { buildServer } from '../server.js';

const NOW = new Date('2025-03-03T10:00:00Z');
const ATTRIBUTION = 'Contains OS data © Crown copyright and database right 2019.';

let test: TestDatabase;
let withMap: FastifyInstance;
let partial: FastifyInstance;
let dir: string;

beforeAll(async () => {
  test = await createTestDatabase();
  const loaded = await loadRiverside(test.db);
  dir = folderWith({ 'riverside.geojson': riversideBoundaries() });
  const boundaries = loadPlaceBoundaries({ path: join(dir, 'riverside.geojson') }, loaded.partnership.places);
  if (!boundaries.ok || !boundaries.value.covered) throw new Error('the synthetic boundaries do not load');
  const shapes = mapShapes(boundaries.value.outlines);
  const placeMap: PlaceMap = { shapes, attribution: ATTRIBUTION };
  const deps = {
    db: test.db,
    config: { logLevel: 'silent', publicUrl: new URL('https://accord.example'), oidc: undefined },
    partnershipId: loaded.partnership.info.id,
    schemaCurrent: async () => true,
    clock: () => NOW,
    population: fixtureResults(),
  } as const;
  withMap = await buildServer({ ...deps, placeMap });
  partial = await buildServer({
    ...deps,
    placeMap: {
      shapes: { ...shapes, places: shapes.places.filter((p) => p.id !== 'south-bank') },
      attribution: DEFAULT_BOUNDARIES_ATTRIBUTION,
    },
  });
});

afterAll(async () => {
  await withMap.close();
  await partial.close();
  await test.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe('the boundary map on the population pages', () => {
  it('draws the dashboard map from the boundaries, each place named, with the licence line', async () => {
    const response = await withMap.inject({ url: '/indicators?map=emergency-admissions' });
    expect(response.statusCode).toBe(200);
    const body = response.body;
    expect(body).toMatch(/<svg[^>]*class="accord-boundary-map"[^>]*role="group"/);
    expect(body).not.toContain('accord-tile-map"');
    const names = [...body.matchAll(/<path role="img" aria-label="([^"]+)"/g)].map((m) => m[1]);
    expect(names).toHaveLength(2);
    expect(names[0]).toMatch(/^North Bank: /);
    expect(names[1]).toMatch(/^South Bank: /);
    expect(body).toContain(`<p class="accord-note accord-map-attribution">${ATTRIBUTION}</p>`);
    expect(body).toContain('each place on the map names its place');
  });

  it("draws an indicator's map from the boundaries, and keeps the table of the places", async () => {
    const response = await withMap.inject({ url: '/indicators/emergency-admissions' });
    expect(response.statusCode).toBe(200);
    expect(response.body).toMatch(/<svg[^>]*class="accord-boundary-map"/);
    expect(response.body).toContain('accord-map-attribution');
    const table =
      /<caption[^>]*>By place, \d{4}<\/caption>([\s\S]*?)<\/table>/.exec(response.body)?.[1] ?? '';
    expect(table).toContain('North Bank');
    expect(table).toContain('South Bank');
  });

  it('falls back to the tile map, without the licence line, when the boundaries lack a place', async () => {
    const response = await partial.inject({ url: '/indicators' });
    expect(response.statusCode).toBe(200);
    expect(response.body).toMatch(/<svg[^>]*class="accord-tile-map"[^>]*role="img"/);
    expect(response.body).not.toContain('accord-boundary-map"');
    expect(response.body).not.toContain('accord-map-attribution');
  });
});
