/**
 * @module identity/index/service
 * The master patient index, incremental: a record arriving joins a person or starts one without relinking anything
 * else; uncertain pairs wait for an officer; persons are merged and unmerged only by recorded decisions, with the
 * full history kept (identity_event). Each operation is one transaction under the index's lock (repository.ts), so
 * it happens whole or not at all, and two records arriving together are matched one after the other.
 */
import { randomUUID } from 'node:crypto';
import { problem, type Problem } from '../../core/problem.js';
import { err, ok, type Result } from '../../core/result.js';
import type { Database, Queryable } from '../../store/database.js';
import { inTransaction } from '../../store/in-transaction.js';
import { type BlockingRule, DEFAULT_BLOCKING_RULES, DEFAULT_MAX_BLOCK_SIZE } from '../linkage/blocking.js';
import { DEFAULT_THRESHOLDS, type Decision, type Thresholds } from '../linkage/decide.js';
import type { LinkageModel } from '../linkage/model.js';
import { prepareRecord, type PreparedRecord } from '../linkage/record.js';
import type { IncomingRecord } from './incoming.js';
import { type Candidate, planMatch } from './match.js';
import * as repo from './repository.js';

export interface IdentityIndex {
  readonly db: Database;
  readonly model: LinkageModel;
  readonly thresholds: Thresholds;
  readonly blockingRules: readonly BlockingRule[];
  /** At most this many records per blocking key are compared with a new record: the batch run's block cap. */
  readonly candidatesPerKey: number;
  readonly now: () => Date;
}

export function identityIndex(
  db: Database,
  model: LinkageModel,
  options: Partial<Omit<IdentityIndex, 'db' | 'model'>> = {},
): IdentityIndex {
  return {
    db,
    model,
    thresholds: options.thresholds ?? DEFAULT_THRESHOLDS,
    blockingRules: options.blockingRules ?? DEFAULT_BLOCKING_RULES,
    candidatesPerKey: options.candidatesPerKey ?? DEFAULT_MAX_BLOCK_SIZE,
    now: options.now ?? (() => new Date()),
  };
}

/** A record's blocking keys as stored: the rule's position, then its key, so two rules' keys never collide. */
export function blockingKeys(rules: readonly BlockingRule[], record: PreparedRecord): string[] {
  const keys: string[] = [];
  rules.forEach((rule, r) => {
    const key = rule.key(record);
    if (key !== undefined) keys.push(`${r}|${key}`);
  });
  return keys;
}

const prepare = (id: number, demographics: repo.Demographics) =>
  prepareRecord({ ...demographics, id: String(id) });

export type AddStatus = 'new-person' | 'joined' | 'unchanged' | 'updated';

export interface AddOutcome {
  readonly status: AddStatus;
  readonly recordId: number;
  readonly personId: string;
  /** The link that chose the person joined. */
  readonly decision: Decision | undefined;
  readonly reviewsOpened: readonly number[];
}

/** Who acted: a person (an app_user id) or, for feeds, nobody but the source named in the event. */
export interface Actor {
  readonly userId: string;
  readonly organisation: string;
}

/** Same demographics, whatever order the fields came in: re-sending a record must change nothing. */
const sameDemographics = (a: repo.Demographics, b: repo.Demographics) => {
  const canonical = (d: repo.Demographics) =>
    JSON.stringify(
      Object.entries(d as Record<string, string | undefined>)
        .filter(([, v]) => v !== undefined)
        .sort(([x], [y]) => x.localeCompare(y)),
    );
  return canonical(a) === canonical(b);
};

async function openReviews(
  tx: Queryable,
  recordId: number,
  personId: string,
  reviews: ReturnType<typeof planMatch>['reviews'],
  at: Date,
): Promise<number[]> {
  const opened: number[] = [];
  for (const review of reviews) {
    const id = await repo.insertReview(
      tx,
      {
        recordId,
        candidateRecordId: review.candidateRecordId,
        reason: review.reason,
        probability: review.decision.probability,
        weight: review.decision.weight,
        evidence: review.decision.evidence,
      },
      at,
    );
    if (id === undefined) continue;
    opened.push(id);
    await repo.insertEvent(
      tx,
      { kind: 'review-opened', personId, recordId, reviewId: id, reason: review.reason },
      at,
    );
  }
  return opened;
}

