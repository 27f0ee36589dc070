/**
 * @module cli/commands/access
 * `accord token create|revoke` and `accord user add|unlock|deactivate`: the administrator's way to let partner
 * systems and people in, and to let them back in or keep them out. Secrets travel safely: a token's secret is printed
 * once and never stored; a new password is read from stdin or ACCORD_NEW_PASSWORD, never from an argument (arguments
 * show in `ps` and in shell history).
 */
import {
  clearLockout,
  createToken,
  createUser,
  deactivateUser,
  findUserByUsername,
  hashPassword,
  isRole,
  oidcSubject,
  passwordProblem,
  revokeToken,
  ROLES,
} from '../../access/index.js';
import type { Config } from '../../core/config.js';
import { problem, ProblemError } from '../../core/problem.js';
import { listPartnerships, loadPartnership, readPartnership } from '../../partnership/index.js';
import { openStore, type Database } from '../../store/index.js';

export interface Output {
  readonly out: (line: string) => void;
  readonly fail: (line: string) => void;
}

/** The organisation ids people and tokens may belong to: the stored partnership's, or failing that its files'. */
export async function knownOrganisations(db: Database, partnershipDir: string): Promise<Set<string>> {
  const ids = new Set<string>();
  for (const { id } of await listPartnerships(db)) {
    for (const organisation of (await readPartnership(db, id))?.organisations ?? []) ids.add(organisation.id);
  }
  if (ids.size > 0) return ids;
  const files = loadPartnership(partnershipDir);
  if (!files.ok) {
    throw new ProblemError(
      problem(
        'configuration',
        `No partnership is loaded, and the files in ${partnershipDir} have problems.`,
        'Run `accord partnership validate` on them, or start Accord once so the partnership is loaded.',
      ),
    );
  }
  for (const organisation of files.value.partnership.organisations) ids.add(organisation.id);
  return ids;
}

export async function withStore<T>(config: Config, work: (db: Database) => Promise<T>): Promise<T> {
  const store = await openStore({
    dataDir: config.dataDir,
    databaseUrl: config.databaseUrl,
    log: () => undefined,
    attachIfRunning: true, // a token can be issued while the demo is serving
  });
  try {
    return await work(store.db);
  } finally {
    await store.close();
  }
}

const asStrings = (value: unknown): string[] =>
  Array.isArray(value)
    ? value.filter((v): v is string => typeof v === 'string')
    : typeof value === 'string'
      ? [value]
      : [];

export async function tokenCreate(
  db: Database,
  values: Record<string, unknown>,
  organisations: ReadonlySet<string>,
  io: Output,
): Promise<number> {
  const days = values['expires-days'];
  let expiresInDays: number | undefined;
  if (typeof days === 'string') {
    if (!/^\d+$/.test(days)) {
      io.fail(`accord token create: --expires-days '${days}' is not a whole number of days`);
      return 2;
    }
    expiresInDays = Number(days);
  }
  const created = await createToken(
    db,
    {
      organisation: typeof values.org === 'string' ? values.org : '',
      scopes: asStrings(values.scope),
      ...(typeof values.label === 'string' ? { label: values.label } : {}),
      ...(expiresInDays === undefined ? {} : { expiresInDays }),
    },
    { knownOrganisations: organisations },
  );
  if (!created.ok) throw new ProblemError(created.error);
  const token = created.value;
  io.out(
    `Token ${token.id} for ${token.organisation}, scopes ${token.scopes.join(' ')}, expires ${token.expiresAt.toISOString()}.`,
  );
  io.out('Give the partner this token now: it is shown only this once, and Accord keeps only its hash.');
  io.out('');
  io.out(token.token);
  return 0;
}

export async function tokenRevoke(db: Database, id: string, io: Output): Promise<number> {
  const revoked = await revokeToken(db, id);
  if (!revoked.ok) throw new ProblemError(revoked.error);
  io.out(
    revoked.value.alreadyRevoked
      ? `Token ${id} was already revoked.`
      : `Token ${id} is revoked: it no longer works.`,
  );
  return 0;
}

/**
 * `--oidc-subject` as given: '<issuer>#<sub>', the issuer being the provider's issuer URL exactly as its ID tokens
 * carry it (the `iss` claim) and sub the person's subject there. Undefined when it does not read so.
 */
export function parseOidcSubject(text: string): string | undefined {
  const hash = text.indexOf('#');
  if (hash < 0) return undefined;
  const issuer = text.slice(0, hash);
  const sub = text.slice(hash + 1);
  if (sub === '' || sub.length > 255 || /\s/.test(text)) return undefined;
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  return oidcSubject(issuer, sub);
}

