/**
 * @module synthetic/name-variants
 * The ways one person's name and date of birth come to differ between the records of two organisations: a nickname
 * (Bill for William), another romanisation (Mohammed, Muhammad, Mohamed; Zhang and Cheung), a dropped accent or
 * apostrophe, half of a double-barrelled surname, a mistyped letter, a date with day and month swapped. The
 * partner-feed generator plants these faults so record linkage (issue 4) is tested against the errors real feeds
 * carry; the identity module reuses the same variant table to recognise them.
 *
 * Every function is pure: the same input and the same Random stream give the same variant on every machine. Each
 * returns undefined when it has no variant to offer (a name with no known nickname, a single-part surname), so the
 * caller can try another kind of fault.
 */
import type { NameVariant, NameVariantKind } from './people.js';
import type { Random } from './random.js';

/** Variants of names by kind, looked up without regard to case. */
export interface NameVariantIndex {
  /** The variants of `name` of the given kinds, as the table writes them (formal → variant only). */
  variantsOf(name: string, kinds: readonly NameVariantKind[]): readonly string[];
  /**
   * Every name the table links to `name` in either direction, of any kind (William ↔ Bill, Muhammad ↔ Mohammed):
   * what record linkage treats as the same given name.
   */
  equivalentsOf(name: string): readonly string[];
}

const keyOf = (name: string) => name.trim().toLocaleLowerCase('en-GB');

export function compileNameVariants(rows: readonly NameVariant[]): NameVariantIndex {
  const forward = new Map<string, Map<NameVariantKind, string[]>>();
  const linked = new Map<string, Set<string>>();
  const link = (from: string, to: string) => {
    const set = linked.get(keyOf(from)) ?? new Set<string>();
    set.add(to);
    linked.set(keyOf(from), set);
  };
  for (const row of rows) {
    const byKind = forward.get(keyOf(row.formal)) ?? new Map<NameVariantKind, string[]>();
    const list = byKind.get(row.kind) ?? [];
    if (!list.includes(row.variant)) list.push(row.variant);
    byKind.set(row.kind, list);
    forward.set(keyOf(row.formal), byKind);
    link(row.formal, row.variant);
    link(row.variant, row.formal);
  }
  return {
    variantsOf(name, kinds) {
      const byKind = forward.get(keyOf(name));
      return byKind === undefined ? [] : kinds.flatMap((kind) => byKind.get(kind) ?? []);
    },
    equivalentsOf(name) {
      return [...(linked.get(keyOf(name)) ?? [])].filter((other) => keyOf(other) !== keyOf(name));
    },
  };
}

/** Writes `variant` in the case style of `original`: all capitals, all lower case, or as the table has it. */
function inCaseOf(original: string, variant: string): string {
  if (original === original.toLocaleUpperCase('en-GB') && original !== original.toLocaleLowerCase('en-GB')) {
    return variant.toLocaleUpperCase('en-GB');
  }
  if (original === original.toLocaleLowerCase('en-GB') && original !== original.toLocaleUpperCase('en-GB')) {
    return variant.toLocaleLowerCase('en-GB');
  }
  return variant;
}

function pick<T>(items: readonly T[], random: Random): T | undefined {
  return items.length === 0 ? undefined : items[random.int(items.length)];
}

/** A nickname or short form of a given name (William → Bill, Will, Billy…), or undefined if the table has none. */
export function nicknameOf(given: string, random: Random, index: NameVariantIndex): string | undefined {
  const chosen = pick(index.variantsOf(given, ['nickname']), random);
  return chosen === undefined ? undefined : inCaseOf(given, chosen);
}

const FOLDED: Readonly<Record<string, string>> = {
  ł: 'l',
  Ł: 'L',
  ø: 'o',
  Ø: 'O',
  ß: 'ss',
  æ: 'ae',
  Æ: 'AE',
  đ: 'd',
  Đ: 'D',
  ı: 'i',
};

/**
 * The name as a system limited to plain ASCII letters stores it: accents dropped (Wiśniewska → Wisniewska,
 * Seán → Sean), letters with no decomposition replaced (ł → l, ß → ss), apostrophes removed (O'Brien → OBrien).
 */
