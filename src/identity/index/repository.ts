/**
 * @module identity/index/repository
 * The index's rows in PostgreSQL (migrations/0004_identity.sql). Writes take a `Queryable` so the service runs each
 * change — a record added with its person, keys, reviews and events; a merge with every record it moves — in one
 * transaction: recorded whole or not at all.
 */
import type { FieldEvidence } from '../linkage/model.js';
import type { LinkRecord } from '../linkage/record.js';
import type { Queryable } from '../../store/database.js';
import type { ReviewReason } from './match.js';

/** A record's demographics as stored: a LinkRecord without its id (the id is the row's). */
export type Demographics = Omit<LinkRecord, 'id'>;

export interface StoredRecord {
  readonly id: number;
  readonly organisation: string;
  readonly localId: string;
  readonly demographics: Demographics;
  readonly personId: string;
  readonly receivedAt: Date;
  readonly updatedAt: Date;
}

interface RecordRow {
  id: string;
  organisation: string;
  local_id: string;
  demographics: Demographics;
  person_id: string;
  received_at: Date;
  updated_at: Date;
}

const RECORD_COLUMNS = 'id, organisation, local_id, demographics, person_id, received_at, updated_at';
const toRecord = (row: RecordRow): StoredRecord => ({
  id: Number(row.id),
  organisation: row.organisation,
  localId: row.local_id,
  demographics: row.demographics,
  personId: row.person_id,
  receivedAt: row.received_at,
  updatedAt: row.updated_at,
});

/**
 * The index's locks, so matching, which reads the candidates and then writes a decision depending on them, never
 * races another change. A merge, unmerge or review decision moves records between persons: it takes the index
 * exclusively (`lockIndex`). A record arriving takes the index shared, then each of its blocking keys and its own
 * (organisation, local id) exclusively (`lockForArrival`): two records of one new person share a key, so they are
 * matched one after the other and make one person; records that share no key could never be matched with each other,
 * so they go side by side. Keys are locked in one statement in the order of their hashes, so two arrivals cannot
 * deadlock; a hash collision only makes two arrivals wait for each other.
 */
const INDEX_LOCK = 7_201_717; // arbitrary constants naming "Accord identity index" among advisory locks
const KEY_LOCKS = 7_201_718;
export async function lockIndex(tx: Queryable): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock($1)', [INDEX_LOCK]);
}

export async function lockForArrival(tx: Queryable, keys: readonly string[]): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock_shared($1)', [INDEX_LOCK]);
  await tx.query(
    `SELECT count(pg_advisory_xact_lock($2::int, h)) FROM (
       SELECT DISTINCT hashtext(key) AS h FROM unnest($1::text[]) AS k(key) ORDER BY h) AS ordered`,
    [keys, KEY_LOCKS],
  );
}

export async function findRecord(
  db: Queryable,
  organisation: string,
  localId: string,
): Promise<StoredRecord | undefined> {
  const [row] = await db.query<RecordRow>(
    `SELECT ${RECORD_COLUMNS} FROM identity_record WHERE organisation = $1 AND local_id = $2`,
    [organisation, localId],
  );
  return row === undefined ? undefined : toRecord(row);
}

export async function recordsById(db: Queryable, ids: readonly number[]): Promise<StoredRecord[]> {
  const rows = await db.query<RecordRow>(
    `SELECT ${RECORD_COLUMNS} FROM identity_record WHERE id = ANY($1::bigint[]) ORDER BY id`,
    [ids],
  );
  return rows.map(toRecord);
}

export async function recordsOfPerson(db: Queryable, personId: string): Promise<StoredRecord[]> {
  const rows = await db.query<RecordRow>(
    `SELECT ${RECORD_COLUMNS} FROM identity_record WHERE person_id = $1 ORDER BY id`,
    [personId],
  );
  return rows.map(toRecord);
}

