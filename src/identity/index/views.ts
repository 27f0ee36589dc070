/**
 * @module identity/index/views
 * What the review queue and a person's page show: a review with both records side by side and the evidence for each
 * field; a person with every partner's record of them and the history of how they came together. Read-only.
 */
import type { Queryable } from '../../store/database.js';
import * as repo from './repository.js';
import { currentPerson } from './service.js';

export interface ReviewView extends repo.ReviewRow {
  readonly record: repo.StoredRecord;
  readonly candidate: repo.StoredRecord;
}

async function withRecords(db: Queryable, reviews: readonly repo.ReviewRow[]): Promise<ReviewView[]> {
  const ids = [...new Set(reviews.flatMap((r) => [r.recordId, r.candidateRecordId]))];
  const records = new Map((await repo.recordsById(db, ids)).map((r) => [r.id, r]));
  return reviews.map((review) => {
    const record = records.get(review.recordId);
    const candidate = records.get(review.candidateRecordId);
    if (record === undefined || candidate === undefined)
      throw new Error(`review ${review.id} names a missing record`);
    return { ...review, record, candidate };
  });
}

export async function reviewQueue(
  db: Queryable,
  page: { readonly limit: number; readonly offset: number },
): Promise<{ readonly total: number; readonly reviews: readonly ReviewView[] }> {
  const [total, reviews] = await Promise.all([
    repo.countOpenReviews(db),
    repo.openReviews(db, page.limit, page.offset),
  ]);
  return { total, reviews: await withRecords(db, reviews) };
}

export async function reviewView(db: Queryable, id: number): Promise<ReviewView | undefined> {
  const review = await repo.findReview(db, id);
  if (review === undefined) return undefined;
  const [view] = await withRecords(db, [review]);
  return view;
}

export interface PersonView {
  readonly id: string;
  /** Set when the id asked for was merged into another person: the person shown is that one. */
  readonly requestedId: string;
  readonly records: readonly repo.StoredRecord[];
  readonly history: readonly repo.EventRow[];
  /** Merges into this person not yet undone: each can be unmerged. */
  readonly undoableMerges: readonly number[];
}

export async function personView(db: Queryable, requestedId: string): Promise<PersonView | undefined> {
  const id = await currentPerson(db, requestedId);
  if (id === undefined) return undefined;
  const [records, history] = await Promise.all([repo.recordsOfPerson(db, id), repo.personEvents(db, id)]);
  const undone = new Set(history.flatMap((e) => (e.undoes === undefined ? [] : [e.undoes])));
  const undoableMerges = history
    .filter((e) => e.kind === 'merged' && e.personId === id && !undone.has(e.id))
    .map((e) => e.id);
  return { id, requestedId, records, history, undoableMerges };
}
