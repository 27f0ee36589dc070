/**
 * @module outcomes/permissions
 * Who may record a milestone's progress. The roles are what the routes that act declare (deny by default, in the
 * web edge); the relations between people and records are checked here: only an officer of the milestone's owner
 * reports it complete, and a report is verified or rejected by another officer, never by the person who made it —
 * so a verified milestone always has two people behind it.
 */
import type { Role } from '../access/index.js';
import type { Milestone } from '../partnership/index.js';
import type { MilestoneReport } from './progress.js';

/** Officers report milestones (for their own organisation) and verify others' reports. */
export const REPORTING_ROLES: readonly Role[] = ['officer'];
export const VERIFYING_ROLES: readonly Role[] = ['officer'];

export interface Actor {
  readonly userId: string;
  readonly organisation: string;
  readonly roles: readonly Role[];
}

export interface Refusal {
  readonly kind: 'forbidden' | 'conflict';
  readonly message: string;
}

const holds = (actor: Actor | undefined, roles: readonly Role[]) =>
  actor !== undefined && actor.roles.some((role) => roles.includes(role));

/** Why `actor` may not report `milestone` complete now, or undefined when they may. */
export function reportRefusal(
  actor: Actor | undefined,
  milestone: Milestone,
  reports: readonly MilestoneReport[],
): Refusal | undefined {
  if (!holds(actor, REPORTING_ROLES))
    return { kind: 'forbidden', message: 'Only an officer may report a milestone.' };
  if (actor?.organisation !== milestone.owner) {
    return {
      kind: 'forbidden',
      message: `Only an officer of the milestone’s owner (${milestone.owner}) may report it complete.`,
    };
  }
  const own = reports.filter((r) => r.milestoneId === milestone.id);
  if (own.some((r) => r.decision?.decision === 'verified')) {
    return { kind: 'conflict', message: 'This milestone is already verified as complete.' };
  }
  if (own.some((r) => r.decision === undefined)) {
    return {
      kind: 'conflict',
      message: 'This milestone has a report waiting to be verified; it is decided before another is made.',
    };
  }
  return undefined;
}

/** Why `actor` may not decide `report` now, or undefined when they may. */
export function decisionRefusal(actor: Actor | undefined, report: MilestoneReport): Refusal | undefined {
  if (!holds(actor, VERIFYING_ROLES)) {
    return { kind: 'forbidden', message: 'Only an officer may verify or reject a milestone report.' };
  }
  if (actor?.userId === report.reportedBy.userId) {
    return {
      kind: 'forbidden',
      message: 'You made this report, so another officer verifies or rejects it.',
    };
  }
  if (report.decision !== undefined) {
    return { kind: 'conflict', message: `This report was already ${report.decision.decision}.` };
  }
  return undefined;
}
