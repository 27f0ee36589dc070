/**
 * @module partnership
 * The partnership as data: its schema, the loader for partnerships/<name>/, and its place in the store.
 */
export * from './schema.js';
export { loadPartnership, type LoadedPartnership } from './load.js';
export { crossCheck, type CrossIssue } from './validate.js';
export { partnershipJsonSchemas, jsonSchemaFileName } from './json-schema.js';
export {
  syncPartnership,
  readPartnership,
  storedPartnership,
  entryHistory,
  listPartnerships,
  type SyncReport,
  type EntryKind,
  type EntryVersion,
} from './repository.js';