/** The plan for a record, from the records sharing its blocking keys (`keys`, computed once by the caller). */
async function matchCandidates(
  index: IdentityIndex,
  tx: Queryable,
  prepared: PreparedRecord,
  keys: readonly string[],
  exceptPerson?: string,
) {
  const rows = await repo.candidateRecords(tx, keys, index.candidatesPerKey);
  const candidates: Candidate[] = rows
    .filter((row) => row.personId !== exceptPerson && String(row.id) !== prepared.id)
    .map((row) => ({ recordId: row.id, personId: row.personId, record: prepare(row.id, row.demographics) }));
  return planMatch(index.model, index.thresholds, prepared, candidates);
}

/**
 * Adds a partner's record, or takes a re-sent one: the same demographics again change nothing; changed demographics
 * are stored and re-matched, opening reviews against other persons, but never move the record by themselves (a
 * record moves only by a decision: a merge, an unmerge).
 */
export async function addRecord(
  index: IdentityIndex,
  incoming: IncomingRecord,
  actor?: Actor,
): Promise<AddOutcome> {
  const arriving = prepareRecord({ ...incoming.demographics, id: 'incoming' });
  // Blocking keys depend on the demographics only, so these serve the locks, the lookup and the stored keys alike.
  const keys = blockingKeys(index.blockingRules, arriving);
  const locks = [`record|${incoming.organisation}|${incoming.localId}`, ...keys];
  return index.db.transaction(async (tx) => {
    await repo.lockForArrival(tx, locks);
    const at = index.now();
    const existing = await repo.findRecord(tx, incoming.organisation, incoming.localId);
    if (existing !== undefined) {
      if (sameDemographics(existing.demographics, incoming.demographics)) {
        return {
          status: 'unchanged',
          recordId: existing.id,
          personId: existing.personId,
          decision: undefined,
          reviewsOpened: [],
        };
      }
      await repo.updateDemographics(tx, existing.id, incoming.demographics, at);
      const prepared = prepare(existing.id, incoming.demographics);
      const plan = await matchCandidates(index, tx, prepared, keys, existing.personId);
      await repo.replaceBlockKeys(tx, existing.id, keys);
      const changed = Object.keys({ ...existing.demographics, ...incoming.demographics })
        .filter(
          (field) =>
            JSON.stringify((existing.demographics as Record<string, unknown>)[field]) !==
            JSON.stringify((incoming.demographics as Record<string, unknown>)[field]),
        )
        .sort();
      await repo.insertEvent(
        tx,
        {
          kind: 'record-updated',
          personId: existing.personId,
          recordId: existing.id,
          actor: actor?.userId,
          detail: { fields: changed },
        },
        at,
      );
      // Joining another person is a decision for an officer here: the record already belongs to someone.
      const reviews = [
        ...(plan.join === undefined
          ? []
          : [
              {
                candidateRecordId: plan.join.recordId,
                reason: 'matches-another-person' as const,
                decision: plan.join.decision,
              },
            ]),
        ...plan.reviews,
      ];
      const opened = await openReviews(tx, existing.id, existing.personId, reviews, at);
      return {
        status: 'updated',
        recordId: existing.id,
        personId: existing.personId,
        decision: undefined,
        reviewsOpened: opened,
      };
    }

    const plan = await matchCandidates(index, tx, arriving, keys);
    let personId = plan.join?.personId;
    if (personId === undefined) {
      personId = randomUUID();
      await repo.insertPerson(tx, personId, at);
      await repo.insertEvent(tx, { kind: 'person-created', personId, actor: actor?.userId }, at);
    }
    const recordId = await repo.insertRecord(
      tx,
      incoming.organisation,
      incoming.localId,
      incoming.demographics,
      personId,
      at,
    );
    await repo.replaceBlockKeys(tx, recordId, keys);
    await repo.insertEvent(
      tx,
      {
        kind: 'record-linked',
        personId,
        recordId,
        actor: actor?.userId,
        detail: {
          organisation: incoming.organisation,
          ...(plan.join === undefined
            ? { started: true }
            : {
                via: plan.join.recordId,
                reason: plan.join.decision.reason,
                probability: plan.join.decision.probability,
                weight: plan.join.decision.weight,
              }),
        },
      },
      at,
    );
    const opened = await openReviews(tx, recordId, personId, plan.reviews, at);
    return {
      status: plan.join === undefined ? 'new-person' : 'joined',
      recordId,
      personId,
      decision: plan.join?.decision,
      reviewsOpened: opened,
    };
  });
}

