/**
 * Shared outcomes through the real server and a real database (Riverside's fixture outcomes against the test
 * indicators of test/support/population-fixture.ts; the clock at 3 March 2025, so 2024 is the latest year of
 * figures): each status computed and explained, figures only as the indicator pages publish them, the chart, the
 * CSV, JSON and oversight summary, a past day's status reproduced, and milestones reported by an officer of the owner
 * and verified or rejected by another — with the forms' checks, refusals, CSRF and the records that cannot be
 * changed.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/db.js';
import { fixtureResults } from '../../../test/support/population-fixture.js';
import { signedInPerson, type SignedIn } from '../../../test/support/people.js';
import { loadRiverside } from '../../../test/support/riverside.js';
import { expectAccessibleSvg } from '../../../test/support/svg.js';
import type { Role } from '../../access/index.js';
import { buildServer } from '../server.js';

const NOW = new Date('2025-03-03T10:00:00Z');

let test: TestDatabase;
let app: FastifyInstance;
let empty: FastifyInstance;
let hospitalOfficer: SignedIn; // riverside-hospitals: owns the stroke unit
let hospitalOfficer2: SignedIn;
let icbOfficer: SignedIn; // verifies
let member: SignedIn;

const person = (username: string, organisation: string, roles: Role[]) =>
  signedInPerson(test.db, username, organisation, roles, NOW);

/** The server as server.ts builds it, with these population figures. */
async function serverWith(results: ReturnType<typeof fixtureResults> | undefined, partnershipId: string) {
  return buildServer({
    db: test.db,
    config: { logLevel: 'silent', publicUrl: new URL('https://accord.example'), oidc: undefined },
    partnershipId,
    schemaCurrent: async () => true,
    clock: () => NOW,
    population: results,
  });
}

