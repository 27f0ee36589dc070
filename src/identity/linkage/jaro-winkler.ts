/**
 * @module identity/linkage/jaro-winkler
 * The Jaro–Winkler similarity of two strings (Winkler 1990, "String comparator metrics and enhanced decision rules in
 * the Fellegi–Sunter model of record linkage"): the Jaro similarity, raised for a common prefix of up to four
 * characters. It suits names because typing errors are rarer at the start of a name than later on.
 *
 * Jaro: m matching characters (equal, and no further apart than ⌊max(|a|,|b|)/2⌋ − 1), t half the number of matching
 * characters out of order; jaro = (m/|a| + m/|b| + (m − t)/m) / 3, or 0 when m = 0.
 * Winkler: jw = jaro + ℓ·p·(1 − jaro), ℓ the common prefix length (at most 4), p = 0.1.
 */

const PREFIX_SCALE = 0.1;
const MAX_PREFIX = 4;

export function jaro(a: string, b: string): number {
  if (a === b) return 1;
  if (a.length === 0 || b.length === 0) return 0;
  const window = Math.max(0, Math.floor(Math.max(a.length, b.length) / 2) - 1);
  const aMatched = new Uint8Array(a.length);
  const bMatched = new Uint8Array(b.length);
  let matches = 0;
  for (let i = 0; i < a.length; i++) {
    const from = Math.max(0, i - window);
    const to = Math.min(b.length - 1, i + window);
    for (let j = from; j <= to; j++) {
      if (bMatched[j] === 1 || a[i] !== b[j]) continue;
      aMatched[i] = 1;
      bMatched[j] = 1;
      matches++;
      break;
    }
  }
  if (matches === 0) return 0;
  let outOfOrder = 0;
  let k = 0;
  for (let i = 0; i < a.length; i++) {
    if (aMatched[i] !== 1) continue;
    while (bMatched[k] !== 1) k++;
    if (a[i] !== b[k]) outOfOrder++;
    k++;
  }
  const transpositions = outOfOrder / 2;
  return (matches / a.length + matches / b.length + (matches - transpositions) / matches) / 3;
}

export function jaroWinkler(a: string, b: string): number {
  const j = jaro(a, b);
  let prefix = 0;
  while (prefix < MAX_PREFIX && prefix < a.length && prefix < b.length && a[prefix] === b[prefix]) prefix++;
  return j + prefix * PREFIX_SCALE * (1 - j);
}
