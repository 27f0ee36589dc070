/**
 * @module identity/linkage/nysiis
 * NYSIIS (New York State Identification and Intelligence System, Taft 1970), a phonetic code for names: names that
 * sound alike (Catherine, Katherine, Katerina → CATARAN) get the same code. Chosen over Double Metaphone because it is
 * short enough to write and check by hand, was designed for personal names in records, and gives one code per name,
 * which makes it usable as a blocking key. This follows the widely used jellyfish implementation (no truncation to six
 * characters, so longer names keep more of their distinction); the tests pin its published cases.
 *
 * Input should be normalised first (`normaliseName`): upper case A–Z only.
 */

const VOWELS = 'AEIOU';
const isVowel = (ch: string | undefined) => ch !== undefined && VOWELS.includes(ch);

export function nysiis(name: string): string {
  let s = name.toUpperCase().replace(/[^A-Z]/g, '');
  if (s === '') return '';
  // Step 1: prefixes.
  if (s.startsWith('MAC')) s = `MCC${s.slice(3)}`;
  else if (s.startsWith('KN')) s = s.slice(1);
  else if (s.startsWith('K')) s = `C${s.slice(1)}`;
  else if (s.startsWith('PH') || s.startsWith('PF')) s = `FF${s.slice(2)}`;
  else if (s.startsWith('SCH')) s = `SSS${s.slice(3)}`;
  // Step 2: suffixes.
  if (s.endsWith('IE') || s.endsWith('EE')) s = `${s.slice(0, -2)}Y`;
  else if (['DT', 'RT', 'RD', 'NT', 'ND'].some((end) => s.endsWith(end))) s = `${s.slice(0, -2)}D`;
  // Step 3: the first letter is kept as it is; step 4 translates the rest, never repeating the last letter written.
  let key = s.charAt(0);
  for (let i = 1; i < s.length; i++) {
    const here = s.charAt(i);
    const previous = s.charAt(i - 1);
    const next = s.charAt(i + 1);
    let out: string = here;
    if (here === 'E' && next === 'V') {
      out = 'AF';
      i++;
    } else if (isVowel(here)) out = 'A';
    else if (here === 'Q') out = 'G';
    else if (here === 'Z') out = 'S';
    else if (here === 'M') out = 'N';
    else if (here === 'K') out = next === 'N' ? 'N' : 'C';
    else if (here === 'S' && s.slice(i + 1, i + 3) === 'CH') {
      out = 'SS';
      i += 2;
    } else if (here === 'P' && next === 'H') {
      out = 'F';
      i++;
    } else if (here === 'H' && (!isVowel(previous) || next === '' || !isVowel(next))) {
      out = isVowel(previous) ? 'A' : previous;
    } else if (here === 'W' && isVowel(previous)) out = previous;
    if (out.charAt(out.length - 1) !== key.charAt(key.length - 1)) key += out;
  }
  // Steps 5–7: drop a final S, AY → Y, drop a final A.
  if (key.endsWith('S') && key !== 'S') key = key.slice(0, -1);
  if (key.endsWith('AY')) key = `${key.slice(0, -2)}Y`;
  if (key.endsWith('A') && key !== 'A') key = key.slice(0, -1);
  return key;
}
