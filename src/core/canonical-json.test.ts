import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json.js';

describe('canonical JSON', () => {
  it('gives equal values one text, whatever order their keys were built in', () => {
    expect(canonicalJson({ b: [1, { d: 'x', c: null }], a: true })).toBe(
      '{"a":true,"b":[1,{"c":null,"d":"x"}]}',
    );
    expect(canonicalJson({ a: true, b: [1, { c: null, d: 'x' }] })).toBe(
      canonicalJson({ b: [1, { d: 'x', c: null }], a: true }),
    );
  });

  it('leaves out undefined members, as JSON.stringify does, and writes undefined items as null', () => {
    expect(canonicalJson({ a: undefined, b: 2 })).toBe('{"b":2}');
    expect(canonicalJson([undefined, 'x'])).toBe(JSON.stringify([undefined, 'x']));
  });
});
