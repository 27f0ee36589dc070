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

// Scratch flags reused across calls: Jaro–Winkler runs tens of millions of times in a large linkage run, and two
// fresh arrays per call would be most of its cost. Grown when a longer string comes.
let aMatched = new Uint8Array(64);
let bMatched = new Uint8Array(64);

export function jaro(a: string, b: string): number {
  if (a === b) return 1;
  const aLength = a.length;
  const bLength = b.length;
  if (aLength === 0 || bLength === 0) return 0;
  if (aLength > aMatched.length) aMatched = new Uint8Array(2 * aLength);
  if (bLength > bMatched.length) bMatched = new Uint8Array(2 * bLength);
  aMatched.fill(0, 0, aLength);
  bMatched.fill(0, 0, bLength);
  const window = Math.max(0, Math.floor(Math.max(aLength, bLength) / 2) - 1);
  let matches = 0;
  for (let i = 0; i < aLength; i++) {
    const from = Math.max(0, i - window);
    const to = Math.min(bLength - 1, i + window);
    const code = a.charCodeAt(i);
    for (let j = from; j <= to; j++) {
      if (bMatched[j] === 1 || code !== b.charCodeAt(j)) continue;
      aMatched[i] = 1;
      bMatched[j] = 1;
      matches++;
      break;
    }
  }
  if (matches === 0) return 0;
  let outOfOrder = 0;
  let k = 0;
  for (let i = 0; i < aLength; i++) {
    if (aMatched[i] !== 1) continue;
    while (bMatched[k] !== 1) k++;
    if (a.charCodeAt(i) !== b.charCodeAt(k)) outOfOrder++;
    k++;
  }
  const transpositions = outOfOrder / 2;
  return (matches / aLength + matches / bLength + (matches - transpositions) / matches) / 3;
}

export function jaroWinkler(a: string, b: string): number {
  const j = jaro(a, b);
  let prefix = 0;
  while (
    prefix < MAX_PREFIX &&
    prefix < a.length &&
    prefix < b.length &&
    a.charCodeAt(prefix) === b.charCodeAt(prefix)
  )
    prefix++;
  return j + prefix * PREFIX_SCALE * (1 - j);
}

// Character counts for the bound below, indexed by UTF-16 code unit (ASCII only; other text skips the bound).
const counts = new Int32Array(128);

/**
 * An upper bound on the Jaro–Winkler similarity, in time linear in the strings' lengths: Jaro's matching characters
 * are at most the characters the strings have in common wherever they stand, and its transposition term is at most
 * 1; Jaro–Winkler grows with Jaro for a given prefix. Returns 1 (no bound) for text outside ASCII.
 */
export function jaroWinklerBound(a: string, b: string): number {
  const aLength = a.length;
  const bLength = b.length;
  if (aLength === 0 || bLength === 0) return a === b ? 1 : 0;
  let ascii = true;
  for (let i = 0; i < aLength; i++) {
    const code = a.charCodeAt(i);
    if (code >= 128) {
      ascii = false;
      break;
    }
    counts[code] = (counts[code] ?? 0) + 1;
  }
  let common = 0;
  if (ascii) {
    for (let j = 0; j < bLength; j++) {
      const code = b.charCodeAt(j);
      if (code >= 128) {
        ascii = false;
        break;
      }
      if ((counts[code] ?? 0) > 0) {
        counts[code] = (counts[code] ?? 0) - 1;
        common++;
      }
    }
  }
  for (let i = 0; i < aLength; i++) {
    const code = a.charCodeAt(i);
    if (code < 128) counts[code] = 0;
  }
  if (!ascii) return 1;
  if (common === 0) return 0;
  const matches = Math.min(common, aLength, bLength);
  const jaroBound = (matches / aLength + matches / bLength + 1) / 3;
  let prefix = 0;
  while (
    prefix < MAX_PREFIX &&
    prefix < aLength &&
    prefix < bLength &&
    a.charCodeAt(prefix) === b.charCodeAt(prefix)
  )
    prefix++;
  return jaroBound + prefix * PREFIX_SCALE * (1 - jaroBound);
}

/**
 * The Jaro–Winkler similarity when it may reach `floor`, else −1: most pairs of unrelated names are ruled out by the
 * cheap bound without the full computation. The margin keeps the bound's rounding from ever ruling out a pair whose
 * similarity is exactly at the floor.
 */
export function jaroWinklerFrom(a: string, b: string, floor: number): number {
  return jaroWinklerBound(a, b) < floor - 1e-9 ? -1 : jaroWinkler(a, b);
}