/**
 * The records sharing any of the keys, at most `perKey` for each key: a key shared by thousands (a common surname
 * sound and birth year) says little, and the cap keeps one lookup's cost bounded whatever the index holds.
 */
export async function candidateRecords(
  db: Queryable,
  keys: readonly string[],
  perKey: number,
): Promise<StoredRecord[]> {
  if (keys.length === 0) return [];
  const rows = await db.query<RecordRow>(
    `SELECT ${RECORD_COLUMNS} FROM identity_record WHERE id IN (
       SELECT k.record_id FROM unnest($1::text[]) AS wanted(key),
         LATERAL (SELECT record_id FROM identity_block_key b WHERE b.key = wanted.key LIMIT $2) AS k)
     ORDER BY id`,
    [keys, perKey],
  );
  return rows.map(toRecord);
}

export async function insertPerson(tx: Queryable, id: string, at: Date): Promise<void> {
  await tx.query('INSERT INTO identity_person (id, created_at) VALUES ($1, $2)', [id, at]);
}

export interface PersonRow {
  readonly id: string;
  readonly createdAt: Date;
  readonly mergedInto: string | undefined;
}

export async function findPerson(db: Queryable, id: string): Promise<PersonRow | undefined> {
  const [row] = await db.query<{ id: string; created_at: Date; merged_into: string | null }>(
    'SELECT id, created_at, merged_into FROM identity_person WHERE id = $1',
    [id],
  );
  return row === undefined
    ? undefined
    : { id: row.id, createdAt: row.created_at, mergedInto: row.merged_into ?? undefined };
}

export async function setMergedInto(
  tx: Queryable,
  personId: string,
  into: string | undefined,
): Promise<void> {
  await tx.query('UPDATE identity_person SET merged_into = $2 WHERE id = $1', [personId, into ?? null]);
}

export async function insertRecord(
  tx: Queryable,
  organisation: string,
  localId: string,
  demographics: Demographics,
  personId: string,
  at: Date,
): Promise<number> {
  const [row] = await tx.query<{ id: string }>(
    `INSERT INTO identity_record (organisation, local_id, demographics, person_id, received_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $5) RETURNING id`,
    [organisation, localId, JSON.stringify(demographics), personId, at],
  );
  return Number(row?.id);
}

export async function updateDemographics(
  tx: Queryable,
  recordId: number,
  demographics: Demographics,
  at: Date,
): Promise<void> {
  await tx.query('UPDATE identity_record SET demographics = $2, updated_at = $3 WHERE id = $1', [
    recordId,
    JSON.stringify(demographics),
    at,
  ]);
}

export async function moveRecords(
  tx: Queryable,
  recordIds: readonly number[],
  toPerson: string,
): Promise<void> {
  await tx.query('UPDATE identity_record SET person_id = $2 WHERE id = ANY($1::bigint[])', [
    recordIds,
    toPerson,
  ]);
}

export async function replaceBlockKeys(
  tx: Queryable,
  recordId: number,
  keys: readonly string[],
): Promise<void> {
  await tx.query('DELETE FROM identity_block_key WHERE record_id = $1', [recordId]);
  if (keys.length === 0) return;
  await tx.query(
    `INSERT INTO identity_block_key (key, record_id)
     SELECT DISTINCT key, $2::bigint FROM unnest($1::text[]) AS k(key)`,
    [keys, recordId],
  );
}

export interface NewReview {
  readonly recordId: number;
  readonly candidateRecordId: number;
  readonly reason: ReviewReason;
  readonly probability: number;
  readonly weight: number;
  readonly evidence: readonly FieldEvidence[];
}

