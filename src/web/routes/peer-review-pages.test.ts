/**
 * Peer reviews end to end through the real server and a real database, on the fictional Riverside partnership: an
 * officer starts a review of North Bank and records it stage by stage — self-assessment, visit, report, action plan
 * with its actions and their progress, progress review — while the clock moves on; what the public sees at each point
 * (next due date, late and overdue, computed, never typed); every form's errors, with what was typed kept; the
 * refusals (the report before the visit, a stage twice, anyone but an officer); the CSV; and that the database itself
 * refuses to change or delete any record.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/db.js';
import { loadRiverside } from '../../../test/support/riverside.js';
import { signedInPerson, type SignedIn } from '../../../test/support/people.js';
import { createSession, seedDemoUsers, sessionCsrfToken, type Role } from '../../access/index.js';
import { listReviews, reviewView, startReview } from '../../outcomes/peer-review/index.js';
import { seedDemoPeerReviews } from '../../cli/demo-peer-review.js';
import { buildServer } from '../server.js';

/** The clock the server reads: moved on by the tests, a day at a time or a season at a time. */
let now = new Date('2025-01-10T10:00:00Z');

let test: TestDatabase;
let app: FastifyInstance;
let partnershipId: string;
let officer: SignedIn;
let secondOfficer: SignedIn;
let member: SignedIn;
let publicUser: SignedIn;

const TABLES = [
  'peer_review',
  'peer_review_peer',
  'peer_review_stage',
  'peer_review_action',
  'peer_review_action_progress',
  'peer_review_audit',
];

beforeAll(async () => {
  test = await createTestDatabase();
  const loaded = await loadRiverside(test.db);
  partnershipId = loaded.partnership.info.id;
  const person = (username: string, organisation: string, roles: Role[]) =>
    signedInPerson(test.db, username, organisation, roles, now);
  officer = await person('officer.one', 'riverside-icb', ['officer']);
  secondOfficer = await person('officer.two', 'north-bank-council', ['officer']);
  member = await person('member.one', 'north-bank-council', ['board-member']);
  publicUser = await person('public.one', 'healthwatch-north-bank', ['public']);
  app = await buildServer({
    db: test.db,
    config: { logLevel: 'silent', publicUrl: new URL('https://accord.example'), oidc: undefined },
    partnershipId,
    schemaCurrent: async () => true,
    clock: () => now,
  });
});

/**
 * Moves the clock to 10:00 on `day`. Sessions expire after 30 idle minutes, so everyone signs in again then, as
 * people coming back to the record months later would.
 */
async function at(day: string): Promise<void> {
  now = new Date(`${day}T10:00:00Z`);
  const again = async (who: SignedIn): Promise<SignedIn> => {
    const { token, session } = await createSession(test.db, who.id, () => now);
    return { id: who.id, cookie: `accord_session=${token}`, csrf: sessionCsrfToken(session.csrfSecret) };
  };
  officer = await again(officer);
  secondOfficer = await again(secondOfficer);
  member = await again(member);
  publicUser = await again(publicUser);
}

afterAll(async () => {
  await app.close();
  await test.drop();
});

/** Visible text with tags removed and whitespace collapsed. */
const visible = (body: string) =>
  body
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');

const page = (who: SignedIn | undefined, url: string) =>
  app.inject({ method: 'GET', url, headers: who === undefined ? {} : { cookie: who.cookie } });

/** Posts a form as a browser would: urlencoded, with the session's CSRF token (or none). */
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

const date = (name: string, iso: string): [string, string][] => {
  const [year = '', month = '', day = ''] = iso.split('-');
  return [
    [`${name}[day]`, String(Number(day))],
    [`${name}[month]`, String(Number(month))],
    [`${name}[year]`, year],
  ];
};

