/**
 * The chain's arithmetic, pure: the serialisation is unambiguous and independent of key order, every field changes
 * the hash, and entries are checked before they can be queued.
 */
import { describe, expect, it } from 'vitest';
import {
  canonicalEntry,
  canonicalEntryPlain,
  canonicalJson,
  entryHash,
  formatRecordedAt,
  GENESIS_HASH,
} from './canonical.js';
import { checkEntry } from './entry.js';
import { PERSON, readEntry } from './test-entries.js';

const AT = new Date('2026-03-01T09:15:30.123Z');

function content(overrides: Parameters<typeof readEntry>[0] = {}) {
  const checked = checkEntry(readEntry(overrides), AT);
  if (!checked.ok) throw new Error(checked.error.join('; '));
  return checked.value;
}

describe('canonicalJson', () => {
  it('sorts keys at every depth and adds no spaces', () => {
    expect(canonicalJson({ b: 1, a: [{ d: null, c: 'x' }], '10': true, '9': false })).toBe(
      '{"10":true,"9":false,"a":[{"c":"x","d":null}],"b":1}',
    );
  });

  it('quotes every string, so no value can pose as a separator', () => {
    const one = canonicalEntry(1, content({ actorName: 'A","B' }));
    const two = canonicalEntry(1, content({ actorName: 'A', organisation: 'B' }));
    expect(one).not.toBe(two);
    expect(one).toContain('"A\\",\\"B"');
  });
});

describe('canonicalEntry', () => {
  it('is exactly canonicalJson of the fixed-order array', () => {
    const entries = [
      content(),
      content({
        role: null,
        personId: null,
        resourceId: null,
        detail: { z: [1, { b: 2, a: 'é"\\' }], a: null },
      }),
      content({ actorName: 'Nurse "Jo" O\'Neill\n', purpose: 'emergency 🚑', detail: { '10': 1, '9': 2 } }),
    ];
    for (const [i, entry] of entries.entries()) {
      expect(canonicalEntry(i + 1, entry)).toBe(canonicalEntryPlain(i + 1, entry));
    }
    expect(canonicalEntry(1, content())).toMatch(/^\["accord-audit\/1",1,"2026-03-01T09:15:30\.123000Z",/);
  });
});

describe('entryHash', () => {
  it('is SHA-256 of the previous hash and the serialisation', () => {
    const hash = entryHash(GENESIS_HASH, 1, content());
    expect(hash).toHaveLength(32);
    expect(entryHash(GENESIS_HASH, 1, content()).equals(hash)).toBe(true);
  });

  it('changes with every field, the seq and the previous hash', () => {
    const base = entryHash(GENESIS_HASH, 1, content()).toString('hex');
    const variants = [
      entryHash(GENESIS_HASH, 2, content()),
      entryHash(Buffer.alloc(32, 1), 1, content()),
      entryHash(GENESIS_HASH, 1, { ...content(), recordedAt: '2026-03-01T09:15:30.123001Z' }),
      entryHash(GENESIS_HASH, 1, content({ actor: 'someone-else' })),
      entryHash(GENESIS_HASH, 1, content({ actorName: 'Dr B' })),
      entryHash(GENESIS_HASH, 1, content({ role: null })),
      entryHash(GENESIS_HASH, 1, content({ organisation: 'other-org' })),
      entryHash(GENESIS_HASH, 1, content({ personId: null })),
      entryHash(GENESIS_HASH, 1, content({ action: 'vread' })),
      entryHash(GENESIS_HASH, 1, content({ resourceType: 'Condition' })),
      entryHash(GENESIS_HASH, 1, content({ resourceId: null })),
      entryHash(GENESIS_HASH, 1, content({ purpose: 'unconscious in A&E' })),
      entryHash(GENESIS_HASH, 1, content({ outcome: 'denied' })),
      entryHash(GENESIS_HASH, 1, content({ detail: { query: 'code=1' } })),
    ].map((hash) => hash.toString('hex'));
    expect(new Set([base, ...variants]).size).toBe(variants.length + 1);
  });

  it('does not depend on the order the detail was built in', () => {
    const one = entryHash(GENESIS_HASH, 1, content({ detail: { a: 1, b: 'x' } }));
    const two = entryHash(GENESIS_HASH, 1, content({ detail: { b: 'x', a: 1 } }));
    expect(one.equals(two)).toBe(true);
  });
});

describe('formatRecordedAt', () => {
  it('writes microseconds in UTC, as PostgreSQL renders a timestamptz', () => {
    expect(formatRecordedAt(AT)).toBe('2026-03-01T09:15:30.123000Z');
  });

  it('refuses an invalid date or one outside the years 1 to 9999', () => {
    expect(formatRecordedAt(new Date(Number.NaN))).toBeUndefined();
    expect(formatRecordedAt(new Date('+010000-01-01T00:00:00Z'))).toBeUndefined();
  });
});

describe('checkEntry', () => {
  it('lower-cases the person id, as PostgreSQL gives a uuid back', () => {
    expect(content({ personId: PERSON.toUpperCase() }).personId).toBe(PERSON);
  });

  it('refuses what PostgreSQL could not store as hashed, naming every problem', () => {
    const checked = checkEntry(
      readEntry({
        actor: '',
        actorName: 'nul\u0000name',
        personId: 'not-a-uuid',
        resourceType: 'lone\ud800surrogate',
        detail: { n: Number.POSITIVE_INFINITY },
      }),
      AT,
    );
    expect(checked.ok).toBe(false);
    if (checked.ok) return;
    expect(checked.error).toHaveLength(5);
    expect(checked.error.join('\n')).toMatch(/actor must be text/);
    expect(checked.error.join('\n')).toMatch(/actorName holds a NUL/);
    expect(checked.error.join('\n')).toMatch(/personId must be a uuid/);
    expect(checked.error.join('\n')).toMatch(/resourceType holds a NUL character or a lone surrogate/);
    expect(checked.error.join('\n')).toMatch(/detail must be a JSON object/);
  });

  it('accepts a proper surrogate pair (an emoji in a break-glass reason)', () => {
    expect(checkEntry(readEntry({ purpose: 'patient 🚑 unconscious' }), AT).ok).toBe(true);
  });

  it('refuses a detail JSON would not keep as given (a Date, undefined, a function)', () => {
    for (const value of [new Date(), undefined, () => 1]) {
      const detail = { value } as unknown as Record<string, string>;
      expect(checkEntry(readEntry({ detail }), AT).ok).toBe(false);
    }
  });

  it('refuses a detail larger than the limit', () => {
    const checked = checkEntry(readEntry({ detail: { query: 'x'.repeat(5000) } }), AT);
    expect(checked.ok).toBe(false);
  });
});
