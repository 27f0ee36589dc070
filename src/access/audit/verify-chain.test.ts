/**
 * The pure checker over chains built in memory: each kind of tampering is named at the right seq.
 */
import { describe, expect, it } from 'vitest';
import { entryHash } from './canonical.js';
import { EMPTY_CHAIN, linkEntries } from './chain.js';
import { checkEntry, type AuditEntry } from './entry.js';
import { readEntry } from './test-entries.js';
import { checkChain, describeProblem } from './verify-chain.js';

function chain(length: number): AuditEntry[] {
  const contents = Array.from({ length }, (_, i) => {
    const checked = checkEntry(
      readEntry({ resourceId: `obs-${i + 1}` }),
      new Date(Date.UTC(2026, 2, 1, 9, 0, i)),
    );
    if (!checked.ok) throw new Error(checked.error.join('; '));
    return checked.value;
  });
  return linkEntries(EMPTY_CHAIN, contents);
}

describe('checkChain', () => {
  it('finds an intact chain intact and reports its head', () => {
    const entries = chain(5);
    const report = checkChain(entries);
    expect(report).toMatchObject({ checked: 5, problems: [], moreProblems: 0 });
    expect(report.head.seq).toBe(5);
    expect(report.head.hash.equals(entries[4]!.hash)).toBe(true);
  });

  it('finds an empty chain intact, with head seq 0', () => {
    expect(checkChain([])).toMatchObject({ checked: 0, problems: [], head: { seq: 0 } });
  });

  it('names an altered entry', () => {
    const entries = chain(5);
    entries[2] = { ...entries[2]!, actorName: 'Someone Else' };
    expect(checkChain(entries).problems).toEqual([{ kind: 'altered', seq: 3 }]);
  });

  it('names the next entry when an altered one was given a fresh hash too', () => {
    const entries = chain(5);
    const forged = { ...entries[2]!, actorName: 'Someone Else' };
    entries[2] = { ...forged, hash: entryHash(forged.prevHash, 3, forged) };
    expect(checkChain(entries).problems).toEqual([{ kind: 'broken-link', seq: 4 }]);
  });

  it('names a deleted entry as missing, and deleted first entries too', () => {
    const entries = chain(6);
    expect(checkChain(entries.filter((e) => e.seq !== 3)).problems).toEqual([
      { kind: 'missing', fromSeq: 3, toSeq: 3 },
    ]);
    expect(checkChain(entries.filter((e) => e.seq > 2)).problems).toEqual([
      { kind: 'missing', fromSeq: 1, toSeq: 2 },
    ]);
  });

  it('cannot see a deleted last entry without an anchor, and can with one', () => {
    const entries = chain(5);
    const anchor = checkChain(entries).head;
    expect(checkChain(entries.slice(0, 4)).problems).toEqual([]);
    expect(checkChain(entries.slice(0, 4), { anchor }).problems).toEqual([
      { kind: 'anchor-missing', seq: 5 },
    ]);
    expect(checkChain(entries, { anchor }).problems).toEqual([]);
  });

  it('names a rewritten anchored entry', () => {
    const entries = chain(5);
    const anchor = { seq: 3, hash: Buffer.alloc(32, 7) };
    expect(checkChain(entries, { anchor }).problems).toEqual([{ kind: 'anchor-mismatch', seq: 3 }]);
  });

  it('names swapped hashes', () => {
    const entries = chain(5);
    const [two, three] = [entries[1]!, entries[2]!];
    entries[1] = { ...two, hash: three.hash };
    entries[2] = { ...three, hash: two.hash };
    expect(checkChain(entries).problems).toEqual([
      { kind: 'altered', seq: 2 },
      { kind: 'altered', seq: 3 },
      { kind: 'broken-link', seq: 3 },
      { kind: 'broken-link', seq: 4 },
    ]);
  });

  it('keeps at most maxProblems and counts the rest', () => {
    const entries = chain(5).map((e) => ({ ...e, actor: 'x' }));
    const report = checkChain(entries, { maxProblems: 2 });
    expect(report.problems).toHaveLength(2);
    expect(report.moreProblems).toBe(3);
  });

  it('refuses entries out of seq order (a bug in the reader, not tampering)', () => {
    const entries = chain(3);
    expect(() => checkChain([entries[1]!, entries[0]!])).toThrow(/out of order/);
  });

  it('describes each problem with its seq', () => {
    expect(describeProblem({ kind: 'altered', seq: 7 })).toMatch(/^entry 7: altered/);
    expect(describeProblem({ kind: 'missing', fromSeq: 3, toSeq: 5 })).toMatch(/^entries 3–5: missing/);
    expect(describeProblem({ kind: 'broken-link', seq: 4 })).toMatch(/^entry 4: broken link .* entry 3/);
    expect(describeProblem({ kind: 'anchor-missing', seq: 9 })).toMatch(/^entry 9: missing/);
    expect(describeProblem({ kind: 'anchor-mismatch', seq: 9 })).toMatch(/^entry 9: its hash differs/);
  });
});