beforeAll(async () => {
  test = await createTestDatabase();
  const loaded = await loadRiverside(test.db);
  hospitalOfficer = await person('hospital.one', 'riverside-hospitals', ['officer']);
  hospitalOfficer2 = await person('hospital.two', 'riverside-hospitals', ['officer']);
  icbOfficer = await person('icb.one', 'riverside-icb', ['officer']);
  member = await person('member.one', 'north-bank-council', ['board-member']);
  app = await serverWith(fixtureResults(), loaded.partnership.info.id);
  empty = await serverWith(undefined, loaded.partnership.info.id);
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
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');

const get = (url: string, who?: SignedIn, server = app) =>
  server.inject({ method: 'GET', url, headers: who === undefined ? {} : { cookie: who.cookie } });

const postForm = (who: SignedIn, url: string, fields: [string, string][], csrf: string | null = who.csrf) =>
  app.inject({
    method: 'POST',
    url,
    headers: { cookie: who.cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams([
      ...(csrf === null ? [] : [['_csrf', csrf] as [string, string]]),
      ...fields,
    ]).toString(),
  });

interface OutcomesJson {
  asOf: string;
  counts: Record<string, number>;
  outcomes: {
    id: string;
    status: string;
    summary: string;
    reasons: string[];
    latest: {
      year: number;
      value: number;
      lower95: number | null;
      upper95: number | null;
      trajectory: number;
    } | null;
    milestones: { id: string; state: string; status: string; late: string | null }[];
  }[];
}
const json = async (url = '/outcomes.json') => (await get(url)).json<OutcomesJson>();
const outcome = (doc: OutcomesJson, id: string) => {
  const found = doc.outcomes.find((o) => o.id === id);
  if (found === undefined) throw new Error(`no outcome ${id}`);
  return found;
};

describe('the outcomes (before any milestone is reported)', () => {
  it('computes each status from the published figures and explains it', async () => {
    const doc = await json();
    expect(doc.asOf).toBe('2025-03-03');
    // Emergency admissions, low is good: 2,424.8 in 2024 against a trajectory of 2,650; but the stroke unit (due 30
    // June 2024) is not verified: more than 3 months late.
    const admissions = outcome(doc, 'fewer-emergency-admissions');
    expect(admissions.latest).toEqual({
      year: 2024,
      value: 2424.8,
      lower95: 2336.7,
      upper95: 2515.4,
      trajectory: 2650,
    });
    expect(admissions.status).toBe('off-track');
    expect(admissions.summary).toBe(
      'Off track because milestone “Hyper-acute stroke unit open” is 8 months late.',
    );
    // Screening, high is good: 2.4% (2.3 to 2.5) against 5.1%; the shared record (due 31 December) 2 months late.
    const screening = outcome(doc, 'screening-uptake-up');
    expect(screening.status).toBe('off-track');
    expect(screening.reasons[0]).toBe(
      "Test screening-uptake: the 2024 value, 2.4 %, is 2.7 % worse than the trajectory's 5.1 % for 2024, and its " +
        "95% interval (2.3 to 2.5) excludes the trajectory's value.",
    );
    expect(screening.reasons[1]).toContain(
      'is 2 months late: due 2024-12-31, not reported complete by 2025-03-03',
    );
    // The deprivation gap: 2024's quintile 5 is withheld ([c]), so 2023's gap (994.3) is the latest published; its
    // interval includes the stated point's trajectory (925 in 2023).
    const gap = outcome(doc, 'admissions-gap');
    expect(gap.latest?.year).toBe(2023);
    expect(gap.latest?.value).toBe(994.3);
    expect(gap.latest?.trajectory).toBe(925);
    expect(gap.status).toBe('at-risk');
    expect(gap.summary).toContain('(within its 95% interval)');
    const carers = outcome(doc, 'carers-wellbeing');
    expect(carers.status).toBe('not-measured');
    expect(doc.counts).toEqual({ 'on-track': 0, 'at-risk': 1, 'off-track': 2, 'not-measured': 1 });
  });

  it('shows every outcome with its coloured status, its reasons and its partners', async () => {
    const response = await get('/outcomes');
    expect(response.statusCode).toBe(200);
    expect(response.body.match(/<h1/g)).toHaveLength(1);
    const page = text(response.body);
    expect(page).toContain('Shared outcomes');
    expect(response.body).toContain('nhsuk-tag--red');
    expect(response.body).toContain('nhsuk-tag--orange');
    expect(response.body).toContain('nhsuk-tag--grey');
    expect(page).toContain('Off track because milestone “Hyper-acute stroke unit open” is 8 months late.');
    expect(page).toContain(
      'Accountable: NHS Riverside Integrated Care Board , Riverside Hospitals NHS Trust',
    );
  });

  it('reproduces the status on a past day, and refuses a day that is not a date', async () => {
    const doc = await json('/outcomes.json?as-of=2024-06-01');
    expect(doc.asOf).toBe('2024-06-01');
    // On 1 June 2024 the latest year was 2023 and no milestone was yet due.
    const admissions = outcome(doc, 'fewer-emergency-admissions');
    expect(admissions.latest?.year).toBe(2023);
    expect(admissions.status).toBe('on-track');
    expect(await json('/outcomes.json?as-of=2024-06-01')).toEqual(doc);
    const bad = await get('/outcomes?as-of=2024-02-30');
    expect(bad.statusCode).toBe(400);
  });

  it('shows an outcome with its chart against the trajectory, its figures, milestones and history', async () => {
    const response = await get('/outcomes/screening-uptake-up');
    expect(response.statusCode).toBe(200);
    const page = text(response.body);
    const svg = /<svg [^>]*class="accord-chart"[\s\S]*?<\/svg>/.exec(response.body)?.[0] ?? '';
    expectAccessibleSvg(svg, 'Test screening-uptake: published values against the trajectory');
    expect(svg).toContain('2024: 2.4 % (95% interval 2.3 to 2.5), trajectory 5.1');
    expect(page).toContain('Shared care record live in both places');
    expect(page).toContain('How the status has changed');
    expect(page).toMatch(/1 January 2025 the 2024 figure is complete/);
    expect((await get('/outcomes/no-such-outcome')).statusCode).toBe(404);
  });

  it('publishes nothing disclosure control withholds: a withheld year is [c], never its value', async () => {
    const response = await get('/outcomes/admissions-gap');
    const page = text(response.body);
    expect(page).toMatch(/2024 \[c\]/);
    expect(page).toContain('[c]');
    expect(response.body).not.toContain('nhsuk-tag--green');
  });

  it('says what is not measured when nothing has been computed', async () => {
    const doc = (await get('/outcomes.json', undefined, empty)).json<OutcomesJson>();
    expect(outcome(doc, 'screening-uptake-up').reasons[0]).toContain(
      'No population health indicators have been computed',
    );
    const page = text((await get('/outcomes', undefined, empty)).body);
    expect(page).toContain('No population health indicators have been computed yet');
  });

  it('answers the JSON API with the same document, described in the OpenAPI document', async () => {
    const api = await get('/api/outcomes');
    expect(api.statusCode).toBe(200);
    expect(api.json()).toEqual(await json());
    const one = await get('/api/outcomes/fewer-emergency-admissions?as-of=2024-06-01');
    expect(one.json<{ status: string }>().status).toBe('on-track');
    expect((await get('/api/outcomes/nothing')).statusCode).toBe(404);
    const bad = await get('/api/outcomes?as-of=yesterday');
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['content-type']).toMatch(/problem\+json/);
    const openapi = (await get('/api/openapi.json')).json<{ paths: Record<string, unknown> }>();
    expect(Object.keys(openapi.paths)).toEqual(
      expect.arrayContaining(['/api/outcomes', '/api/outcomes/{id}']),
    );
  });

  it('downloads the outcomes as CSV', async () => {
    const response = await get('/outcomes.csv');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/csv/);
    const lines = response.body.split('\r\n');
    expect(lines[0]).toMatch(/^id,title,status,as_of,indicator/);
    expect(lines.find((l) => l.startsWith('admissions-gap,'))).toContain(
      ',at-risk,2025-03-03,emergency-admissions,',
    );
  });

  it('sums up for national bodies: counts by status and every off-track outcome with its reasons', async () => {
    const response = await get('/outcomes/oversight');
    expect(response.statusCode).toBe(200);
    const page = text(response.body);
    expect(page).toContain('Outcomes by status');
    expect(page).toContain('More people screened');
    expect(page).toContain("95% interval (2.3 to 2.5) excludes the trajectory's value");
    expect(page).toContain('Stroke rehabilitation pathway agreed');
  });
});

describe('milestones', () => {
  it('are listed with owner, due date and progress', async () => {
    const response = await get('/milestones');
    expect(response.statusCode).toBe(200);
    const page = text(response.body);
    expect(page).toContain(
      'Hyper-acute stroke unit open Stroke Riverside Hospitals NHS Trust 30 June 2024 Not reported',
    );
    expect(page).toContain('8 months late');
    expect(page).toContain('4 months late');
  });

  it('may be reported only by an officer of the owner, with CSRF', async () => {
    expect((await get('/milestones/stroke-unit-open/report')).statusCode).toBe(303);
    expect((await get('/milestones/stroke-unit-open/report', member)).statusCode).toBe(403);
    const other = await get('/milestones/stroke-unit-open/report', icbOfficer);
    expect(other.statusCode).toBe(403);
    expect(text(other.body)).toContain('Only an officer of the milestone’s owner (riverside-hospitals)');
    const form = await get('/milestones/stroke-unit-open/report', hospitalOfficer);
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain(`name="_csrf" value="${hospitalOfficer.csrf}"`);
    const noCsrf = await postForm(hospitalOfficer, '/milestones/stroke-unit-open/report', [], null);
    expect(noCsrf.statusCode).toBe(403);
  });

  it('check every field and keep what was typed', async () => {
    const response = await postForm(hospitalOfficer, '/milestones/stroke-unit-open/report', [
      ['completedOn[day]', '31'],
      ['completedOn[month]', '2'],
      ['completedOn[year]', '2024'],
      ['evidence', '  '],
    ]);
    expect(response.statusCode).toBe(400);
    const page = text(response.body);
    expect(page).toContain('There is a problem');
    expect(page).toContain('Enter the day the milestone was completed as a real date');
    expect(page).toContain('Say what shows the milestone is complete');
    expect(response.body).toMatch(/name="completedOn\[day\]" type="text" value="31"/);
    expect(response.body).toMatch(/name="completedOn\[month\]" type="text" value="2"/);
    expect(response.body).toContain('href="#completedOn-day"');
    const future = await postForm(hospitalOfficer, '/milestones/stroke-unit-open/report', [
      ['completedOn[day]', '1'],
      ['completedOn[month]', '4'],
      ['completedOn[year]', '2025'],
      ['evidence', 'Opened'],
    ]);
    expect(future.statusCode).toBe(400);
    expect(text(future.body)).toContain('Must be today (2025-03-03) or earlier');
    expect(future.body).toContain('Opened');
  });

  it('reported, then rejected by another officer, reported again and verified: each recorded and audited', async () => {
    const reported = await postForm(hospitalOfficer, '/milestones/stroke-unit-open/report', [
      ['completedOn[day]', '20'],
      ['completedOn[month]', '6'],
      ['completedOn[year]', '2024'],
      ['evidence', 'Unit opened to patients; board paper 2024/51.'],
    ]);
    expect(reported.statusCode).toBe(303);
    expect(reported.headers.location).toBe('/milestones/stroke-unit-open?done=reported');
    // A second report while one awaits a decision is refused.
    expect((await get('/milestones/stroke-unit-open/report', hospitalOfficer2)).statusCode).toBe(409);
    const [row] = await test.db.query<{ id: string }>(
      `SELECT id FROM milestone_report ORDER BY id DESC LIMIT 1`,
    );
    const decide = `/milestones/stroke-unit-open/reports/${row?.id}/decide`;
    // Not by the reporter.
    const self = await get(decide, hospitalOfficer);
    expect(self.statusCode).toBe(403);
    expect(text(self.body)).toContain('You made this report, so another officer verifies or rejects it.');
    const missing = await postForm(icbOfficer, decide, [['reason', '']]);
    expect(missing.statusCode).toBe(400);
    expect(text(missing.body)).toContain('Choose verified or rejected');
    const rejected = await postForm(icbOfficer, decide, [
      ['decision', 'rejected'],
      ['reason', 'The board paper is not attached.'],
    ]);
    expect(rejected.statusCode).toBe(303);
    expect((await get(decide, hospitalOfficer2)).statusCode).toBe(409);

    const again = await postForm(hospitalOfficer2, '/milestones/stroke-unit-open/report', [
      ['completedOn[day]', '20'],
      ['completedOn[month]', '6'],
      ['completedOn[year]', '2024'],
      ['evidence', 'Board paper 2024/51 attached.'],
    ]);
    expect(again.statusCode).toBe(303);
    const [second] = await test.db.query<{ id: string }>(
      `SELECT id FROM milestone_report ORDER BY id DESC LIMIT 1`,
    );
    const verified = await postForm(
      hospitalOfficer,
      `/milestones/stroke-unit-open/reports/${second?.id}/decide`,
      [
        ['decision', 'verified'],
        ['reason', 'Paper seen; unit visited.'],
      ],
    );
    expect(verified.statusCode).toBe(303);
    expect(verified.headers.location).toBe('/milestones/stroke-unit-open?done=verified');

    const page = text((await get('/milestones/stroke-unit-open')).body);
    expect(page).toContain('Verified complete');
    expect(page).toContain('Rejected by icb.one');
    expect(page).toContain('The board paper is not attached.');
    const audit = await test.db.query<{ action: string }>(
      `SELECT action FROM milestone_audit WHERE milestone_id = 'stroke-unit-open' ORDER BY id`,
    );
    expect(audit.map((a) => a.action)).toEqual([
      'milestone-reported',
      'milestone-rejected',
      'milestone-reported',
      'milestone-verified',
    ]);

    // Completed (20 June) before it was due (30 June): the outcome is now on track, and was off track before.
    const doc = await json();
    const admissions = outcome(doc, 'fewer-emergency-admissions');
    expect(admissions.status).toBe('on-track');
    expect(admissions.milestones[0]?.state).toBe('verified');
    const history = text((await get('/outcomes/fewer-emergency-admissions')).body);
    expect(history).toContain('milestone “Hyper-acute stroke unit open” verified');
  });

  it('cannot be changed or deleted, even in SQL; and never decided by the reporter', async () => {
    await expect(test.db.query(`UPDATE milestone_report SET evidence = 'x'`)).rejects.toThrow(
      /never changed/,
    );
    await expect(test.db.query(`DELETE FROM milestone_decision`)).rejects.toThrow(/never changed/);
    await expect(test.db.query(`TRUNCATE milestone_audit`)).rejects.toThrow(/never changed/);
    const [r] = await test.db.query<{ id: string; reported_by: string }>(
      `INSERT INTO milestone_report (partnership_id, milestone_id, completed_on, evidence, reported_by,
         reported_by_organisation, reported_at)
       SELECT partnership_id, 'shared-record-live', '2025-01-10', 'Live', u.id, 'riverside-icb', now()
         FROM milestone_report, app_user u WHERE u.username = 'icb.one' LIMIT 1 RETURNING id, reported_by`,
    );
    await expect(
      test.db.query(
        `INSERT INTO milestone_decision (report_id, decision, reason, decided_by, decided_by_organisation, decided_at)
         VALUES ($1, 'verified', 'Self', $2, 'riverside-icb', now())`,
        [r?.id, r?.reported_by],
      ),
    ).rejects.toThrow(/never verified or rejected by the person who reported it/);
  });
});