/** The person a person id now stands for: itself, or the person it was merged into (following later merges). */
export async function currentPerson(db: Queryable, personId: string): Promise<string | undefined> {
  let id = personId;
  for (let hops = 0; hops < 1000; hops++) {
    const person = await repo.findPerson(db, id);
    if (person === undefined) return undefined;
    if (person.mergedInto === undefined) return person.id;
    id = person.mergedInto;
  }
  throw new Error(`person ${personId}: a merge cycle`);
}

const noPerson = (id: string) =>
  problem(
    'not-found',
    `There is no person ${id} in the index.`,
    'Check the id; a merged person resolves to the person it was merged into.',
  );

/**
 * Joins two persons: the records of the younger (later created) move to the older, whose id survives, so the id
 * most likely already held elsewhere stays valid; the younger is marked merged into it. Refused when an officer has
 * decided that records of the two are different people.
 */
async function mergeIn(
  tx: Queryable,
  first: string,
  second: string,
  actor: Actor,
  reason: string,
  at: Date,
  reviewId?: number,
): Promise<Result<{ eventId: number; survivor: string; absorbed: string }, Problem>> {
  const a = await repo.findPerson(tx, first);
  const b = await repo.findPerson(tx, second);
  if (a === undefined) return err(noPerson(first));
  if (b === undefined) return err(noPerson(second));
  for (const p of [a, b]) {
    if (p.mergedInto !== undefined)
      return err(
        problem(
          'conflict',
          `Person ${p.id} was merged into ${p.mergedInto}.`,
          `Merge ${p.mergedInto} instead.`,
        ),
      );
  }
  if (a.id === b.id) return err(problem('conflict', 'A person cannot be merged with themselves.'));
  const refusals = await repo.differentPeopleDecisions(tx, a.id, b.id);
  if (refusals.length > 0) {
    return err(
      problem(
        'conflict',
        `Records of these two persons were decided to be different people (review ${refusals.join(', ')}).`,
        'A decided review stands; if it was wrong, raise it with the privacy officer rather than merging over it.',
      ),
    );
  }
  const [survivor, absorbed] =
    a.createdAt.getTime() < b.createdAt.getTime() ||
    (a.createdAt.getTime() === b.createdAt.getTime() && a.id < b.id)
      ? [a, b]
      : [b, a];
  const moved = (await repo.recordsOfPerson(tx, absorbed.id)).map((r) => r.id);
  await repo.moveRecords(tx, moved, survivor.id);
  await repo.setMergedInto(tx, absorbed.id, survivor.id);
  const eventId = await repo.insertEvent(
    tx,
    {
      kind: 'merged',
      personId: survivor.id,
      otherPersonId: absorbed.id,
      reviewId,
      actor: actor.userId,
      reason,
      detail: { records: moved, organisation: actor.organisation },
    },
    at,
  );
  return ok({ eventId, survivor: survivor.id, absorbed: absorbed.id });
}

const needReason = (reason: string) =>
  reason.trim().length === 0 || reason.length > 2000
    ? err(problem('bad-input', 'A reason is required (1 to 2,000 characters).', 'Say why, for the history.'))
    : undefined;

export async function mergePersons(
  index: IdentityIndex,
  first: string,
  second: string,
  actor: Actor,
  reason: string,
): Promise<Result<{ eventId: number; survivor: string; absorbed: string }, Problem>> {
  const bad = needReason(reason);
  if (bad !== undefined) return bad;
  return index.db.transaction(async (tx) => {
    await repo.lockIndex(tx);
    return mergeIn(tx, first, second, actor, reason.trim(), index.now());
  });
}

/**
 * Undoes a merge: the records it moved go back to the person it absorbed, who becomes a person again under the same
 * id. Records that joined the surviving person since stay there. Refused if a record the merge moved has moved again
 * since (undo the later change first), so an unmerge never takes records from a person they were not merged into.
 */
