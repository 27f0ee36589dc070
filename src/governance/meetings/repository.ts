/**
 * @module governance/meetings/repository
 * Bodies' registers, meetings' events and the decision register in PostgreSQL (migrations/0013_meetings.sql). Only
 * inserts and reads; the database refuses the rest. Writes take a `Queryable` so the workflow records an event, and
 * a decision's register row, in one transaction with the stream locked.
 */
import type { Queryable } from '../../store/database.js';
import type { Actor } from '../permissions.js';
import type { MeetingEvent, StoredMeetingEvent } from './meeting.js';
import type { RegisterEvent, StoredRegisterEvent } from './members.js';

const num = (value: string | number): number => Number(value);

/**
 * Serialises changes to one body's register and to its decision numbers: a transaction-scoped advisory lock, since
 * a register that has no events yet has no row to lock.
 */
export async function lockBody(tx: Queryable, partnershipId: string, bodyId: string): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`accord-body:${partnershipId}:${bodyId}`]);
}

export async function readRegisterEvents(
  q: Queryable,
  partnershipId: string,
  bodyId: string,
): Promise<StoredRegisterEvent[]> {
  const rows = await q.query<{ seq: number; kind: RegisterEvent['kind']; payload: RegisterEvent['payload'] }>(
    `SELECT seq, kind, payload FROM body_register_event
      WHERE partnership_id = $1 AND body_id = $2 ORDER BY seq`,
    [partnershipId, bodyId],
  );
  return rows.map((r) => ({ seq: r.seq, event: { kind: r.kind, payload: r.payload } as RegisterEvent }));
}

/** Every body's register events, by body. */
export async function readAllRegisterEvents(
  q: Queryable,
  partnershipId: string,
): Promise<Map<string, StoredRegisterEvent[]>> {
  const rows = await q.query<{
    body_id: string;
    seq: number;
    kind: RegisterEvent['kind'];
    payload: RegisterEvent['payload'];
  }>(
    `SELECT body_id, seq, kind, payload FROM body_register_event WHERE partnership_id = $1 ORDER BY body_id, seq`,
    [partnershipId],
  );
  const byBody = new Map<string, StoredRegisterEvent[]>();
  for (const r of rows) {
    const list = byBody.get(r.body_id) ?? [];
    list.push({ seq: r.seq, event: { kind: r.kind, payload: r.payload } as RegisterEvent });
    byBody.set(r.body_id, list);
  }
  return byBody;
}

export async function insertRegisterEvent(
  tx: Queryable,
  partnershipId: string,
  bodyId: string,
  event: RegisterEvent,
  actor: Actor,
  at: Date,
): Promise<number> {
  const [row] = await tx.query<{ seq: number }>(
    `INSERT INTO body_register_event (partnership_id, body_id, seq, kind, payload, actor_id, actor_organisation, at)
     SELECT $1, $2, coalesce(max(seq), 0) + 1, $3, $4, $5, $6, $7
       FROM body_register_event WHERE partnership_id = $1 AND body_id = $2
     RETURNING seq`,
    [partnershipId, bodyId, event.kind, JSON.stringify(event.payload), actor.userId, actor.organisation, at],
  );
  if (row === undefined) throw new Error('INSERT … RETURNING returned no row');
  return row.seq;
}

