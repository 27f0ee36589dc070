/**
 * @module access/audit/repository
 * The audit log's SQL: the chain's lock and head, inserting linked entries in one statement, and reading entries
 * back exactly as they were hashed (the time through to_char at microsecond precision in UTC, ids as text).
 */
import type { Queryable } from '../../store/database.js';
import { prepared } from '../../store/prepared.js';
import { EMPTY_CHAIN, type ChainHead } from './chain.js';
import type { AuditAction, AuditEntry, AuditOutcome } from './entry.js';
import { canonicalJson, type JsonValue } from './canonical.js';

/** Every access's entries go in by this one statement: planned once per connection. */
const INSERT_ENTRIES = prepared(
  `WITH chain_lock AS MATERIALIZED (SELECT pg_advisory_xact_lock($16))
     INSERT INTO audit_entry (seq, recorded_at, actor, actor_name, role, organisation, person_id, action,
       resource_type, resource_id, purpose, outcome, detail, prev_hash, hash)
     SELECT seq, recorded_at, actor, actor_name, role, organisation, person_id, action,
       resource_type, resource_id, purpose, outcome, detail::jsonb, prev_hash, hash
     FROM chain_lock, unnest($1::bigint[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::text[], $7::uuid[],
       $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::bytea[], $15::bytea[])
       AS e (seq, recorded_at, actor, actor_name, role, organisation, person_id, action,
         resource_type, resource_id, purpose, outcome, detail, prev_hash, hash)`,
);

/** An arbitrary constant naming "the audit chain" among advisory locks (migrations use 7 201 716). */
export const AUDIT_CHAIN_LOCK = 7_201_808;

/** Takes the chain's lock for the rest of the transaction and reads the head. */
export async function lockChainHead(tx: Queryable): Promise<ChainHead> {
  await tx.query('SELECT pg_advisory_xact_lock($1)', [AUDIT_CHAIN_LOCK]);
  // A statement of its own, after the lock: under READ COMMITTED its snapshot includes every earlier commit.
  return readChainHead(tx);
}

/** The chain's head as committed now, without the lock (a writer that lost track of it re-reads it here). */
export async function readChainHead(db: Queryable): Promise<ChainHead> {
  const [row] = await db.query<{ seq: string; hash: Buffer }>(
    'SELECT seq::text AS seq, hash FROM audit_entry ORDER BY audit_entry.seq DESC LIMIT 1',
  );
  return row === undefined ? EMPTY_CHAIN : { seq: Number(row.seq), hash: row.hash };
}

/** True for the error of a seq already taken: another writer appended since this one last knew the head. */
export function isSeqTaken(error: unknown): boolean {
  const { code, constraint } = error as { code?: unknown; constraint?: unknown };
  return code === '23505' && constraint === 'audit_entry_pkey';
}

/**
 * Inserts linked entries with one statement, whatever their number, taking the chain's lock first (a materialised
 * one-row CTE joined to the rows, so it is taken before the first row goes in). Run on its own, the statement is its
 * own transaction: one round trip, lock to commit. It does not read the head — its snapshot predates the lock — so
 * entries linked to a stale head fail whole on the primary key (isSeqTaken), never fork the chain: a gapless seq
 * means a stale head's next seq is always already taken.
 */
export async function insertEntries(db: Queryable, entries: readonly AuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  const column = <T>(pick: (entry: AuditEntry) => T) => entries.map(pick);
  await db.query(INSERT_ENTRIES, [
    column((e) => e.seq),
    column((e) => e.recordedAt),
    column((e) => e.actor),
    column((e) => e.actorName),
    column((e) => e.role),
    column((e) => e.organisation),
    column((e) => e.personId),
    column((e) => e.action),
    column((e) => e.resourceType),
    column((e) => e.resourceId),
    column((e) => e.purpose),
    column((e) => e.outcome),
    column((e) => canonicalJson(e.detail)),
    column((e) => e.prevHash),
    column((e) => e.hash),
    AUDIT_CHAIN_LOCK,
  ]);
}

/**
 * The columns of an entry, read back in the shapes they were hashed in. seq comes as text (a bigint) under its own
 * name, so every ORDER BY here names audit_entry.seq: a bare `seq` would sort by the text, putting 10 before 9.
 */
export const ENTRY_COLUMNS = `seq::text AS seq,
  to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS recorded_at,
  actor, actor_name, role, organisation, person_id::text AS person_id, action, resource_type, resource_id,
  purpose, outcome, detail, prev_hash, hash`;

export interface EntryRow {
  seq: string;
  recorded_at: string;
  actor: string;
  actor_name: string;
  role: string | null;
  organisation: string;
  person_id: string | null;
  action: string;
  resource_type: string;
  resource_id: string | null;
  purpose: string;
  outcome: string;
  detail: Record<string, JsonValue>;
  prev_hash: Buffer;
  hash: Buffer;
}

/**
 * A row as an entry. Action and outcome are taken as stored (the table's CHECKs hold them to the known values); a
 * tampered value still hashes as it reads, so the verifier reports it rather than this throwing.
 */
export function entryOfRow(row: EntryRow): AuditEntry {
  return {
    seq: Number(row.seq),
    recordedAt: row.recorded_at,
    actor: row.actor,
    actorName: row.actor_name,
    role: row.role,
    organisation: row.organisation,
    personId: row.person_id,
    action: row.action as AuditAction,
    resourceType: row.resource_type,
    resourceId: row.resource_id,
    purpose: row.purpose,
    outcome: row.outcome as AuditOutcome,
    detail: row.detail,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

/** Up to `limit` entries after `afterSeq`, in seq order: keyset pagination, so every page costs the same. */
export async function readEntriesAfter(
  db: Queryable,
  afterSeq: number,
  limit: number,
): Promise<AuditEntry[]> {
  const rows = await db.query<EntryRow>(
    `SELECT ${ENTRY_COLUMNS} FROM audit_entry WHERE seq > $1 ORDER BY audit_entry.seq LIMIT $2`,
    [afterSeq, limit],
  );
  return rows.map(entryOfRow);
}
