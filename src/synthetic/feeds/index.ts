/**
 * @module synthetic/feeds
 * Partner feeds (issue 3): what each organisation's system would send about the synthetic population, as FHIR R4
 * Bulk Data NDJSON in the organisation's own identifiers, with faults planted at configurable rates, and the ground
 * truth of which record is which person beside them. `writeFeeds` is the entry point (`accord generate --feeds`).
 */
export {
  DEFAULT_FAULTS,
  FAULTS,
  resolveFaults,
  type Fault,
  type FaultProfile,
  type FaultRates,
  type FaultSettings,
  type FaultTally,
} from './faults.js';
export { ORGANISATION_KINDS, type OrganisationKind } from './organisations.js';
export {
  FEEDS_EXTENSION,
  RESOURCE_TYPES,
  writeFeeds,
  type FeedReport,
  type ResourceType,
  type WriteFeedsOptions,
} from './write-feeds.js';
