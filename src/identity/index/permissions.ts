/**
 * @module identity/index/permissions
 * Who may act on the index. Reviewing pairs and merging or unmerging persons is the work of the staff who keep
 * patient registration data — National RBAC's Admin and Clinical Support role (R8008) — because it needs both records'
 * demographics in front of them. Partner systems send records with a token holding `identity:write`, and only as
 * their own organisation.
 */
import type { Role } from '../../access/index.js';

export const REVIEWING_ROLES: readonly Role[] = ['R8008'];
export const WRITE_SCOPE = 'identity:write';
