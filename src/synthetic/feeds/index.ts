/**
 * @module synthetic/feeds
 * Partner feeds (issue 3): what each organisation's system would send about the synthetic population, as FHIR R4
 * Bulk Data NDJSON in the organisation's own identifiers, with faults planted at configurable rates, and the ground
 * truth of which record is which person beside them; and the deaths register (ONS death registrations with their
 * ICD-10 underlying cause), in a folder of its own. `writeFeeds` is the entry point (`accord generate --feeds`).
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
export { CAUSE_CODES, type CauseCode } from './causes-of-death.js';
export { DEATHS_REGISTER, REGISTRATION_ID_SYSTEM } from './deaths-register.js';
export { CAUSE_OF_DEATH_CODE } from './fhir.js';
export { ORGANISATION_KINDS, type OrganisationKind } from './organisations.js';
export {
  FEEDS_EXTENSION,
  RESOURCE_TYPES,
  writeFeeds,
  type FeedReport,
  type ResourceType,
  type WriteFeedsOptions,
} from './write-feeds.js';