export async function unmerge(
  index: IdentityIndex,
  mergeEventId: number,
  actor: Actor,
  reason: string,
): Promise<Result<{ eventId: number; restored: string; records: readonly number[] }, Problem>> {
  const bad = needReason(reason);
  if (bad !== undefined) return bad;
  return index.db.transaction(async (tx) => {
    await repo.lockIndex(tx);
    const merge = await repo.findEvent(tx, mergeEventId);
    if (merge?.kind !== 'merged' || merge.personId === undefined || merge.otherPersonId === undefined) {
      return err(
        problem(
          'not-found',
          `There is no merge ${mergeEventId}.`,
          "See the person's history for the merges that made it.",
        ),
      );
    }
    const undone = await repo.undoingEvent(tx, mergeEventId);
    if (undone !== undefined)
      return err(problem('conflict', `Merge ${mergeEventId} was already undone (event ${undone.id}).`));
    const absorbed = await repo.findPerson(tx, merge.otherPersonId);
    if (absorbed?.mergedInto !== merge.personId) {
      return err(
        problem(
          'conflict',
          `Person ${merge.otherPersonId} is no longer merged into ${merge.personId}.`,
          'Undo the later change first.',
        ),
      );
    }
    const records = (merge.detail.records as number[] | undefined) ?? [];
    const now = await repo.recordsById(tx, records);
    const strayed = now.filter((r) => r.personId !== merge.personId).map((r) => r.id);
    if (strayed.length > 0 || now.length !== records.length) {
      return err(
        problem(
          'conflict',
          `Records ${strayed.join(', ')} of merge ${mergeEventId} have moved since.`,
          'Undo the later merge first.',
        ),
      );
    }
    const at = index.now();
    await repo.moveRecords(tx, records, absorbed.id);
    await repo.setMergedInto(tx, absorbed.id, undefined);
    const eventId = await repo.insertEvent(
      tx,
      {
        kind: 'unmerged',
        personId: merge.personId,
        otherPersonId: absorbed.id,
        undoes: mergeEventId,
        actor: actor.userId,
        reason: reason.trim(),
        detail: { records, organisation: actor.organisation },
      },
      at,
    );
    return ok({ eventId, restored: absorbed.id, records });
  });
}

export interface ReviewDecisionOutcome {
  readonly reviewId: number;
  readonly outcome: repo.ReviewOutcome;
  /** The merge a "same person" decision made, when the records were in two persons. */
  readonly merge:
    { readonly eventId: number; readonly survivor: string; readonly absorbed: string } | undefined;
}

/**
 * An officer's decision on a review. "Same person" merges the two records' persons (if they are not one already);
 * "different people" is kept, and from then on refuses any merge of the two persons. Decided once: a decided review
 * is never changed (the database refuses it too).
 */
export async function decideReview(
  index: IdentityIndex,
  reviewId: number,
  outcome: repo.ReviewOutcome,
  actor: Actor,
  note?: string,
): Promise<Result<ReviewDecisionOutcome, Problem>> {
  const trimmed = note?.trim();
  if (trimmed !== undefined && trimmed.length > 2000)
    return err(problem('bad-input', 'The note is longer than 2,000 characters.', 'Shorten it.'));
  // A refusal anywhere — a refused merge too — rolls the decision back: nothing is recorded that was not acted on.
  return inTransaction(index.db, async (tx) => {
    await repo.lockIndex(tx);
    const review = await repo.findReview(tx, reviewId, true);
    if (review === undefined)
      return err(problem('not-found', `There is no review ${reviewId}.`, 'See the review queue.'));
    if (review.outcome !== undefined) {
      return err(
        problem(
          'conflict',
          `Review ${reviewId} was already decided (${review.outcome}).`,
          'See the review queue for open reviews.',
        ),
      );
    }
    const [one, other] = await repo.recordsById(tx, [review.recordId, review.candidateRecordId]);
    if (one === undefined || other === undefined)
      throw new Error(`review ${reviewId} names a missing record`);
    const at = index.now();
    if (outcome === 'different-people' && one.personId === other.personId) {
      return err(
        problem(
          'conflict',
          `The two records are now in one person (${one.personId}), joined since the review opened.`,
          "Undo the merge that joined them (see the person's history), then decide.",
        ),
      );
    }
    await repo.recordDecision(
      tx,
      reviewId,
      outcome,
      actor.userId,
      actor.organisation,
      trimmed === '' ? undefined : trimmed,
      at,
    );
    await repo.insertEvent(
      tx,
      {
        kind: 'review-decided',
        personId: one.personId,
        otherPersonId: other.personId === one.personId ? undefined : other.personId,
        reviewId,
        actor: actor.userId,
        reason: trimmed,
        detail: { outcome },
      },
      at,
    );
    let merge: ReviewDecisionOutcome['merge'];
    if (outcome === 'same-person' && one.personId !== other.personId) {
      const merged = await mergeIn(
        tx,
        one.personId,
        other.personId,
        actor,
        `review ${reviewId}: same person`,
        at,
        reviewId,
      );
      if (!merged.ok) return merged;
      merge = merged.value;
    }
    return ok({ reviewId, outcome, merge });
  });
}