/** Opens a review; undefined when the pair already has one open (either way round). */
export async function insertReview(tx: Queryable, review: NewReview, at: Date): Promise<number | undefined> {
  const [row] = await tx.query<{ id: string }>(
    `INSERT INTO identity_review (record_id, candidate_record_id, reason, probability, weight, evidence, opened_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT ((least(record_id, candidate_record_id)), (greatest(record_id, candidate_record_id)))
       WHERE outcome IS NULL DO NOTHING
     RETURNING id`,
    [
      review.recordId,
      review.candidateRecordId,
      review.reason,
      review.probability,
      review.weight,
      JSON.stringify(review.evidence),
      at,
    ],
  );
  return row === undefined ? undefined : Number(row.id);
}

export type ReviewOutcome = 'same-person' | 'different-people';

export interface ReviewRow {
  readonly id: number;
  readonly recordId: number;
  readonly candidateRecordId: number;
  readonly reason: ReviewReason;
  readonly probability: number;
  readonly weight: number;
  readonly evidence: readonly FieldEvidence[];
  readonly openedAt: Date;
  readonly outcome: ReviewOutcome | undefined;
  readonly decidedBy: string | undefined;
  readonly decidedAt: Date | undefined;
  readonly note: string | undefined;
}

interface ReviewDbRow {
  id: string;
  record_id: string;
  candidate_record_id: string;
  reason: ReviewReason;
  probability: number;
  weight: number;
  evidence: FieldEvidence[];
  opened_at: Date;
  outcome: ReviewOutcome | null;
  decided_by: string | null;
  decided_at: Date | null;
  note: string | null;
}

const toReview = (row: ReviewDbRow): ReviewRow => ({
  id: Number(row.id),
  recordId: Number(row.record_id),
  candidateRecordId: Number(row.candidate_record_id),
  reason: row.reason,
  probability: row.probability,
  weight: row.weight,
  evidence: row.evidence,
  openedAt: row.opened_at,
  outcome: row.outcome ?? undefined,
  decidedBy: row.decided_by ?? undefined,
  decidedAt: row.decided_at ?? undefined,
  note: row.note ?? undefined,
});

const REVIEW_COLUMNS =
  'id, record_id, candidate_record_id, reason, probability, weight, evidence, opened_at, outcome, decided_by, decided_at, note';

export async function findReview(
  db: Queryable,
  id: number,
  forUpdate = false,
): Promise<ReviewRow | undefined> {
  const [row] = await db.query<ReviewDbRow>(
    `SELECT ${REVIEW_COLUMNS} FROM identity_review WHERE id = $1${forUpdate ? ' FOR UPDATE' : ''}`,
    [id],
  );
  return row === undefined ? undefined : toReview(row);
}

/** Open reviews, oldest first (the queue's order: nobody's record waits behind newer ones). */
export async function openReviews(db: Queryable, limit: number, offset: number): Promise<ReviewRow[]> {
  const rows = await db.query<ReviewDbRow>(
    `SELECT ${REVIEW_COLUMNS} FROM identity_review WHERE outcome IS NULL ORDER BY opened_at, id LIMIT $1 OFFSET $2`,
    [limit, offset],
  );
  return rows.map(toReview);
}

export async function countOpenReviews(db: Queryable): Promise<number> {
  const [row] = await db.query<{ n: string }>(
    'SELECT count(*) AS n FROM identity_review WHERE outcome IS NULL',
  );
  return Number(row?.n ?? 0);
}

export async function recordDecision(
  tx: Queryable,
  id: number,
  outcome: ReviewOutcome,
  decidedBy: string,
  organisation: string,
  note: string | undefined,
  at: Date,
): Promise<void> {
  await tx.query(
    `UPDATE identity_review SET outcome = $2, decided_by = $3, decided_by_organisation = $4, note = $5, decided_at = $6
     WHERE id = $1 AND outcome IS NULL`,
    [id, outcome, decidedBy, organisation, note ?? null, at],
  );
}

