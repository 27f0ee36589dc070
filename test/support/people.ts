/**
 * A person signed in for a web test: a user with an organisation and roles, a session, and the session's CSRF
 * token — what a browser would hold after signing in, as the cookie and header values `app.inject` sends; the forms
 * it posts; and a partner system's token.
 */
import type { FastifyInstance } from 'fastify';
import {
  createSession,
  createToken,
  createUser,
  sessionCsrfToken,
  type Role,
} from '../../src/access/index.js';
import type { Database } from '../../src/store/index.js';

export interface SignedIn {
  readonly id: string;
  /** The Cookie header value. */
  readonly cookie: string;
  /** The x-csrf-token header value (or `_csrf` form field) for this session. */
  readonly csrf: string;
}

export async function signedInPerson(
  db: Database,
  username: string,
  organisation: string,
  roles: Role[],
  now: Date,
): Promise<SignedIn> {
  const created = await createUser(db, {
    username,
    displayName: `${username} Person`,
    organisation,
    roles,
    oidcSubject: `https://idp.example#${username}`,
  });
  if (!created.ok) throw new Error(created.error.title);
  const { token, session } = await createSession(db, created.value.id, () => now);
  return {
    id: created.value.id,
    cookie: `accord_session=${token}`,
    csrf: sessionCsrfToken(session.csrfSecret),
  };
}

/** A form posted by a signed-in person, as a browser without JavaScript sends it (the CSRF token as `_csrf`). */
export const postForm = (app: FastifyInstance, who: SignedIn, url: string, fields: Record<string, string>) =>
  app.inject({
    method: 'POST',
    url,
    headers: { cookie: who.cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ ...fields, _csrf: who.csrf }).toString(),
  });

/** A partner system's API token for a test: the bearer value. */
export async function partnerToken(
  db: Database,
  organisation: string,
  scopes: string[],
  now: Date,
): Promise<string> {
  const created = await createToken(db, { organisation, scopes }, { clock: () => now });
  if (!created.ok) throw new Error(created.error.title);
  return created.value.token;
}
