/**
 * @module identity/linkage/edit-distance
 * Whether two strings are at most one keying error apart: one character substituted, inserted or deleted, or two
 * neighbouring characters swapped (the Damerau–Levenshtein distance is at most 1). Identifiers are compared this way
 * rather than by Jaro–Winkler because a one-digit error in a number says much more than the number's similarity as a
 * string: 5304218 and 5304281 are very likely one person's, 5304218 and 5314219 are not.
 */
export function withinOneEdit(a: string, b: string): boolean {
  if (a === b) return true;
  const lengthDifference = a.length - b.length;
  if (lengthDifference > 1 || lengthDifference < -1) return false;
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  if (lengthDifference !== 0) {
    // Skip the one extra character of the longer string; the rest must agree.
    const [longer, shorter] = lengthDifference > 0 ? [a, b] : [b, a];
    return longer.slice(start + 1) === shorter.slice(start);
  }
  if (a.slice(start + 1) === b.slice(start + 1)) return true;
  return a[start] === b[start + 1] && a[start + 1] === b[start] && a.slice(start + 2) === b.slice(start + 2);
}
