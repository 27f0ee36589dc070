/**
 * A proposal from routing to the decision register, through the real server and database, on the fictional
 * Riverside partnership: members appointed to the Partnership Board's seats, a meeting scheduled, the proposal put
 * on its agenda, a paper published late (with the reason), a question from a member of the public, attendance and
 * quorum, a declaration of interest that excludes a member from the vote, the decision, the register as a page,
 * CSV, JSON and Atom, and minutes approved at the next meeting. The clock moves through May to September 2025.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/db.js';
import { loadRiverside } from '../../../test/support/riverside.js';
import { signedInPerson } from '../../../test/support/people.js';
import { createSession, sessionCsrfToken, type Role } from '../../access/index.js';
import { buildServer } from '../server.js';

let now = new Date('2025-05-01T09:00:00Z');
let test: TestDatabase;
let app: FastifyInstance;
const ids: Record<string, string> = {};

interface Session {
  cookie: string;
  csrf: string;
}
/** A fresh session for `who` at the current time (sessions end, and the clock moves by months here). */
async function as(who: string): Promise<Session> {
  const id = ids[who];
  if (id === undefined) throw new Error(`no person ${who}`);
  const { token, session } = await createSession(test.db, id, () => now);
  return { cookie: `accord_session=${token}`, csrf: sessionCsrfToken(session.csrfSecret) };
}

beforeAll(async () => {
  test = await createTestDatabase();
  const loaded = await loadRiverside(test.db);
  const people: [string, string, Role[]][] = [
    ['clerk', 'riverside-icb', ['officer']],
    ['member', 'north-bank-council', ['board-member']],
  ];
  for (const [name, organisation, roles] of people) {
    ids[name] = (await signedInPerson(test.db, name, organisation, roles, now)).id;
  }
  app = await buildServer({
    db: test.db,
    config: { logLevel: 'silent', publicUrl: new URL('https://accord.example'), oidc: undefined },
    partnershipId: loaded.partnership.info.id,
    schemaCurrent: async () => true,
    clock: () => now,
  });
});

afterAll(async () => {
  await app.close();
  await test.drop();
});

const get = (url: string, who?: Session) =>
  app.inject({ method: 'GET', url, headers: who === undefined ? {} : { cookie: who.cookie } });