async function rowCounts(): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of TABLES) {
    const [row] = await test.db.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`);
    counts[table] = Number(row?.n);
  }
  return counts;
}

const northBankReview: [string, string][] = [
  ['subject', 'place:north-bank'],
  ['title', 'Corporate peer challenge of North Bank'],
  ['scope', 'How well health and care in North Bank work together for older people.'],
  ...date('visitStart', '2025-01-28'),
  ...date('visitEnd', '2025-01-31'),
  ['actionPlanMonths', '2'],
  ['peer-1-name', 'Cllr Mary Smith'],
  ['peer-1-role', 'Lead peer'],
  ['peer-1-organisation', 'Westshire County Council'],
  ['peer-2-name', 'Dr Raj Patel'],
  ['peer-2-role', 'NHS peer'],
  ['peer-2-organisation', 'Eastvale Integrated Care Board'],
];

/** Starts a review through the form and answers its id. */
async function started(fields: [string, string][] = northBankReview): Promise<number> {
  const response = await postForm(officer, '/peer-reviews', fields);
  expect(response.statusCode, response.body).toBe(303);
  const location = String(response.headers.location);
  expect(location).toMatch(/^\/peer-reviews\/\d+\?done=started$/);
  return Number(/\/peer-reviews\/(\d+)/.exec(location)?.[1]);
}

const stage = (who: SignedIn, id: number, name: string, day: string, summary = `The ${name}.`, link = '') =>
  postForm(who, `/peer-reviews/${id}/stages/${name}`, [
    ...date('doneOn', day),
    ['summary', summary],
    ['link', link],
  ]);

describe('who may see and do what', () => {
  it('/peer-reviews is public; only officers are offered to start a review', async () => {
    await at('2025-01-10');
    const anonymous = await page(undefined, '/peer-reviews');
    expect(anonymous.statusCode).toBe(200);
    expect([...anonymous.body.matchAll(/<h1[\s>]/g)]).toHaveLength(1);
    expect(anonymous.body).not.toContain('href="/peer-reviews/new"');
    expect((await page(member, '/peer-reviews')).body).not.toContain('href="/peer-reviews/new"');
    expect((await page(officer, '/peer-reviews')).body).toContain('href="/peer-reviews/new"');
  });

  it('the forms are for officers: anyone else is sent to sign in or refused, and nothing is written', async () => {
    const before = await rowCounts();
    const anonymous = await page(undefined, '/peer-reviews/new');
    expect(anonymous.statusCode).toBe(303);
    expect(anonymous.headers.location).toBe('/sign-in?next=%2Fpeer-reviews%2Fnew');
    expect((await page(member, '/peer-reviews/new')).statusCode).toBe(403);
    expect((await page(publicUser, '/peer-reviews/new')).statusCode).toBe(403);
    expect((await postForm(member, '/peer-reviews', northBankReview)).statusCode).toBe(403);
    expect((await postForm(publicUser, '/peer-reviews', northBankReview)).statusCode).toBe(403);
    // An officer without the session's CSRF token is refused too.
    expect((await postForm(officer, '/peer-reviews', northBankReview, null)).statusCode).toBe(403);
    expect(await rowCounts()).toEqual(before);
  });

  it('the domain refuses a non-officer whoever calls it', async () => {
    const result = await startReview(
      { db: test.db, partnershipId, today: '2025-01-10', now },
      { userId: member.id, organisation: 'north-bank-council', roles: ['board-member'] },
      {},
    );
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.kind).toBe('forbidden');
  });
});

describe('starting a review', () => {
  it('the form shows every field, with Accord’s default of 2 months for the action plan', async () => {
    const form = await page(officer, '/peer-reviews/new');
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain(`name="_csrf" value="${officer.csrf}"`);
    for (const id of [
      'subject',
      'title',
      'scope',
      'visitStart-day',
      'visitEnd-year',
      'actionPlanMonths',
      'peer-1-name',
    ]) {
      expect(form.body, id).toContain(`id="${id}"`);
    }
    expect(form.body).toMatch(/id="actionPlanMonths"[^>]*value="2"|value="2"[^>]*id="actionPlanMonths"/);
    expect(form.body).toContain('value="place:north-bank"');
    expect(form.body).toContain('value="programme:stroke"');
    // Only what is in force is offered: North Bank frailty ended in March 2023.
    expect(form.body).not.toContain('value="programme:north-bank-frailty"');
  });

  it('a form with errors says what to fix, linked to each field in order, and keeps everything typed', async () => {
    const before = await rowCounts();
    const response = await postForm(officer, '/peer-reviews', [
      ['subject', ''],
      ['title', ''],
      ['scope', 'Keep <this> & that'],
      ['visitStart[day]', '31'],
      ['visitStart[month]', '2'],
      ['visitStart[year]', '2025'],
      ...date('visitEnd', '2025-01-31'),
      ['actionPlanMonths', 'two'],
      ['peer-1-name', ''],
      ['peer-2-name', 'Cllr Mary Smith'],
      ['peer-2-role', ''],
      ['peer-2-organisation', 'Westshire County Council'],
    ]);
    expect(response.statusCode).toBe(400);
    const body = response.body;
    expect(body).toMatch(/<title>Error: Start a peer review/);
    expect(body).toContain('There is a problem');
    const text = visible(body);
    expect(text).toContain('Choose what is reviewed');
    expect(text).toContain('Enter a title for the review');
    expect(text).toContain('The first day of the visit must be a real date');
    expect(text).toContain('must be a whole number of months');
    expect(text).toContain('Enter the peer’s role on the team');
    // What was typed is all there, escaped.
    expect(body).toContain('Keep &lt;this&gt; &amp; that</textarea>');
    expect(body).toMatch(/name="visitStart\[day\]"[^>]*value="31"|value="31"[^>]*name="visitStart\[day\]"/);
    expect(body).toContain('value="two"');
    expect(body).toContain('value="Cllr Mary Smith"');
    expect(body).toContain('value="Westshire County Council"');
    const summary = /nhsuk-error-summary__list[\s\S]*?<\/ul>/.exec(body)?.[0] ?? '';
    expect([...summary.matchAll(/href="#([a-zA-Z0-9-]+)"/g)].map((m) => m[1])).toEqual([
      'subject',
      'title',
      'visitStart-day',
      'actionPlanMonths',
      'peer-2-role',
    ]);
    expect(await rowCounts()).toEqual(before);
  });

  it('checks the subject exists and is in force, and the visit’s days', async () => {
    const before = await rowCounts();
    const withFields = (changes: Record<string, string>) =>
      northBankReview.map(([k, v]): [string, string] => [k, changes[k] ?? v]);
    const unknown = await postForm(officer, '/peer-reviews', withFields({ subject: 'place:atlantis' }));
    expect(unknown.statusCode).toBe(400);
    expect(visible(unknown.body)).toContain("unknown place 'atlantis'");
    const ended = await postForm(
      officer,
      '/peer-reviews',
      withFields({ subject: 'programme:north-bank-frailty' }),
    );
    expect(ended.statusCode).toBe(400);
    expect(visible(ended.body)).toContain('is not a programme of the partnership in force');
    const backwards = await postForm(officer, '/peer-reviews', [
      ...withFields({}).filter(([k]) => !k.startsWith('visitEnd')),
      ...date('visitEnd', '2025-01-27'),
    ]);
    expect(backwards.statusCode).toBe(400);
    expect(visible(backwards.body)).toContain('The last day of the visit must be on or after its first day');
    const noPeers = await postForm(
      officer,
      '/peer-reviews',
      withFields({}).filter(([k]) => !k.startsWith('peer-')),
    );
    expect(noPeers.statusCode).toBe(400);
    expect(visible(noPeers.body)).toContain('Enter at least one member of the peer team');
    expect(await rowCounts()).toEqual(before);
  });
});

describe('a review from start to progress review', () => {
  let id: number;

  it('is published at once, with its due dates worked out from the visit', async () => {
    await at('2025-01-10');
    const before = await rowCounts();
    id = await started();
    const after = await rowCounts();
    expect(after.peer_review).toBe(before.peer_review! + 1);
    expect(after.peer_review_peer).toBe(before.peer_review_peer! + 2);
    expect(after.peer_review_audit).toBe(before.peer_review_audit! + 1);
    const response = await page(undefined, `/peer-reviews/${id}`);
    expect(response.statusCode).toBe(200);
    const text = visible(response.body);
    expect(text).toContain('Corporate peer challenge of North Bank');
    expect(text).toContain('Cllr Mary Smith Lead peer Westshire County Council');
    expect(text).toContain('Dr Raj Patel NHS peer Eastvale Integrated Care Board');
    // Due dates: self-assessment the day before the visit; report 3 months after its last day; action plan 2
    // months after that (until the report is published); progress review 12 months after the visit.
    expect(text).toMatch(/Self-assessment .*27 January 2025 Not yet/);
    expect(text).toMatch(/Report .*30 April 2025 Not yet/);
    expect(text).toMatch(/Action plan .*30 June 2025 Not yet/);
    expect(text).toMatch(/Progress review .*31 January 2026 Not yet/);
    expect(text).toContain('Next: self-assessment, due 27 January 2025.');
    expect(text).toContain('officer.one Person (NHS Riverside Integrated Care Board). Started the review.');
    // The public see no links to record anything.
    expect(response.body).not.toContain(`/peer-reviews/${id}/stages/`);
    const list = visible((await page(undefined, '/peer-reviews')).body);
    expect(list).toContain('Started Self-assessment, due 27 January 2025');
    expect(list).toContain('On track');
  });

  it('refuses the report before the visit, and a date in the future', async () => {
    await at('2025-01-29');
    const before = await rowCounts();
    const early = await stage(officer, id, 'report', '2025-01-29');
    expect(early.statusCode).toBe(409);
    expect(visible(early.body)).toContain('The report cannot be recorded before the on-site visit is.');
    expect((await page(officer, `/peer-reviews/${id}/stages/report`)).statusCode).toBe(409);
    const future = await stage(officer, id, 'self-assessment', '2025-01-30');
    expect(future.statusCode).toBe(400);
    expect(visible(future.body)).toContain('The date cannot be in the future');
    expect(await rowCounts()).toEqual(before);
  });

  it('records the self-assessment late and the visit; the report may not be dated before the visit', async () => {
    await at('2025-02-03');
    expect(
      (await stage(officer, id, 'self-assessment', '2025-01-29', 'Our position statement.')).statusCode,
    ).toBe(303);
    const visit = await stage(secondOfficer, id, 'visit', '2025-01-31', 'Four days on site; 40 interviews.');
    expect(visit.statusCode).toBe(303);
    expect(visit.headers.location).toBe(`/peer-reviews/${id}?done=stage#timeline`);
    const before = await rowCounts();
    const tooEarly = await stage(officer, id, 'report', '2025-01-30', 'Summary <kept>');
    expect(tooEarly.statusCode).toBe(400);
    expect(visible(tooEarly.body)).toContain(
      'The report cannot come before the on-site visit, done on 31 January 2025',
    );
    expect(tooEarly.body).toContain('href="#doneOn-day"');
    expect(tooEarly.body).toContain('Summary &lt;kept&gt;</textarea>');
    expect(tooEarly.body).toMatch(/name="doneOn\[day\]"[^>]*value="30"|value="30"[^>]*name="doneOn\[day\]"/);
    const badDate = await postForm(officer, `/peer-reviews/${id}/stages/report`, [
      ['doneOn[day]', '30'],
      ['doneOn[month]', '2'],
      ['doneOn[year]', '2025'],
      ['summary', ''],
      ['link', 'ftp://example.org/report.pdf'],
    ]);
    expect(badDate.statusCode).toBe(400);
    const text = visible(badDate.body);
    expect(text).toContain('The date must be a real date');
    expect(text).toContain('Enter a summary of the document');
    expect(text).toContain('Enter a web address starting https://');
    expect(badDate.body).toContain('value="ftp://example.org/report.pdf"');
    expect(await rowCounts()).toEqual(before);
    const review = visible((await page(undefined, `/peer-reviews/${id}`)).body);
    expect(review).toMatch(
      /Self-assessment .*27 January 2025 29 January 2025 Late by 2 days Our position statement\./,
    );
    expect(review).toMatch(/On-site visit .*31 January 2025 31 January 2025 Done/);
    expect(review).toContain('Recorded by officer.two Person (North Bank Borough Council)');
  });

  it('a stage recorded wrongly is corrected: a new version with who and why, the old one kept', async () => {
    const before = await rowCounts();
    expect((await page(officer, `/peer-reviews/${id}/stages/report/correct`)).statusCode).toBe(409);
    const form = await page(secondOfficer, `/peer-reviews/${id}/stages/visit/correct`);
    expect(form.statusCode).toBe(200);
    // The form starts from the record as it is.
    expect(form.body).toContain('Four days on site; 40 interviews.</textarea>');
    const correct = (fields: [string, string][]) =>
      postForm(secondOfficer, `/peer-reviews/${id}/stages/visit/correct`, fields);
    const noReason = await correct([
      ...date('doneOn', '2025-01-31'),
      ['summary', 'Four days on site; 42 interviews.'],
      ['reason', ''],
    ]);
    expect(noReason.statusCode).toBe(400);
    expect(visible(noReason.body)).toContain('Enter why the record is corrected');
    expect(noReason.body).toContain('Four days on site; 42 interviews.</textarea>');
    const tooEarly = await correct([
      ...date('doneOn', '2025-01-20'),
      ['summary', 'Four days on site; 42 interviews.'],
      ['reason', 'Miscounted'],
    ]);
    expect(tooEarly.statusCode).toBe(400);
    expect(visible(tooEarly.body)).toContain('The visit cannot have ended before its first day');
    expect(await rowCounts()).toEqual(before);
    const corrected = await correct([
      ...date('doneOn', '2025-01-31'),
      ['summary', 'Four days on site; 42 interviews.'],
      ['reason', 'Two interviews were left out of the count.'],
    ]);
    expect(corrected.statusCode).toBe(303);
    expect(corrected.headers.location).toBe(`/peer-reviews/${id}?done=corrected#stage-visit`);
    expect((await rowCounts()).peer_review_stage).toBe(before.peer_review_stage! + 1);
    const review = visible((await page(undefined, `/peer-reviews/${id}`)).body);
    expect(review).toContain('Four days on site; 42 interviews.');
    expect(review).toContain(
      'Corrected by officer.two Person (North Bank Borough Council), 3 February 2025 at 10:00: Two interviews were left out of the count.',
    );
    expect(review).toContain(
      'Earlier record (version 1, by officer.two Person (North Bank Borough Council)): done on 31 January 2025. Four days on site; 40 interviews.',
    );
    expect(review).toContain('Corrected the on-site visit: done on 31 January 2025 (was 31 January 2025).');
    expect(
      (await postForm(member, `/peer-reviews/${id}/stages/visit/correct`, [['reason', 'x']])).statusCode,
    ).toBe(403);
  });

  it('no actions before the report; the report, once; then the action plan', async () => {
    await at('2025-03-01');
    const noReport = await postForm(officer, `/peer-reviews/${id}/actions`, [
      ['action', 'Joint discharge team'],
      ['ownerOrganisation', 'riverside-hospitals'],
      ...date('dueOn', '2025-09-30'),
    ]);
    expect(noReport.statusCode).toBe(409);
    await at('2025-04-16');
    const report = await stage(
      officer,
      id,
      'report',
      '2025-04-15',
      'Strong leadership; discharge from hospital is slow.',
      'https://riverside.example/peer-challenge-report.pdf',
    );
    expect(report.statusCode).toBe(303);
    const twice = await stage(officer, id, 'report', '2025-04-16');
    expect(twice.statusCode).toBe(409);
    expect(visible(twice.body)).toContain('The report is already recorded as done on 15 April 2025.');
    const review = visible((await page(undefined, `/peer-reviews/${id}`)).body);
    expect(review).toContain('Strong leadership; discharge from hospital is slow.');
    expect(review).toContain('Read the peers’ report');
    // The action plan is now due 2 months after the report was published.
    expect(review).toMatch(/Action plan .*15 June 2025 Not yet/);
    expect(review).toContain('Next: action plan, due 15 June 2025.');
  });

  it('adds actions to the plan, with errors shown on the form', async () => {
    const before = await rowCounts();
    const bad = await postForm(officer, `/peer-reviews/${id}/actions`, [
      ['action', ''],
      ['ownerOrganisation', 'riverside-ccg'],
      ...date('dueOn', '2025-04-01'),
    ]);
    expect(bad.statusCode).toBe(400);
    const text = visible(bad.body);
    expect(text).toContain('Enter what will be done');
    expect(text).toContain("'riverside-ccg' is not a partner on 16 April 2025");
    expect(bad.body).toMatch(/<option value="riverside-hospitals"/);
    const tooEarly = await postForm(officer, `/peer-reviews/${id}/actions`, [
      ['action', 'Joint discharge team'],
      ['ownerOrganisation', 'riverside-hospitals'],
      ...date('dueOn', '2025-04-01'),
    ]);
    expect(tooEarly.statusCode).toBe(400);
    expect(visible(tooEarly.body)).toContain('An action cannot be due before the report');
    expect(tooEarly.body).toMatch(/<option value="riverside-hospitals" selected/);
    expect(await rowCounts()).toEqual(before);
    for (const [action, owner, due] of [
      ['Joint discharge team across the hospital and the council', 'riverside-hospitals', '2025-09-30'],
      ['Publish one shared dashboard of delayed discharges', 'north-bank-council', '2025-07-31'],
    ] as const) {
      const added = await postForm(officer, `/peer-reviews/${id}/actions`, [
        ['action', action],
        ['ownerOrganisation', owner],
        ...date('dueOn', due),
      ]);
      expect(added.statusCode, added.body).toBe(303);
    }
    expect((await rowCounts()).peer_review_action).toBe(before.peer_review_action! + 2);
  });

  it('records the action plan and reports progress over time, each report a new row', async () => {
    await at('2025-06-11');
    expect(
      (await stage(officer, id, 'action-plan', '2025-06-10', 'Two actions agreed by the board.')).statusCode,
    ).toBe(303);
    const [first] = (
      await test.db.query<{ id: string }>(
        'SELECT id FROM peer_review_action WHERE review_id = $1 ORDER BY id',
        [id],
      )
    ).map((r) => Number(r.id));
    const progress = (actionId: number | undefined, status: string, day: string, note: string) =>
      postForm(officer, `/peer-reviews/${id}/actions/${actionId}/progress`, [
        ['status', status],
        ...date('asOf', day),
        ['note', note],
      ]);
    const noStatus = await progress(first, '', '2025-06-11', 'Begun <soon>');
    expect(noStatus.statusCode).toBe(400);
    expect(visible(noStatus.body)).toContain('Choose the status');
    expect(noStatus.body).toContain('Begun &lt;soon&gt;</textarea>');
    await at('2025-07-02');
    expect((await progress(first, 'in-progress', '2025-07-01', 'Team recruited.')).statusCode).toBe(303);
    const backwards = await progress(first, 'done', '2025-06-30', 'Done.');
    expect(backwards.statusCode).toBe(400);
    expect(visible(backwards.body)).toContain('The date cannot be before the last report');
    await at('2025-09-21');
    expect((await progress(first, 'done', '2025-09-20', 'Team working seven days a week.')).statusCode).toBe(
      303,
    );
    // The second action was due on 31 July and nothing has been reported: overdue.
    const review = visible((await page(undefined, `/peer-reviews/${id}`)).body);
    expect(review).toContain('2 actions: 1 done, 1 overdue.');
    expect(review).toContain('In progress as of 1 July 2025: Team recruited.');
    expect(review).toContain('Done as of 20 September 2025: Team working seven days a week.');
    expect(review).toMatch(
      /Publish one shared dashboard of delayed discharges .*31 July 2025 Not started Overdue/,
    );
    expect((await page(officer, `/peer-reviews/${id}/actions/999999/progress`)).statusCode).toBe(404);
    expect((await rowCounts()).peer_review_action_progress).toBe(2);
  });

  it('the progress review completes it; the list, the page and the CSV say so', async () => {
    await at('2026-01-21');
    expect(
      (await stage(officer, id, 'progress-review', '2026-01-20', 'Good progress; one action overdue.'))
        .statusCode,
    ).toBe(303);
    const list = visible((await page(undefined, '/peer-reviews')).body);
    expect(list).toMatch(
      /Corporate peer challenge of North Bank North Bank \(place\) 28 January 2025 to 31 January 2025 Progress review, 20 January 2026 Complete Late Complete/,
    );
    const review = visible((await page(undefined, `/peer-reviews/${id}`)).body);
    expect(review).toMatch(/Progress review .*31 January 2026 20 January 2026 Done/);
    expect(review).not.toContain('Next:');
    expect((await page(officer, `/peer-reviews/${id}/stages/progress-review`)).statusCode).toBe(409);
    // The history names who did each thing, and when.
    expect(review).toContain(
      'officer.one Person (NHS Riverside Integrated Care Board). Recorded the report as done on 15 April 2025.',
    );
    expect(review).toMatch(/Reported action \d+ as done as of 20 September 2025\./);
    const [audit] = await test.db.query<{ n: string }>(
      'SELECT count(*) AS n FROM peer_review_audit WHERE review_id = $1',
      [id],
    );
    // Started, five stages, a correction, two actions, two progress reports: one audit row per change.
    expect(Number(audit?.n)).toBe(11);
  });
});

