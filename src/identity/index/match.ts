/**
 * @module identity/index/match
 * What to do with one incoming record, given the records already in the index that share a blocking key with it:
 * which person it joins (or that it starts one), and which pairs go to an officer for review. Pure: the candidates
 * arrive with their person ids, and the plan goes back to the service, which carries it out in one transaction.
 *
 * The rules keep person ids stable and never join two persons without a person deciding:
 * - auto-linked to records of one person → join that person;
 * - auto-linked to records of several persons → join the one with the strongest link, and put the strongest link to
 *   each other person in review (they may be one person, recorded twice; only an officer merges them);
 * - no auto-link → a new person;
 * - a pair in the review band whose record belongs to a person the record did not join → review (the strongest pair
 *   per person, at most MAX_REVIEWS_PER_RECORD of them, most probable first).
 */
import { decide, type Decision, type Thresholds } from '../linkage/decide.js';
import type { LinkageModel } from '../linkage/model.js';
import type { PreparedRecord } from '../linkage/record.js';

export interface Candidate {
  readonly recordId: number;
  readonly personId: string;
  readonly record: PreparedRecord;
}

export type ReviewReason =
  'probable-match' | 'nhs-number-demographics-disagree' | 'nhs-numbers-differ' | 'matches-another-person';

/** Why a pair the linkage put in review is there, as the queue names it. */
export const reviewReasonOf = (decision: Decision): ReviewReason =>
  decision.reason === 'nhs-number-demographics-disagree' || decision.reason === 'nhs-numbers-differ'
    ? decision.reason
    : 'probable-match';

export interface PlannedReview {
  readonly candidateRecordId: number;
  readonly reason: ReviewReason;
  readonly decision: Decision;
}

export interface MatchPlan {
  /** The person to join, with the link that chose it; undefined to start a new person. */
  readonly join:
    { readonly personId: string; readonly recordId: number; readonly decision: Decision } | undefined;
  readonly reviews: readonly PlannedReview[];
}

/** A record with many near misses is a data-quality problem to look at once, not a queue flooded with its pairs. */
export const MAX_REVIEWS_PER_RECORD = 5;

interface Scored {
  readonly candidate: Candidate;
  readonly decision: Decision;
}

/** The strongest pair (highest weight) for each person among the scored pairs. */
function strongestPerPerson(scored: readonly Scored[]): Scored[] {
  const best = new Map<string, Scored>();
  for (const pair of scored) {
    const held = best.get(pair.candidate.personId);
    if (held === undefined || pair.decision.weight > held.decision.weight)
      best.set(pair.candidate.personId, pair);
  }
  // Ties broken by record id so the plan does not depend on the order the database returned candidates in.
  return [...best.values()].sort(
    (a, b) => b.decision.weight - a.decision.weight || a.candidate.recordId - b.candidate.recordId,
  );
}

export function planMatch(
  model: LinkageModel,
  thresholds: Thresholds,
  incoming: PreparedRecord,
  candidates: readonly Candidate[],
): MatchPlan {
  const scored = candidates.map((candidate) => ({
    candidate,
    decision: decide(model, incoming, candidate.record, thresholds),
  }));
  const linked = strongestPerPerson(scored.filter((s) => s.decision.outcome === 'auto-link'));
  const [chosen, ...alsoLinked] = linked;
  const joinedPerson = chosen?.candidate.personId;
  const uncertain = strongestPerPerson(
    scored.filter((s) => s.decision.outcome === 'review' && s.candidate.personId !== joinedPerson),
  ).filter((s) => !alsoLinked.some((a) => a.candidate.personId === s.candidate.personId));
  const reviews: PlannedReview[] = [
    ...alsoLinked.map((s) => ({
      candidateRecordId: s.candidate.recordId,
      reason: 'matches-another-person' as const,
      decision: s.decision,
    })),
    ...uncertain.map((s) => ({
      candidateRecordId: s.candidate.recordId,
      reason: reviewReasonOf(s.decision),
      decision: s.decision,
    })),
  ]
    .sort((a, b) => b.decision.probability - a.decision.probability)
    .slice(0, MAX_REVIEWS_PER_RECORD);
  return {
    join:
      chosen === undefined
        ? undefined
        : {
            personId: chosen.candidate.personId,
            recordId: chosen.candidate.recordId,
            decision: chosen.decision,
          },
    reviews,
  };
}
