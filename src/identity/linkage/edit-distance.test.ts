import { describe, expect, it } from 'vitest';
import { withinOneEdit } from './edit-distance.js';

describe('withinOneEdit', () => {
  it.each([
    ['5304218', '5304218'],
    ['5304218', '5304219'], // substitution
    ['5304218', '5304281'], // neighbours swapped
    ['5304218', '530418'], // deletion
    ['530418', '5304218'], // insertion
    ['', 'A'],
  ])('%s and %s are within one edit', (a, b) => {
    expect(withinOneEdit(a, b)).toBe(true);
  });

  it.each([
    ['5304218', '5314219'], // two substitutions
    ['5304218', '5314208'], // a swap of characters that are not neighbours
    ['5304218', '53042'], // two deletions
    ['ABC', 'CBA'],
    ['', 'AB'],
  ])('%s and %s are not', (a, b) => {
    expect(withinOneEdit(a, b)).toBe(false);
  });
});
