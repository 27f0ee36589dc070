/**
 * @module cli/commands/access
 * `accord token create|revoke` and `accord user add`: the administrator's way to let partner systems and people in.
 * Secrets travel safely: a token's secret is printed once and never stored; a new password is read from stdin or
 * ACCORD_NEW_PASSWORD, never from an argument (arguments show in `ps` and in shell history).
 */
import {
  createToken,
  createUser,
  hashPassword,
  isRole,
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

export async function userAdd(
  db: Database,
  values: Record<string, unknown>,
  password: string,
  organisations: ReadonlySet<string>,
  io: Output,
): Promise<number> {
  const roles = asStrings(values.role);
  const unknown = roles.filter((role) => !isRole(role));
  if (unknown.length > 0) {
    io.fail(`accord user add: unknown role(s) ${unknown.join(', ')}; the roles are ${ROLES.join(', ')}`);
    return 2;
  }
  const weak = passwordProblem(password);
  if (weak !== undefined) {
    io.fail(`accord user add: the password ${weak}`);
    return 1;
  }
  const username = typeof values.username === 'string' ? values.username : '';
  const created = await createUser(
    db,
    {
      username,
      displayName: typeof values.name === 'string' ? values.name : username,
      organisation: typeof values.org === 'string' ? values.org : '',
      roles,
      passwordHash: await hashPassword(password),
    },
    organisations,
  );
  if (!created.ok) throw new ProblemError(created.error);
  io.out(
    `Added ${created.value.username} (${created.value.organisation}; ${created.value.roles.join(', ')}).`,
  );
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
