/**
 * Break-glass grants on a real PostgreSQL: who may ask and review, the reason, the four hours, and a record that
 * the database itself keeps from being deleted or reviewed twice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.js';
import { activeGrant, breakGlass, reviewGrant, unreviewedGrants } from './break-glass.js';
import { createUser } from './users.js';

let test: TestDatabase;
let clinician: string;
let officer: string;
const person = '6f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f';
const NOW = new Date('2026-03-03T10:00:00Z');

beforeAll(async () => {
  test = await createTestDatabase();
  const user = async (username: string) => {
    const created = await createUser(test.db, {
      username,
      displayName: username,
      organisation: 'riverside-icb',
      roles: ['R8000'],
      oidcSubject: `https://idp.example#${username}`,
    });
    if (!created.ok) throw new Error(created.error.title);
    return created.value.id;
  };
  clinician = await user('clinician.bg');
  officer = await user('officer.bg');
  await test.db.query(`INSERT INTO identity_person (id, created_at) VALUES ($1, $2)`, [person, NOW]);
}, 60_000);

afterAll(async () => {
  await test.drop();
});

describe('break-glass', () => {
  const ask = (roles: ('R8000' | 'R8008')[], reason = 'Unconscious in the emergency department') =>
    breakGlass(test.db, {
      userId: clinician,
      organisation: 'riverside-icb',
      roles,
      personId: person,
      reason,
      now: NOW,
    });

  it('grants a clinician four hours with a reason; refuses others, short reasons and unknown persons', async () => {
    expect((await ask(['R8008'])).ok).toBe(false);
    const short = await ask(['R8000'], '  urgent  ');
    expect(!short.ok && short.error.issues?.[0]?.path).toBe('reason');
    const unknown = await breakGlass(test.db, {
      userId: clinician,
      organisation: 'riverside-icb',
      roles: ['R8000'],
      personId: '00000000-0000-4000-8000-000000000000',
      reason: 'Unconscious in the emergency department',
      now: NOW,
    });
    expect(!unknown.ok && unknown.error.kind).toBe('not-found');
    const granted = await ask(['R8000']);
    expect(granted.ok && granted.value.expiresAt).toBe('2026-03-03T14:00:00.000Z');
    expect(await activeGrant(test.db, clinician, person, new Date('2026-03-03T13:59:59Z'))).toBeDefined();
    expect(await activeGrant(test.db, clinician, person, new Date('2026-03-03T14:00:00Z'))).toBeUndefined();
  });

  it('is reviewed once, by a privacy officer who is not the clinician, and never deleted', async () => {
    const [grant] = await unreviewedGrants(test.db);
    if (grant === undefined) throw new Error('no grant waiting');
    const review = (reviewerId: string, roles: ('R0001' | 'R8000')[]) =>
      reviewGrant(test.db, { grantId: grant.id, reviewerId, roles, outcome: 'justified', now: NOW });
    expect((await review(officer, ['R8000'])).ok).toBe(false);
    const own = await review(clinician, ['R0001']);
    expect(!own.ok && own.error.kind).toBe('forbidden');
    const done = await review(officer, ['R0001']);
    expect(done.ok && done.value.review?.outcome).toBe('justified');
    const again = await review(officer, ['R0001']);
    expect(!again.ok && again.error.kind).toBe('conflict');
    expect(await unreviewedGrants(test.db)).toEqual([]);
    await expect(
      test.db.query(`UPDATE record_break_glass SET review_outcome = 'not-justified'`),
    ).rejects.toThrow(/once/);
    await expect(test.db.query(`DELETE FROM record_break_glass`)).rejects.toThrow(/never deleted/);
  });
});
