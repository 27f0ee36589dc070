/**
 * @module access
 * Who may do what: people (users with organisations and roles) and their sessions, partner systems' API tokens,
 * password sign-in with lock-out, OpenID Connect sign-in, CSRF tokens, and the rule every route declares.
 */
export * from './principal.js';
export { systemClock, MINUTE, HOUR, DAY, type Clock } from './clock.js';
export {
  hashPassword,
  verifyPassword,
  needsRehash,
  passwordProblem,
  DEFAULT_PARAMETERS,
  PASSWORD_MIN_LENGTH,
  PASSWORD_MAX_LENGTH,
  type ScryptParameters,
} from './passwords.js';
export {
  createUser,
  findUserById,
  findUserByUsername,
  findUserByOidcSubject,
  setRoles,
  deactivateUser,
  oidcSubject,
  type NewUser,
  type User,
} from './users.js';
export {
  createSession,
  resolveSession,
  revokeSession,
  revokeUserSessions,
  IDLE_TIMEOUT_MS,
  ABSOLUTE_TIMEOUT_MS,
  type Session,
  type ResolvedSession,
  type UserPrincipal,
} from './sessions.js';
export {
  attemptSignIn,
  clearLockout,
  DEFAULT_LOCKOUT,
  type LockoutPolicy,
  type SignInOutcome,
} from './lockout.js';
export {
  createToken,
  resolveToken,
  revokeToken,
  IMPLICIT_SCOPES,
  TOKEN_REFUSALS,
  DEFAULT_TOKEN_DAYS,
  MAX_TOKEN_DAYS,
  type CreatedToken,
  type NewToken,
  type SystemPrincipal,
  type TokenRefusal,
} from './tokens.js';
export {
  sessionCsrfToken,
  preSessionCsrfToken,
  newPreSessionValue,
  csrfTokensMatch,
  serverKey,
} from './csrf.js';
export {
  seedDemoUsers,
  demoUsersFor,
  disableDemoUsers,
  activeDemoUsernames,
  DEMO_PASSWORD,
  DEMO_PREFIX,
  type DemoUser,
} from './demo-users.js';
export { createOidcSignIn, OIDC_LOGIN_TTL_MS, type OidcSignIn, type OidcOptions } from './oidc.js';
