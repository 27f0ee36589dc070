/**
 * @module web/routes/identity-documents
 * The identity index's records as the JSON API sends them: dates as ISO strings, and ids as the API names them.
 */
import type {
  AddOutcome,
  EventRow,
  PersonView,
  ReviewView,
  StoredRecord,
} from '../../identity/index/index.js';

const recordDocument = (r: StoredRecord) => ({
  id: r.id,
  organisation: r.organisation,
  localId: r.localId,
  personId: r.personId,
  demographics: r.demographics,
  receivedAt: r.receivedAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
});

const eventDocument = (e: EventRow) => ({
  id: e.id,
  at: e.at.toISOString(),
  kind: e.kind,
  personId: e.personId,
  otherPersonId: e.otherPersonId,
  recordId: e.recordId,
  reviewId: e.reviewId,
  undoes: e.undoes,
  actor: e.actor,
  reason: e.reason,
  detail: e.detail,
});

export const identityDocuments = {
  added: (o: AddOutcome) => ({
    status: o.status,
    recordId: o.recordId,
    personId: o.personId,
    link:
      o.decision === undefined
        ? undefined
        : { reason: o.decision.reason, probability: o.decision.probability, evidence: o.decision.evidence },
    reviewsOpened: o.reviewsOpened,
  }),
  review: (v: ReviewView) => ({
    id: v.id,
    reason: v.reason,
    probability: v.probability,
    weight: v.weight,
    evidence: v.evidence,
    openedAt: v.openedAt.toISOString(),
    outcome: v.outcome,
    decidedAt: v.decidedAt?.toISOString(),
    note: v.note,
    record: recordDocument(v.record),
    candidate: recordDocument(v.candidate),
  }),
  person: (v: PersonView) => ({
    id: v.id,
    requestedId: v.requestedId,
    records: v.records.map(recordDocument),
    history: v.history.map(eventDocument),
    undoableMerges: v.undoableMerges,
  }),
};
