/**
 * Workforce returns through the real server and a real database: the public pages and their CSV downloads (with
 * starters and leavers through disclosure control), who may submit, the upload and hand-entry forms (CSRF, errors
 * with line numbers linked to fields, what was typed kept, nothing stored from a refused file), and the API's 422
 * with every row error. Time is a fixed clock: 20 May 2025, after the quarter 2025-Q1 ended.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/db.js';
import { partnerToken, postForm, signedInPerson, type SignedIn } from '../../../test/support/people.js';
import { loadRiverside } from '../../../test/support/riverside.js';
import type { Partnership } from '../../partnership/index.js';
import { parseCsv } from '../../synthetic/csv.js';
import { formatReturnCsv, loadDemoWorkforceReturns, type ReturnLine } from '../../workforce/index.js';
import { buildServer, type ServerDeps } from '../server.js';

const NOW = new Date('2025-05-20T10:00:00Z');

let test: TestDatabase;
let app: FastifyInstance;
let riverside: Partnership;
let officer: SignedIn; // riverside-hospitals
let analyst: SignedIn;
let writer: string; // token of riverside-minds with workforce:write
let reader: string; // token without it

beforeAll(async () => {
  test = await createTestDatabase();
  riverside = (await loadRiverside(test.db)).partnership;
  officer = await signedInPerson(test.db, 'officer.wf', 'riverside-hospitals', ['officer'], NOW);
  analyst = await signedInPerson(test.db, 'analyst.wf', 'riverside-icb', ['analyst', 'board-member'], NOW);
  writer = await partnerToken(test.db, 'riverside-minds', ['workforce:write'], NOW);
  reader = await partnerToken(test.db, 'riverside-minds', ['partnership:read'], NOW);
  const deps: ServerDeps = {
    db: test.db,
    config: { logLevel: 'silent', publicUrl: new URL('https://accord.example'), oidc: undefined },
    partnershipId: riverside.info.id,
    schemaCurrent: async () => true,
    clock: () => NOW,
  };
  app = await buildServer(deps);
}, 120_000);

afterAll(async () => {
  await app.close();
  await test.drop();
});

const count = async () =>
  Number((await test.db.query<{ n: string }>('SELECT count(*) AS n FROM workforce_return_line'))[0]?.n);

const line = (
  organisation: string,
  period: string,
  staffGroup: string,
  figures: Partial<ReturnLine> = {},
): ReturnLine => ({
  organisation,
  period,
  staffGroup,
  postsFte: 110,
  headcount: 100,
  staffFte: 90,
  vacanciesFte: 10,
  starters: 4,
  leavers: 3,
  newRoles: 1,
  ...figures,
});

/** A multipart form as a browser sends it: the CSRF token and a file. */
function upload(who: SignedIn | undefined, text: string | undefined, csrf: string | undefined = who?.csrf) {
  const boundary = '----accord-test-boundary';
  const parts: string[] = [];
  if (csrf !== undefined)
    parts.push(`--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${csrf}\r\n`);
  parts.push(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="return.csv"\r\nContent-Type: text/csv\r\n\r\n${text ?? ''}\r\n`,
  );
  parts.push(`--${boundary}--\r\n`);
  return app.inject({
    method: 'POST',
    url: '/workforce/returns/upload',
    headers: {
      'content-type': `multipart/form-data; boundary=${boundary}`,
      ...(who === undefined ? {} : { cookie: who.cookie }),
    },
    payload: parts.join(''),
  });
}

const h1Count = (html: string) => (html.match(/<h1[\s>]/g) ?? []).length;

describe('before any return', () => {
  it('the overview says there are none and how to submit', async () => {
    const page = await app.inject({ url: '/workforce' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('No workforce returns have been submitted');
    expect(h1Count(page.body)).toBe(1);
  });
});

describe('who may submit', () => {
  it('sends anonymous people to sign in, refuses analysts and board members, and shows officers the forms', async () => {
    const anonymous = await app.inject({ url: '/workforce/returns/new' });
    expect(anonymous.statusCode).toBe(303);
    expect(anonymous.headers.location).toMatch(/^\/sign-in\?next=/);
    const refused = await app.inject({ url: '/workforce/returns/new', headers: { cookie: analyst.cookie } });
    expect(refused.statusCode).toBe(403);
    const form = await app.inject({ url: '/workforce/returns/new', headers: { cookie: officer.cookie } });
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain(`name="_csrf" value="${officer.csrf}"`);
    expect(form.body).toContain('enctype="multipart/form-data"');
    expect(form.body).toContain('id="g-midwives-leavers"');
    expect(form.body).toMatch(/<label class="nhsuk-label[^"]*" for="file">/);
    expect(h1Count(form.body)).toBe(1);
  });
});

describe('uploading a file', () => {
  it('stores a valid file and redirects to a page saying what was stored', async () => {
    const before = await count();
    const text = formatReturnCsv([
      line('riverside-hospitals', '2025-Q1', 'nurses-and-health-visitors'),
      line('riverside-hospitals', '2025-Q1', 'midwives', { headcount: 20, staffFte: 18, leavers: 2 }),
    ]);
    const response = await upload(officer, text);
    expect(response.statusCode, response.body).toBe(303);
    expect(response.headers.location).toMatch(/^\/workforce\/returns\/submissions\/[0-9a-f-]{36}$/);
    expect(await count()).toBe(before + 2);
    const stored = await app.inject({
      url: String(response.headers.location),
      headers: { cookie: officer.cookie },
    });
    expect(stored.statusCode).toBe(200);
    expect(stored.body).toContain('Workforce return stored');
    expect(stored.body).toContain('return.csv');
    expect(stored.body).toMatch(/2025-Q1 \(January to March 2025\)/);
    // Another organisation's officer does not see it.
    const other = await signedInPerson(test.db, 'officer.other', 'riverside-minds', ['officer'], NOW);
    const hidden = await app.inject({
      url: String(response.headers.location),
      headers: { cookie: other.cookie },
    });
    expect(hidden.statusCode).toBe(404);
  });

  it('refuses a file with bad rows, listing each with its line, and stores nothing', async () => {
    const before = await count();
    const text =
      formatReturnCsv([line('riverside-hospitals', '2024-Q4', 'midwives')]) +
      'riverside-hospitals,2024-Q4,nurses-and-health-visitors,110,100,90,10,4,101,0\n' +
      'nowhere-trust,2024-Q4,midwives,1,1,1,0,0,0,0\n';
    const response = await upload(officer, text);
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('There is a problem');
    expect(response.body).toContain(
      'Line 3, leavers: leavers (101) is more than staff_in_post_headcount (100)',
    );
    expect(response.body).toContain(
      'Line 4, organisation: nowhere-trust is not an organisation of the partnership',
    );
    expect(response.body).toContain('href="#file"');
    expect(response.body).toContain('You chose return.csv');
    expect(await count()).toBe(before);
  });

  it('refuses rows of another organisation, and a file with missing columns', async () => {
    const before = await count();
    const other = await upload(officer, formatReturnCsv([line('riverside-minds', '2024-Q4', 'midwives')]));
    expect(other.statusCode).toBe(400);
    expect(other.body).toContain(
      'You may submit returns only for your own organisation (riverside-hospitals).',
    );
    expect(other.body).toContain('Line 2, organisation: riverside-minds is not your organisation');
    const missing = await upload(officer, 'organisation,period\nriverside-hospitals,2024-Q4\n');
    expect(missing.statusCode).toBe(400);
    expect(missing.body).toMatch(/Line 1: the header lacks columns staff_group, posts_fte/);
    const none = await upload(officer, undefined);
    expect(none.body).toContain('Choose a return file (CSV) to upload');
    expect(await count()).toBe(before);
  });

  it('refuses working carers above the headcount, naming the line, and stores nothing', async () => {
    const before = await count();
    const text = formatReturnCsv([
      line('riverside-hospitals', '2024-Q4', 'midwives', { workingCarers: 3 }),
      line('riverside-hospitals', '2024-Q4', 'nurses-and-health-visitors', { workingCarers: 101 }),
    ]);
    const response = await upload(officer, text);
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain(
      'Line 3, working_carers_headcount: working_carers_headcount (101) is more than staff_in_post_headcount (100)',
    );
    expect(await count()).toBe(before);
  });

  it('refuses an upload without the CSRF token', async () => {
    const before = await count();
    const response = await upload(
      officer,
      formatReturnCsv([line('riverside-hospitals', '2024-Q3', 'midwives')]),
      'forged',
    );
    expect(response.statusCode).toBe(403);
    expect(await count()).toBe(before);
  });
});

describe('entering a quarter by hand', () => {
  const fields = (figures: Record<string, string>) => ({
    period: '2024-Q4',
    ...Object.fromEntries(Object.entries(figures).map(([k, v]) => [`g-midwives-${k}`, v])),
  });
  const good = {
    posts_fte: '22.5',
    staff_in_post_headcount: '20',
    staff_in_post_fte: '18.25',
    vacancies_fte: '4',
    starters: '2',
    leavers: '1',
    new_roles_headcount: '0',
  };

  it('shows every error linked to its field and keeps what was typed', async () => {
    const before = await count();
    const response = await postForm(app, officer, '/workforce/returns/form', {
      ...fields({ ...good, leavers: '101', vacancies_fte: '-1' }),
      period: '2024-Q9',
    });
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('href="#period"');
    expect(response.body).toContain('href="#g-midwives-leavers"');
    expect(response.body).toContain('Midwives: leavers (101) is more than staff_in_post_headcount (20)');
    expect(response.body).toContain('href="#g-midwives-vacancies_fte"');
    expect(response.body).toMatch(
      /id="g-midwives-leavers" name="g-midwives-leavers" type="text" value="101"|value="101"/,
    );
    expect(response.body).toContain('value="2024-Q9"');
    expect(await count()).toBe(before);
  });

  it('stores a valid quarter and redirects to what was stored', async () => {
    const before = await count();
    const response = await postForm(app, officer, '/workforce/returns/form', fields(good));
    expect(response.statusCode, response.body).toBe(303);
    expect(await count()).toBe(before + 1);
    const stored = await app.inject({
      url: String(response.headers.location),
      headers: { cookie: officer.cookie },
    });
    expect(stored.body).toContain('From the form');
  });

  it('takes working carers as an optional figure: refused above the headcount, stored when given, else unknown', async () => {
    const form = await app.inject({ url: '/workforce/returns/new', headers: { cookie: officer.cookie } });
    expect(form.body).toContain('id="g-midwives-working_carers_headcount"');
    expect(form.body).toContain('Working carers recognised (optional)');
    const before = await count();
    const refused = await postForm(app, officer, '/workforce/returns/form', {
      ...fields({ ...good, working_carers_headcount: '21' }),
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('href="#g-midwives-working_carers_headcount"');
    expect(refused.body).toContain(
      'Midwives: working_carers_headcount (21) is more than staff_in_post_headcount (20)',
    );
    expect(await count()).toBe(before);
    const carersOf = async (location: string) =>
      (
        await test.db.query<{ n: number | null }>(
          `SELECT l.working_carers_headcount AS n FROM workforce_return_line l
             JOIN workforce_return r ON r.id = l.return_id WHERE r.submission = $1`,
          [location.split('/').at(-1)],
        )
      ).map((r) => r.n);
    const given = await postForm(app, officer, '/workforce/returns/form', {
      ...fields({ ...good, working_carers_headcount: '3' }),
    });
    expect(given.statusCode, given.body).toBe(303);
    expect(await carersOf(String(given.headers.location))).toEqual([3]);
    const empty = await postForm(app, officer, '/workforce/returns/form', {
      ...fields({ ...good, working_carers_headcount: '' }),
    });
    expect(empty.statusCode, empty.body).toBe(303);
    expect(await carersOf(String(empty.headers.location))).toEqual([null]);
  });

  it('asks for at least one staff group', async () => {
    const response = await postForm(app, officer, '/workforce/returns/form', { period: '2024-Q4' });
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('Enter the figures of at least one staff group');
  });
});

describe('the API', () => {
  const send = (token: string, text: string) =>
    app.inject({
      method: 'POST',
      url: '/api/workforce/returns?file=minds.csv',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
      payload: text,
    });

  it('stores a partner system’s valid file (201)', async () => {
    const response = await send(
      writer,
      formatReturnCsv([line('riverside-minds', '2025-Q1', 'nurses-and-health-visitors')]),
    );
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json()).toMatchObject({
      lines: 1,
      returns: [{ organisation: 'riverside-minds', period: '2025-Q1', version: 1 }],
    });
  });

  it('answers 422 with every row error, by line and column, and stores nothing', async () => {
    const before = await count();
    const response = await send(
      writer,
      formatReturnCsv([line('riverside-minds', '2025-Q1', 'midwives', { staffFte: 101 })]) +
        'riverside-minds,2025-Q1,porters,1,1,1,0,0,0,0\n',
    );
    expect(response.statusCode).toBe(422);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json()).toMatchObject({
      status: 422,
      issues: [
        {
          line: 2,
          column: 'staff_in_post_fte',
          message: expect.stringContaining('more than staff_in_post_headcount'),
        },
        { line: 3, column: 'staff_group', message: expect.stringContaining('porters is not a staff group') },
      ],
    });
    expect(await count()).toBe(before);
  });

  it('refuses another organisation’s rows (403) and a token without workforce:write (403)', async () => {
    const other = await send(writer, formatReturnCsv([line('riverside-hospitals', '2025-Q1', 'midwives')]));
    expect(other.statusCode).toBe(403);
    const noScope = await send(reader, formatReturnCsv([line('riverside-minds', '2025-Q1', 'midwives')]));
    expect(noScope.statusCode).toBe(403);
  });
});

describe('the demo', () => {
  it('loads its synthetic returns only into a store without returns, so what partners sent is kept', async () => {
    const before = await count();
    expect(await loadDemoWorkforceReturns(test.db, riverside, { now: NOW })).toEqual({ ok: true, value: 0 });
    expect(await count()).toBe(before);
  });
});

describe('the public pages', () => {
  let fresh: TestDatabase;
  let demo: FastifyInstance;

  beforeAll(async () => {
    fresh = await createTestDatabase();
    const p = (await loadRiverside(fresh.db)).partnership;
    const loaded = await loadDemoWorkforceReturns(fresh.db, p, { now: NOW });
    expect(loaded.ok && loaded.value).toBeGreaterThan(0);
    const deps: ServerDeps = {
      db: fresh.db,
      config: { logLevel: 'silent', publicUrl: new URL('https://accord.example'), oidc: undefined },
      partnershipId: p.info.id,
      schemaCurrent: async () => true,
      clock: () => NOW,
    };
    demo = await buildServer(deps);
  }, 120_000);

  afterAll(async () => {
    await demo.close();
    await fresh.drop();
  });

  it('the overview: headline figures, charts with text alternatives, tables with captions, the disclosure rule', async () => {
    const page = await demo.inject({ url: '/workforce' });
    expect(page.statusCode).toBe(200);
    expect(h1Count(page.body)).toBe(1);
    expect(page.body).toContain('January to March 2025 (2025-Q1)');
    expect(page.body).toMatch(/<svg[^>]+role="img"[^>]+aria-labelledby=/);
    expect(page.body).toContain('<desc id=');
    expect(page.body).toContain('<caption class="nhsuk-table__caption');
    expect(page.body).toContain(
      '<th scope="row" class="nhsuk-table__header"><a href="/workforce/places/north-bank">',
    );
    expect(page.body).toContain('counts of 1 to 7 are withheld and shown as [c]');
    expect(page.body).toContain('href="/workforce/tables/places.csv"');
  });

  it('every table downloads as CSV, and published starters and leavers are rounded to 5 or withheld', async () => {
    for (const url of [
      '/workforce/tables/sectors.csv',
      '/workforce/tables/staff-groups.csv',
      '/workforce/tables/places.csv',
      '/workforce/tables/trend.csv',
      '/workforce/places/north-bank/tables/organisations.csv',
      '/workforce/places/north-bank/tables/staff-groups.csv',
      '/workforce/organisations/riverside-hospitals/tables/staff-groups.csv',
      '/workforce/organisations/riverside-hospitals/tables/trend.csv',
    ]) {
      const csv = await demo.inject({ url });
      expect(csv.statusCode, url).toBe(200);
      expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
      const parsed = parseCsv(csv.body);
      if (!parsed.ok) throw new Error(`${url} is not CSV`);
      const [head, ...rows] = parsed.value.map((r) => r.fields);
      for (const name of [
        'Starters in quarter',
        'Leavers in quarter',
        'Starters',
        'Leavers',
        'In new roles',
      ]) {
        const column = head!.indexOf(name);
        if (column < 0) continue;
        for (const row of rows) expect(row[column], `${url} ${name}`).toMatch(/^(\d*[05]|\[c\])$/);
      }
    }
  });

  it('show working carers recognised through disclosure control, saying what they count and who reported them', async () => {
    const page = await demo.inject({ url: '/workforce' });
    // Riverside's demo: the two councils and the mental health trust report them, the hospitals do not.
    expect(page.body).toMatch(
      /Working carers recognised<\/dt>\s*<dd class="nhsuk-summary-list__value">[\d,]*[05] \(\d+\.\d% of the staff of the staff groups that reported it\)<\/dd>/,
    );
    expect(page.body).toContain(
      'holding a carer passport, taking carers’ leave or on the employer’s register',
    );
    expect(page.body).toContain('3 of the 4 organisations with a return for this quarter reported it');
    const hospitals = await demo.inject({ url: '/workforce/organisations/riverside-hospitals' });
    expect(hospitals.body).toMatch(
      /Working carers recognised<\/dt>\s*<dd class="nhsuk-summary-list__value">not reported<\/dd>/,
    );
    expect(hospitals.body).toContain('this organisation did not report it for this quarter');
    const minds = await demo.inject({ url: '/workforce/organisations/riverside-minds' });
    expect(minds.body).toContain('this organisation reported it for this quarter');
    const place = await demo.inject({ url: '/workforce/places/north-bank' });
    expect(place.body).toContain('Working carers recognised');

    const cellsOf = async (url: string) => {
      const parsed = parseCsv((await demo.inject({ url })).body);
      if (!parsed.ok) throw new Error(`${url} is not CSV`);
      const [head, ...rows] = parsed.value.map((r) => r.fields);
      const count = head!.indexOf('Working carers recognised');
      const share = head!.indexOf('Working carers (% of headcount reporting)');
      expect(count, url).toBeGreaterThan(0);
      return rows.map((r) => [r[count], r[share]] as const);
    };
    for (const url of [
      '/workforce/tables/sectors.csv',
      '/workforce/tables/staff-groups.csv',
      '/workforce/tables/places.csv',
      '/workforce/places/north-bank/tables/organisations.csv',
      '/workforce/organisations/riverside-minds/tables/staff-groups.csv',
    ]) {
      const cells = await cellsOf(url);
      for (const [count, share] of cells) {
        // Counts rounded to 5 or withheld; a share only from 10 carers.
        expect(count, url).toMatch(/^(\d*[05]|\[c\]|)$/);
        expect(share, url).toMatch(/^(\d+\.\d|\[c\]|)$/);
        if (count === '[c]') expect(share, url).toBe('[c]');
      }
      expect(cells.at(-1)?.[0], `${url} total`).toMatch(/^\d*[05]$/);
    }
    // A small staff group's working carers are withheld.
    expect(
      (await cellsOf('/workforce/organisations/riverside-minds/tables/staff-groups.csv')).flat(),
    ).toContain('[c]');
    // Not reported: empty, not 0.
    for (const [count, share] of await cellsOf(
      '/workforce/organisations/riverside-hospitals/tables/staff-groups.csv',
    )) {
      expect([count, share]).toEqual(['', '']);
    }
  });

  it('a small staff group’s leavers are withheld as [c] at organisation level', async () => {
    const csv = await demo.inject({
      url: '/workforce/organisations/riverside-hospitals/tables/staff-groups.csv',
    });
    expect(csv.body).toContain('[c]');
  });

  it('place and organisation pages, and 404 for unknown ones', async () => {
    const place = await demo.inject({ url: '/workforce/places/north-bank' });
    expect(place.statusCode).toBe(200);
    expect(place.body).toContain('Workforce: North Bank');
    expect(place.body).toContain('href="/workforce/organisations/north-bank-council"');
    const org = await demo.inject({ url: '/workforce/organisations/riverside-hospitals' });
    expect(org.statusCode).toBe(200);
    expect(org.body).toContain('Versions of the 2025-Q1 return');
    expect(org.body).toContain('synthetic demo data');
    expect((await demo.inject({ url: '/workforce/places/atlantis' })).statusCode).toBe(404);
    expect((await demo.inject({ url: '/workforce/organisations/nowhere' })).statusCode).toBe(404);
    expect((await demo.inject({ url: '/workforce/tables/secret.csv' })).statusCode).toBe(404);
  });
});
