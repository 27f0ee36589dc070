/**
 * @module web/auth/plugin
 * Who is calling, for every request, and the sign-in pages.
 *
 * - A session cookie (`accord_session`) makes the caller the signed-in person; an `Authorization: Bearer` token makes
 *   it a partner system. A token that is wrong, revoked or expired is refused with 401 there and then, never quietly
 *   treated as anonymous (which would hide the mistake from the partner).
 * - Every POST/PUT/PATCH/DELETE not made with a bearer token must carry a CSRF token (form field `_csrf`, or header
 *   `x-csrf-token`): with a session, that session's and no other; before sign-in, the one bound to the `accord_csrf`
 *   cookie. Bearer calls are exempt because a browser never adds that header by itself, so another site cannot forge
 *   one.
 * - Routes: /sign-in, /sign-out, /account, /api/me, and /auth/oidc/* when OpenID Connect is configured.
 *
 * Logs never name who signed in or tried to: only outcomes are logged, never usernames, passwords, tokens or cookies.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import {
  activeDemoUsernames,
  ANONYMOUS,
  attemptSignIn,
  createOidcSignIn,
  createSession,
  csrfTokensMatch,
  DEFAULT_LOCKOUT,
  DEMO_PASSWORD,
  HOUR,
  MINUTE,
  NATIONAL_ROLES,
  newPreSessionValue,
  PARTNERSHIP_ROLES,
  preSessionCsrfToken,
  resolveSession,
  resolveToken,
  revokeSession,
  serverKey,
  sessionCsrfToken,
  systemClock,
  TOKEN_REFUSALS,
  ABSOLUTE_TIMEOUT_MS,
  OIDC_LOGIN_TTL_MS,
  type ResolvedSession,
  type Role,
  type User,
} from '../../access/index.js';
import { problem, type Problem } from '../../core/problem.js';
import { readPartnership } from '../../partnership/index.js';
import { sendProblem, STATUS } from '../problem.js';
import type { AppContext } from '../server.js';
import { parseCookies, serializeCookie } from './cookies.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The CSRF token to put in this page's forms (empty when the page has none to protect). */
    csrfToken: string;
  }
}

export const SESSION_COOKIE = 'accord_session';
export const CSRF_COOKIE = 'accord_csrf';
export const OIDC_COOKIE = 'accord_oidc';

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const PRE_SESSION_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/**
 * A local path to go to after signing in, or undefined. Only paths on this site: never `//other.site`, `/\\other`
 * or a full URL, which would make the sign-in page an open redirect.
 */
