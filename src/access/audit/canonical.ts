/**
 * @module access/audit/canonical
 * The hash chain's arithmetic, pure: the one canonical serialisation of an entry and the SHA-256 that links it to
 * the entry before. The serialisation is JSON of a fixed-order array (a version tag, then every column but the
 * hashes), with objects' keys sorted, so it is unambiguous (JSON quotes every string) and does not depend on the
 * order anyone built an object in; the time is the microsecond-precision UTC string PostgreSQL gives back, so the
 * writer hashes exactly what the verifier will later read.
 */
import { createHash } from 'node:crypto';
import { canonicalJson as canonicalJsonOfAnything } from '../../core/canonical-json.js';
import type { AuditEntryContent } from './entry.js';

export type JsonValue =
  string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/** The first entry's prev_hash. */
export const GENESIS_HASH: Buffer = Buffer.alloc(32);

/** Names this serialisation, so a future change to it can be told apart from tampering. */
const FORMAT = 'accord-audit/1';

/** The one canonical JSON of the project (core/canonical-json.ts), typed for the audit's plain data. */
export const canonicalJson: (value: JsonValue) => string = canonicalJsonOfAnything;

/**
 * The text hashed for an entry after its predecessor's hash: canonicalJson of [FORMAT, seq, …columns…, detail].
 * Every element but the detail is a string, number or null, for which canonicalJson is JSON.stringify, so the
 * array up to the detail is stringified in one native call (this runs for every access recorded); the test pins it
 * to the plain definition.
 */
export function canonicalEntry(seq: number, entry: AuditEntryContent): string {
  const flat = JSON.stringify(entryColumns(seq, entry));
  return `${flat.slice(0, -1)},${canonicalJson(entry.detail)}]`;
}

/** canonicalEntry by its definition, for the test that the fast one agrees. */
export function canonicalEntryPlain(seq: number, entry: AuditEntryContent): string {
  return canonicalJson([...entryColumns(seq, entry), entry.detail]);
}

/** The serialised array up to the detail: the format tag, seq, then every column in a fixed order. */
function entryColumns(seq: number, entry: AuditEntryContent): (string | number | null)[] {
  return [
    FORMAT,
    seq,
    entry.recordedAt,
    entry.actor,
    entry.actorName,
    entry.role,
    entry.organisation,
    entry.personId,
    entry.action,
    entry.resourceType,
    entry.resourceId,
    entry.purpose,
    entry.outcome,
  ];
}

/** SHA-256(prev_hash ‖ canonical serialisation). */
export function entryHash(prevHash: Buffer, seq: number, entry: AuditEntryContent): Buffer {
  return createHash('sha256').update(prevHash).update(canonicalEntry(seq, entry), 'utf8').digest();
}

/**
 * A JavaScript time as PostgreSQL renders a timestamptz at microsecond precision in UTC (the verifier reads it back
 * with to_char in this same shape); undefined outside the years 1 to 9999, which ISO 8601's four digits cannot hold.
 */
export function formatRecordedAt(at: Date): string | undefined {
  const time = at.getTime();
  if (!Number.isFinite(time)) return undefined;
  const iso = at.toISOString();
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(iso) || iso.startsWith('0000')) return undefined;
  return `${iso.slice(0, -1)}000Z`;
}
