/**
 * @module governance/permissions
 * Who may do what with a proposal. The roles below are what the routes that act declare as their access rule (deny
 * by default, in the web edge); the relations between people and records are checked here, where the records are:
 * only its proposer sees and edits a draft; a member challenges a routing once at a time; nobody resolves a
 * challenge to their own proposal, or their own challenge.
 */
import type { Role } from '../access/index.js';

/** Officers draft and submit proposals (issue 7: "an officer drafts a proposal"). */
export const DRAFTING_ROLES: readonly Role[] = ['officer'];
/** Members challenge a routing. */
export const CHALLENGING_ROLES: readonly Role[] = ['board-member'];
/** Officers (the partnership's governance officers) resolve challenges, never their own proposal's. */
export const RESOLVING_ROLES: readonly Role[] = ['officer'];

/** Who is acting: a signed-in person, the organisation they act for, and their roles. */
export interface Actor {
  readonly userId: string;
  readonly organisation: string;
  readonly roles: readonly Role[];
}

const holds = (actor: Actor | undefined, roles: readonly Role[]) =>
  actor !== undefined && actor.roles.some((role) => roles.includes(role));

/** What the records say about a proposal, for deciding who may act on it. */
export interface ProposalFacts {
  readonly proposerId: string;
  readonly submitted: boolean;
  /** Withdrawn by its proposer: nothing more happens to it. */
  readonly withdrawn: boolean;
  readonly challenges: readonly {
    readonly id: number;
    readonly challengedById: string;
    readonly resolved: boolean;
  }[];
}

export const maySee = (actor: Actor | undefined, facts: ProposalFacts): boolean =>
  facts.submitted || actor?.userId === facts.proposerId;

export const mayEdit = (actor: Actor | undefined, facts: ProposalFacts): boolean =>
  !facts.submitted && holds(actor, DRAFTING_ROLES) && actor?.userId === facts.proposerId;

export const mayDraft = (actor: Actor | undefined): boolean => holds(actor, DRAFTING_ROLES);

/** Why someone may not do something: the kind of problem (for its status) and the reason, in words. */
export interface Refusal {
  readonly kind: 'forbidden' | 'conflict' | 'not-found';
  readonly message: string;
}

/** Why `actor` may not challenge the routing now, or undefined when they may. */
export function challengeRefusal(actor: Actor | undefined, facts: ProposalFacts): Refusal | undefined {
  if (!holds(actor, CHALLENGING_ROLES))
    return { kind: 'forbidden', message: 'Only a member may challenge a routing.' };
  if (!facts.submitted) return { kind: 'conflict', message: 'A draft has no routing to challenge yet.' };
  if (facts.withdrawn) return { kind: 'conflict', message: 'The proposal has been withdrawn.' };
  if (facts.challenges.some((c) => c.challengedById === actor?.userId && !c.resolved)) {
    return {
      kind: 'conflict',
      message: 'You have already challenged this routing, and your challenge is not resolved yet.',
    };
  }
  return undefined;
}

/** Why `actor` may not resolve challenge `challengeId`, or undefined when they may. */
export function resolutionRefusal(
  actor: Actor | undefined,
  facts: ProposalFacts,
  challengeId: number,
): Refusal | undefined {
  const challenge = facts.challenges.find((c) => c.id === challengeId);
  if (challenge === undefined)
    return { kind: 'not-found', message: 'There is no such challenge to this proposal.' };
  if (!holds(actor, RESOLVING_ROLES)) {
    return { kind: 'forbidden', message: 'Only a governance officer may resolve a challenge.' };
  }
  if (challenge.resolved) return { kind: 'conflict', message: 'This challenge is already resolved.' };
  if (facts.withdrawn) return { kind: 'conflict', message: 'The proposal has been withdrawn.' };
  // Independence: whoever resolves has no stake in the answer.
  if (actor?.userId === facts.proposerId) {
    return {
      kind: 'forbidden',
      message: 'You proposed this, so another officer must resolve the challenge.',
    };
  }
  if (actor?.userId === challenge.challengedById) {
    return { kind: 'forbidden', message: 'You made this challenge, so another officer must resolve it.' };
  }
  return undefined;
}

/**
 * Why `actor` may not withdraw the proposal, or undefined when they may: its proposer, once submitted (a draft is
 * simply left), not already withdrawn, and not decided (`decidedAs`: the decision register's reference, if decided).
 */
export function withdrawalRefusal(
  actor: Actor | undefined,
  facts: ProposalFacts,
  decidedAs: string | undefined,
): Refusal | undefined {
  if (!holds(actor, DRAFTING_ROLES) || actor?.userId !== facts.proposerId) {
    return { kind: 'forbidden', message: 'Only the officer who proposed it may withdraw a proposal.' };
  }
  if (!facts.submitted)
    return { kind: 'conflict', message: 'A draft is not withdrawn: it stays yours alone.' };
  if (facts.withdrawn) return { kind: 'conflict', message: 'The proposal has been withdrawn already.' };
  if (decidedAs !== undefined) {
    return {
      kind: 'conflict',
      message: `The proposal has been decided (${decidedAs}); a decision is not withdrawn.`,
    };
  }
  return undefined;
}