describe('a review with its report overdue', () => {
  it('shows as overdue, with the report as next and how late it is', async () => {
    await at('2025-02-01');
    const id = await started([
      ['subject', 'partnership'],
      ['title', 'Peer challenge of the whole partnership'],
      ['scope', 'Is the partnership ready to pool budgets?'],
      ...date('visitStart', '2025-01-28'),
      ...date('visitEnd', '2025-01-31'),
      ['actionPlanMonths', ''],
      ['peer-3-name', 'Ann Jones'],
      ['peer-3-role', 'Review manager'],
      ['peer-3-organisation', 'Local Government Association'],
    ]);
    expect((await stage(officer, id, 'self-assessment', '2025-01-27')).statusCode).toBe(303);
    expect((await stage(officer, id, 'visit', '2025-01-31')).statusCode).toBe(303);
    await at('2025-05-10');
    const review = visible((await page(undefined, `/peer-reviews/${id}`)).body);
    expect(review).toContain('Overdue');
    expect(review).toMatch(/Report .*30 April 2025 Not yet Overdue by 10 days/);
    expect(review).toContain('Within 2 months of the report'); // Accord's default, left empty on the form
    expect(review).toContain('Ann Jones Review manager Local Government Association');
    const list = visible((await page(undefined, '/peer-reviews')).body);
    expect(list).toMatch(
      /Peer challenge of the whole partnership The whole partnership .* On-site visit, 31 January 2025 Report, due 30 April 2025 Overdue/,
    );
    const csv = await page(undefined, '/peer-reviews.csv');
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const lines = csv.body.trimEnd().split('\r\n');
    expect(lines[0]).toMatch(
      /^id,title,subject_kind,subject_id,subject,visit_start,visit_end,peers,self_assessment_due,/,
    );
    const row = lines.find((l) => l.startsWith(`${id},`));
    expect(row).toContain('partnership,,The whole partnership,2025-01-28,2025-01-31');
    expect(row).toContain('2025-04-30,,overdue');
    expect(row).toMatch(/,visit,report,2025-04-30,no,yes,0,0,0$/);
  });

  it('unknown reviews and stages are not found', async () => {
    for (const url of ['/peer-reviews/999999', '/peer-reviews/abc']) {
      const response = await page(undefined, url);
      expect(response.statusCode, url).toBe(404);
      expect(visible(response.body)).toContain('There is no such peer review.');
    }
    const [row] = await test.db.query<{ id: string }>('SELECT min(id) AS id FROM peer_review');
    expect((await page(officer, `/peer-reviews/${row?.id}/stages/inspection`)).statusCode).toBe(404);
  });
});

