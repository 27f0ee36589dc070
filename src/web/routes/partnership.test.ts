import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createTestDatabase, type TestDatabase } from '../../../test/support/db.js';
import { packageRoot } from '../../core/paths.js';
import {
  Body,
  CollectiveActionTest,
  Delegation,
  Mou,
  Neighbourhood,
  Organisation,
  PartnershipInfo,
  Place,
  Programme,
  Source,
  loadPartnership,
  syncPartnership,
} from '../../partnership/index.js';
import { buildServer } from '../server.js';

const riverside = join(packageRoot, 'test', 'fixtures', 'partnerships', 'riverside');

describe('partnership pages and API', () => {
  let test: TestDatabase;
  let app: FastifyInstance;

  beforeAll(async () => {
    test = await createTestDatabase();
    const loaded = loadPartnership(riverside);
    if (!loaded.ok) throw new Error('the riverside fixture does not load');
    const { partnershipId } = await syncPartnership(test.db, loaded.value, riverside);
    app = await buildServer({
      db: test.db,
      config: { logLevel: 'silent', publicUrl: new URL('http://localhost:3000'), oidc: undefined },
      partnershipId,
      schemaCurrent: () => Promise.resolve(true),
    });
  });
  afterAll(async () => {
    await app.close();
    await test.drop();
  });

  const html = async (url: string, status = 200) => {
    const response = await app.inject(url);
    expect(response.statusCode, url).toBe(status);
    expect(response.headers['content-type']).toMatch(/^text\/html/);
    return response.body;
  };

  /** Visible text with tags removed and whitespace collapsed, so assertions do not depend on markup. */
  const text = (body: string) =>
    body
      .replace(/<[^>]+>/g, ' ')
      .replace(/&#39;/g, "'")
      .replace(/&amp;/g, '&')
      .replace(/\s+/g, ' ');

  const h1s = (body: string) => [...body.matchAll(/<h1[\s>]/g)].length;

  describe('pages', () => {
    const pages: [string, string[]][] = [
      [
        '/',
        [
          'Riverside Health and Care Partnership',
          '250,000',
          '£400,000,000',
          '9,000',
          '25,000',
          'Decide as close to people as possible.',
          'Scale',
          'Good practice',
          'Wicked issues',
          'North Bank',
          'South Bank',
        ],
      ],
      [
        '/places',
        ['North Bank', 'South Bank', '140,000', '110,000', '250,000', 'North Bank Borough Council'],
      ],
      [
        '/places/north-bank',
        [
          'North Bank',
          '140,000',
          'North Bank Borough Council',
          'North Bank Health and Wellbeing Board',
          'NHS Riverside CCG',
          'NHS Riverside Integrated Care Board',
          'North Bank PCN',
          'Quayside Surgery',
          'Mill Lane Medical Centre',
          '21,000',
          'Not recorded',
          'North Bank frailty service',
          'Decides its proposals (subsidiarity)',
          'North Bank Health and Wellbeing Board (Since 1 April 2019; source: Riverside test data (invented)',
        ],
      ],
      [
        '/partners',
        [
          'NHS',
          'Local government',
          'Healthwatch',
          'Voluntary and community sector',
          'Riverside Hospitals NHS Trust',
          'ODS ZZ4',
          'ONS E06999901',
          'NHS Riverside CCG',
          '30 June 2022',
        ],
      ],
      [
        '/partners/riverside-ccg',
        [
          'NHS Riverside CCG',
          'Clinical commissioning group',
          'ZZ2',
          'Succeeded by',
          'NHS Riverside Integrated Care Board',
        ],
      ],
      [
        '/programmes',
        [
          'Stroke',
          'One hyper-acute unit serves both banks.',
          'Digital',
          'Scale, Good practice',
          'North Bank frailty service',
        ],
      ],
      [
        '/bodies',
        [
          'Riverside Partnership Board',
          'North Bank Health and Wellbeing Board',
          'South Bank Health and Wellbeing Board',
        ],
      ],
      [
        '/bodies/partnership-board',
        [
          'Riverside Partnership Board',
          'North Bank Borough Council',
          'Leader of the Council',
          'Healthwatch representative',
          'Non-voting',
          'Three voting members, at least one from a council and one from the NHS (invented).',
          'at least 1 from Local government',
          'Allocate the shared transformation fund',
          '£500,000',
        ],
      ],
      [
        '/delegations',
        [
          'Allocate the shared transformation fund',
          "Each partner's own statutory duties",
          '£500,000',
          'Partnership Board terms of reference (invented)',
          '1 July 2022',
          'Prepare the joint strategic needs assessment',
          'No financial commitment delegated',
          'Programmes it covers, for routing proposals Stroke',
          'None: no proposals are routed to it',
        ],
      ],
      [
        '/mou',
        [
          'Riverside Memorandum of Understanding',
          '15 March 2019',
          'Mutual accountability',
          'Collective oversight of the money',
          'all partners',
          'Riverside Minds NHS Foundation Trust',
        ],
      ],
      ['/sources', ['Riverside test data (invented)', 'Accord test suite']],
      ['/about', ['About Accord']],
      ['/accessibility', ['Accessibility statement', 'WCAG']],
    ];

    it.each(pages)('%s renders with one h1 and the expected names', async (url, expected) => {
      const body = await html(url);
      expect(h1s(body), `${url} has exactly one h1`).toBe(1);
      const visible = text(body);
      for (const name of expected) expect(visible, `${url} shows "${name}"`).toContain(name);
    });

    it('links every figure to its entry on /sources, and /sources has the anchor', async () => {
      const home = await html('/');
      expect(home).toContain('href="/sources#invented-for-tests"');
      expect(await html('/sources')).toContain('id="invented-for-tests"');
    });

    it('marks the current section in the navigation and shows breadcrumbs below the home page', async () => {
      const body = await html('/bodies/partnership-board');
      expect(body).toMatch(
        /aria-current="(page|true)"[^>]*>\s*(<[^>]+>\s*)*Bodies|href="\/bodies"[^>]*aria-current/,
      );
      expect(body).toContain('nhsuk-breadcrumb');
      expect(body).toContain('href="/bodies"');
    });

    it('captions every table', async () => {
      for (const url of [
        '/places',
        '/places/north-bank',
        '/partners',
        '/bodies',
        '/bodies/partnership-board',
      ]) {
        const body = await html(url);
        const tables = [...body.matchAll(/<table[\s\S]*?<\/table>/g)].map((m) => m[0]);
        expect(tables.length, url).toBeGreaterThan(0);
        for (const table of tables) expect(table, url).toContain('<caption');
      }
    });

    it('needs no JavaScript: the only inline script is the nonce’d js-enabled snippet', async () => {
      const response = await app.inject('/');
      const nonce = /'nonce-([^']+)'/.exec(String(response.headers['content-security-policy']))?.[1];
      expect(nonce).toBeDefined();
      const scripts = [...response.body.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
      const inline = scripts.filter((s) => !/\bsrc=/.test(s[1] ?? ''));
      expect(inline).toHaveLength(1);
      expect(inline[0]?.[1]).toContain(`nonce="${nonce ?? ''}"`);
      // Every other script is an external module that only enhances the page: no event handlers inline.
      expect(response.body).not.toMatch(/\son[a-z]+="/);
      // Navigation and the as-of filter are plain links and GET forms.
      const partners = await html('/partners');
      expect(partners).toMatch(/<form method="get" action="\/partners"/);
    });

    it('sends the security headers', async () => {
      const response = await app.inject('/');
      expect(response.headers['content-security-policy']).toContain("default-src 'self'");
      expect(response.headers['x-content-type-options']).toBe('nosniff');
    });

    it('shows what was in force on an as-of date', async () => {
      const before = text(await html('/partners?as-of=2020-01-01'));
      expect(before).toContain('NHS Riverside CCG');
      expect(before).not.toContain('NHS Riverside Integrated Care Board');
      const after = text(await html('/partners?as-of=2023-01-01'));
      expect(after).toContain('NHS Riverside Integrated Care Board');
      expect(after).not.toContain('NHS Riverside CCG');
      // The board's delegation started on 1 July 2022.
      const board2020 = text(await html('/bodies/partnership-board?as-of=2020-01-01'));
      expect(board2020).toContain('holds no delegated decisions on 1 January 2020');
      const bodies2010 = text(await html('/bodies?as-of=2010-01-01'));
      expect(bodies2010).toContain('No bodies were in force on that date.');
    });

    it.each([
      '/partners?as-of=2023-02-30',
      '/bodies?as-of=yesterday',
      '/bodies/partnership-board?as-of=2021-13-01',
    ])('%s is a 400 page naming the problem', async (url) => {
      const body = text(await html(url, 400));
      expect(body).toMatch(/The as-of date '.*' (is not written YYYY-MM-DD|is not a real calendar date)/);
    });

    it.each(['/places/atlantis', '/partners/nobody', '/bodies/no-such-board'])(
      '%s is a 404 page',
      async (url) => {
        const body = await html(url, 404);
        expect(h1s(body)).toBe(1);
        expect(text(body)).toContain('There is no');
      },
    );
  });

  describe('API', () => {
    const json = async (url: string) => {
      const response = await app.inject(url);
      expect(response.statusCode, url).toBe(200);
      expect(response.headers['content-type']).toMatch(/^application\/json/);
      return response.json<unknown>();
    };
    const list = <T extends z.ZodType>(key: string, item: T) => z.object({ [key]: z.array(item) }).strict();

    it('GET /api/partnership returns the partnership info', async () => {
      const info = PartnershipInfo.parse(await json('/api/partnership'));
      expect(info.name).toBe('Riverside Health and Care Partnership');
      expect(info.population.value).toBe(250000);
    });

    const lists: [string, string, z.ZodType, string[]][] = [
      [
        '/api/partnership/collective-action-tests',
        'tests',
        CollectiveActionTest,
        ['scale', 'good-practice', 'wicked-issues'],
      ],
      ['/api/partnership/places', 'places', Place, ['north-bank', 'south-bank']],
      [
        '/api/partnership/neighbourhoods',
        'neighbourhoods',
        Neighbourhood,
        ['north-bank-pcn', 'south-bank-pcn'],
      ],
      ['/api/partnership/programmes', 'programmes', Programme, ['stroke', 'digital', 'north-bank-frailty']],
      ['/api/partnership/bodies', 'bodies', Body, ['partnership-board', 'north-bank-hwb', 'south-bank-hwb']],
      [
        '/api/partnership/delegations',
        'delegations',
        Delegation,
        ['councils-to-partnership-board', 'north-bank-council-to-hwb'],
      ],
      ['/api/partnership/sources', 'sources', Source, ['invented-for-tests', 'riverside-mou-text']],
    ];
    it.each(lists)('GET %s lists every entry and matches the schema', async (url, key, item, ids) => {
      const body = list(key, item).parse(await json(url)) as Record<string, { id: string }[]>;
      expect(body[key]?.map((entry) => entry.id)).toEqual(ids);
    });

    it('GET /api/partnership/organisations filters by sector and by date', async () => {
      const organisations = z.object({ organisations: z.array(Organisation) }).strict();
      const all = organisations.parse(await json('/api/partnership/organisations'));
      expect(all.organisations).toHaveLength(9);
      const councils = organisations.parse(
        await json('/api/partnership/organisations?sector=local-government'),
      );
      expect(councils.organisations.map((o) => o.id)).toEqual(['north-bank-council', 'south-bank-council']);
      const nhs2020 = organisations.parse(
        await json('/api/partnership/organisations?sector=nhs&active-on=2020-01-01'),
      );
      expect(nhs2020.organisations.map((o) => o.id)).toEqual([
        'riverside-ccg',
        'riverside-hospitals',
        'riverside-minds',
      ]);
    });

    it('GET one organisation, place and body by id', async () => {
      expect(Organisation.parse(await json('/api/partnership/organisations/riverside-ccg')).successor).toBe(
        'riverside-icb',
      );
      expect(Place.parse(await json('/api/partnership/places/south-bank')).population.value).toBe(110000);
      expect(Body.parse(await json('/api/partnership/bodies/partnership-board')).quorum.minimumVoting).toBe(
        3,
      );
    });

    it('GET /api/partnership/mou returns the memorandum', async () => {
      const mou = Mou.parse(await json('/api/partnership/mou'));
      expect(mou.commitments.map((c) => c.id)).toEqual(['mutual-accountability', 'shared-budget']);
    });

    it('GET /api/partnership/history/:kind/:id returns the versions of an entry', async () => {
      const body = z
        .object({
          kind: z.literal('place'),
          id: z.literal('north-bank'),
          versions: z.array(
            z.object({
              version: z.number().int(),
              content: z.unknown(),
              recordedFrom: z.iso.datetime(),
              recordedTo: z.iso.datetime().nullable(),
              loadId: z.number().int(),
            }),
          ),
        })
        .parse(await json('/api/partnership/history/place/north-bank'));
      expect(body.versions).toHaveLength(1);
      expect(body.versions[0]?.recordedTo).toBeNull();
      expect(Place.parse(body.versions[0]?.content).name).toBe('North Bank');
    });

    it.each([
      '/api/partnership/organisations/nobody',
      '/api/partnership/places/atlantis',
      '/api/partnership/bodies/no-such-board',
      '/api/partnership/history/body/no-such-board',
    ])('%s is a 404 problem document', async (url) => {
      const response = await app.inject(url);
      expect(response.statusCode).toBe(404);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.json()).toMatchObject({ status: 404, title: expect.stringContaining('no') as string });
    });

    it.each([
      '/api/partnership/organisations?active-on=2023-02-30',
      '/api/partnership/organisations?active-on=soon',
      '/api/partnership/organisations?sector=pharmacy',
      '/api/partnership/history/potato/north-bank',
    ])('%s is a 400 problem document', async (url) => {
      const response = await app.inject(url);
      expect(response.statusCode).toBe(400);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.json()).toMatchObject({ status: 400 });
    });

    it('documents every route in the OpenAPI document, with a summary and tags', async () => {
      const document = await json('/api/openapi.json');
      const paths = (
        document as { paths: Record<string, Record<string, { summary?: string; tags?: string[] }>> }
      ).paths;
      for (const path of [
        '/api/partnership',
        '/api/partnership/collective-action-tests',
        '/api/partnership/organisations',
        '/api/partnership/organisations/{id}',
        '/api/partnership/places',
        '/api/partnership/places/{id}',
        '/api/partnership/neighbourhoods',
        '/api/partnership/programmes',
        '/api/partnership/bodies',
        '/api/partnership/bodies/{id}',
        '/api/partnership/delegations',
        '/api/partnership/mou',
        '/api/partnership/sources',
        '/api/partnership/history/{kind}/{id}',
      ]) {
        expect(paths[path]?.get?.summary, path).toBeTruthy();
        expect(paths[path]?.get?.tags, path).toContain('partnership');
      }
      // Pages are for people, not part of the API.
      expect(paths['/places']).toBeUndefined();
    });
  });
});
