/**
 * Releasing transformation funding, rule by rule: the tranche's amount, the milestones verified that day, and the
 * release body's agreed decision, not used before. Every reason given at once.
 */
import { describe, expect, it } from 'vitest';
import { checkRelease, type ReleaseFacts, type ReleaseInput } from './rules.js';

const release = (over: Partial<ReleaseInput> = {}): ReleaseInput => ({
  tranche: 1,
  amountPence: 40_000_000,
  decision: 'PB-2025-004',
  releasedOn: '2025-07-01',
  reason: 'First year of the stroke network',
  ...over,
});

const facts = (over: Partial<ReleaseFacts> = {}): ReleaseFacts => ({
  releaseBody: { id: 'partnership-board', name: 'Riverside Partnership Board' },
  tranche: { amountPence: 50_000_000, releasedPence: 0, milestones: ['stroke-unit-open'] },
  milestones: new Map([['stroke-unit-open', { title: 'Stroke unit open', state: 'verified' }]]),
  decision: { bodyId: 'partnership-board', outcome: 'agreed', decidedOn: '2025-06-12' },
  today: '2025-07-01',
  ...over,
});

const messages = (i: ReleaseInput, f: ReleaseFacts) =>
  checkRelease(i, f).map((x) => `${x.path}: ${x.message}`);

describe('a release', () => {
  it('is allowed when the milestones are verified and the release body agreed it', () => {
    expect(checkRelease(release(), facts())).toEqual([]);
  });

  it('is refused until every milestone is verified: reported is not enough', () => {
    const reported = facts({
      milestones: new Map([['stroke-unit-open', { title: 'Stroke unit open', state: 'reported' }]]),
    });
    expect(messages(release(), reported)).toEqual([
      'tranche: milestone “Stroke unit open” is not verified (reported complete but not yet verified) on 2025-07-01',
    ]);
    const none = facts({
      milestones: new Map([['stroke-unit-open', { title: 'Stroke unit open', state: 'not-reported' }]]),
    });
    expect(messages(release(), none)[0]).toContain('(not reported)');
  });

  it('never goes beyond the tranche', () => {
    const half = facts({
      tranche: { amountPence: 50_000_000, releasedPence: 30_000_000, milestones: ['stroke-unit-open'] },
    });
    expect(messages(release(), half)).toEqual([
      'amountPence: is beyond the tranche: £200,000.00 of its £500,000.00 is left to release',
    ]);
    expect(checkRelease(release({ amountPence: 20_000_000 }), half)).toEqual([]);
  });

  it('needs the release body’s agreed decision, made by the release day, used once', () => {
    const other = facts({
      decision: {
        bodyId: 'north-bank-hwb',
        outcome: 'not-agreed',
        decidedOn: '2025-07-09',
        usedBy: 'tranche 2 of fund 1',
      },
    });
    expect(messages(release(), other)).toEqual([
      'decision: PB-2025-004 is not a decision of the Riverside Partnership Board, which releases this fund',
      'decision: PB-2025-004 was not agreed',
      'decision: PB-2025-004 was made after the release date',
      'decision: PB-2025-004 has already released tranche 2 of fund 1',
    ]);
    expect(messages(release(), facts({ decision: undefined }))).toEqual([
      'decision: there is no decision PB-2025-004 in the register',
    ]);
  });

  it('is not dated in the future, and names a tranche the fund has', () => {
    expect(messages(release({ releasedOn: '2025-07-02' }), facts())).toContain(
      'releasedOn: must not be in the future',
    );
    expect(messages(release({ tranche: 3 }), facts({ tranche: undefined }))).toEqual([
      'tranche: the fund has no such tranche',
    ]);
  });
});
