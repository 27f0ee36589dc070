/**
 * @module access/audit/test-entries
 * Entries for the audit log's tests: a typical clinician's read, varied by a few fields.
 */
import type { AuditEntryInput } from './entry.js';

export const PERSON = '6f1c2b9e-3d4a-4e5f-8a7b-1c2d3e4f5a6b';
export const OTHER_PERSON = 'b2a1c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d';

export function readEntry(overrides: Partial<AuditEntryInput> = {}): AuditEntryInput {
  return {
    actor: '0b7c1e2a-0000-4000-8000-000000000001',
    actorName: 'Dr Asha Patel',
    role: 'R8000',
    organisation: 'riverside-gp',
    personId: PERSON,
    action: 'read',
    resourceType: 'Observation',
    resourceId: 'obs-1',
    purpose: 'direct-care',
    outcome: 'success',
    ...overrides,
  };
}
