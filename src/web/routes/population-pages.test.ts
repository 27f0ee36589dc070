/**
 * The population health pages and downloads through the real server: the dashboard with its tile map, an
 * indicator's page with its charts, the CSV and JSON downloads, the public and analyst views, the page before any
 * indicators are computed, an unknown indicator and a bad year. Above all: no public path bypasses disclosure
 * control — every route, signed in or not, is fetched and searched for the raw counts of small groups and the values
 * of withheld rates. The fixture is hand-made cube cells (groups of 3, 4 and 9 events among large ones) put through
 * the real measures and inequality gap (test/support/population-fixture.ts).
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/db.js';
import { signedInPerson, type SignedIn } from '../../../test/support/people.js';
import { loadRiverside } from '../../../test/support/riverside.js';
import type { IndicatorValue } from '../../population/indicators/measures.js';
import { buildServer } from '../server.js';
import { fixtureResults } from '../../../test/support/population-fixture.js';

const NOW = new Date('2025-03-03T10:00:00Z');

const results = fixtureResults();

let test: TestDatabase;
let app: FastifyInstance;
let empty: FastifyInstance;
let analyst: SignedIn;
let member: SignedIn;

beforeAll(async () => {
  test = await createTestDatabase();
  const loaded = await loadRiverside(test.db);
  analyst = await signedInPerson(test.db, 'analyst.one', 'riverside-icb', ['analyst'], NOW);
  member = await signedInPerson(test.db, 'public.one', 'healthwatch-north-bank', ['public'], NOW);
  const deps = {
    db: test.db,
    config: { logLevel: 'silent', publicUrl: new URL('https://accord.example'), oidc: undefined },
    partnershipId: loaded.partnership.info.id,
    schemaCurrent: async () => true,
    clock: () => NOW,
  } as const;
  app = await buildServer({ ...deps, population: results });
  empty = await buildServer(deps);
});

afterAll(async () => {
  await app.close();
  await empty.close();
  await test.drop();
});

const get = (url: string, who?: SignedIn, server = app) =>
  server.inject({ url, ...(who === undefined ? {} : { headers: { cookie: who.cookie } }) });

/** Visible text with tags removed and whitespace collapsed. */
const text = (body: string) =>
  body
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/\s+/g, ' ');

describe('the dashboard', () => {
  it('lists every indicator with its latest year, values, gap and trend, and a tile map of the places', async () => {
    const response = await get('/indicators');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/html/);
    const body = text(response.body);
    for (const title of ['Test emergency-admissions', 'Test screening-uptake', 'Test referrals']) {
      expect(body).toContain(title);
    }
    expect(response.body).toContain('href="/indicators/emergency-admissions"');
    expect(body).toContain('Population health');
    expect(body).toContain('2024');
    expect(body).toMatch(/Narrowing|No clear change|Not enough years/);
    // The tile map: an accessible SVG with a tile per place, named, with its value and comparison in words.
    expect(response.body).toMatch(/<svg[^>]*class="accord-tile-map"[^>]*role="img"/);
    expect(response.body).toMatch(/<title>North Bank: [^<]+, (better|similar|worse|not compared)<\/title>/);
    expect(response.body).toMatch(/<title>South Bank: /);
    expect(body).toContain('Better than the partnership (95% interval)');
    // Sparklines, one per indicator.
    expect([...response.body.matchAll(/class="accord-sparkline"/g)]).toHaveLength(3);
    // The navigation marks the section.
    expect(response.body).toMatch(
      /href="\/indicators"[^>]*aria-current="page"|aria-current="page"[^>]*href="\/indicators"/,
    );
    expect(body).toContain('[c] = withheld to protect confidentiality');
  });

  it('maps the indicator asked for, and says so when there is none of that id', async () => {
    const chosen = await get('/indicators?map=screening-uptake');
    expect(chosen.statusCode).toBe(200);
    expect(chosen.body).toMatch(/<title[^>]*>Test screening-uptake: places compared with the partnership/);
    const unknown = await get('/indicators?map=no-such-thing');
    expect(unknown.statusCode).toBe(200);
    expect(text(unknown.body)).toContain('There is no indicator "no-such-thing"');
  });

  it('says how to build the indicators when none have been computed (200, not an error)', async () => {
    for (const url of ['/indicators', '/indicators/emergency-admissions']) {
      const response = await get(url, undefined, empty);
      expect(response.statusCode, url).toBe(200);
      expect(text(response.body)).toContain('No indicators have been computed yet');
      expect(text(response.body)).toContain('accord population build <feeds> --postcodes <file>');
    }
    expect((await get('/indicators.csv', undefined, empty)).statusCode).toBe(404);
  });
});

