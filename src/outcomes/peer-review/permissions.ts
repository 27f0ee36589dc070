/**
 * @module outcomes/peer-review/permissions
 * Who may do what with a peer review. Reading is public: the partnership prefers peer review to inspection, and
 * peer challenge reports and action plans are published (peers' names included, as in LGA reports). Recording —
 * starting a review, a stage done, an action, its progress — is for the partnership's officers. The roles below are
 * what the routes that act declare as their access rule (deny by default, in the web edge); the workflow checks them
 * again, so the domain refuses whoever calls it.
 */
import type { Role } from '../../access/index.js';

/** Officers (the partnership's governance officers) keep the record of peer reviews. */
export const RECORDING_ROLES: readonly Role[] = ['officer'];

/** Who is acting: a signed-in person, the organisation they act for, and their roles. */
export interface Actor {
  readonly userId: string;
  readonly organisation: string;
  readonly roles: readonly Role[];
}

export const mayRecord = (actor: Actor | undefined): boolean =>
  actor !== undefined && actor.roles.some((role) => RECORDING_ROLES.includes(role));
