/**
 * @module identity/index/find
 * Which persons an unfiled record could be, without filing it: the same candidates and scoring as a record arriving
 * (`service.ts`, `match.ts`) — blocking keys looked up in the index, each candidate decided by the model — but
 * nothing written and nothing locked. What FHIR's `Patient/$match` answers: each person at most once, with the
 * probability and the grade of the best pair, most likely first; pairs the model would not link or review are left
 * out.
 */
import { decide } from '../linkage/decide.js';
import { prepareRecord } from '../linkage/record.js';
import type { IncomingRecord } from './incoming.js';
import * as repo from './repository.js';
import { blockingKeys, type IdentityIndex } from './service.js';

export interface PersonMatch {
  readonly personId: string;
  readonly probability: number;
  /** 'certain': the model would link the record to this person; 'probable': it would ask an officer. */
  readonly grade: 'certain' | 'probable';
  /** The index's record of the person that matched best. */
  readonly record: repo.StoredRecord;
}

export async function findPersons(
  index: IdentityIndex,
  demographics: IncomingRecord['demographics'],
): Promise<PersonMatch[]> {
  const arriving = prepareRecord({ ...demographics, id: 'incoming' });
  const keys = blockingKeys(index.blockingRules, arriving);
  const candidates = await repo.candidateRecords(index.db, keys, index.candidatesPerKey);
  const best = new Map<string, PersonMatch>();
  for (const candidate of candidates) {
    const decision = decide(
      index.model,
      arriving,
      prepareRecord({ ...candidate.demographics, id: String(candidate.id) }),
      index.thresholds,
    );
    if (decision.outcome === 'no-link') continue;
    const match: PersonMatch = {
      personId: candidate.personId,
      probability: decision.probability,
      grade: decision.outcome === 'auto-link' ? 'certain' : 'probable',
      record: candidate,
    };
    const held = best.get(candidate.personId);
    if (held === undefined || match.probability > held.probability) best.set(candidate.personId, match);
  }
  return [...best.values()].sort((a, b) => b.probability - a.probability || a.record.id - b.record.id);
}