describe('an indicator page', () => {
  it('describes the indicator and shows each breakdown with a chart and a table, the SII and the trend', async () => {
    const response = await get('/indicators/emergency-admissions?year=2022');
    expect(response.statusCode).toBe(200);
    const body = text(response.body);
    for (const expected of [
      'Test emergency-admissions',
      'What emergency-admissions shows.',
      'Why emergency-admissions matters.',
      'Invented for tests',
      'Lower is better',
      'Crude rate per 100,000',
      'test-codes',
      '2022: By place',
      '2022: By national IMD quintile (1 = most deprived)',
      '2022: By sex',
      'North Bank',
      '1 (most deprived)',
      'Female',
      'Slope index of inequality (95% interval)',
      'The gap is narrowing',
    ]) {
      expect(body).toContain(expected);
    }
    // Public view: no age band or ethnic group, no counts.
    expect(body).not.toContain('By ethnic group');
    expect(body).not.toContain('Numerator');
    // Charts: interval bars for each breakdown, the SII chart, two trend charts; all accessible.
    const charts = [
      ...response.body.matchAll(/<svg[^>]*role="img"[^>]*>\s*<title[^>]*>([^<]*)<\/title>\s*<desc/g),
    ];
    expect(charts.length).toBeGreaterThanOrEqual(7);
    expect(response.body).toContain('slope index of inequality</title>');
    // No script in any chart (the Content Security Policy forbids inline ones).
    for (const svg of response.body.match(/<svg[\s\S]*?<\/svg>/g) ?? [])
      expect(svg).not.toMatch(/<script|on\w+=/i);
    // The year selector works without JavaScript: a GET form.
    expect(response.body).toMatch(/<form method="get" action="\/indicators\/emergency-admissions"/);
    expect(response.body).toContain('href="/indicators/emergency-admissions.csv"');
  });

  it('shows the latest year by default, and says why the gap is not published when a quintile is withheld', async () => {
    const body = text((await get('/indicators/emergency-admissions')).body);
    expect(body).toContain('2024: By place');
    expect(body).toContain('not published: too few events');
  });

  it('shows staff the age band and ethnic group breakdowns and the counts, through disclosure control', async () => {
    const response = await get('/indicators/emergency-admissions?year=2023', analyst);
    expect(response.statusCode).toBe(200);
    const body = text(response.body);
    expect(body).toContain('2023: By age band');
    expect(body).toContain('2023: By ethnic group');
    expect(body).toContain('Numerator');
    expect(body).toContain('7,920');
    expect(body).toContain('analyst view');
    // A signed-in member of the public gets the public view.
    const publicBody = text((await get('/indicators/emergency-admissions?year=2023', member)).body);
    expect(publicBody).not.toContain('By ethnic group');
  });

  it('answers an unknown indicator with 404, and a year without figures with 400 and a message', async () => {
    const unknown = await get('/indicators/no-such-indicator');
    expect(unknown.statusCode).toBe(404);
    expect(text(unknown.body)).toContain('There is no indicator with that id.');
    for (const year of ['1999', 'soon', '20222']) {
      const bad = await get(`/indicators/emergency-admissions?year=${year}`);
      expect(bad.statusCode, year).toBe(400);
      expect(text(bad.body)).toContain('Choose a year from 2022 to 2024');
    }
    expect((await get('/indicators/no-such-indicator.csv')).statusCode).toBe(404);
    expect((await get('/indicators/emergency-admissions.xml')).statusCode).toBe(404);
  });
});

const COLUMNS =
  'indicator,year,breakdown,group,value,lower_95,upper_95,lower_99_8,upper_99_8,numerator,denominator,method,note';

