/**
 * The demo's governance records on West Yorkshire and Harrogate's own files, made through the real workflow: every
 * rule (seats, quorum by sector, declarations, delegation, minutes) has to let them through, so this also checks the
 * partnership's bodies can hold a quorate meeting. Then, after the demo's milestones, its transformation fund: the
 * release has to pass the milestone and decision checks too.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.js';
import { seedDemoUsers } from '../access/index.js';
import { defaultPartnershipDir } from '../core/paths.js';
import { listMeetings, searchDecisions } from '../governance/meetings/index.js';
import { loadPartnership, syncPartnership, type LoadedPartnership } from '../partnership/index.js';
import { listFunds } from '../money/transformation/index.js';
import { ensureDemoGovernance } from './demo-governance.js';
import { seedDemoMilestones } from './demo-outcomes.js';
import { ensureDemoTransformation } from './demo-transformation.js';
import { ensureDemoBudget, ensureDemoPool } from './demo-budget.js';
import { readPools } from '../money/pool-store.js';
import { readBudget } from '../money/budget-store.js';

let test: TestDatabase;
let loaded: LoadedPartnership;
const NOW = new Date('2026-11-25T10:00:00Z');

beforeAll(async () => {
  test = await createTestDatabase();
  const files = loadPartnership(defaultPartnershipDir);
  if (!files.ok) throw new Error('WY&H does not load');
  loaded = files.value;
  await syncPartnership(test.db, loaded, defaultPartnershipDir);
  await seedDemoUsers(test.db, loaded.partnership, 'calderdale');
});

afterAll(async () => {
  await test.drop();
});

it('makes the Partnership Board’s year and a place proposal on its board’s agenda, once', async () => {
  const lines: string[] = [];
  await ensureDemoGovernance(test.db, loaded.partnership, 'calderdale', NOW, (line) => lines.push(line));
  const meetings = await listMeetings(test.db, loaded.partnership.info.id);
  expect(meetings.map((m) => [m.bodyId, m.day])).toEqual([
    ['partnership-board', '2026-09-23'],
    ['partnership-board', '2026-11-04'],
    ['partnership-board', '2026-12-09'],
    ['calderdale-hwb', '2026-12-16'],
  ]);
  const [earlier, recent, next, place] = meetings;
  expect(earlier?.approval).toMatchObject({ version: 1, atMeeting: recent?.id });
  expect(recent?.items[0]?.declarations).toHaveLength(1);
  expect(next?.questions).toHaveLength(1);
  expect(place?.items[0]?.proposal).toBeDefined();
  const decisions = await searchDecisions(test.db, loaded.partnership.info.id, {});
  expect(decisions.map((d) => [d.reference, d.method, d.outcome])).toEqual([
    ['PB-2026-003', 'consensus', 'agreed'],
    ['PB-2026-002', 'vote', 'agreed'],
    ['PB-2026-001', 'consensus', 'agreed'],
  ]);

  await ensureDemoGovernance(test.db, loaded.partnership, 'calderdale', NOW, (line) => lines.push(line));
  expect(await listMeetings(test.db, loaded.partnership.info.id)).toHaveLength(4);
  expect(lines.at(-1)).toBe('demo: meetings kept from an earlier start');
});

it('then the transformation fund: the first tranche released under the board’s decision, the second waiting, once', async () => {
  await seedDemoMilestones(test.db, loaded.partnership, () => NOW);
  const lines: string[] = [];
  await ensureDemoTransformation(test.db, loaded.partnership, NOW, (line) => lines.push(line));
  expect(lines).toEqual([
    'demo: a cancer transformation fund of two tranches, the first released under PB-2026-003',
    'demo: a capital fund for the rapid diagnostic centres, both tranches waiting for the centres to open',
  ]);
  const [fund, capital] = await listFunds(test.db, loaded.partnership.info.id);
  expect(capital?.funding).toBe('capital');
  expect(capital?.releasedPence).toBe(0);
  expect(fund?.name).toBe('Cancer transformation fund 2026/27');
  expect(fund?.tranches.map((t) => [t.amountPence, t.releasedPence])).toEqual([
    [120_000_000, 120_000_000],
    [80_000_000, 0],
  ]);
  await ensureDemoTransformation(test.db, loaded.partnership, NOW, (line) => lines.push(line));
  expect(lines.at(-1)).toBe('demo: transformation funding kept from an earlier start');
  expect(await listFunds(test.db, loaded.partnership.info.id)).toHaveLength(2);
});

it('and the year’s budget, with the months so far as actuals, once', async () => {
  const lines: string[] = [];
  await ensureDemoBudget(test.db, loaded.partnership, NOW, (line) => lines.push(line));
  expect(lines).toEqual(["demo: this year's budget for 6 places, with 7 months of actuals"]);
  const budget = await readBudget(test.db, loaded.partnership.info.id, 2026);
  expect(budget?.lines).toHaveLength(6 * 4 * 12);
  await ensureDemoBudget(test.db, loaded.partnership, NOW, (line) => lines.push(line));
  expect(lines.at(-1)).toBe('demo: budget kept from an earlier start');
});

it('and a pooled budget, its contributions and spending so far shared in proportion, once', async () => {
  const lines: string[] = [];
  await ensureDemoPool(test.db, loaded.partnership, NOW, (line) => lines.push(line));
  const [pool] = await readPools(test.db, loaded.partnership.info.id);
  expect(pool?.name).toBe('Calderdale Better Care Fund 2026/27');
  expect(pool?.spentPence).toBeGreaterThan(0);
  expect(pool?.split.reduce((sum, s) => sum + s.sharePence, 0)).toBe(pool?.balancePence);
  await ensureDemoPool(test.db, loaded.partnership, NOW, (line) => lines.push(line));
  expect(lines.at(-1)).toBe('demo: pooled budget kept from an earlier start');
});
