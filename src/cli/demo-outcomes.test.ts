/**
 * The demo's milestone progress on West Yorkshire and Harrogate's milestones: recorded through the workflow by the
 * demo officers, once, leaving some late, so the outcome pages show verified, late and awaiting milestones.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.js';
import { seedDemoUsers } from '../access/demo-users.js';
import { defaultPartnershipDir } from '../core/paths.js';
import { listReports, planOf, progressAsOf } from '../outcomes/index.js';
import { loadPartnership, syncPartnership, type Partnership } from '../partnership/index.js';
import { DEMO_INDEX_PLACE } from './demo-identity.js';
import { seedDemoMilestones } from './demo-outcomes.js';

const NOW = new Date('2026-11-25T10:00:00Z');
let test: TestDatabase;
let partnership: Partnership;

beforeAll(async () => {
  test = await createTestDatabase();
  const loaded = loadPartnership(defaultPartnershipDir);
  if (!loaded.ok) throw new Error('WY&H does not load');
  partnership = loaded.value.partnership;
  await syncPartnership(test.db, loaded.value, defaultPartnershipDir);
  // As `accord demo` seeds them: staff of the place whose records the demo loads.
  await seedDemoUsers(test.db, partnership, DEMO_INDEX_PLACE);
});

afterAll(async () => {
  await test.drop();
});

describe('the demo milestones', () => {
  it('are reported and verified through the workflow, leaving others late; only once', async () => {
    const seeded = await seedDemoMilestones(test.db, partnership, () => NOW);
    expect(seeded.skipped).toBeUndefined();
    expect(seeded.verifiedOnTime).toHaveLength(1);
    expect(seeded.verifiedLate).toHaveLength(1);
    expect(seeded.awaitingVerification).toHaveLength(1);
    const reports = await listReports(test.db, partnership.info.id);
    expect(reports).toHaveLength(3);
    const states = planOf(partnership).milestones.map((m) => progressAsOf(m, reports, '2026-11-25'));
    expect(states.filter((s) => s.state === 'verified')).toHaveLength(2);
    expect(states.filter((s) => s.state === 'reported')).toHaveLength(1);
    expect(states.some((s) => s.state === 'not-reported' && s.late?.beyondThreeMonths === true)).toBe(true);
    const audit = await test.db.query<{ n: string }>('SELECT count(*) AS n FROM milestone_audit');
    expect(Number(audit[0]?.n)).toBe(5);
    expect((await seedDemoMilestones(test.db, partnership, () => NOW)).skipped).toBe(
      'milestone progress is already recorded',
    );
  });
});
