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
}

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
  // Discovered on first use, not at start-up: Accord starts (and serves public pages) while the provider is down.
  let discovered: Promise<client.Configuration> | undefined;
  const configuration = async (): Promise<client.Configuration | undefined> => {
    discovered ??= client.discovery(
      config.issuer,
      config.clientId,
      config.clientSecret,
      undefined,
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
        redirect_uri: redirectUri.href,
        scope: 'openid',
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
      let subject: string;
      try {
        const tokens = await client.authorizationCodeGrant(oidc, callbackUrl, {
          pkceCodeVerifier: pending.code_verifier,
          expectedState: pending.state,
          expectedNonce: pending.nonce,
          idTokenExpected: true,
        });
        const claims = tokens.claims();
        if (claims === undefined) return err(expired);
        subject = oidcSubject(claims.iss, claims.sub);
      } catch {
        // The library's message may quote the provider's response; none of it is shown or logged.
        return err(
          problem(
            'unauthenticated',
            'The sign-in service’s answer could not be verified.',
            'Start again from the sign-in page. If it keeps happening, tell your Accord administrator.',
          ),
        );
      }
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
      return ok({ user, next: pending.next_path });
    },
  };
}