export function safeNext(next: unknown): string | undefined {
  if (typeof next !== 'string' || next.length === 0 || next.length > 1000) return undefined;
  if (!next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return undefined;
  // eslint-disable-next-line no-control-regex -- control characters are exactly what must be refused
  if (/[\u0000-\u001f\u007f\\]/.test(next)) return undefined;
  // A backslash, even percent-encoded, is never part of an Accord path, and some clients decode it into a slash.
  if (/%5c/i.test(next)) return undefined;
  const base = 'http://accord.invalid';
  let url: URL;
  try {
    url = new URL(next, base);
  } catch {
    return undefined;
  }
  if (url.origin !== base) return undefined;
  const path = `${url.pathname}${url.search}`;
  // Checked again after normalisation, which turns '/.//x', '/..//x' and '/%2e//x' into '//x' (another host, to a
  // browser); an encoded slash ('/%2f/x') is one decoding away from the same.
  if (/^\/(\/|\\|%2f)/i.test(path)) return undefined;
  if (/^\/(sign-in|sign-out|auth\/)/.test(path)) return undefined; // no loops back into signing in
  return path;
}

const field = (body: unknown, name: string): unknown =>
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

export const authPlugin = fp(
  async (app: FastifyInstance, ctx: AppContext) => {
    const clock = ctx.clock ?? systemClock;
    const lockout = ctx.lockout ?? DEFAULT_LOCKOUT;
    const csrfKey = await serverKey(ctx.db, 'csrf-pre-session');
    /** The session behind each request, for the CSRF check and sign-out; kept off the request object's API. */
    const sessions = new WeakMap<FastifyRequest, ResolvedSession>();
    const oidc =
      ctx.config.oidc === undefined
        ? undefined
        : createOidcSignIn(ctx.db, ctx.config.oidc, new URL('/auth/oidc/callback', ctx.config.publicUrl), {
            clock,
            ...(ctx.oidcDiscovery === undefined ? {} : { discovery: ctx.oidcDiscovery }),
          });

    app.decorateRequest('csrfToken', '');

    const setSessionCookie = (reply: FastifyReply, token: string) =>
      reply.header(
        'set-cookie',
        serializeCookie(SESSION_COOKIE, token, { maxAge: Math.floor(ABSOLUTE_TIMEOUT_MS / 1000) }),
      );
    const clearCookie = (reply: FastifyReply, name: string, path = '/') =>
      reply.header('set-cookie', serializeCookie(name, '', { maxAge: 0, path }));

    /** Gives an anonymous form a CSRF token, bound to the `accord_csrf` cookie (set now if the browser has none). */
    const issuePreSessionToken = (request: FastifyRequest, reply: FastifyReply) => {
      let value = parseCookies(request.headers.cookie).get(CSRF_COOKIE);
      if (value === undefined || !PRE_SESSION_PATTERN.test(value)) {
        value = newPreSessionValue();
        reply.header('set-cookie', serializeCookie(CSRF_COOKIE, value, { maxAge: 2 * 60 * 60 }));
      }
      request.csrfToken = preSessionCsrfToken(csrfKey, value);
    };

    /** Starts a session for someone who has just proved who they are; any session the browser had is ended. */
    const signIn = async (request: FastifyRequest, reply: FastifyReply, user: User) => {
      const previous = sessions.get(request);
      if (previous !== undefined) await revokeSession(ctx.db, previous.id);
      const { token } = await createSession(ctx.db, user.id, clock);
      setSessionCookie(reply, token);
      clearCookie(reply, CSRF_COOKIE);
    };

    const refuse = async (request: FastifyRequest, reply: FastifyReply, p: Problem) => {
      if (/^\/(api|fhir)(\/|$|\?)/.test(request.url) || request.principal.kind === 'system') {
        return sendProblem(reply, p);
      }
      reply.status(STATUS[p.kind]);
      return reply.page('error.njk', { title: p.title, detail: p.fix ?? '' });
    };

    // 1. Who is calling.
    app.addHook('onRequest', async (request, reply) => {
      const authorization = request.headers.authorization;
      if (authorization !== undefined) {
        const match = /^Bearer[ ]+([^\s]+)[ ]*$/i.exec(authorization);
        if (match?.[1] === undefined) {
          return sendProblem(
            reply,
            problem(
              'unauthenticated',
              "The Authorization header must read 'Bearer <token>'.",
              'Send the token `accord token create` printed, after the word Bearer and a space.',
            ),
          );
        }
        const resolved = await resolveToken(ctx.db, match[1], clock);
        if (!resolved.ok) {
          request.log.info({ event: 'token-refused', reason: resolved.error }, 'bearer token refused');
          return sendProblem(
            reply,
            problem(
              'unauthenticated',
              TOKEN_REFUSALS[resolved.error],
              'Ask the partnership’s Accord administrator for a new token.',
            ),
          );
        }
        request.principal = resolved.value;
        return;
      }
      const token = parseCookies(request.headers.cookie).get(SESSION_COOKIE);
      if (token === undefined || token === '') return;
      const session = await resolveSession(ctx.db, token, clock);
      if (session === undefined) {
        // An ended or unknown session: forget the cookie, and carry on as anonymous (the access rule decides).
        clearCookie(reply, SESSION_COOKIE);
        return;
      }
      sessions.set(request, session);
      request.principal = session.principal;
      request.csrfToken = sessionCsrfToken(session.csrfSecret);
    });

    // 2. CSRF: checked once the body is parsed, before the access rule and the handler.
    app.addHook('preValidation', async (request, reply) => {
      // A request to no route changes nothing, so it gets its 404 rather than a CSRF refusal.
      if (!UNSAFE_METHODS.has(request.method) || request.principal.kind === 'system' || request.is404) return;
      const body = request.body;
      const presented = field(body, '_csrf') ?? request.headers['x-csrf-token'];
      // The token is for this check only: routes' body schemas need not know about it.
      if (typeof body === 'object' && body !== null && '_csrf' in body) {
        delete (body as Record<string, unknown>)._csrf;
      }
      // Once there is a session only its token will do: a pre-session token (from a form opened before signing in,
      // or a cookie planted by someone else) does not vouch for what the signed-in person meant to send.
      const session = sessions.get(request);
      const preSession = parseCookies(request.headers.cookie).get(CSRF_COOKIE);
      const valid =
        session !== undefined
          ? csrfTokensMatch(sessionCsrfToken(session.csrfSecret), presented)
          : preSession !== undefined &&
            PRE_SESSION_PATTERN.test(preSession) &&
            csrfTokensMatch(preSessionCsrfToken(csrfKey, preSession), presented);
      if (valid) return;
      request.log.info({ event: 'csrf-refused' }, 'request without a valid CSRF token refused');
      return refuse(
        request,
        reply,
        problem(
          'forbidden',
          'This form has expired, or was not sent from an Accord page.',
          'Go back, reload the page and try again. Nothing was changed.',
        ),
      );
    });

    // 3. Routes.
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

    app.post(
      '/sign-out',
      { config: { access: 'public' }, schema: { hide: true } },
      async (request, reply) => {
        const session = sessions.get(request);
        if (session !== undefined) await revokeSession(ctx.db, session.id);
        request.log.info({ event: 'sign-out' }, 'signed out');
        clearCookie(reply, SESSION_COOKIE);
        request.principal = ANONYMOUS;
        request.csrfToken = '';
        return reply.page('auth/sign-out.njk', { title: 'You have signed out', signedIn: false });
      },
    );

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

    if (oidc !== undefined) {
      app.get(
        '/auth/oidc/login',
        { config: { access: 'public' }, schema: { hide: true } },
        async (request, reply) => {
          const begun = await oidc.begin(safeNext(field(request.query, 'next')) ?? '/account');
          if (!begun.ok) return refuse(request, reply, begun.error);
          reply.header(
            'set-cookie',
            serializeCookie(OIDC_COOKIE, begun.value.binding, {
              path: '/auth/oidc',
              maxAge: Math.floor(OIDC_LOGIN_TTL_MS / 1000),
            }),
          );
          return reply.redirect(begun.value.url.href, 303);
        },
      );

      app.get(
        '/auth/oidc/callback',
        { config: { access: 'public' }, schema: { hide: true } },
        async (request, reply) => {
          const binding = parseCookies(request.headers.cookie).get(OIDC_COOKIE);
          clearCookie(reply, OIDC_COOKIE, '/auth/oidc');
          const finished = await oidc.finish(binding, new URL(request.url, ctx.config.publicUrl));
          request.log.info(
            { event: 'oidc-sign-in', outcome: finished.ok ? 'signed-in' : finished.error.kind },
            'OpenID Connect sign-in',
          );
          if (!finished.ok) return refuse(request, reply, finished.error);
          await signIn(request, reply, finished.value.user);
          return reply.redirect(safeNext(finished.value.next) ?? '/account', 303);
        },
      );
    }
  },
  { name: 'accord-auth' },
);
