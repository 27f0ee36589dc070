/**
 * @module record
 * The shared care record (issue 5): partners' FHIR R4 resources, versioned, searchable, each kept with the
 * organisation that sent it. What the FHIR API (`web/routes/fhir.ts`) and the feed import use.
 */
export { recordError, type OutcomeIssue, type RecordError, type RecordErrorKind } from './errors.js';
export {
  isResourceId,
  recordRepository,
  sourcedId,
  type HistoryEntry,
  type RecordRepository,
  type Resource,
  type SearchResult,
  type SearchScope,
  type StoredResource,
  type WriteOutcome,
  type Writer,
} from './repository.js';
export { contentKey, patientOf } from './resource.js';
export { searchParameters, type ParameterTable, type SearchParameter } from './search/parameters.js';
export { planSearch, type SearchPlan } from './search/query.js';
