/**
 * @module access/demo-users
 * The demo's people: one for each role (and a second officer), at organisations of the loaded partnership, all with
 * one documented password (DEMO_PASSWORD). Seeded only by `accord demo` (npm start), never by `accord serve`.
 */
import type { Organisation, Partnership } from '../partnership/index.js';
import type { Database, Queryable } from '../store/database.js';
import { hashPassword } from './passwords.js';
import type { Role } from './principal.js';

/** The one password of every demo user. Public on purpose: these accounts exist only in the demo. */
export const DEMO_PASSWORD = 'accord-demo';

/** Demo usernames all start so, which makes them easy to find and remove from a store that is not a demo. */
export const DEMO_PREFIX = 'demo.';

interface DemoPerson {
  readonly username: string;
  readonly displayName: string;
  readonly role: Role;
  /** Organisation types to pick from, in order of preference. */
  readonly at: readonly Organisation['type'][];
}

const PEOPLE: readonly DemoPerson[] = [
  { username: 'demo.clinician', displayName: 'Dr Amara Okafor', role: 'R8000', at: ['acute-trust'] },
  {
    username: 'demo.support',
    displayName: 'Gareth Lloyd',
    role: 'R8008',
    at: ['community-trust', 'mental-health-trust', 'acute-trust'],
  },
  { username: 'demo.privacy', displayName: 'Priya Shah', role: 'R0001', at: ['integrated-care-board'] },
  {
    username: 'demo.board',
    displayName: 'Cllr Helen Barker',
    role: 'board-member',
    at: ['metropolitan-district-council', 'unitary-council', 'county-council', 'district-council'],
  },
  { username: 'demo.officer', displayName: 'Tom Reilly', role: 'officer', at: ['integrated-care-board'] },
  // A second officer, for governance: a challenge to a proposal's routing is resolved by an officer who did not
  // propose it, so the demo needs one besides the proposer.
  {
    username: 'demo.governance',
    displayName: 'Aisha Karim',
    role: 'officer',
    at: ['metropolitan-district-council', 'unitary-council', 'county-council', 'integrated-care-board'],
  },
  {
    username: 'demo.analyst',
    displayName: 'Mei Lin Wong',
    role: 'analyst',
    at: ['integrated-care-board', 'acute-trust'],
  },
  {
    username: 'demo.finance',
    displayName: 'Samuel Adeyemi',
    role: 'finance',
    at: ['integrated-care-board', 'acute-trust'],
  },
  // A person whose records are in the demo's shared care record: their account is tied to their NHS number when the
  // record is loaded (cli/demo-record.ts), so they can see who has looked at it. Named then, after that person.
  {
    username: 'demo.patient',
    displayName: 'Demo patient',
    role: 'public',
    at: ['integrated-care-board'],
  },
  {
    username: 'demo.public',
    displayName: 'Jo Whitaker',
    role: 'public',
    at: ['healthwatch', 'voluntary-organisation'],
  },
];

export interface DemoUser {
  readonly username: string;
  readonly displayName: string;
  readonly role: Role;
  readonly organisation: string;
}

/**
 * Who the demo users are for this partnership: organisations still in existence, of the preferred type — serving
 * `place` when one is given and has one (the demo's records come from one place, so its clinician works there).
 */
export function demoUsersFor(partnership: Partnership, place?: string): DemoUser[] {
  const current = partnership.organisations.filter((o) => o.to === undefined);
  const pool = current.length > 0 ? current : partnership.organisations;
  const fallback = pool[0];
  if (fallback === undefined) return [];
  return PEOPLE.map((person) => {
    const serving = (type: string) =>
      pool.find((o) => o.type === type && place !== undefined && (o.places ?? []).includes(place));
    const organisation =
      person.at
        .map((type) => serving(type) ?? pool.find((o) => o.type === type))
        .find((o) => o !== undefined) ?? fallback;
    return {
      username: person.username,
      displayName: person.displayName,
      role: person.role,
      organisation: organisation.id,
    };
  });
}

/**
 * Makes sure every demo user exists with its organisation and role. Idempotent: running it again changes nothing
 * but what the partnership has changed, and does not re-hash passwords.
 */
export async function seedDemoUsers(
  db: Database,
  partnership: Partnership,
  place?: string,
): Promise<DemoUser[]> {
  const users = demoUsersFor(partnership, place);
  const existing = new Set(
    (
      await db.query<{ username: string }>('SELECT username FROM app_user WHERE username = ANY($1::text[])', [
        users.map((u) => u.username),
      ])
    ).map((row) => row.username),
  );
  // Hash outside the transaction: scrypt is slow on purpose, and need not hold a connection.
  const hashes = new Map<string, string>();
  for (const user of users) {
    if (!existing.has(user.username)) hashes.set(user.username, await hashPassword(DEMO_PASSWORD));
  }
  await db.transaction(async (tx) => {
    for (const user of users) {
      const [row] = await tx.query<{ id: string }>(
        `INSERT INTO app_user (username, display_name, organisation_id, password_hash)
         VALUES ($1, $2, $3, $4)
         ON CONFLICT (username) DO UPDATE
           SET display_name = EXCLUDED.display_name, organisation_id = EXCLUDED.organisation_id, active = true
         RETURNING id`,
        [user.username, user.displayName, user.organisation, hashes.get(user.username) ?? null],
      );
      if (row === undefined) continue;
      await tx.query('DELETE FROM user_role WHERE user_id = $1 AND role <> $2', [row.id, user.role]);
      await tx.query('INSERT INTO user_role (user_id, role) VALUES ($1, $2) ON CONFLICT DO NOTHING', [
        row.id,
        user.role,
      ]);
    }
  });
  return users;
}

/** Switches the demo users off (and ends their sessions): for a store that was a demo and now serves for real. */
export async function disableDemoUsers(db: Database): Promise<number> {
  return db.transaction(async (tx) => {
    const rows = await tx.query<{ id: string }>(
      'UPDATE app_user SET active = false WHERE starts_with(username, $1) AND active RETURNING id',
      [DEMO_PREFIX],
    );
    await tx.query('DELETE FROM session WHERE user_id = ANY($1::uuid[])', [rows.map((r) => r.id)]);
    return rows.length;
  });
}

/**
 * The usernames of the demo users that can sign in now, in the order of the demo's people (empty outside a demo):
 * what the sign-in page offers, with DEMO_PASSWORD.
 */
export async function activeDemoUsernames(db: Queryable): Promise<string[]> {
  const active = new Set(
    (
      await db.query<{ username: string }>(
        'SELECT username FROM app_user WHERE starts_with(username, $1) AND active AND password_hash IS NOT NULL',
        [DEMO_PREFIX],
      )
    ).map((row) => row.username),
  );
  return PEOPLE.map((person) => person.username).filter((username) => active.has(username));
}