export function asciiFold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[łŁøØßæÆđĐı]/g, (letter) => FOLDED[letter] ?? letter)
    .replace(/['’]/g, '');
}

/**
 * Another writing of the same name: a different romanisation (Mohammed → Muhammad, Zhang → Cheung), another
 * spelling (Stephen → Steven, O'Brien → O Brien), or the name with its accents and apostrophes dropped. Undefined when
 * there is none.
 */
export function transliterationOf(name: string, random: Random, index: NameVariantIndex): string | undefined {
  const candidates = [...index.variantsOf(name, ['transliteration', 'spelling'])];
  const folded = asciiFold(name);
  if (folded !== name && !candidates.includes(folded)) candidates.push(folded);
  const chosen = pick(candidates, random);
  return chosen === undefined ? undefined : inCaseOf(name, chosen);
}

/** Words that begin a surname but are not one on their own: Al-Hassan may become Hassan, never Al. */
const PARTICLES = new Set([
  'al',
  'el',
  'ul',
  'bin',
  'ibn',
  'abu',
  'de',
  'da',
  'di',
  'du',
  'van',
  'von',
  'der',
  'le',
  'la',
]);

/**
 * A double-barrelled or multi-part surname recorded differently: hyphen and space swapped (Smith-Jones ↔ Smith Jones),
 * or one part only (Smith or Jones; Al-Hassan → Hassan or AlHassan). Undefined for a single-part surname.
 */
export function hyphenationVariant(family: string, random: Random): string | undefined {
  const trimmed = family.trim();
  const parts = trimmed.split(/[\s-]+/).filter((part) => part !== '');
  if (parts.length < 2) return undefined;
  const candidates: string[] = [];
  const swapped = trimmed
    .replace(/[\s-]/g, (separator) => (separator === '-' ? ' ' : '-'))
    .replace(/\s+/g, ' ');
  if (swapped !== trimmed) candidates.push(swapped);
  const [first] = parts;
  if (first !== undefined && PARTICLES.has(first.toLocaleLowerCase('en-GB'))) {
    // The particle stays with the name: written together, or dropped with its separator.
    candidates.push(parts.join(''), parts.slice(1).join(' '));
  } else {
    for (const part of parts) {
      if (!PARTICLES.has(part.toLocaleLowerCase('en-GB')) && !candidates.includes(part))
        candidates.push(part);
    }
  }
  return pick(
    candidates.filter((candidate) => candidate !== trimmed),
    random,
  );
}

/** Keys next to each letter on a UK QWERTY keyboard. */
const ADJACENT: Readonly<Record<string, string>> = {
  q: 'wa',
  w: 'qeas',
  e: 'wrsd',
  r: 'etdf',
  t: 'ryfg',
  y: 'tugh',
  u: 'yihj',
  i: 'uojk',
  o: 'ipkl',
  p: 'ol',
  a: 'qwsz',
  s: 'awedxz',
  d: 'serfcx',
  f: 'drtgvc',
  g: 'ftyhbv',
  h: 'gyujnb',
  j: 'huikmn',
  k: 'jiolm',
  l: 'kop',
  z: 'asx',
  x: 'zsdc',
  c: 'xdfv',
  v: 'cfgb',
  b: 'vghn',
  n: 'bhjm',
  m: 'njk',
};

function neighboursOf(character: string): string {
  return ADJACENT[character.toLowerCase()] ?? '';
}

function matchCase(model: string, character: string): string {
  return model === model.toUpperCase() && model !== model.toLowerCase() ? character.toUpperCase() : character;
}

const graphemes = new Intl.Segmenter('en-GB', { granularity: 'grapheme' });

export type TypoKind = 'substitution' | 'deletion' | 'insertion' | 'transposition';

/**
 * One keying error, as a clerk makes them: a letter replaced by a neighbouring key, a character left out, a
 * neighbouring key (or the same key twice) struck as well, or two adjacent different characters swapped. The result
 * always differs from `text` (unless `text` is empty, which is returned as it is).
 */
export function typo(text: string, random: Random): string {
  // Whole graphemes, so an accented letter is kept or dropped as one character.
  const characters = Array.from(graphemes.segment(text), (part) => part.segment);
  const n = characters.length;
  if (n === 0) return text;
  const letters = characters.flatMap((character, i) => (neighboursOf(character) === '' ? [] : [i]));
  const swappable = characters.flatMap((character, i) =>
    i + 1 < n && character !== characters[i + 1] ? [i] : [],
  );
  const kinds: TypoKind[] = [];
  if (letters.length > 0) kinds.push('substitution', 'insertion');
  if (n >= 2) kinds.push('deletion');
  if (swappable.length > 0) kinds.push('transposition');
  if (kinds.length === 0) return `${text}${text.slice(-1)}`; // e.g. "7": the only slip left is a doubled key
  const kind = pick(kinds, random) as TypoKind;
  const out = [...characters];
  switch (kind) {
    case 'substitution': {
      const i = pick(letters, random) as number;
      const original = characters[i] as string;
      const keys = neighboursOf(original);
      out[i] = matchCase(original, keys.charAt(random.int(keys.length)));
      break;
    }
    case 'insertion': {
      const i = pick(letters, random) as number;
      const original = characters[i] as string;
      const keys = `${original.toLowerCase()}${neighboursOf(original)}`;
      const extra = matchCase(original, keys.charAt(random.int(keys.length)));
      out.splice(random.next() < 0.5 ? i : i + 1, 0, extra);
      break;
    }
    case 'deletion':
      out.splice(random.int(n), 1);
      break;
    case 'transposition': {
      const i = pick(swappable, random) as number;
      out[i] = characters[i + 1] as string;
      out[i + 1] = characters[i] as string;
      break;
    }
  }
  return out.join('');
}

/**
 * The date with day and month swapped, as when a date written 03/07/1980 is read the American way: only possible
 * when the day is 12 or less and differs from the month (otherwise the swap is not a valid date, or changes nothing),
 * so undefined then, and for text that is not a real ISO date (YYYY-MM-DD). Needs no randomness: the swap is fixed.
 */
export function swapDayMonth(isoDate: string): string | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate);
  if (match === null) return undefined;
  const [, year, month, day] = match as unknown as [string, string, string, string];
  const parsed = new Date(`${isoDate}T00:00:00Z`);
  if (Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== isoDate) return undefined;
  if (Number(day) > 12 || day === month) return undefined;
  return `${year}-${day}-${month}`;
}
