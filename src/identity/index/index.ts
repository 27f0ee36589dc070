/**
 * @module identity/index
 * The master patient index: records from every partner joined to persons, incrementally, with a review queue and a
 * history of merges and unmerges.
 */
export { checkIncoming, type CheckedIncoming, type IncomingRecord } from './incoming.js';
export { loadModel, saveModel } from './model-store.js';
export { REVIEWING_ROLES, WRITE_SCOPE } from './permissions.js';
export type { EventRow, ReviewOutcome, StoredRecord } from './repository.js';
export {
  addRecord,
  currentPerson,
  decideReview,
  identityIndex,
  mergePersons,
  unmerge,
  type Actor,
  type AddOutcome,
  type IdentityIndex,
} from './service.js';
export { personView, reviewQueue, reviewView, type PersonView, type ReviewView } from './views.js';
export { findPersons, type PersonMatch } from './find.js';
export { indexProvider, type IndexProvider } from './provider.js';
