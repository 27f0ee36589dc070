/**
 * @module access/principal
 * Who is making a request, and the rule a route declares for who may make it. Deny by default: every route must
 * declare a rule (the server refuses to start otherwise), and `decide` is the one function that applies it.
 */

/** National RBAC role codes (NHS England's National RBAC Database) that Accord recognises. */
export const NATIONAL_ROLES = {
  R8000: 'Clinical Practitioner Access Role',
  R8008: 'Admin and Clinical Support Access Role',
  R0001: 'Privacy Officer',
} as const;
export type NationalRole = keyof typeof NATIONAL_ROLES;

/** Roles people hold in the partnership's own work (governance, intelligence, money). */
export const PARTNERSHIP_ROLES = {
  'board-member': 'Partnership Board member',
  officer: 'Partnership officer',
  analyst: 'Population health analyst',
  finance: 'Finance officer',
  public: 'Member of the public',
} as const;
export type PartnershipRole = keyof typeof PARTNERSHIP_ROLES;

export type Role = NationalRole | PartnershipRole;

export const ROLES = [...Object.keys(NATIONAL_ROLES), ...Object.keys(PARTNERSHIP_ROLES)] as Role[];

export const isRole = (text: string): text is Role => (ROLES as string[]).includes(text);

export type Principal =
  | { readonly kind: 'anonymous' }
  | {
      readonly kind: 'user';
      readonly userId: string;
      readonly displayName: string;
      /** The organisation the user acts for (an organisation id of the partnership). */
      readonly organisation: string;
      readonly roles: readonly Role[];
      readonly sessionId: string;
    }
  | {
      /** A partner organisation's system, calling the API with a bearer token. */
      readonly kind: 'system';
      readonly tokenId: string;
      readonly organisation: string;
      readonly scopes: readonly string[];
    };

export const ANONYMOUS: Principal = { kind: 'anonymous' };

/**
 * What a route requires. `public`: anyone, signed in or not. `signed-in`: a person (optionally holding one of
 * `anyRole`). `system`: a partner system's token (holding `scope`) or a signed-in person holding one of `anyRole`.
 */
export type AccessRule =
  | 'public'
  | { readonly signedIn: true; readonly anyRole?: readonly Role[] }
  | { readonly scope: string; readonly anyRole?: readonly Role[] };

export type Decision = 'allow' | 'unauthenticated' | 'forbidden';

export function decide(rule: AccessRule, principal: Principal): Decision {
  if (rule === 'public') return 'allow';
  const roleOk = (roles: readonly Role[]) =>
    rule.anyRole === undefined || rule.anyRole.some((role) => roles.includes(role));
  switch (principal.kind) {
    case 'anonymous':
      return 'unauthenticated';
    case 'user':
      return roleOk(principal.roles) ? 'allow' : 'forbidden';
    case 'system':
      return 'scope' in rule && principal.scopes.includes(rule.scope) ? 'allow' : 'forbidden';
  }
}