describe('downloads', () => {
  it('gives an indicator as CSV: every year and breakdown the viewer may see', async () => {
    const response = await get('/indicators/emergency-admissions.csv');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-disposition']).toBe('attachment; filename="emergency-admissions.csv"');
    const lines = response.body.trim().split('\r\n');
    expect(lines[0]).toBe(COLUMNS);
    for (const year of [2022, 2023, 2024]) {
      expect(lines.filter((l) => l.startsWith(`emergency-admissions,${year},all,all,`))).toHaveLength(1);
      expect(lines.filter((l) => l.startsWith(`emergency-admissions,${year},imd-quintile,`))).toHaveLength(5);
      expect(lines.filter((l) => l.startsWith(`emergency-admissions,${year},place,`))).toHaveLength(2);
      expect(lines.filter((l) => l.startsWith(`emergency-admissions,${year},sex,`))).toHaveLength(2);
    }
    expect(lines.some((l) => l.includes(',ethnic-group,'))).toBe(false);
    expect(lines.find((l) => l.startsWith('emergency-admissions,2024,imd-quintile,5,'))?.split(',')[4]).toBe(
      '[c]',
    );
    const analystCsv = (await get('/indicators/emergency-admissions.csv', analyst)).body;
    expect(analystCsv).toContain(
      'emergency-admissions,2023,ethnic-group,Black,[c],[c],[c],[c],[c],[c],7920,',
    );
  });

  it('gives an indicator as JSON with the note on [c]', async () => {
    const response = await get('/indicators/emergency-admissions.json');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(response.headers['content-disposition']).toBe('attachment; filename="emergency-admissions.json"');
    const json = response.json<{
      notes: string[];
      figures: { year: number; group: string; breakdown: string; value: unknown }[];
    }>();
    expect(json.notes[0]).toMatch(/^\[c\] = withheld/);
    expect(
      json.figures.find((f) => f.year === 2024 && f.breakdown === 'imd-quintile' && f.group === '5')?.value,
    ).toBe('[c]');
  });

  it('gives the dashboard as CSV and JSON', async () => {
    const csv = await get('/indicators.csv');
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-disposition']).toBe('attachment; filename="indicators.csv"');
    const lines = csv.body.trim().split('\r\n');
    expect(lines[0]).toBe(COLUMNS);
    expect(lines.filter((l) => l.startsWith('referrals,2024,'))).toHaveLength(4);
    const json = await get('/indicators.json');
    expect(json.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(json.json<{ indicators: unknown[] }>().indicators).toHaveLength(3);
  });
});

describe('no public path bypasses disclosure control', () => {
  /** Every population route. */
  const urls = [
    '/indicators',
    ...results.results.map((r) => `/indicators?map=${r.indicator.id}`),
    '/indicators.csv',
    '/indicators.json',
    ...results.results.flatMap((r) => [
      `/indicators/${r.indicator.id}`,
      `/indicators/${r.indicator.id}.csv`,
      `/indicators/${r.indicator.id}.json`,
      ...[2022, 2023, 2024].map((y) => `/indicators/${r.indicator.id}?year=${y}`),
    ]),
  ];

  /** The raw figures that must never appear: counts of small groups, and the values of rates withheld. */
  function forbidden(): string[] {
    const out = new Set<string>(['7919', '7,919', '2203', '2,203']);
    for (const { indicator, values } of results.results) {
      for (const v of values as IndicatorValue[]) {
        if (v.numerator >= 10 || v.value === undefined || indicator.measure === 'count') continue;
        for (const decimals of [1, 2, 3, 4]) {
          out.add(v.value.toFixed(decimals));
          out.add(
            v.value.toLocaleString('en-GB', {
              minimumFractionDigits: decimals,
              maximumFractionDigits: decimals,
            }),
          );
        }
      }
    }
    return [...out];
  }

  it('finds a raw figure when one is shown (the search itself can fail)', async () => {
    const all = results.results[0]?.values.find((v) => v.year === 2023 && v.breakdown === 'all');
    const shown = all?.value?.toLocaleString('en-GB', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
    expect(shown).toBeDefined();
    expect(text((await get('/indicators/emergency-admissions?year=2023')).body)).toContain(shown);
  });

  it('shows no raw small count and no withheld rate anywhere, to anyone, and shows [c]', async () => {
    const raw = forbidden();
    expect(raw.length).toBeGreaterThan(10);
    const numbers = (body: string) => new Set(body.match(/-?\d[\d,]*(\.\d+)?/g) ?? []);
    for (const who of [undefined, member, analyst]) {
      for (const url of urls) {
        const response = await get(url, who);
        expect(response.statusCode, url).toBe(200);
        // In a page, what a reader sees (text, and the charts' titles and descriptions), not the SVG's coordinates.
        const html = response.headers['content-type']?.toString().startsWith('text/html') === true;
        const found = numbers(html ? text(response.body) : response.body);
        const leaked = raw.filter((n) => found.has(n));
        expect(leaked, `${url} (${who === undefined ? 'anonymous' : who.id})`).toEqual([]);
        if (!url.includes('?map=') && url !== '/indicators' && !url.startsWith('/indicators/referrals')) {
          expect(response.body, url).toContain('[c]');
        }
      }
    }
  });
});
