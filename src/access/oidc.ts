/**
 * @module access/oidc
 * Sign-in through an OpenID Connect provider (production), configured by ACCORD_OIDC_*: the authorization code flow
 * with PKCE, state and nonce (openid-client v6).
 *
 * What a sign-in in progress needs to remember (the PKCE verifier, state and nonce) stays on the server, in
 * oidc_login; the browser holds only a random binding in a short-lived cookie, whose sha-256 is the row's id. So the
 * callback completes only in the browser that started the sign-in, and only once.
 *
 * The provider says who someone is; Accord decides what they may do. A subject Accord does not know is refused, not
 * created: an administrator adds people (with their organisation and roles) first.
 */
import { randomBytes } from 'node:crypto';
import * as client from 'openid-client';
import type { OidcConfig } from '../core/config.js';
import { problem, type Problem } from '../core/problem.js';
import { err, ok, type Result } from '../core/result.js';
import type { Database } from '../store/database.js';
import { MINUTE, systemClock, type Clock } from './clock.js';
import { sha256Hex } from './sessions.js';
import { findUserByOidcSubject, oidcSubject, type User } from './users.js';

/** How long someone has to complete the sign-in at the provider. */
export const OIDC_LOGIN_TTL_MS = 10 * MINUTE;

export interface OidcSignIn {
  /** Starts a sign-in: the provider's address to send the browser to, and the binding to set as a cookie. */
  begin(nextPath: string): Promise<Result<{ url: URL; binding: string }, Problem>>;
  /**
   * Completes a sign-in from the provider's redirect (`callbackUrl`, with its query) and the binding cookie: the
   * Accord user the provider's subject belongs to, and where to go next.
   */
  finish(
    binding: string | undefined,
    callbackUrl: URL,
  ): Promise<Result<{ user: User; next: string }, Problem>>;
}

export interface OidcOptions {
  readonly clock?: Clock;
  /** openid-client discovery options: tests point it at a local provider over http. */
  readonly discovery?: client.DiscoveryRequestOptions;
  /** What the provider is for; by default staff's provider (`staffSignIn`). */
  readonly flavour?: OidcFlavour;
}

/** A provider's verified answer: who it says signed in, and a way to ask it more (its userinfo endpoint). */
export interface OidcAnswer {
  /** `<issuer>#<sub>`. */
  readonly subject: string;
  readonly userinfo: () => Promise<client.UserInfoResponse>;
}

/**
 * How one provider is used: what to ask it for, how Accord authenticates to it, and which Accord user its answer is.
 * Staff sign in through the organisation's provider (`staffSignIn`); members of the public through NHS login
 * (`access/nhs-login.ts`).
 */
export interface OidcFlavour {
  readonly scope: string;
  /** Further authorization request parameters (NHS login's `vtr`, the identity level asked for). */
  readonly parameters?: Readonly<Record<string, string>>;
  /** How Accord proves itself at the token endpoint; by default the client secret. */
  readonly clientAuthentication?: client.ClientAuth;
  user(answer: OidcAnswer): Promise<Result<User, Problem>>;
}

/** Staff: the provider says who signed in; only a person an administrator has added (and not deactivated) gets in. */
export const staffSignIn = (db: Database): OidcFlavour => ({
  scope: 'openid',
  async user({ subject }) {
    const user = await findUserByOidcSubject(db, subject);
    if (user === undefined || !user.active) {
      return err(
        problem(
          'forbidden',
          'You signed in, but you do not have an Accord account.',
          'Ask your organisation’s Accord administrator to add you, then sign in again.',
        ),
      );
    }
    return ok(user);
  },
});

const unverified = problem(
  'unauthenticated',
  'The sign-in service’s answer could not be verified.',
  'Start again from the sign-in page. If it keeps happening, tell your Accord administrator.',
);

const unavailable = problem(
  'unavailable',
  'The sign-in service cannot be reached just now.',
  'Try again in a few minutes. If it keeps happening, tell your Accord administrator.',
);