export async function insertMeeting(
  tx: Queryable,
  partnershipId: string,
  bodyId: string,
  startsAt: Date,
  actor: Actor,
  at: Date,
): Promise<number> {
  const [row] = await tx.query<{ id: string }>(
    `INSERT INTO meeting (partnership_id, body_id, starts_at, created_by, created_by_organisation, created_at)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
    [partnershipId, bodyId, startsAt, actor.userId, actor.organisation, at],
  );
  if (row === undefined) throw new Error('INSERT … RETURNING returned no row');
  return num(row.id);
}

/** Locks a meeting for a change and says which body's it is; undefined when there is no such meeting. */
export async function lockMeeting(
  tx: Queryable,
  partnershipId: string,
  id: number,
): Promise<{ bodyId: string } | undefined> {
  const [row] = await tx.query<{ body_id: string }>(
    'SELECT body_id FROM meeting WHERE partnership_id = $1 AND id = $2 FOR UPDATE',
    [partnershipId, id],
  );
  return row === undefined ? undefined : { bodyId: row.body_id };
}

export async function insertMeetingEvent(
  tx: Queryable,
  meetingId: number,
  event: MeetingEvent,
  actor: Actor | undefined,
  at: Date,
): Promise<number> {
  const [row] = await tx.query<{ seq: number }>(
    `INSERT INTO meeting_event (meeting_id, seq, kind, payload, actor_id, actor_organisation, at)
     SELECT $1, coalesce(max(seq), 0) + 1, $2, $3, $4, $5, $6 FROM meeting_event WHERE meeting_id = $1
     RETURNING seq`,
    [
      meetingId,
      event.kind,
      JSON.stringify(event.payload),
      actor?.userId ?? null,
      actor?.organisation ?? null,
      at,
    ],
  );
  if (row === undefined) throw new Error('INSERT … RETURNING returned no row');
  return row.seq;
}

interface EventRow {
  meeting_id: string;
  body_id: string;
  seq: number;
  kind: MeetingEvent['kind'];
  payload: MeetingEvent['payload'];
  actor_name: string | null;
  actor_organisation: string | null;
  at: Date;
}

const EVENTS_SQL = `
  SELECT e.meeting_id, m.body_id, e.seq, e.kind, e.payload, u.display_name AS actor_name, e.actor_organisation, e.at
    FROM meeting_event e
    JOIN meeting m ON m.id = e.meeting_id
    LEFT JOIN app_user u ON u.id = e.actor_id`;

function groupEvents(
  rows: readonly EventRow[],
): { id: number; bodyId: string; events: StoredMeetingEvent[] }[] {
  const meetings = new Map<number, { id: number; bodyId: string; events: StoredMeetingEvent[] }>();
  for (const r of rows) {
    const id = num(r.meeting_id);
    const meeting = meetings.get(id) ?? { id, bodyId: r.body_id, events: [] };
    meeting.events.push({
      seq: r.seq,
      event: { kind: r.kind, payload: r.payload } as MeetingEvent,
      by:
        r.actor_name === null || r.actor_organisation === null
          ? undefined
          : { name: r.actor_name, organisation: r.actor_organisation },
      at: r.at,
    });
    meetings.set(id, meeting);
  }
  return [...meetings.values()];
}

export async function readMeetingEvents(
  q: Queryable,
  partnershipId: string,
  id: number,
): Promise<{ id: number; bodyId: string; events: StoredMeetingEvent[] } | undefined> {
  const rows = await q.query<EventRow>(
    `${EVENTS_SQL} WHERE m.partnership_id = $1 AND m.id = $2 ORDER BY e.seq`,
    [partnershipId, id],
  );
  return groupEvents(rows)[0];
}

/** Every meeting of the partnership (or of one body), with its events, in the order they start. */
export async function readAllMeetingEvents(
  q: Queryable,
  partnershipId: string,
  bodyId?: string,
): Promise<{ id: number; bodyId: string; events: StoredMeetingEvent[] }[]> {
  const rows = await q.query<EventRow>(
    `${EVENTS_SQL} WHERE m.partnership_id = $1 AND ($2::text IS NULL OR m.body_id = $2)
      ORDER BY m.starts_at, m.id, e.seq`,
    [partnershipId, bodyId ?? null],
  );
  return groupEvents(rows);
}

/** A decision as the public register lists it. */
export interface DecisionEntry {
  readonly reference: string;
  readonly bodyId: string;
  readonly meetingId: number;
  readonly item: number;
  readonly decidedOn: string;
  readonly title: string;
  readonly resolution: string;
  readonly outcome: 'agreed' | 'not-agreed';
  readonly method: 'consensus' | 'vote';
  readonly votesFor: number;
  readonly votesAgainst: number;
  readonly abstentions: number;
  readonly proposal: number | undefined;
  readonly places: readonly string[];
  readonly exemptParagraph: number | undefined;
  readonly recordedAt: Date;
}

export async function insertDecisionEntry(
  tx: Queryable,
  partnershipId: string,
  entry: DecisionEntry,
  meetingSeq: number,
): Promise<void> {
  await tx.query(
    `INSERT INTO decision_record (reference, partnership_id, body_id, meeting_id, meeting_seq, item_number,
       decided_on, title, resolution, outcome, method, votes_for, votes_against, abstentions, proposal_id, places,
       exempt_paragraph, recorded_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)`,
    [
      entry.reference,
      partnershipId,
      entry.bodyId,
      entry.meetingId,
      meetingSeq,
      entry.item,
      entry.decidedOn,
      entry.title,
      entry.resolution,
      entry.outcome,
      entry.method,
      entry.votesFor,
      entry.votesAgainst,
      entry.abstentions,
      entry.proposal ?? null,
      entry.places,
      entry.exemptParagraph ?? null,
      entry.recordedAt,
    ],
  );
}

/** The reference of the decision made on a proposal, if one was. */
export async function decisionOnProposal(
  q: Queryable,
  partnershipId: string,
  proposalId: number,
): Promise<string | undefined> {
  const [row] = await q.query<{ reference: string }>(
    'SELECT reference FROM decision_record WHERE partnership_id = $1 AND proposal_id = $2 LIMIT 1',
    [partnershipId, proposalId],
  );
  return row?.reference;
}

/** How many decisions the body has recorded in `year` (for the next reference; call with the body locked). */
export async function decisionsInYear(
  tx: Queryable,
  partnershipId: string,
  bodyId: string,
  year: number,
): Promise<number> {
  const [row] = await tx.query<{ n: string }>(
    `SELECT count(*) AS n FROM decision_record
      WHERE partnership_id = $1 AND body_id = $2 AND extract(year FROM decided_on) = $3`,
    [partnershipId, bodyId, year],
  );
  return num(row?.n ?? 0);
}

export interface DecisionSearch {
  /** One decision, by its register reference. */
  readonly reference?: string;
  /** Words to find in the title or resolution (all of them, any order, any case). */
  readonly text?: string;
  readonly body?: string;
  readonly place?: string;
  readonly from?: string;
  readonly to?: string;
  readonly limit?: number;
}

export async function searchDecisions(
  q: Queryable,
  partnershipId: string,
  search: DecisionSearch,
): Promise<DecisionEntry[]> {
  const words = (search.text ?? '')
    .toLowerCase()
    .split(/\s+/)
    .filter((w) => w !== '')
    .map((w) => `%${w.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  const rows = await q.query<{
    reference: string;
    body_id: string;
    meeting_id: string;
    item_number: number;
    decided_on: string;
    title: string;
    resolution: string;
    outcome: 'agreed' | 'not-agreed';
    method: 'consensus' | 'vote';
    votes_for: number;
    votes_against: number;
    abstentions: number;
    proposal_id: string | null;
    places: string[];
    exempt_paragraph: number | null;
    recorded_at: Date;
  }>(
    `SELECT reference, body_id, meeting_id, item_number, to_char(decided_on, 'YYYY-MM-DD') AS decided_on, title,
            resolution, outcome, method, votes_for, votes_against, abstentions, proposal_id, places,
            exempt_paragraph, recorded_at
       FROM decision_record
      WHERE partnership_id = $1
        AND ($2::text IS NULL OR body_id = $2)
        AND ($3::text IS NULL OR $3 = ANY (places))
        AND ($4::date IS NULL OR decided_on >= $4)
        AND ($5::date IS NULL OR decided_on <= $5)
        AND ($8::text IS NULL OR reference = $8)
        AND NOT EXISTS (
          SELECT 1 FROM unnest($6::text[]) AS w(pattern)
           WHERE lower(title || ' ' || resolution) NOT LIKE w.pattern
        )
      ORDER BY decided_on DESC, recorded_at DESC, reference DESC
      LIMIT $7`,
    [
      partnershipId,
      search.body ?? null,
      search.place ?? null,
      search.from ?? null,
      search.to ?? null,
      words,
      search.limit ?? 1000,
      search.reference ?? null,
    ],
  );
  return rows.map((r) => ({
    reference: r.reference,
    bodyId: r.body_id,
    meetingId: num(r.meeting_id),
    item: r.item_number,
    decidedOn: r.decided_on,
    title: r.title,
    resolution: r.resolution,
    outcome: r.outcome,
    method: r.method,
    votesFor: r.votes_for,
    votesAgainst: r.votes_against,
    abstentions: r.abstentions,
    proposal: r.proposal_id === null ? undefined : num(r.proposal_id),
    places: r.places,
    exemptParagraph: r.exempt_paragraph ?? undefined,
    recordedAt: r.recorded_at,
  }));
}
