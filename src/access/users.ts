/**
 * @module access/users
 * People who sign in to Accord: each acts for one organisation of the partnership and holds roles (national RBAC
 * codes and partnership roles). Input from outside (the CLI, a seed) is checked here, with a message for each field.
 */
import { z } from 'zod';
import { problem, type Issue, type Problem } from '../core/problem.js';
import { err, ok, type Result } from '../core/result.js';
import type { Database, Queryable } from '../store/database.js';
import { DEMO_PREFIX } from './demo-users.js';
import { isRole, ROLES, type Role } from './principal.js';
import { revokeUserSessions } from './sessions.js';

/** Lowercase letters, digits and . _ @ -, 2–64 characters: the same rule as the database's CHECK. */
export const Username = z
  .string()
  .trim()
  .toLowerCase()
  .regex(
    /^[a-z0-9][a-z0-9._@-]{1,63}$/,
    'must be 2 to 64 letters, digits, dots, hyphens, underscores or @, starting with a letter or digit',
  );

export const OrganisationId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]*$/, 'must be an organisation id of the partnership (e.g. leeds-city-council)');

const NewUser = z
  .object({
    username: Username,
    displayName: z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters'),
    organisation: OrganisationId,
    roles: z
      .array(z.string().refine(isRole, { message: `must be one of ${ROLES.join(', ')}` }))
      .min(1, 'must hold at least one role'),
    /** A hash from `hashPassword`; absent for people who sign in only through OpenID Connect. */
    passwordHash: z.string().startsWith('$scrypt$').optional(),
    /** '<issuer>#<sub>' (see `oidcSubject`). */
    oidcSubject: z.string().min(3).max(500).optional(),
  })
  .refine((user) => user.passwordHash !== undefined || user.oidcSubject !== undefined, {
    message: 'needs a password or an OpenID Connect subject to sign in with',
    path: ['passwordHash'],
  });
export type NewUser = z.input<typeof NewUser>;

export interface User {
  readonly id: string;
  readonly username: string;
  readonly displayName: string;
  readonly organisation: string;
  readonly roles: readonly Role[];
  readonly active: boolean;
  /** Null for people who sign in only through OpenID Connect. */
  readonly passwordHash: string | null;
  readonly oidcSubject: string | null;
}

/** The key of a person at an OpenID Connect provider: subjects are unique only within their issuer. */
export const oidcSubject = (issuer: string, sub: string): string => `${issuer}#${sub}`;

interface UserRow {
  id: string;
  username: string;
  display_name: string;
  organisation_id: string;
  password_hash: string | null;
  oidc_subject: string | null;
  active: boolean;
  roles: string[] | null;
}

const SELECT_USER = `
  SELECT u.id, u.username, u.display_name, u.organisation_id, u.password_hash, u.oidc_subject, u.active,
         array_remove(array_agg(r.role ORDER BY r.role), NULL) AS roles
    FROM app_user u LEFT JOIN user_role r ON r.user_id = u.id`;

const toUser = (row: UserRow): User => ({
  id: row.id,
  username: row.username,
  displayName: row.display_name,
  organisation: row.organisation_id,
  roles: (row.roles ?? []).filter(isRole),
  active: row.active,
  passwordHash: row.password_hash,
  oidcSubject: row.oidc_subject,
});

async function findOne(db: Queryable, where: string, value: string): Promise<User | undefined> {
  const [row] = await db.query<UserRow>(`${SELECT_USER} WHERE ${where} GROUP BY u.id`, [value]);
  return row === undefined ? undefined : toUser(row);
}

export const findUserById = (db: Queryable, id: string): Promise<User | undefined> =>
  z.uuid().safeParse(id).success ? findOne(db, 'u.id = $1', id) : Promise.resolve(undefined);

export const findUserByUsername = (db: Queryable, username: string): Promise<User | undefined> =>
  findOne(db, 'u.username = $1', username.trim().toLowerCase());

export const findUserByOidcSubject = (db: Queryable, subject: string): Promise<User | undefined> =>
  findOne(db, 'u.oidc_subject = $1', subject);

export function issuesOf(error: z.ZodError): Issue[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    message: issue.message,
  }));
}

/**
 * Adds a person. `knownOrganisations`, when given, is the partnership's organisation ids: a person must act for one
 * of them. Refuses a username that is taken, and one starting with DEMO_PREFIX: those are the demo's users, which
 * `accord serve` deactivates and the sign-in page advertises with the public demo password (only `seedDemoUsers`
 * makes them).
 */
export async function createUser(
  db: Database,
  input: NewUser,
  knownOrganisations?: ReadonlySet<string>,
): Promise<Result<User, Problem>> {
  const parsed = NewUser.safeParse(input);
  if (!parsed.success) {
    return err(
      problem('bad-input', 'The user is not valid.', 'Correct the fields listed.', issuesOf(parsed.error)),
    );
  }
  const user = parsed.data;
  if (user.username.startsWith(DEMO_PREFIX)) {
    return err(
      problem('bad-input', 'The user is not valid.', 'Choose another username.', [
        {
          path: 'username',
          message: `must not start with '${DEMO_PREFIX}', which marks the demo's users`,
        },
      ]),
    );
  }
  if (knownOrganisations !== undefined && !knownOrganisations.has(user.organisation)) {
    return err(
      problem(
        'bad-input',
        `'${user.organisation}' is not an organisation of the partnership.`,
        'Use one of its organisation ids (see organisations.yaml).',
      ),
    );
  }
  const roles = [...new Set(user.roles)];
  // One transaction: a person is never stored without their roles.
  const id = await db.transaction(async (tx) => {
    const [row] = await tx.query<{ id: string }>(
      `INSERT INTO app_user (username, display_name, organisation_id, password_hash, oidc_subject)
     VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING id`,
      [
        user.username,
        user.displayName,
        user.organisation,
        user.passwordHash ?? null,
        user.oidcSubject ?? null,
      ],
    );
    if (row === undefined) return undefined;
    await tx.query('INSERT INTO user_role (user_id, role) SELECT $1, unnest($2::text[])', [row.id, roles]);
    return row.id;
  });
  if (id === undefined) {
    return err(
      problem(
        'conflict',
        `The username '${user.username}' (or that OpenID Connect subject) is already taken.`,
        'Choose another username.',
      ),
    );
  }
  return ok({
    id,
    username: user.username,
    displayName: user.displayName,
    organisation: user.organisation,
    roles: roles.filter(isRole),
    active: true,
    passwordHash: user.passwordHash ?? null,
    oidcSubject: user.oidcSubject ?? null,
  });
}

/**
 * Replaces a person's roles. Their sessions carry on: a session reads the person's roles afresh on every request
 * (`resolveSession`), so the change applies at once.
 */
export async function setRoles(db: Database, userId: string, roles: readonly Role[]): Promise<void> {
  // One transaction: a failure part-way never leaves the person with no roles.
  await db.transaction(async (tx) => {
    await tx.query('DELETE FROM user_role WHERE user_id = $1', [userId]);
    await tx.query('INSERT INTO user_role (user_id, role) SELECT $1, unnest($2::text[])', [
      userId,
      [...new Set(roles)],
    ]);
  });
}

/** Stops a person signing in, and ends their sessions at once. */
export async function deactivateUser(db: Database, userId: string): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query('UPDATE app_user SET active = false WHERE id = $1', [userId]);
    await revokeUserSessions(tx, userId);
  });
}
