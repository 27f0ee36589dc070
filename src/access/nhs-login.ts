/**
 * @module access/nhs-login
 * Members of the public sign in through NHS login, the NHS's identity service, to see who has looked at their shared
 * care record. Accord asks for identity level P9 (identity checked against photo ID, the level at which NHS login
 * releases a person's NHS number), proves itself with a signed JWT (private_key_jwt, RS512, as NHS login requires of
 * its clients), and reads the NHS number and name from the userinfo endpoint.
 *
 * Unlike staff, a member of the public needs no administrator: the first sign-in makes their account (role
 * `public`, held by the partnership's integrated care board) and ties it to their NHS number; later sign-ins find it
 * by their NHS login subject. An account already tied to another number, or a number tied to another account, is
 * refused — the tie is what decides whose access log a person reads.
 */
import { createHash, createPrivateKey, webcrypto } from 'node:crypto';
import * as client from 'openid-client';
import { problem, type Problem } from '../core/problem.js';
import { err, ok, type Result } from '../core/result.js';
import { isValidNhsNumber } from '../identity/nhs-number.js';
import { nhsNumberOfAccount, tieNhsNumber } from '../identity/person-accounts.js';
import type { Database } from '../store/database.js';
import type { Clock } from './clock.js';
import type { OidcFlavour } from './oidc.js';
import { createUser, findUserByOidcSubject, type User } from './users.js';

/** The vectors of trust Accord accepts: identity level P9, with any of NHS login's credential strengths. */
export const P9_VECTORS = '["P9.Cp.Cd","P9.Cp.Ck","P9.Cm"]';

/** The private key in the form openid-client signs client assertions with. */
export async function clientKey(pem: string): Promise<webcrypto.CryptoKey> {
  const der = createPrivateKey(pem).export({ type: 'pkcs8', format: 'der' });
  return webcrypto.subtle.importKey('pkcs8', der, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-512' }, false, [
    'sign',
  ]);
}

const refused = (title: string, fix: string): Result<never, Problem> => err(problem('forbidden', title, fix));

/** The username of a member of the public: from their NHS login subject, so it is stable and reveals nothing. */
const usernameOf = (subject: string) =>
  `nhs-${createHash('sha256').update(subject).digest('hex').slice(0, 24)}`;

export function nhsLoginSignIn(
  db: Database,
  key: webcrypto.CryptoKey,
  /** The organisation that holds members of the public's accounts: the partnership's integrated care board. */
  accountsHeldBy: () => Promise<string>,
  clock: Clock,
): OidcFlavour {
  return {
    scope: 'openid profile',
    parameters: { vtr: P9_VECTORS },
    clientAuthentication: client.PrivateKeyJwt(key),
    async user({ subject, userinfo }): Promise<Result<User, Problem>> {
      const info = await userinfo();
      const level = info['identity_proofing_level'];
      const nhsNumber = typeof info['nhs_number'] === 'string' ? info['nhs_number'] : '';
      if (level !== 'P9' || !isValidNhsNumber(nhsNumber)) {
        return refused(
          'NHS login has not confirmed who you are to the level needed to show your record’s access log.',
          'Prove who you are in NHS login (the NHS App will guide you, with photo ID), then sign in again.',
        );
      }
      let user = await findUserByOidcSubject(db, subject);
      if (user === undefined) {
        const name = [info.given_name, info.family_name].filter((part) => typeof part === 'string').join(' ');
        const created = await createUser(db, {
          username: usernameOf(subject),
          displayName: name.trim() === '' ? 'NHS login user' : name.slice(0, 200),
          organisation: await accountsHeldBy(),
          roles: ['public'],
          oidcSubject: subject,
        });
        if (!created.ok) return created;
        user = created.value;
      }
      if (!user.active) {
        return refused(
          'Your Accord account has been closed.',
          'Contact the partnership if you think this is wrong.',
        );
      }
      const held = await nhsNumberOfAccount(db, user.id);
      if (held !== undefined && held !== nhsNumber) {
        return refused(
          'Your account is tied to a different NHS number from the one NHS login gave.',
          'Contact the partnership’s privacy officer, who can check the accounts.',
        );
      }
      const tied = await tieNhsNumber(db, user.id, nhsNumber, 'nhs-login', clock());
      return tied.ok ? ok(user) : tied;
    },
  };
}