export function createOidcSignIn(
  db: Database,
  config: OidcConfig,
  redirectUri: URL,
  options: OidcOptions = {},
): OidcSignIn {
  const clock = options.clock ?? systemClock;
  const flavour = options.flavour ?? staffSignIn(db);
  // Discovered on first use, not at start-up: Accord starts (and serves public pages) while the provider is down.
  let discovered: Promise<client.Configuration> | undefined;
  const configuration = async (): Promise<client.Configuration | undefined> => {
    discovered ??= client.discovery(
      config.issuer,
      config.clientId,
      config.clientSecret,
      flavour.clientAuthentication,
      options.discovery,
    );
    try {
      return await discovered;
    } catch {
      discovered = undefined; // try again next time
      return undefined;
    }
  };

  return {
    async begin(nextPath) {
      const oidc = await configuration();
      if (oidc === undefined) return err(unavailable);
      const binding = randomBytes(32).toString('base64url');
      const state = client.randomState();
      const nonce = client.randomNonce();
      const codeVerifier = client.randomPKCECodeVerifier();
      const now = clock();
      await db.query('DELETE FROM oidc_login WHERE expires_at <= $1', [now]);
      await db.query(
        `INSERT INTO oidc_login (id, state, nonce, code_verifier, next_path, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6)`,
        [
          sha256Hex(binding),
          state,
          nonce,
          codeVerifier,
          nextPath,
          new Date(now.getTime() + OIDC_LOGIN_TTL_MS),
        ],
      );
      const url = client.buildAuthorizationUrl(oidc, {
        ...flavour.parameters,
        redirect_uri: redirectUri.href,
        scope: flavour.scope,
        code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
        code_challenge_method: 'S256',
        state,
        nonce,
      });
      return ok({ url, binding });
    },

    async finish(binding, callbackUrl) {
      const expired = problem(
        'unauthenticated',
        'This sign-in has expired or was started in another browser.',
        'Start again from the sign-in page.',
      );
      if (binding === undefined || !/^[A-Za-z0-9_-]{43}$/.test(binding)) return err(expired);
      // Single use: the row is deleted as it is read, so a replayed callback finds nothing.
      const [pending] = await db.query<{
        state: string;
        nonce: string;
        code_verifier: string;
        next_path: string;
        expires_at: Date;
      }>(
        'DELETE FROM oidc_login WHERE id = $1 RETURNING state, nonce, code_verifier, next_path, expires_at',
        [sha256Hex(binding)],
      );
      if (pending === undefined || pending.expires_at.getTime() <= clock().getTime()) return err(expired);
      if (callbackUrl.searchParams.has('error')) {
        return err(
          problem(
            'unauthenticated',
            'The sign-in service did not sign you in.',
            'Start again from the sign-in page. If you cancelled, no harm is done.',
          ),
        );
      }
      const oidc = await configuration();
      if (oidc === undefined) return err(unavailable);
      let answer: OidcAnswer;
      try {
        const tokens = await client.authorizationCodeGrant(oidc, callbackUrl, {
          pkceCodeVerifier: pending.code_verifier,
          expectedState: pending.state,
          expectedNonce: pending.nonce,
          idTokenExpected: true,
        });
        const claims = tokens.claims();
        if (claims === undefined) return err(expired);
        answer = {
          subject: oidcSubject(claims.iss, claims.sub),
          userinfo: () => client.fetchUserInfo(oidc, tokens.access_token, claims.sub),
        };
      } catch {
        // The library's message may quote the provider's response; none of it is shown or logged.
        return err(unverified);
      }
      let user: Result<User, Problem>;
      try {
        user = await flavour.user(answer);
      } catch (error) {
        if (error instanceof client.ClientError || error instanceof client.ResponseBodyError)
          return err(unverified);
        throw error;
      }
      if (!user.ok) return user;
      return ok({ user: user.value, next: pending.next_path });
    },
  };
}
