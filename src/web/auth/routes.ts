/**
 * @module web/auth/routes
 * The sign-in pages (/sign-in, /sign-out, /account), who-am-I for the API (/api/me), and OpenID Connect sign-in
 * (/auth/oidc/*) when it is configured. Who is calling and CSRF are the plugin's hooks; these are only the routes.
 *
 * Logs never name who signed in or tried to: only outcomes are logged.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  activeDemoUsernames,
  ANONYMOUS,
  attemptSignIn,
  DEMO_PASSWORD,
  HOUR,
  MINUTE,
  NATIONAL_ROLES,
  OIDC_LOGIN_TTL_MS,
  PARTNERSHIP_ROLES,
  revokeSession,
  type Clock,
  type LockoutPolicy,
  type OidcSignIn,
  type ResolvedSession,
  type Role,
  type User,
} from '../../access/index.js';
import type { Problem } from '../../core/problem.js';
import { readPartnership } from '../../partnership/index.js';
import type { AppContext } from '../server.js';
import { parseCookies, serializeCookie } from './cookies.js';
import { safeNext } from './safe-next.js';

export const SESSION_COOKIE = 'accord_session';
export const CSRF_COOKIE = 'accord_csrf';
export const OIDC_COOKIE = 'accord_oidc';
export const NHS_LOGIN_COOKIE = 'accord_nhs_login';

/** What the routes share with the plugin's hooks. */
export interface AuthKit {
  readonly clock: Clock;
  readonly lockout: LockoutPolicy;
  readonly oidc: OidcSignIn | undefined;
  /** NHS login, for members of the public (access/nhs-login.ts). */
  readonly nhsLogin: OidcSignIn | undefined;
  /** The session behind each request (set by the plugin's hook). */
  readonly sessions: WeakMap<FastifyRequest, ResolvedSession>;
  readonly issuePreSessionToken: (request: FastifyRequest, reply: FastifyReply) => void;
  readonly signIn: (request: FastifyRequest, reply: FastifyReply, user: User) => Promise<void>;
  readonly clearCookie: (reply: FastifyReply, name: string, path?: string) => FastifyReply;
  readonly refuse: (request: FastifyRequest, reply: FastifyReply, problem: Problem) => Promise<FastifyReply>;
}

export const field = (body: unknown, name: string): unknown =>
  typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[name] : undefined;

const londonTime = (date: Date) =>
  date.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', timeZone: 'Europe/London' });

/** A lock-out's length in words: '15 minutes', '1 hour', '90 seconds'. */
export function duration(ms: number): string {
  const [amount, unit] =
    ms % HOUR === 0
      ? [ms / HOUR, 'hour']
      : ms % MINUTE === 0
        ? [ms / MINUTE, 'minute']
        : [Math.ceil(ms / 1000), 'second'];
  return `${amount} ${unit}${amount === 1 ? '' : 's'}`;
}

const roleName = (role: Role): string =>
  role in NATIONAL_ROLES
    ? NATIONAL_ROLES[role as keyof typeof NATIONAL_ROLES]
    : PARTNERSHIP_ROLES[role as keyof typeof PARTNERSHIP_ROLES];

