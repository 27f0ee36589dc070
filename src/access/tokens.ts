/**
 * @module access/tokens
 * API bearer tokens for partner organisations' systems. A token acts for one organisation with a fixed set of scopes
 * (e.g. `partnership:read`), and always ends: it expires, or is revoked sooner.
 *
 * A token reads `acc_<id>_<secret>`. The id finds the row; only the sha-256 of the secret is stored, and compared
 * in constant time. (A fast hash is enough: the secret is 256 random bits, not something a person chose.)
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { problem, type Problem } from '../core/problem.js';
import { err, ok, type Result } from '../core/result.js';
import type { Queryable } from '../store/database.js';
import { prepared } from '../store/prepared.js';

/** Run on every request a partner system makes. */
const RESOLVE_TOKEN = prepared(
  'SELECT id, secret_hash, organisation_id, scopes, expires_at, revoked_at FROM api_token WHERE id = $1',
);
import { DAY, systemClock, type Clock } from './clock.js';
import type { Principal } from './principal.js';
import { sha256Hex } from './sessions.js';
import { issuesOf, OrganisationId } from './users.js';

export type SystemPrincipal = Extract<Principal, { kind: 'system' }>;

/**
 * Scopes every token holds without asking: `me:read` lets a system ask who it is (GET /api/me), which tells it
 * nothing it does not already know from holding the token.
 */
export const IMPLICIT_SCOPES: readonly string[] = ['me:read'];

export const DEFAULT_TOKEN_DAYS = 90;
export const MAX_TOKEN_DAYS = 730;

const Scope = z
  .string()
  .regex(/^[a-z][a-z-]*:[a-z][a-z-]*$/, "must read '<area>:<action>', e.g. partnership:read");

const NewToken = z.object({
  organisation: OrganisationId,
  scopes: z.array(Scope).min(1, 'give at least one scope'),
  label: z.string().trim().max(200, 'must be at most 200 characters').default(''),
  expiresInDays: z
    .number()
    .int('must be a whole number of days')
    .min(1, 'must be at least 1 day')
    .max(MAX_TOKEN_DAYS, `must be at most ${MAX_TOKEN_DAYS} days`)
    .default(DEFAULT_TOKEN_DAYS),
});
export type NewToken = z.input<typeof NewToken>;

export interface CreatedToken {
  readonly id: string;
  /** The whole token to hand to the partner: shown once, never stored. */
  readonly token: string;
  readonly organisation: string;
  readonly scopes: readonly string[];
  readonly expiresAt: Date;
}

const TOKEN_PATTERN = /^acc_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

export async function createToken(
  db: Queryable,
  input: NewToken,
  options: { clock?: Clock; knownOrganisations?: ReadonlySet<string> } = {},
): Promise<Result<CreatedToken, Problem>> {
  const parsed = NewToken.safeParse(input);
  if (!parsed.success) {
    return err(
      problem(
        'bad-input',
        'The token request is not valid.',
        'Correct the fields listed.',
        issuesOf(parsed.error),
      ),
    );
  }
  const request = parsed.data;
  if (options.knownOrganisations !== undefined && !options.knownOrganisations.has(request.organisation)) {
    return err(
      problem(
        'bad-input',
        `'${request.organisation}' is not an organisation of the partnership.`,
        'Use one of its organisation ids (see organisations.yaml).',
      ),
    );
  }
  const now = (options.clock ?? systemClock)();
  const id = randomBytes(8).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  const scopes = [...new Set(request.scopes)].sort();
  const expiresAt = new Date(now.getTime() + request.expiresInDays * DAY);
  await db.query(
    `INSERT INTO api_token (id, secret_hash, organisation_id, scopes, label, created_at, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [id, sha256Hex(secret), request.organisation, scopes, request.label, now, expiresAt],
  );
  return ok({ id, token: `acc_${id}_${secret}`, organisation: request.organisation, scopes, expiresAt });
}

/** Why a presented token was refused; said to its holder, who has the secret, so it gives nothing away. */
export type TokenRefusal = 'malformed' | 'unknown' | 'revoked' | 'expired';

export const TOKEN_REFUSALS: Record<TokenRefusal, string> = {
  malformed: "The bearer token is not an Accord token (they read 'acc_<id>_<secret>').",
  unknown: 'The bearer token is not recognised.',
  revoked: 'The bearer token has been revoked.',
  expired: 'The bearer token has expired.',
};

interface TokenRow {
  id: string;
  secret_hash: string;
  organisation_id: string;
  scopes: string[];
  expires_at: Date;
  revoked_at: Date | null;
}

export async function resolveToken(
  db: Queryable,
  presented: string,
  clock: Clock = systemClock,
): Promise<Result<SystemPrincipal, TokenRefusal>> {
  const match = TOKEN_PATTERN.exec(presented);
  if (match?.[1] === undefined || match[2] === undefined) return err('malformed');
  const [row] = await db.query<TokenRow>(RESOLVE_TOKEN, [match[1]]);
  const presentedHash = Buffer.from(sha256Hex(match[2]), 'hex');
  if (row === undefined || !timingSafeEqual(presentedHash, Buffer.from(row.secret_hash, 'hex'))) {
    return err('unknown');
  }
  if (row.revoked_at !== null) return err('revoked');
  if (clock().getTime() >= row.expires_at.getTime()) return err('expired');
  return ok({
    kind: 'system',
    tokenId: row.id,
    organisation: row.organisation_id,
    scopes: [...new Set([...row.scopes, ...IMPLICIT_SCOPES])],
  });
}

export async function revokeToken(
  db: Queryable,
  id: string,
  clock: Clock = systemClock,
): Promise<Result<{ id: string; alreadyRevoked: boolean }, Problem>> {
  if (!/^[0-9a-f]{16}$/.test(id)) {
    return err(
      problem(
        'bad-input',
        `'${id}' is not a token id.`,
        'A token id is 16 hexadecimal digits: the part after acc_ (see `accord token create`).',
      ),
    );
  }
  const [row] = await db.query<{ revoked_at: Date | null }>(
    'SELECT revoked_at FROM api_token WHERE id = $1',
    [id],
  );
  if (row === undefined) return err(problem('not-found', `There is no token ${id}.`, 'Check the id.'));
  if (row.revoked_at !== null) return ok({ id, alreadyRevoked: true });
  await db.query('UPDATE api_token SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL', [id, clock()]);
  return ok({ id, alreadyRevoked: false });
}