/**
 * Adds a person. With `--oidc-subject` they sign in only through OpenID Connect and `password` is undefined (none is
 * read); otherwise `password` is the one they will sign in with.
 */
export async function userAdd(
  db: Database,
  values: Record<string, unknown>,
  password: string | undefined,
  organisations: ReadonlySet<string>,
  io: Output,
): Promise<number> {
  const roles = asStrings(values.role);
  const unknown = roles.filter((role) => !isRole(role));
  if (unknown.length > 0) {
    io.fail(`accord user add: unknown role(s) ${unknown.join(', ')}; the roles are ${ROLES.join(', ')}`);
    return 2;
  }
  const subjectValue = values['oidc-subject'];
  let subject: string | undefined;
  if (typeof subjectValue === 'string') {
    subject = parseOidcSubject(subjectValue);
    if (subject === undefined) {
      io.fail(
        `accord user add: --oidc-subject must read '<issuer>#<sub>' (e.g. https://login.example.org#248289761001), not '${subjectValue}'`,
      );
      return 2;
    }
  } else {
    const weak = password === undefined ? 'is missing' : passwordProblem(password);
    if (weak !== undefined) {
      io.fail(`accord user add: the password ${weak}`);
      return 1;
    }
  }
  const username = typeof values.username === 'string' ? values.username : '';
  const created = await createUser(
    db,
    {
      username,
      displayName: typeof values.name === 'string' ? values.name : username,
      organisation: typeof values.org === 'string' ? values.org : '',
      roles,
      ...(subject === undefined ? {} : { oidcSubject: subject }),
      ...(subject === undefined && password !== undefined
        ? { passwordHash: await hashPassword(password) }
        : {}),
    },
    organisations,
  );
  if (!created.ok) throw new ProblemError(created.error);
  const user = created.value;
  io.out(
    `Added ${user.username} (${user.organisation}; ${user.roles.join(', ')}), who signs in ${
      subject === undefined ? 'with a password' : `through OpenID Connect as ${subject}`
    }.`,
  );
  return 0;
}

/** `accord user unlock <username>`: lifts a lock-out after too many wrong passwords, and forgets the failures. */
export async function userUnlock(db: Database, username: string, io: Output): Promise<number> {
  const lockedUntil = await clearLockout(db, username);
  io.out(
    lockedUntil === undefined
      ? `Signing in as ${username.trim().toLowerCase()} was not paused; any failed attempts are forgotten.`
      : `Signing in as ${username.trim().toLowerCase()} is no longer paused (it was until ${lockedUntil.toISOString()}).`,
  );
  return 0;
}

/** `accord user deactivate <username>`: the person can no longer sign in, and their sessions end at once. */
export async function userDeactivate(db: Database, username: string, io: Output): Promise<number> {
  const user = await findUserByUsername(db, username);
  if (user === undefined) {
    throw new ProblemError(
      problem(
        'not-found',
        `There is no user '${username}'.`,
        'Check the username (it is not case-sensitive).',
      ),
    );
  }
  if (!user.active) {
    io.out(`${user.username} was already deactivated.`);
    return 0;
  }
  await deactivateUser(db, user.id);
  io.out(`${user.username} is deactivated: they can no longer sign in, and their sessions have ended.`);
  return 0;
}

/**
 * The new user's password: ACCORD_NEW_PASSWORD, else stdin: typed without echo at a terminal, or the first line of
 * what is piped in.
 */
export async function readNewPassword(
  env: NodeJS.ProcessEnv,
  stdin: NodeJS.ReadStream = process.stdin,
): Promise<string> {
  const fromEnv = env.ACCORD_NEW_PASSWORD;
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  if (stdin.isTTY) return readHidden(stdin);
  let text = '';
  for await (const chunk of stdin) {
    text += String(chunk);
    if (text.includes('\n') || text.length > 4096) break;
  }
  return text.split(/\r?\n/)[0] ?? '';
}

function readHidden(stdin: NodeJS.ReadStream): Promise<string> {
  process.stderr.write('New password (not shown): ');
  return new Promise((resolve, reject) => {
    let typed = '';
    stdin.setRawMode(true);
    stdin.resume();
    stdin.setEncoding('utf8');
    const done = (error?: Error) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.removeListener('data', onData);
      process.stderr.write('\n');
      if (error === undefined) resolve(typed);
      else reject(error);
    };
    const onData = (chunk: string) => {
      for (const character of chunk) {
        if (character === '\r' || character === '\n' || character === '\u0004') {
          done();
          return;
        }
        if (character === '\u0003') {
          done(new Error('cancelled'));
          return;
        }
        if (character === '\u007f' || character === '\b') typed = typed.slice(0, -1);
        else typed += character;
      }
    };
    stdin.on('data', onData);
  });
}
