/**
 * The demo's transformation funding on West Yorkshire and Harrogate's own files, after the demo's governance and
 * milestones: the first tranche released under the Partnership Board's decision, the second waiting; once only.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.js';
import { seedDemoUsers } from '../access/index.js';
import { defaultPartnershipDir } from '../core/paths.js';
import { listFunds } from '../money/transformation/index.js';
import { loadPartnership, syncPartnership, type LoadedPartnership } from '../partnership/index.js';
import { ensureDemoGovernance } from './demo-governance.js';
import { seedDemoMilestones } from './demo-outcomes.js';
import { ensureDemoTransformation } from './demo-transformation.js';

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
  await ensureDemoGovernance(test.db, loaded.partnership, 'calderdale', NOW, () => undefined);
  await seedDemoMilestones(test.db, loaded.partnership, () => NOW);
});

afterAll(async () => {
  await test.drop();
});

it('releases the first tranche under the board’s decision, and leaves the second waiting, once', async () => {
  const lines: string[] = [];
  await ensureDemoTransformation(test.db, loaded.partnership, NOW, (line) => lines.push(line));
  expect(lines).toEqual([
    'demo: a cancer transformation fund of two tranches, the first released under PB-2026-003',
  ]);
  const [fund] = await listFunds(test.db, loaded.partnership.info.id);
  expect(fund?.name).toBe('Cancer transformation fund 2026/27');
  expect(fund?.tranches.map((t) => [t.amountPence, t.releasedPence])).toEqual([
    [120_000_000, 120_000_000],
    [80_000_000, 0],
  ]);
  await ensureDemoTransformation(test.db, loaded.partnership, NOW, (line) => lines.push(line));
  expect(lines.at(-1)).toBe('demo: transformation funding kept from an earlier start');
  expect(await listFunds(test.db, loaded.partnership.info.id)).toHaveLength(1);
});