describe('the database refuses to change or delete any record', () => {
  it.each(TABLES)('%s: UPDATE, DELETE and TRUNCATE are refused', async (table) => {
    const before = await rowCounts();
    expect(before[table]).toBeGreaterThan(0);
    const column: Record<string, string> = {
      peer_review: 'title',
      peer_review_peer: 'name',
      peer_review_stage: 'summary',
      peer_review_action: 'action',
      peer_review_action_progress: 'note',
      peer_review_audit: 'detail',
    };
    const name = column[table] ?? 'id';
    await expect(test.db.query(`UPDATE ${table} SET ${name} = ${name}`)).rejects.toThrow(
      /never changed or deleted/,
    );
    await expect(test.db.query(`DELETE FROM ${table}`)).rejects.toThrow(/never changed or deleted/);
    await expect(test.db.query(`TRUNCATE ${table} CASCADE`)).rejects.toThrow(/never changed or deleted/);
    expect(await rowCounts()).toEqual(before);
  });
});

describe('the demo’s reviews', () => {
  it('seeds one review complete through its progress review and one with its report overdue, once', async () => {
    const demo = await createTestDatabase();
    try {
      const loaded = await loadRiverside(demo.db);
      const users = await seedDemoUsers(demo.db, loaded.partnership, 'north-bank');
      const clock = () => new Date('2025-11-25T09:00:00Z');
      expect(await seedDemoPeerReviews(demo.db, loaded.partnership, users, clock)).toBe(2);
      expect(await seedDemoPeerReviews(demo.db, loaded.partnership, users, clock)).toBe(0);
      const views = (await listReviews(demo.db, loaded.partnership.info.id)).map((r) =>
        reviewView(r, loaded.partnership, '2025-11-25'),
      );
      const complete = views.find((v) => v.subject.kind === 'place');
      const overdue = views.find((v) => v.subject.kind === 'partnership');
      expect(complete).toMatchObject({ complete: true, overdue: false, late: false });
      expect(complete?.actions.map((a) => [a.status, a.standing])).toEqual([
        ['done', 'done'],
        ['done', 'late'],
        ['in-progress', 'due'],
      ]);
      expect(overdue).toMatchObject({ complete: false, overdue: true });
      expect(overdue?.next).toMatchObject({ stage: 'report', due: '2025-10-25', standing: 'overdue' });
      const [audit] = await demo.db.query<{ n: string }>('SELECT count(*) AS n FROM peer_review_audit');
      // 1 + 5 stages + 3 actions + 5 reports; 1 + 2 stages.
      expect(Number(audit?.n)).toBe(17);
    } finally {
      await demo.drop();
    }
  });
});
