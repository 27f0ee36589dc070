/**
 * @module identity/linkage/blocking
 * Blocking: only pairs that agree on at least one blocking key are compared, so linkage never forms the full cross
 * product (n² pairs). Each rule is data — a name and a key function; a record with no key for a rule (a missing
 * field) is simply not blocked by it. Candidate pairs are the union over the rules, each pair once. The rules are
 * chosen so a true pair with errors in some fields still shares a key on others: a typo in the surname leaves the
 * date of birth; a wrong date leaves surname sound + year or postcode + initial.
 */
import type { PreparedRecord } from './record.js';

export interface BlockingRule {
  readonly name: string;
  readonly key: (record: PreparedRecord) => string | undefined;
}

const dobKey = (r: PreparedRecord) =>
  r.dob === undefined ? undefined : `${r.dob.year}-${r.dob.month}-${r.dob.day}`;

export const DEFAULT_BLOCKING_RULES: readonly BlockingRule[] = [
  { name: 'same NHS number', key: (r) => r.nhsNumber },
  { name: 'same date of birth', key: dobKey },
  {
    name: 'same surname sound and birth year',
    key: (r) =>
      r.surnameCode === undefined || r.dob === undefined ? undefined : `${r.surnameCode}|${r.dob.year}`,
  },
  {
    name: 'same postcode and forename initial',
    key: (r) =>
      r.postcode === undefined || r.forename === undefined ? undefined : `${r.postcode}|${r.forename[0]}`,
  },
  {
    // A pair whose names, date of birth and postcode are all damaged can still share the street address. The first
    // word of the street, not all of it, because a street name is where typing errors and run-together words go.
    name: 'same house number and first address word',
    key: (r) => {
      const first = r.address?.words.split(' ', 1)[0];
      return r.address === undefined || r.address.numbers === '' || first === undefined || first === ''
        ? undefined
        : `${r.address.numbers}|${first}`;
    },
  },
  { name: 'same other identifier', key: (r) => r.otherIdentifier },
  { name: 'same email', key: (r) => r.email },
  {
    // Catches a pair whose date of birth and postcode both differ (a move and a mistyped date). The two codes are
    // put in order so a forename and surname written the wrong way round still share the key.
    name: 'same forename and surname sounds, in either order',
    key: (r) =>
      r.forenameCode === undefined || r.surnameCode === undefined
        ? undefined
        : [r.forenameCode, r.surnameCode].sort().join('|'),
  },
];

/** A candidate pair: indices into left and right (for deduplication, into one list, with left < right). */
export type CandidatePair = readonly [number, number];

/**
 * Candidate pairs between two lists, or within one when `right` is omitted. The pair set is keyed by
 * left × right.length + right, exact for lists up to about 94 million records each.
 */
export function candidatePairs(
  rules: readonly BlockingRule[],
  left: readonly PreparedRecord[],
  right?: readonly PreparedRecord[],
): CandidatePair[] {
  const other = right ?? left;
  const dedupe = right === undefined;
  const seen = new Set<number>();
  const pairs: CandidatePair[] = [];
  for (const rule of rules) {
    const index = new Map<string, number[]>();
    other.forEach((record, j) => {
      const key = rule.key(record);
      if (key === undefined) return;
      const list = index.get(key);
      if (list === undefined) index.set(key, [j]);
      else list.push(j);
    });
    left.forEach((record, i) => {
      const key = rule.key(record);
      if (key === undefined) return;
      for (const j of index.get(key) ?? []) {
        if (dedupe && j <= i) continue;
        const id = i * other.length + j;
        if (seen.has(id)) continue;
        seen.add(id);
        pairs.push([i, j]);
      }
    });
  }
  return pairs;
}
