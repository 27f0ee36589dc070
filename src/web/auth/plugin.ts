/**
 * @module web/auth/plugin
 * Who is calling, for every request, and whether a form really came from an Accord page; then the auth routes.
 *
 * - A session cookie (`accord_session`) makes the caller the signed-in person; an `Authorization: Bearer` token makes
 *   it a partner system. A token that is wrong, revoked or expired is refused with 401 there and then, never quietly
 *   treated as anonymous (which would hide the mistake from the partner).
 * - Every POST/PUT/PATCH/DELETE not made with a bearer token must carry a CSRF token (form field `_csrf`, or header
 *   `x-csrf-token`): with a session, that session's and no other; before sign-in, the one bound to the `accord_csrf`
 *   cookie. Bearer calls are exempt because a browser never adds that header by itself, so another site cannot forge
 *   one.
 * - The routes (/sign-in, /sign-out, /account, /api/me, /auth/oidc/*) are in routes.ts.
 *
 * Logs never name who signed in or tried to: only outcomes are logged, never usernames, passwords, tokens or cookies.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import {
  createOidcSignIn,
  createSession,
  csrfTokensMatch,
  DEFAULT_LOCKOUT,
  newPreSessionValue,
  preSessionCsrfToken,
  resolveSession,
  resolveToken,
  revokeSession,
  serverKey,
  sessionCsrfToken,
  systemClock,
  TOKEN_REFUSALS,
  ABSOLUTE_TIMEOUT_MS,
  type ResolvedSession,
  type User,
} from '../../access/index.js';
import { problem, type Problem } from '../../core/problem.js';
import { replyWithProblem, sendProblem } from '../problem.js';
import type { AppContext } from '../server.js';
import { parseCookies, serializeCookie } from './cookies.js';
import { authRoutes, CSRF_COOKIE, SESSION_COOKIE } from './routes.js';
import { clientKey, nhsLoginSignIn } from '../../access/nhs-login.js';
import type { Partnership } from '../../partnership/index.js';
import { currentPartnership } from '../routes/current-partnership.js';

/** Members of the public's accounts are held by the partnership's integrated care board (else its first partner). */
function accountsOrganisation(partnership: Partnership): string {
  const current = partnership.organisations.filter((o) => o.to === undefined);
  const icb = current.find((o) => o.type === 'integrated-care-board') ?? current[0];
  if (icb === undefined) throw new Error('the partnership has no organisation to hold public accounts');
  return icb.id;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The CSRF token to put in this page's forms (empty when the page has none to protect). */
    csrfToken: string;
  }
}

export { SESSION_COOKIE, CSRF_COOKIE, OIDC_COOKIE } from './routes.js';
export { safeNext } from './safe-next.js';
export { duration } from './routes.js';

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const PRE_SESSION_PATTERN = /^[A-Za-z0-9_-]{43}$/;

const field = (body: unknown, name: string): unknown =>
  typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[name] : undefined;

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
    const nhsLoginConfig = ctx.config.nhsLogin;
    const nhsLogin =
      nhsLoginConfig === undefined
        ? undefined
        : createOidcSignIn(
            ctx.db,
            { issuer: nhsLoginConfig.issuer, clientId: nhsLoginConfig.clientId },
            new URL('/auth/nhs-login/callback', ctx.config.publicUrl),
            {
              clock,
              ...(ctx.oidcDiscovery === undefined ? {} : { discovery: ctx.oidcDiscovery }),
              flavour: nhsLoginSignIn(
                ctx.db,
                await clientKey(nhsLoginConfig.privateKeyPem),
                async () => accountsOrganisation(await currentPartnership(ctx)),
                clock,
              ),
            },
          );

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

    /** A refusal as the caller expects it; a partner system always gets problem+json, whatever the path. */
    const refuse = async (request: FastifyRequest, reply: FastifyReply, p: Problem) =>
      request.principal.kind === 'system' ? sendProblem(reply, p) : replyWithProblem(request, reply, p);

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
      const anonymousForm = () => {
        if (request.method === 'GET' && request.routeOptions.config.anonymousForm === true) {
          issuePreSessionToken(request, reply);
        }
      };
      const token = parseCookies(request.headers.cookie).get(SESSION_COOKIE);
      if (token === undefined || token === '') {
        anonymousForm();
        return;
      }
      const session = await resolveSession(ctx.db, token, clock);
      if (session === undefined) {
        // An ended or unknown session: forget the cookie, and carry on as anonymous (the access rule decides).
        clearCookie(reply, SESSION_COOKIE);
        anonymousForm();
        return;
      }
      sessions.set(request, session);
      request.principal = session.principal;
      request.csrfToken = sessionCsrfToken(session.csrfSecret);
    });

    // 2. CSRF: checked once the body is parsed (after the access rule, which runs on the request line), before the
    // handler.
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

    // 3. The routes.
    await authRoutes(app, ctx, {
      clock,
      lockout,
      oidc,
      nhsLogin,
      sessions,
      issuePreSessionToken,
      signIn,
      clearCookie,
      refuse,
    });
  },
  { name: 'accord-auth' },
);
