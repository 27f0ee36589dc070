/**
 * @module access/audit/entry
 * What one audit entry says: who (actor, name, role, organisation) did what (action, resource, outcome) to whose
 * record (person), why (purpose) and when. `checkEntry` normalises and checks an entry before it is queued, so a
 * malformed entry is refused on its own instead of failing the whole batch it would have been written with, and so
 * what is hashed is exactly what PostgreSQL will store and give back (lower-case uuids, no NUL characters or lone
 * surrogates, which text and jsonb columns would refuse or replace).
 */
import { err, ok, type Result } from '../../core/result.js';
import { formatRecordedAt, type JsonValue } from './canonical.js';

export const AUDIT_ACTIONS = [
  'read',
  'vread',
  'search',
  'create',
  'update',
  'delete',
  'history',
  'everything',
  'match',
  'import',
  'break-glass',
  'break-glass-review',
  'access-denied',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const AUDIT_OUTCOMES = ['success', 'denied', 'error'] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

/** The purpose of ordinary access; any other purpose is the reason given when the glass was broken. */
export const DIRECT_CARE = 'direct-care';

/** An access to record, as the code that made it describes it. */
export interface AuditEntryInput {
  /** A user id, or a partner system's token id. */
  readonly actor: string;
  readonly actorName: string;
  /** The national RBAC role acted in (R8000…); null for a partner system. */
  readonly role: string | null;
  readonly organisation: string;
  /** The master patient index's person id; null for a search that named no one. */
  readonly personId: string | null;
  readonly action: AuditAction;
  readonly resourceType: string;
  readonly resourceId: string | null;
  /** 'direct-care', or the break-glass reason. */
  readonly purpose: string;
  readonly outcome: AuditOutcome;
  /** Small facts, e.g. `{ query: 'name=smith' }`; at most DETAIL_MAX_CHARACTERS as canonical JSON. */
  readonly detail?: Readonly<Record<string, JsonValue>>;
}

/** An entry's content as stored and hashed: every column but seq, prev_hash and hash. */
export type AuditEntryContent = Omit<AuditEntryInput, 'detail'> & {
  /** ISO 8601 in UTC at microsecond precision, as PostgreSQL keeps timestamptz. */
  readonly recordedAt: string;
  readonly detail: Readonly<Record<string, JsonValue>>;
};

/** An entry in the chain. */
export interface AuditEntry extends AuditEntryContent {
  readonly seq: number;
  readonly prevHash: Buffer;
  readonly hash: Buffer;
}

export const DETAIL_MAX_CHARACTERS = 4096;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
// A lone surrogate: in a /u pattern a proper pair is one code point, so only a lone half matches.
const LONE_SURROGATE = /\p{Cs}/u;
const unstorable = (value: string) => value.includes('\u0000') || LONE_SURROGATE.test(value);

function text(name: string, value: unknown, max: number, problems: string[]): void {
  if (typeof value !== 'string' || value.length === 0 || value.length > max) {
    problems.push(`${name} must be text of 1 to ${max} characters`);
  } else if (unstorable(value)) {
    problems.push(
      `${name} holds a NUL character or a lone surrogate, which PostgreSQL cannot store as given`,
    );
  }
}

function storableJson(value: JsonValue): boolean {
  if (typeof value === 'string') return !unstorable(value);
  if (typeof value === 'number') return Number.isFinite(value);
  if (value === null || typeof value === 'boolean') return true;
  if (Array.isArray(value)) return (value as readonly JsonValue[]).every(storableJson);
  // Not undefined, a function or a bigint, and not a Date or other object that JSON would turn into something else.
  if (typeof value !== 'object') return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return false;
  return Object.entries(value).every(([key, inner]) => !unstorable(key) && storableJson(inner));
}

/** Checks an entry and gives its content as it will be stored, stamped with `at`; or every problem found. */
export function checkEntry(input: AuditEntryInput, at: Date): Result<AuditEntryContent, string[]> {
  const problems: string[] = [];
  text('actor', input.actor, 200, problems);
  text('actorName', input.actorName, 200, problems);
  if (input.role !== null) text('role', input.role, 50, problems);
  text('organisation', input.organisation, 100, problems);
  const personId = input.personId === null ? null : input.personId.toLowerCase();
  if (personId !== null && !UUID.test(personId)) problems.push('personId must be a uuid or null');
  if (!(AUDIT_ACTIONS as readonly string[]).includes(input.action)) problems.push('action is not known');
  text('resourceType', input.resourceType, 100, problems);
  if (input.resourceId !== null) text('resourceId', input.resourceId, 200, problems);
  text('purpose', input.purpose, 2000, problems);
  if (!(AUDIT_OUTCOMES as readonly string[]).includes(input.outcome)) problems.push('outcome is not known');
  const detail = input.detail ?? {};
  // Plain data only, so JSON.stringify (used for the size: it is as long as the canonical form, the same members in
  // another order, and faster) and canonicalJson see the same members.
  if (typeof detail !== 'object' || Array.isArray(detail) || !storableJson(detail)) {
    problems.push('detail must be a JSON object of finite numbers and storable text');
  } else if (JSON.stringify(detail).length > DETAIL_MAX_CHARACTERS) {
    problems.push(`detail must be at most ${DETAIL_MAX_CHARACTERS} characters as JSON`);
  }
  const recordedAt = formatRecordedAt(at);
  if (recordedAt === undefined) problems.push('the time must be a valid date in the years 1 to 9999');
  if (problems.length > 0 || recordedAt === undefined) return err(problems);
  return ok({
    recordedAt,
    actor: input.actor,
    actorName: input.actorName,
    role: input.role,
    organisation: input.organisation,
    personId,
    action: input.action,
    resourceType: input.resourceType,
    resourceId: input.resourceId,
    purpose: input.purpose,
    outcome: input.outcome,
    detail,
  });
}