export async function authRoutes(app: FastifyInstance, ctx: AppContext, kit: AuthKit): Promise<void> {
  const { clock, lockout, oidc, sessions, issuePreSessionToken, signIn, clearCookie, refuse } = kit;
  /** The demo's users and their password, when this is a demo (some demo user can sign in). */
  const demoSignIn = async () => {
    const usernames = await activeDemoUsernames(ctx.db);
    return usernames.length === 0 ? undefined : { usernames, password: DEMO_PASSWORD };
  };

  const renderSignIn = async (
    request: FastifyRequest,
    reply: FastifyReply,
    state: { next?: string; username?: string; errors?: { username?: string; password?: string } },
  ) => {
    if (request.principal.kind !== 'user') issuePreSessionToken(request, reply);
    const errors = state.errors ?? {};
    const errorList = [
      ...(errors.username === undefined ? [] : [{ text: errors.username, href: '#username' }]),
      ...(errors.password === undefined ? [] : [{ text: errors.password, href: '#password' }]),
    ];
    return reply.page('auth/sign-in.njk', {
      title: errorList.length > 0 ? 'Error: Sign in' : 'Sign in',
      next: state.next,
      username: state.username,
      errors,
      errorList,
      oidc: oidc !== undefined,
      nhsLogin: kit.nhsLogin !== undefined,
      demo: await demoSignIn(),
    });
  };

  app.get('/sign-in', { config: { access: 'public' }, schema: { hide: true } }, async (request, reply) => {
    const next = safeNext(field(request.query, 'next'));
    if (request.principal.kind === 'user') return reply.redirect(next ?? '/account', 303);
    return renderSignIn(request, reply, next === undefined ? {} : { next });
  });

  app.post('/sign-in', { config: { access: 'public' }, schema: { hide: true } }, async (request, reply) => {
    const body = request.body;
    const next = safeNext(field(body, 'next'));
    const usernameValue = field(body, 'username');
    const passwordValue = field(body, 'password');
    const username = typeof usernameValue === 'string' ? usernameValue.trim().slice(0, 200) : '';
    const password = typeof passwordValue === 'string' ? passwordValue : '';
    const base = { ...(next === undefined ? {} : { next }), username };

    if (username === '' || password === '') {
      reply.status(400);
      return renderSignIn(request, reply, {
        ...base,
        errors: {
          ...(username === '' ? { username: 'Enter your username' } : {}),
          ...(password === '' ? { password: 'Enter your password' } : {}),
        },
      });
    }

    const outcome = await attemptSignIn(ctx.db, username, password, { clock, policy: lockout });
    request.log.info({ event: 'sign-in', outcome: outcome.kind }, 'password sign-in');
    switch (outcome.kind) {
      case 'signed-in':
        await signIn(request, reply, outcome.user);
        return reply.redirect(next ?? '/account', 303);
      case 'refused':
        reply.status(401);
        return renderSignIn(request, reply, {
          ...base,
          errors: {
            username:
              'The username or password is not right. Check them and try again' +
              (outcome.attemptsLeft <= 2
                ? `: after ${outcome.attemptsLeft} more wrong ${outcome.attemptsLeft === 1 ? 'try' : 'tries'}, signing in with this username is paused for ${duration(lockout.lockMs)}`
                : ''),
          },
        });
      case 'locked':
        reply.status(429);
        return renderSignIn(request, reply, {
          ...base,
          errors: {
            username: `There have been too many wrong attempts to sign in with this username, so signing in with it is paused until ${londonTime(outcome.until)}. Try again after then, or ask your organisation’s Accord administrator`,
          },
        });
    }
  });

  app.get('/sign-out', { config: { access: 'public' }, schema: { hide: true } }, async (request, reply) =>
    reply.page('auth/sign-out.njk', { title: 'Sign out', signedIn: request.principal.kind === 'user' }),
  );

  app.post('/sign-out', { config: { access: 'public' }, schema: { hide: true } }, async (request, reply) => {
    const session = sessions.get(request);
    if (session !== undefined) await revokeSession(ctx.db, session.id);
    request.log.info({ event: 'sign-out' }, 'signed out');
    clearCookie(reply, SESSION_COOKIE);
    request.principal = ANONYMOUS;
    request.csrfToken = '';
    return reply.page('auth/sign-out.njk', { title: 'You have signed out', signedIn: false });
  });

  app.get(
    '/account',
    { config: { access: { signedIn: true } }, schema: { hide: true } },
    async (request, reply) => {
      const principal = request.principal;
      if (principal.kind !== 'user') return reply.redirect('/sign-in', 303);
      const partnership = await readPartnership(ctx.db, ctx.partnershipId);
      const organisation = partnership?.organisations.find((o) => o.id === principal.organisation);
      return reply.page('auth/account.njk', {
        title: 'Your account',
        partnership: partnership?.info,
        organisationName: organisation?.name ?? principal.organisation,
        roles: principal.roles.map((code) => ({ code, name: roleName(code) })),
      });
    },
  );

  // `{ scope: 'me:read' }` lets both kinds of caller ask who they are: a signed-in person passes because the rule
  // names no role, and every token holds `me:read` implicitly (IMPLICIT_SCOPES), since telling a system its own
  // organisation and scopes reveals nothing it does not hold already.
  app.get(
    '/api/me',
    {
      config: { access: { scope: 'me:read' } },
      schema: {
        summary: 'Who is calling: the signed-in person, or the partner system a token belongs to',
        tags: ['access'],
        security: [{ bearer: [] }, { session: [] }],
        response: {
          200: {
            type: 'object',
            required: ['kind', 'organisation'],
            properties: {
              kind: { enum: ['user', 'system'] },
              organisation: { type: 'string', description: 'The organisation id the caller acts for' },
              displayName: { type: 'string' },
              roles: { type: 'array', items: { type: 'string' } },
              tokenId: { type: 'string' },
              scopes: { type: 'array', items: { type: 'string' } },
            },
          },
        },
      },
    },
    async (request) => {
      const principal = request.principal;
      switch (principal.kind) {
        case 'user':
          return {
            kind: 'user' as const,
            organisation: principal.organisation,
            displayName: principal.displayName,
            roles: [...principal.roles],
          };
        case 'system':
          return {
            kind: 'system' as const,
            organisation: principal.organisation,
            tokenId: principal.tokenId,
            scopes: [...principal.scopes],
          };
        case 'anonymous':
          // The access rule has already asked an anonymous caller to authenticate; this cannot be reached.
          throw new Error('anonymous caller reached /api/me');
      }
    },
  );

  /** A provider's two routes: start the sign-in (to the provider), and its callback (back, signed in). */
  const providerRoutes = (
    signInWith: OidcSignIn,
    path: string,
    cookie: string,
    event: string,
    landing: string,
  ) => {
    app.get(
      `${path}/login`,
      { config: { access: 'public' }, schema: { hide: true } },
      async (request, reply) => {
        const begun = await signInWith.begin(safeNext(field(request.query, 'next')) ?? landing);
        if (!begun.ok) return refuse(request, reply, begun.error);
        reply.header(
          'set-cookie',
          serializeCookie(cookie, begun.value.binding, {
            path,
            maxAge: Math.floor(OIDC_LOGIN_TTL_MS / 1000),
          }),
        );
        return reply.redirect(begun.value.url.href, 303);
      },
    );

    app.get(
      `${path}/callback`,
      { config: { access: 'public' }, schema: { hide: true } },
      async (request, reply) => {
        const binding = parseCookies(request.headers.cookie).get(cookie);
        clearCookie(reply, cookie, path);
        const finished = await signInWith.finish(binding, new URL(request.url, ctx.config.publicUrl));
        request.log.info(
          { event, outcome: finished.ok ? 'signed-in' : finished.error.kind },
          'OpenID Connect sign-in',
        );
        if (!finished.ok) return refuse(request, reply, finished.error);
        await signIn(request, reply, finished.value.user);
        return reply.redirect(safeNext(finished.value.next) ?? landing, 303);
      },
    );
  };
  if (oidc !== undefined) providerRoutes(oidc, '/auth/oidc', OIDC_COOKIE, 'oidc-sign-in', '/account');
  // A member of the public comes to see who has looked at their record.
  if (kit.nhsLogin !== undefined) {
    providerRoutes(kit.nhsLogin, '/auth/nhs-login', NHS_LOGIN_COOKIE, 'nhs-login-sign-in', '/my-record');
  }
}
