/**
 * @module access/audit
 * The tamper-evident audit log of the shared care record (docs/audit.md): every read, search, write, match and
 * break-glass of a person's record, recorded append-only in a SHA-256 hash chain by a group-commit writer; the
 * verifier that finds altered, inserted and deleted entries; "who looked at my record"; and the FHIR AuditEvent view.
 */
export {
  AUDIT_ACTIONS,
  AUDIT_OUTCOMES,
  DIRECT_CARE,
  DETAIL_MAX_CHARACTERS,
  checkEntry,
  type AuditAction,
  type AuditOutcome,
  type AuditEntry,
  type AuditEntryContent,
  type AuditEntryInput,
} from './entry.js';
export {
  GENESIS_HASH,
  canonicalEntry,
  canonicalJson,
  entryHash,
  formatRecordedAt,
  type JsonValue,
} from './canonical.js';
export { EMPTY_CHAIN, linkEntries, type ChainHead } from './chain.js';
export {
  ChainChecker,
  checkChain,
  describeProblem,
  type ChainCheckOptions,
  type ChainProblem,
  type ChainReport,
} from './verify-chain.js';
export { AuditLog, AuditEntryRejected, recordAuditEntryIn, type AuditLogOptions } from './audit-log.js';
export { verifyAuditChain, type VerifyOptions } from './verify.js';
export { AUDIT_CHAIN_LOCK } from './repository.js';
export {
  accessesOfPerson,
  MAX_ACCESS_PAGE,
  type AccessPage,
  type AccessQuery,
  type PersonAccess,
} from './accesses.js';
export {
  toAuditEvent,
  SDS_JOB_ROLE_SYSTEM,
  ACTOR_SYSTEM,
  ORGANISATION_SYSTEM,
  type AuditEventResource,
  type AuditEventSource,
} from './audit-event.js';