const post = (who: Session, url: string, fields: [string, string][]) =>
  app.inject({
    method: 'POST',
    url,
    headers: { cookie: who.cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams([['_csrf', who.csrf], ...fields]).toString(),
  });

async function eventCount(): Promise<number> {
  const [row] = await test.db.query<{ n: string }>('SELECT count(*) AS n FROM meeting_event');
  return Number(row?.n);
}

const seat = (organisation: string, role: string) => JSON.stringify([organisation, null, role]);

describe('a proposal from routing to the decision register', () => {
  let proposalId = 0;

  it('the proposal is routed to the Partnership Board under its delegation', async () => {
    const clerk = await as('clerk');
    const drafted = await app.inject({
      method: 'POST',
      url: '/api/governance/proposals',
      headers: { cookie: clerk.cookie, 'x-csrf-token': clerk.csrf },
      payload: {
        title: 'One stroke unit for both banks',
        summary: 'Plan hyper-acute stroke care once for North Bank and South Bank.',
        places: ['north-bank', 'south-bank'],
        programme: 'stroke',
        moneyPence: 25_000_000,
        evidence: 'Invented for tests.',
        tests: [{ test: 'scale', evidence: 'Neither bank alone sees enough strokes.' }],
      },
    });
    expect(drafted.statusCode, drafted.body).toBe(201);
    const draft = drafted.json<{ id: number; version: number }>();
    const submitted = await app.inject({
      method: 'POST',
      url: `/api/governance/proposals/${draft.id}/submit`,
      headers: { cookie: clerk.cookie, 'x-csrf-token': clerk.csrf },
      payload: { version: draft.version },
    });
    expect(submitted.json<{ routing: { bodies: { id: string }[] } }>().routing.bodies[0]?.id).toBe(
      'partnership-board',
    );
    proposalId = draft.id;
  });

  it('members are appointed to the board’s seats; a full seat is refused, keeping what was typed', async () => {
    const clerk = await as('clerk');
    const seats: [string, string, string][] = [
      ['Cllr Ada North', 'north-bank-council', 'Leader of the Council'],
      ['Cllr Ben South', 'south-bank-council', 'Leader of the Council'],
      ['Cara Hale', 'riverside-hospitals', 'Chair'],
      ['Dev Minton', 'riverside-minds', 'Chair'],
      ['Esther Ives', 'riverside-icb', 'Chair'],
      ['Finn Watch', 'healthwatch-north-bank', 'Healthwatch representative'],
    ];
    for (const [name, organisation, role] of seats) {
      const response = await post(clerk, '/bodies/partnership-board/members/appoint', [
        ['seat', seat(organisation, role)],
        ['name', name],
        ['from', '2025-04-01'],
      ]);
      expect(response.statusCode, response.body).toBe(303);
    }
    const full = await post(clerk, '/bodies/partnership-board/members/appoint', [
      ['seat', seat('riverside-icb', 'Chair')],
      ['name', 'Gus Second'],
      ['from', '2025-04-02'],
    ]);
    expect(full.statusCode).toBe(400);
    expect(full.body).toContain('the seat is full on 2025-04-02: held by Esther Ives');
    expect(full.body).toContain('value="Gus Second"');

    const interest = await post(clerk, '/bodies/partnership-board/members/interest', [
      ['appointment', '3'],
      ['category', 'non-financial-professional'],
      ['description', 'Trustee of the Stroke Survivors Trust (invented)'],
      ['from', '2024-01-01'],
    ]);
    expect(interest.statusCode, interest.body).toBe(303);
    const members = await get('/bodies/partnership-board/members');
    expect(members.body).toContain('Esther Ives');
    expect(members.body).toContain('Trustee of the Stroke Survivors Trust');
    expect((await get('/interests')).body).toContain('Trustee of the Stroke Survivors Trust');
  });

  it('only an officer records: a member is refused', async () => {
    const member = await as('member');
    const response = await post(member, '/bodies/partnership-board/members/appoint', [['name', 'X']]);
    expect(response.statusCode).toBe(403);
  });

  it('a meeting is scheduled, the proposal put on its agenda; an exempt item needs its statement', async () => {
    const clerk = await as('clerk');
    const bad = await post(clerk, '/meetings', [
      ['body', 'partnership-board'],
      ['date', '2025-06-31'],
      ['time', '14:00'],
      ['location', 'Riverside Town Hall'],
    ]);
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Enter a real date');
    expect(bad.body).toContain('value="Riverside Town Hall"');
    const scheduled = await post(clerk, '/meetings', [
      ['body', 'partnership-board'],
      ['date', '2025-06-12'],
      ['time', '14:00'],
      ['location', 'Riverside Town Hall'],
    ]);
    expect(scheduled.statusCode, scheduled.body).toBe(303);
    expect(scheduled.headers.location).toBe('/meetings/1?done=scheduled');
    const item = await post(clerk, '/meetings/1/record/item', [
      ['title', 'One stroke unit for both banks'],
      ['purpose', 'decision'],
      ['proposal', String(proposalId)],
    ]);
    expect(item.statusCode, item.body).toBe(303);
    const exempt = await post(clerk, '/meetings/1/record/item', [
      ['title', 'Contract terms'],
      ['purpose', 'information'],
      ['exemptParagraph', '3'],
    ]);
    expect(exempt.statusCode).toBe(400);
    expect(exempt.body).toContain('public interest in keeping it private');
    expect(exempt.body).toContain('value="Contract terms"');
    const calendar = await get('/meetings');
    expect(calendar.body).toContain('Riverside Town Hall');
    const ics = await get('/meetings.ics');
    expect(ics.headers['content-type']).toContain('text/calendar');
    expect(ics.body).toContain('BEGIN:VEVENT\r\nUID:meeting-1@accord.example\r\n');
    expect(ics.body).toContain('DTSTART:20250612T130000Z');
    expect(ics.body).toContain('LOCATION:Riverside Town Hall');
    expect(ics.body).toContain('1. One stroke unit for both banks');
  });

  it('a paper with four clear days is flagged late, with the reason it must be given', async () => {
    now = new Date('2025-06-05T09:00:00Z');
    const clerk = await as('clerk');
    const fields: [string, string][] = [
      ['item', '1'],
      ['title', 'Options appraisal'],
      ['summary', 'Three options were appraised (invented).'],
    ];
    const before = await eventCount();
    const noReason = await post(clerk, '/meetings/1/record/paper', fields);
    expect(noReason.statusCode).toBe(400);
    expect(noReason.body).toContain('4 clear days before the meeting, fewer than 5');
    expect(await eventCount()).toBe(before);
    const late = await post(clerk, '/meetings/1/record/paper', [
      ...fields,
      ['lateReason', 'The audit arrived on 4 June.'],
    ]);
    expect(late.statusCode, late.body).toBe(303);
    const page = await get('/meetings/1');
    expect(page.body).toContain('Options appraisal');
    expect(page.body).toContain('Why it is late:</strong> The audit arrived on 4 June.');
  });

  it('a member of the public asks a question without signing in', async () => {
    const form = await get('/meetings/1/questions/new');
    expect(form.statusCode).toBe(200);
    const cookie = String(form.headers['set-cookie']).split(';')[0] ?? '';
    const token = /name="_csrf" value="([^"]+)"/.exec(form.body)?.[1] ?? '';
    const asked = await app.inject({
      method: 'POST',
      url: '/meetings/1/questions',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({
        _csrf: token,
        askedBy: 'Rosa Resident',
        question: 'Will the ambulance times be published?',
      }).toString(),
    });
    expect(asked.statusCode, asked.body).toBe(303);
    const forged = await app.inject({
      method: 'POST',
      url: '/meetings/1/questions',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ askedBy: 'Forger', question: 'x' }).toString(),
    });
    expect(forged.statusCode).toBe(403);
    expect((await get('/meetings/1')).body).toContain('Rosa Resident');
  });

  it('attendance, a declaration that excludes a member from the vote, and the decision', async () => {
    now = new Date('2025-06-12T15:00:00Z');
    const clerk = await as('clerk');
    expect(
      (
        await post(clerk, '/meetings/1/record/attendance', [
          ['present', '1'],
          ['present', '2'],
          ['present', '3'],
          ['present', '4'],
          ['apologies', '5'],
        ])
      ).statusCode,
    ).toBe(303);
    expect(
      (
        await post(clerk, '/meetings/1/record/declaration', [
          ['item', '1'],
          ['member', '3'],
          ['interest', 'Trustee of the Stroke Survivors Trust'],
          ['withdrew', 'yes'],
        ])
      ).statusCode,
    ).toBe(303);
    const before = await eventCount();
    const conflicted = await post(clerk, '/meetings/1/record/decision', [
      ['item', '1'],
      ['resolution', 'Agreed to plan one stroke unit.'],
      ['method', 'vote'],
      ['votesFor', '1'],
      ['votesFor', '2'],
      ['votesFor', '3'],
    ]);
    expect(conflicted.statusCode).toBe(400);
    expect(conflicted.body).toContain('Cara Hale declared an interest in this item');
    expect(conflicted.body).toContain('Agreed to plan one stroke unit.');
    expect(await eventCount()).toBe(before);

    const decided = await post(clerk, '/meetings/1/record/decision', [
      ['item', '1'],
      ['resolution', 'Agreed to plan one stroke unit for both banks.'],
      ['method', 'vote'],
      ['votesFor', '1'],
      ['votesFor', '2'],
      ['votesAgainst', '4'],
    ]);
    expect(decided.statusCode, decided.body).toBe(303);
    const page = await get('/meetings/1');
    expect(page.body).toContain('Decision PB-2025-001');
    expect(page.body).toContain('For (2): Cllr Ada North, Cllr Ben South');
    expect(page.body).toContain('Against (1): Dev Minton');
    expect(page.body).toContain('Quorate');
  });

  it('the decision register: searchable, and as CSV, JSON and Atom', async () => {
    const register = await get('/decisions?q=stroke+unit');
    expect(register.statusCode).toBe(200);
    expect(register.body).toContain('PB-2025-001');
    expect((await get('/decisions?q=pharmacy')).body).toContain('No decisions match');
    expect((await get('/decisions?place=south-bank&from=2025-06-01&to=2025-06-30')).body).toContain(
      'PB-2025-001',
    );
    expect((await get('/decisions?body=no-such-body')).statusCode).toBe(400);
    expect((await get('/decisions?from=2025-02-30')).statusCode).toBe(400);

    const csv = await get('/decisions.csv');
    expect(csv.headers['content-type']).toContain('text/csv');
    const [header, row] = csv.body.split('\r\n');
    expect(header).toContain('reference,decided_on,body');
    expect(row).toContain('PB-2025-001,2025-06-12,partnership-board');
    expect(row).toContain('agreed,vote,2,1,0');

    const json = (await get('/decisions.json')).json<{ decisions: { reference: string; url: string }[] }>();
    expect(json.decisions[0]).toMatchObject({
      reference: 'PB-2025-001',
      url: 'https://accord.example/meetings/1#item-1',
    });

    const atom = await get('/decisions.atom');
    expect(atom.headers['content-type']).toContain('application/atom+xml');
    expect(atom.body).toContain('<feed xmlns="http://www.w3.org/2005/Atom">');
    expect(atom.body).toContain('<id>https://accord.example/decisions/PB-2025-001</id>');
    expect(atom.body).toContain('PB-2025-001: One stroke unit for both banks (agreed)');

    const link = await get('/decisions/PB-2025-001');
    expect(link.statusCode).toBe(303);
    expect(link.headers.location).toBe('/meetings/1#item-1');
  });

  it('minutes are drafted, then approved at the next meeting', async () => {
    const clerk = await as('clerk');
    expect(
      (await post(clerk, '/meetings/1/record/minutes', [['text', 'The board met and agreed PB-2025-001.']]))
        .statusCode,
    ).toBe(303);
    expect((await get('/meetings/1')).body).toContain('not yet approved');
    expect(
      (
        await post(clerk, '/meetings', [
          ['body', 'partnership-board'],
          ['date', '2025-09-11'],
          ['time', '14:00'],
          ['location', 'Riverside Town Hall'],
        ])
      ).statusCode,
    ).toBe(303);
    const early = await post(clerk, '/meetings/1/record/approval', [
      ['version', '1'],
      ['atMeeting', '2'],
    ]);
    expect(early.statusCode).toBe(400);
    expect(early.body).toContain('has not been held');

    now = new Date('2025-09-11T15:00:00Z');
    const later = await as('clerk');
    for (const [url, fields] of [
      [
        '/meetings/2/record/attendance',
        [
          ['present', '1'],
          ['present', '2'],
          ['present', '5'],
        ],
      ],
      [
        '/meetings/1/record/approval',
        [
          ['version', '1'],
          ['atMeeting', '2'],
        ],
      ],
    ] as [string, [string, string][]][]) {
      const response = await post(later, url, fields);
      expect(response.statusCode, response.body).toBe(303);
    }
    const page = await get('/meetings/1');
    expect(page.body).toContain('Approved');
    expect(page.body).toContain('The board met and agreed PB-2025-001.');
  });

  it('the database refuses to change or delete what is recorded', async () => {
    await expect(test.db.query("UPDATE decision_record SET outcome = 'not-agreed'")).rejects.toThrow(
      /never changed or deleted/,
    );
    await expect(test.db.query('DELETE FROM meeting_event')).rejects.toThrow(/never changed or deleted/);
    await expect(test.db.query('TRUNCATE body_register_event')).rejects.toThrow(/never changed or deleted/);
  });
});
