import { describe, expect, it } from 'vitest';
import {
  asciiFold,
  compileNameVariants,
  hyphenationVariant,
  nicknameOf,
  swapDayMonth,
  transliterationOf,
  typo,
} from './name-variants.js';
import { loadPeople } from './people.js';
import { createRandom, type Random } from './random.js';

function committedIndex() {
  const tables = loadPeople();
  if (!tables.ok) throw new Error(JSON.stringify(tables.error.slice(0, 10), null, 2));
  return compileNameVariants(tables.value.nicknames);
}

/** Every value `f` gives over many draws from one stream. */
function outcomes<T>(f: (random: Random) => T, draws = 400, stream = 'variants'): Set<T> {
  const random = createRandom(1, stream);
  return new Set(Array.from({ length: draws }, () => f(random)));
}

/** Optimal string alignment distance: edits of one character, or a swap of two adjacent ones. */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number) => d[i]?.[j] ?? 0;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, at(i - 2, j - 2) + 1);
      (d[i] as number[])[j] = best;
    }
  }
  return at(a.length, b.length);
}

describe('nicknameOf', () => {
  const index = committedIndex();

  it("gives each of a name's nicknames, in the name's case", () => {
    expect(outcomes((random) => nicknameOf('William', random, index))).toEqual(
      new Set(['Bill', 'Will', 'Billy', 'Willie', 'Liam']),
    );
    expect(outcomes((random) => nicknameOf('ELIZABETH', random, index))).toEqual(
      new Set(['LIZ', 'BETH', 'BETTY', 'LIZZIE', 'ELIZA', 'LIBBY', 'BESS']),
    );
    expect(nicknameOf('kulwinder', createRandom(1, 'k'), index)).toMatch(/^(kully|kul)$/);
  });

  it('gives undefined for a name with no nickname, and never a transliteration', () => {
    expect(nicknameOf('Zebedee', createRandom(1, 'z'), index)).toBeUndefined();
    expect(outcomes((random) => nicknameOf('Mohammed', random, index))).toEqual(new Set(['Mo']));
  });
});

describe('transliterationOf', () => {
  const index = committedIndex();

  it('gives other romanisations of the same name', () => {
    expect(outcomes((random) => transliterationOf('Mohammed', random, index))).toEqual(
      new Set(['Muhammad', 'Mohammad', 'Mohamed', 'Mohamad', 'Muhammed', 'Mohammod']),
    );
    expect(outcomes((random) => transliterationOf('Zhang', random, index))).toEqual(
      new Set(['Cheung', 'Chang']),
    );
  });

  it('drops accents and apostrophes as an ASCII-only system does', () => {
    expect(transliterationOf('Wiśniewska', createRandom(1, 'w'), index)).toBe('Wisniewska');
    expect(outcomes((random) => transliterationOf("O'Brien", random, index))).toEqual(
      new Set(['OBrien', 'O Brien', "O'Bryan"]),
    );
    expect(asciiFold('Małgorzata Dąbrowska')).toBe('Malgorzata Dabrowska');
    expect(asciiFold('Róisín')).toBe('Roisin');
  });

  it('gives undefined when there is nothing to vary', () => {
    expect(transliterationOf('Taylor', createRandom(1, 't'), index)).toBeUndefined();
  });
});

describe('hyphenationVariant', () => {
  it('swaps hyphen and space, or keeps one part, of a double-barrelled surname', () => {
    expect(outcomes((random) => hyphenationVariant('Smith-Jones', random))).toEqual(
      new Set(['Smith Jones', 'Smith', 'Jones']),
    );
    expect(outcomes((random) => hyphenationVariant('Bowes Lyon', random))).toEqual(
      new Set(['Bowes-Lyon', 'Bowes', 'Lyon']),
    );
  });

  it('never leaves a particle on its own (Al-Hassan is never recorded as Al)', () => {
    expect(outcomes((random) => hyphenationVariant('Al-Hassan', random))).toEqual(
      new Set(['Al Hassan', 'AlHassan', 'Hassan']),
    );
  });

  it('gives undefined for a single-part surname', () => {
    expect(hyphenationVariant('Hussain', createRandom(1, 'h'))).toBeUndefined();
  });
});

describe('typo', () => {
  it('makes exactly one keying error, of each of the four kinds', () => {
    const seen = new Set<string>();
    const random = createRandom(3, 'typo');
    for (let i = 0; i < 2000; i++) {
      const slipped = typo('Hussain', random);
      expect(slipped).not.toBe('Hussain');
      expect(editDistance('Hussain', slipped), slipped).toBe(1);
      if (slipped.length === 6) {
        seen.add('deletion');
      } else if (slipped.length === 8) {
        seen.add('insertion');
      } else if (Array.from(slipped).sort().join('') === Array.from('Hussain').sort().join('')) {
        seen.add('transposition');
      } else {
        seen.add('substitution');
      }
    }
    expect(seen).toEqual(new Set(['deletion', 'insertion', 'transposition', 'substitution']));
  });

  it('substitutes only a neighbouring key, in the same case', () => {
    const random = createRandom(4, 'typo');
    const neighbours = new Set(['Q', 'W', 'S', 'Z']); // around A on a QWERTY keyboard
    for (let i = 0; i < 500; i++) {
      const slipped = typo('A', random);
      // One letter: substitution or insertion (a neighbour, or the key struck twice).
      if (slipped.length === 1) expect(neighbours.has(slipped), slipped).toBe(true);
      else expect(slipped).toMatch(/^(A[AQWSZ]|[AQWSZ]A)$/);
    }
  });

  it('is deterministic for the same Random stream', () => {
    const run = () => {
      const random = createRandom(9, 'same');
      return ['Smith', 'Mohammed', 'Gurpreet', 'Wiśniewska'].map((name) => typo(name, random));
    };
    expect(run()).toEqual(run());
  });

  it('leaves an empty text empty', () => {
    expect(typo('', createRandom(1, 'e'))).toBe('');
  });
});

describe('swapDayMonth', () => {
  it('swaps day and month when the day is 12 or less and differs from the month', () => {
    expect(swapDayMonth('1980-03-07')).toBe('1980-07-03');
    expect(swapDayMonth('2001-12-01')).toBe('2001-01-12');
  });

  it('gives undefined when the swap is impossible or changes nothing', () => {
    expect(swapDayMonth('1980-03-13')).toBeUndefined(); // no 13th month
    expect(swapDayMonth('1980-05-05')).toBeUndefined(); // the same date
    expect(swapDayMonth('1980-02-30')).toBeUndefined(); // not a real date
    expect(swapDayMonth('07/03/1980')).toBeUndefined(); // not ISO
  });
});
