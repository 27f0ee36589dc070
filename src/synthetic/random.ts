/**
 * @module synthetic/random
 * Seeded random numbers for the generator. Same seed and stream name → the same numbers on every machine and run,
 * which is what makes `accord generate --seed N` reproducible byte for byte. Each resident (or chunk) draws from its
 * own stream, so any part of the population can be generated — or regenerated after an interruption — on its own.
 *
 * The generator is sfc32 (Chris Doty-Humphrey's Small Fast Chaotic PRNG, 32-bit: 128 bits of state, passes
 * PractRand), seeded from SHA-256 of the seed and stream name, then stirred by discarding its first outputs.
 */
import { createHash } from 'node:crypto';

export interface Random {
  /** A number in [0, 1) with 32 bits of randomness. */
  next(): number;
  /** A whole number in [0, n). */
  int(n: number): number;
}

export function createRandom(seed: number | string, stream: string): Random {
  const digest = createHash('sha256')
    .update(`${String(seed)}\u0000${stream}`)
    .digest();
  let a = digest.readUInt32LE(0);
  let b = digest.readUInt32LE(4);
  let c = digest.readUInt32LE(8);
  let d = digest.readUInt32LE(12);
  const nextUint32 = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  for (let i = 0; i < 12; i++) nextUint32();
  const next = () => nextUint32() / 4294967296;
  return {
    next,
    int(n) {
      if (!Number.isInteger(n) || n <= 0) throw new Error('int(n) needs a whole number n > 0');
      return Math.floor(next() * n);
    },
  };
}
