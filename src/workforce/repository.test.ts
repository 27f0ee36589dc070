/**
 * Workforce returns against a real PostgreSQL: a file stored whole in one transaction (and nothing when its second
 * insert fails), resubmissions as new versions with nothing deleted, the database refusing UPDATE, DELETE and
 * TRUNCATE and impossible figures even from raw SQL, and who may submit for which organisation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.js';
import { loadRiverside } from '../../test/support/riverside.js';
import type { Partnership } from '../partnership/index.js';
import type { Queryable } from '../store/index.js';
import { insertReturns, readLatestReturns, readReturnHistory, type Submission } from './repository.js';
import { formatReturnCsv, type ReturnLine } from './return-csv.js';
import {
  latestReturns,
  loadDemoWorkforceReturns,
  returnHistory,
  submissionReturns,
  submitReturnFile,
  workingCarers,
  type Submitter,
  type WorkforceContext,
} from './service.js';

const NOW = new Date('2025-05-20T10:00:00Z');
let test: TestDatabase;
let riverside: Partnership;
let ctx: WorkforceContext;

beforeAll(async () => {
  test = await createTestDatabase();
  riverside = (await loadRiverside(test.db)).partnership;
  ctx = {
    db: test.db,
    partnershipId: 'riverside',
    now: NOW,
    check: { organisations: new Set(riverside.organisations.map((o) => o.id)), today: '2025-05-20' },
  };
}, 120_000);

afterAll(async () => {
  await test.drop();
});

const line = (organisation: string, period: string, staffGroup: string, headcount = 100): ReturnLine => ({
  organisation,
  period,
  staffGroup,
  postsFte: headcount + 10,
  headcount,
  staffFte: headcount * 0.9,
  vacanciesFte: 9.5,
  starters: 4,
  leavers: 3,
  newRoles: 1,
});

const officer = (organisation: string): Extract<Submitter, { kind: 'user' }> => ({
  kind: 'user',
  userId: '00000000-0000-4000-8000-000000000001',
  organisation,
  roles: ['officer'],
});

const count = async (table: 'workforce_return' | 'workforce_return_line') =>
  Number((await test.db.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`))[0]?.n);

const counts = async () => [await count('workforce_return'), await count('workforce_return_line')];

describe('submitting a file', () => {
  it('stores every organisation and quarter of one file, each with its lines, and says what it stored', async () => {
    const text = formatReturnCsv([
      line('riverside-hospitals', '2024-Q4', 'nurses-and-health-visitors'),
      line('riverside-hospitals', '2024-Q4', 'midwives', 20),
      line('riverside-hospitals', '2025-Q1', 'nurses-and-health-visitors', 104),
    ]);
    const submitted = await submitReturnFile(ctx, officer('riverside-hospitals'), { name: 'q.csv', text });
    expect(submitted.ok).toBe(true);
    if (!submitted.ok) return;
    expect(submitted.value.returns.map((r) => [r.period, r.version])).toEqual([
      ['2024-Q4', 1],
      ['2025-Q1', 1],
    ]);
    const stored = await submissionReturns(test.db, 'riverside', submitted.value.submission);
    expect(stored).toHaveLength(2);
    expect(stored[0]).toMatchObject({
      organisation: 'riverside-hospitals',
      period: '2024-Q4',
      version: 1,
      submission: {
        byKind: 'user',
        byOrganisation: 'riverside-hospitals',
        at: NOW,
        source: 'csv',
        fileName: 'q.csv',
        fileSha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      },
    });
    expect(stored[0]?.lines).toEqual([
      {
        staffGroup: 'midwives',
        postsFte: 30,
        headcount: 20,
        staffFte: 18,
        vacanciesFte: 9.5,
        starters: 4,
        leavers: 3,
        newRoles: 1,
      },
      expect.objectContaining({ staffGroup: 'nurses-and-health-visitors', headcount: 100, staffFte: 90 }),
    ]);
  });

  it('stores a resubmission as the next version, keeping the old, and reads the latest', async () => {
    const text = formatReturnCsv([line('riverside-hospitals', '2024-Q4', 'nurses-and-health-visitors', 99)]);
    const again = await submitReturnFile(ctx, officer('riverside-hospitals'), { text });
    expect(again.ok && again.value.returns[0]?.version).toBe(2);
    const history = await returnHistory(test.db, 'riverside', 'riverside-hospitals', '2024-Q4');
    expect(history.map((r) => [r.version, r.lines.length])).toEqual([
      [2, 1],
      [1, 2],
    ]);
    const latest = await latestReturns(test.db, 'riverside');
    const q4 = latest.find((r) => r.organisation === 'riverside-hospitals' && r.period === '2024-Q4');
    expect(q4?.version).toBe(2);
    expect(q4?.lines.map((l) => l.headcount)).toEqual([99]);
  });

  it('refuses a file with any bad row and stores nothing of it', async () => {
    const before = await counts();
    const text =
      formatReturnCsv([line('riverside-hospitals', '2024-Q3', 'midwives')]) +
      'riverside-hospitals,2024-Q3,nurses-and-health-visitors,10,5,4,1,0,9,0\n' +
      'nowhere-trust,2024-Q3,midwives,10,5,4,1,0,0,0\n';
    const refused = await submitReturnFile(ctx, officer('riverside-hospitals'), { text });
    expect(refused.ok).toBe(false);
    if (refused.ok) return;
    expect(refused.error.kind).toBe('bad-input');
    expect(refused.error.issues?.map((i) => [i.line, i.path])).toEqual([
      [3, 'leavers'],
      [4, 'organisation'],
    ]);
    expect(await counts()).toEqual(before);
  });

  it('lets an officer submit only for their own organisation, and analysts and board members not at all', async () => {
    const before = await counts();
    const text = formatReturnCsv([
      line('riverside-hospitals', '2024-Q3', 'midwives'),
      line('riverside-minds', '2024-Q3', 'midwives'),
    ]);
    const otherOrg = await submitReturnFile(ctx, officer('riverside-hospitals'), { text });
    expect(!otherOrg.ok && otherOrg.error).toMatchObject({
      kind: 'forbidden',
      issues: [{ line: 3, path: 'organisation', message: 'riverside-minds is not your organisation' }],
    });
    for (const roles of [['analyst'], ['board-member']] as const) {
      const refused = await submitReturnFile(
        ctx,
        { ...officer('riverside-hospitals'), roles },
        { text: formatReturnCsv([line('riverside-hospitals', '2024-Q3', 'midwives')]) },
      );
      expect(!refused.ok && refused.error.kind).toBe('forbidden');
    }
    const system: Submitter = {
      kind: 'system',
      tokenId: 't1',
      organisation: 'riverside-minds',
      scopes: ['workforce:write'],
    };
    const bySystem = await submitReturnFile(ctx, system, {
      text: formatReturnCsv([line('riverside-minds', '2024-Q3', 'midwives')]),
    });
    expect(bySystem.ok).toBe(true);
    expect(await counts()).toEqual([before[0]! + 1, before[1]! + 1]);
  });
});

describe('the store', () => {
  const submission: Submission = {
    id: '11111111-1111-4111-8111-111111111111',
    byKind: 'user',
    by: 'someone',
    byOrganisation: 'riverside-minds',
    at: NOW,
    source: 'form',
  };

  it('writes nothing of a file when its second insert fails', async () => {
    const before = await counts();
    let inserts = 0;
    const failing = (tx: Queryable): Queryable => ({
      query: async (text, params) => {
        if (/^\s*INSERT/.test(text) && ++inserts === 2) throw new Error('planted fault on the second insert');
        return tx.query(text, params);
      },
    });
    await expect(
      test.db.transaction((tx) =>
        insertReturns(failing(tx), 'riverside', submission, [
          line('riverside-minds', '2023-Q1', 'midwives'),
          line('riverside-minds', '2023-Q2', 'midwives'),
        ]),
      ),
    ).rejects.toThrow('planted fault');
    expect(inserts).toBe(2);
    expect(await counts()).toEqual(before);
  });

  it.each([
    ['UPDATE workforce_return SET version = 9'],
    ['DELETE FROM workforce_return'],
    ['UPDATE workforce_return_line SET leavers = 0'],
    ['DELETE FROM workforce_return_line'],
    ['TRUNCATE workforce_return_line'],
    ['TRUNCATE workforce_return CASCADE'],
  ])('refuses %s', async (sql) => {
    const before = await counts();
    await expect(test.db.query(sql)).rejects.toThrow(/never changed or deleted/);
    expect(await counts()).toEqual(before);
  });

  it('refuses impossible figures written with raw SQL', async () => {
    const [stored] = await test.db.transaction((tx) =>
      insertReturns(tx, 'riverside', submission, [line('riverside-minds', '2022-Q1', 'midwives')]),
    );
    for (const [column, value] of [
      ['leavers', 101],
      ['staff_in_post_fte', 100.5],
      ['new_roles_headcount', 101],
    ] as const) {
      await expect(
        test.db.query(
          `INSERT INTO workforce_return_line
             (return_id, staff_group, posts_fte, staff_in_post_headcount, staff_in_post_fte, vacancies_fte,
              starters, leavers, new_roles_headcount)
           VALUES ($1, 'nurses-and-health-visitors', 110, 100, ${column === 'staff_in_post_fte' ? value : 90}, 5, 0,
                   ${column === 'leavers' ? value : 0}, ${column === 'new_roles_headcount' ? value : 0})`,
          [stored!.id],
        ),
      ).rejects.toThrow(/check constraint/);
    }
  });

  it('keeps working carers as returned: NULL (unknown) when not reported, the number when reported', async () => {
    const [stored] = await test.db.transaction((tx) =>
      insertReturns(tx, 'riverside', submission, [
        { ...line('riverside-minds', '2021-Q4', 'midwives'), workingCarers: 7 },
        line('riverside-minds', '2021-Q4', 'nurses-and-health-visitors'),
        { ...line('riverside-minds', '2021-Q4', 'support-to-clinical-staff'), workingCarers: 0 },
      ]),
    );
    const raw = await test.db.query<{ staff_group: string; working_carers_headcount: number | null }>(
      `SELECT staff_group, working_carers_headcount FROM workforce_return_line WHERE return_id = $1
        ORDER BY staff_group`,
      [stored!.id],
    );
    expect(raw.map((r) => [r.staff_group, r.working_carers_headcount])).toEqual([
      ['midwives', 7],
      ['nurses-and-health-visitors', null],
      ['support-to-clinical-staff', 0],
    ]);
    const [read] = await readReturnHistory(test.db, 'riverside', 'riverside-minds', '2021-Q4');
    expect(read?.lines.map((l) => [l.staffGroup, l.workingCarers])).toEqual([
      ['midwives', 7],
      ['nurses-and-health-visitors', undefined],
      ['support-to-clinical-staff', 0],
    ]);
    expect(read?.lines.find((l) => l.staffGroup === 'nurses-and-health-visitors')).not.toHaveProperty(
      'workingCarers',
    );
  });

  it('refuses working carers below 0 or above the headcount written with raw SQL', async () => {
    const [stored] = await test.db.transaction((tx) =>
      insertReturns(tx, 'riverside', submission, [line('riverside-minds', '2021-Q3', 'midwives')]),
    );
    const insert = (carers: number | null, group: string) =>
      test.db.query(
        `INSERT INTO workforce_return_line
           (return_id, staff_group, posts_fte, staff_in_post_headcount, staff_in_post_fte, vacancies_fte,
            starters, leavers, new_roles_headcount, working_carers_headcount)
         VALUES ($1, $2, 110, 100, 90, 5, 0, 0, 0, $3)`,
        [stored!.id, group, carers],
      );
    await expect(insert(101, 'nurses-and-health-visitors')).rejects.toThrow(/check constraint/);
    await expect(insert(-1, 'nurses-and-health-visitors')).rejects.toThrow(/check constraint/);
    await expect(insert(100, 'nurses-and-health-visitors')).resolves.toBeDefined();
    await expect(insert(null, 'support-to-clinical-staff')).resolves.toBeDefined();
  });

  it('reads the history of a quarter newest first', async () => {
    const history = await readReturnHistory(test.db, 'riverside', 'riverside-minds', '2022-Q1');
    expect(history.map((r) => r.version)).toEqual([1]);
    expect((await readLatestReturns(test.db, 'riverside')).length).toBeGreaterThan(0);
  });
});

describe('the demo', () => {
  it('loads the synthetic returns once, through the same checks', async () => {
    const fresh = await createTestDatabase();
    try {
      const p = (await loadRiverside(fresh.db)).partnership;
      const loaded = await loadDemoWorkforceReturns(fresh.db, p, { now: NOW });
      expect(loaded).toEqual({ ok: true, value: expect.any(Number) });
      expect(loaded.ok && loaded.value).toBeGreaterThan(0);
      expect(await loadDemoWorkforceReturns(fresh.db, p, { now: NOW })).toEqual({ ok: true, value: 0 });
      // Working carers for the carers' page: the latest quarter, over the organisations that reported them.
      const carers = await workingCarers(fresh.db, p.info.id);
      expect(carers).toMatchObject({ quarter: '2025-Q1', organisationsReporting: 3, organisations: 4 });
      expect(carers!.recognised).toBeGreaterThan(0);
      expect(carers!.recognised / carers!.headcountReporting).toBeGreaterThan(0.015);
      expect(carers!.recognised / carers!.headcountReporting).toBeLessThan(0.045);
      // riverside-hospitals does not report them in the demo: known to be unknown, not 0 of its staff.
      expect(await workingCarers(fresh.db, p.info.id, ['riverside-hospitals'])).toEqual({
        quarter: '2025-Q1',
        recognised: 0,
        headcountReporting: 0,
        organisationsReporting: 0,
        organisations: 1,
      });
      expect(await workingCarers(fresh.db, p.info.id, ['riverside-minds'])).toMatchObject({
        organisationsReporting: 1,
        organisations: 1,
      });
      expect(await workingCarers(fresh.db, 'no-such-partnership')).toBeUndefined();
    } finally {
      await fresh.drop();
    }
  }, 120_000);
});