/** Decided "different people" reviews between any record of one person and any of the other. */
export async function differentPeopleDecisions(
  db: Queryable,
  personA: string,
  personB: string,
): Promise<number[]> {
  const rows = await db.query<{ id: string }>(
    `SELECT v.id FROM identity_review v
       JOIN identity_record r ON r.id = v.record_id
       JOIN identity_record c ON c.id = v.candidate_record_id
     WHERE v.outcome = 'different-people'
       AND ((r.person_id = $1 AND c.person_id = $2) OR (r.person_id = $2 AND c.person_id = $1))
     ORDER BY v.id`,
    [personA, personB],
  );
  return rows.map((row) => Number(row.id));
}

export type EventKind =
  | 'person-created'
  | 'record-linked'
  | 'record-updated'
  | 'review-opened'
  | 'review-decided'
  | 'merged'
  | 'unmerged';

export interface NewEvent {
  readonly kind: EventKind;
  readonly personId?: string | undefined;
  readonly otherPersonId?: string | undefined;
  readonly recordId?: number | undefined;
  readonly reviewId?: number | undefined;
  readonly undoes?: number | undefined;
  readonly actor?: string | undefined;
  readonly reason?: string | undefined;
  readonly detail?: Record<string, unknown>;
}

export interface EventRow extends NewEvent {
  readonly id: number;
  readonly at: Date;
  readonly detail: Record<string, unknown>;
}

export async function insertEvent(tx: Queryable, event: NewEvent, at: Date): Promise<number> {
  const [row] = await tx.query<{ id: string }>(
    `INSERT INTO identity_event (at, kind, person_id, other_person_id, record_id, review_id, undoes, actor, reason, detail)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
    [
      at,
      event.kind,
      event.personId ?? null,
      event.otherPersonId ?? null,
      event.recordId ?? null,
      event.reviewId ?? null,
      event.undoes ?? null,
      event.actor ?? null,
      event.reason ?? null,
      JSON.stringify(event.detail ?? {}),
    ],
  );
  return Number(row?.id);
}

interface EventDbRow {
  id: string;
  at: Date;
  kind: EventKind;
  person_id: string | null;
  other_person_id: string | null;
  record_id: string | null;
  review_id: string | null;
  undoes: string | null;
  actor: string | null;
  reason: string | null;
  detail: Record<string, unknown>;
}

const toEvent = (row: EventDbRow): EventRow => ({
  id: Number(row.id),
  at: row.at,
  kind: row.kind,
  personId: row.person_id ?? undefined,
  otherPersonId: row.other_person_id ?? undefined,
  recordId: row.record_id === null ? undefined : Number(row.record_id),
  reviewId: row.review_id === null ? undefined : Number(row.review_id),
  undoes: row.undoes === null ? undefined : Number(row.undoes),
  actor: row.actor ?? undefined,
  reason: row.reason ?? undefined,
  detail: row.detail,
});

const EVENT_COLUMNS =
  'id, at, kind, person_id, other_person_id, record_id, review_id, undoes, actor, reason, detail';

export async function findEvent(db: Queryable, id: number): Promise<EventRow | undefined> {
  const [row] = await db.query<EventDbRow>(`SELECT ${EVENT_COLUMNS} FROM identity_event WHERE id = $1`, [id]);
  return row === undefined ? undefined : toEvent(row);
}

/** The event that undid `eventId`, if any. */
export async function undoingEvent(db: Queryable, eventId: number): Promise<EventRow | undefined> {
  const [row] = await db.query<EventDbRow>(`SELECT ${EVENT_COLUMNS} FROM identity_event WHERE undoes = $1`, [
    eventId,
  ]);
  return row === undefined ? undefined : toEvent(row);
}

/** A person's history: every event naming them, as the person or the other person of a merge. */
export async function personEvents(db: Queryable, personId: string): Promise<EventRow[]> {
  const rows = await db.query<EventDbRow>(
    `SELECT ${EVENT_COLUMNS} FROM identity_event WHERE person_id = $1 OR other_person_id = $1 ORDER BY id`,
    [personId],
  );
  return rows.map(toEvent);
}
