/**
 * @module synthetic/random
 * Seeded random numbers for the generator. Same seed and stream name → the same numbers on every machine and run,
 * which is what makes `accord generate --seed N` reproducible byte for byte. Each resident (or chunk) draws from its
 * own stream, so any part of the population can be generated — or regenerated after an interruption — on its own.
 *
 * The generator is sfc32 (Chris Doty-Humphrey's Small Fast Chaotic PRNG, 32-bit: 128 bits of state, passes
 * PractRand), started from a 128-bit hash of the seed and stream name, then stirred by discarding its first outputs.
 */

export interface Random {
  /** A number in [0, 1) with 32 bits of randomness. */
  next(): number;
  /** A whole number in [0, n). */
  int(n: number): number;
}

/** MurmurHash3's finishing step: every input bit changes each output bit with probability about ½. */
function avalanche(h: number): number {
  let x = h ^ (h >>> 16);
  x = Math.imul(x, 0x85eb_ca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2_ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/**
 * 128 bits from a text, to start the generator: four 32-bit lanes each fold in every UTF-16 unit with their own odd
 * multiplier and rotation, then are mixed into one another and finished by `avalanche`, so names that differ in one
 * character ('slot/41', 'slot/42') start far apart. It need not be cryptographic, only spread names over the states;
 * SHA-256, which did the same, cost a visible share of generating millions of people and records.
 */
function seedState(text: string): [number, number, number, number] {
  let a = 0x243f_6a88; // the fractional digits of π, as four arbitrary distinct starting lanes
  let b = 0x85a3_08d3;
  let c = 0x1319_8a2e;
  let d = 0x0370_7344;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    a = Math.imul(a ^ unit, 0x9e37_79b1);
    a = (a << 13) | (a >>> 19);
    b = Math.imul(b ^ unit, 0x85eb_ca77);
    b = (b << 15) | (b >>> 17);
    c = Math.imul(c ^ unit, 0xc2b2_ae3d);
    c = (c << 17) | (c >>> 15);
    d = Math.imul(d ^ unit, 0x27d4_eb2f);
    d = (d << 19) | (d >>> 13);
  }
  for (let round = 0; round < 2; round++) {
    a = avalanche(a ^ Math.imul(d, 0x9e37_79b1) ^ text.length);
    b = avalanche(b ^ Math.imul(a, 0x85eb_ca77));
    c = avalanche(c ^ Math.imul(b, 0xc2b2_ae3d));
    d = avalanche(d ^ Math.imul(c, 0x27d4_eb2f));
  }
  return [a, b, c, d];
}

/**
 * sfc32 as a class rather than closures: every stream's `next` is then the same function, which the optimising
 * compiler inlines where it is called, instead of a new closure per stream returning each number boxed on the heap
 * (a person's hundreds of draws made a quarter of the simulation's garbage).
 */
class Sfc32 implements Random {
  #a: number;
  #b: number;
  #c: number;
  #d: number;

  constructor(a: number, b: number, c: number, d: number) {
    this.#a = a;
    this.#b = b;
    this.#c = c;
    this.#d = d;
    // Stir the state before the first number is used.
    for (let i = 0; i < 12; i++) this.#nextUint32();
  }

  #nextUint32(): number {
    const t = (((this.#a + this.#b) | 0) + this.#d) | 0;
    this.#d = (this.#d + 1) | 0;
    this.#a = this.#b ^ (this.#b >>> 9);
    this.#b = (this.#c + (this.#c << 3)) | 0;
    this.#c = (this.#c << 21) | (this.#c >>> 11);
    this.#c = (this.#c + t) | 0;
    return t >>> 0;
  }

  next(): number {
    return this.#nextUint32() / 4294967296;
  }

  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0) throw new Error('int(n) needs a whole number n > 0');
    return Math.floor(this.next() * n);
  }
}

export function createRandom(seed: number | string, stream: string): Random {
  const [a, b, c, d] = seedState(`${String(seed)}\u0000${stream}`);
  return new Sfc32(a, b, c, d);
}
