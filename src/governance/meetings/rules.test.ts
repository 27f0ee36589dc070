/**
 * The rules of meetings on the fictional Riverside partnership: its Partnership Board (quorum three voting members,
 * at least one from a council and one from the NHS; a delegation from the councils and the ICB for the stroke and
 * digital programmes from July 2022). Each case builds a meeting from its events and asks what may be recorded next.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../core/paths.js';
import { loadPartnership, type Partnership } from '../../partnership/index.js';
import type { ProposalRecord } from '../repository.js';
import type { Command } from './commands.js';
import { foldMeeting, type Meeting, type MeetingEvent } from './meeting.js';
import { foldRegister, type RegisterEvent } from './members.js';
import { decide, type RuleContext } from './rules.js';

const loaded = loadPartnership(join(packageRoot, 'test', 'fixtures', 'partnerships', 'riverside'));
if (!loaded.ok) throw new Error('riverside does not load');
const riverside: Partnership = loaded.value.partnership;
const board = riverside.bodies.find((b) => b.id === 'partnership-board')!;

const appointed = (name: string, organisation: string, role: string, voting = true): RegisterEvent => ({
  kind: 'appointed',
  payload: { name, organisation, role, voting, from: '2023-01-01' },
});
const register = foldRegister(
  [
    appointed('Cllr Ada North', 'north-bank-council', 'Leader of the Council'), // 1
    appointed('Cllr Ben South', 'south-bank-council', 'Leader of the Council'), // 2
    appointed('Cara Hale', 'riverside-hospitals', 'Chair'), // 3
    appointed('Dev Minton', 'riverside-minds', 'Chair'), // 4
    appointed('Esther Ives', 'riverside-icb', 'Chair'), // 5
    appointed('Finn Watch', 'healthwatch-north-bank', 'Healthwatch representative', false), // 6
  ].map((event, i) => ({ seq: i + 1, event })),
);

// Thursday 12 June 2025, 2pm in London.
const STARTS = '2025-06-12T13:00:00.000Z';
const by = { name: 'Clerk', organisation: 'riverside-icb' };

function meetingOf(events: MeetingEvent[], startsAt = STARTS, id = 1): Meeting {
  const all: MeetingEvent[] = [
    { kind: 'scheduled', payload: { startsAt, location: 'Town Hall', inPublic: true } },
    ...events,
  ];
  return foldMeeting(
    id,
    'partnership-board',
    all.map((event, i) => ({ seq: i + 1, event, by, at: new Date('2025-05-01T09:00:00Z') })),
  );
}

const proposal = (over: Partial<ProposalRecord['routings'][number]> = {}, open = false): ProposalRecord =>
  ({
    id: 7,
    content: { places: ['north-bank', 'south-bank'] },
    routings: [
      {
        version: 1,
        rule: 'system-delegation',
        bodies: ['partnership-board'],
        organisations: [],
        delegation: 'councils-to-partnership-board',
        ...over,
      },
    ],
    challenges: open ? [{ id: 1, resolution: undefined }] : [],
  }) as unknown as ProposalRecord;

const context = (over: Partial<RuleContext> = {}): RuleContext => ({
  partnership: riverside,
  body: board,
  register,
  now: new Date('2025-06-12T15:00:00Z'),
  today: '2025-06-12',
  nextReference: 'PB-2025-001',
  ...over,
});

const decisionItem: MeetingEvent = {
  kind: 'item-added',
  payload: { number: 1, title: 'Stroke services', purpose: 'decision', proposal: 7 },
};
const attendance = (present: number[]): MeetingEvent => ({
  kind: 'attendance-recorded',
  payload: { present, apologies: [] },
});
const vote = (votesFor: number[], votesAgainst: number[] = [], abstentions: number[] = []): Command => ({
  name: 'decision',
  input: {
    item: 1,
    resolution: 'Agreed to plan stroke services once.',
    method: 'vote',
    votesFor,
    votesAgainst,
    abstentions,
  },
});
const consensus: Command = {
  name: 'decision',
  input: {
    item: 1,
    resolution: 'Agreed.',
    method: 'consensus',
    votesFor: [],
    votesAgainst: [],
    abstentions: [],
  },
};

const refusal = (result: ReturnType<typeof decide>) => {
  if (result.ok) throw new Error(`expected a refusal, got ${JSON.stringify(result.value)}`);
  return [result.error.title, ...(result.error.issues ?? []).map((i) => i.message)].join(' | ');
};

describe('papers and five clear days', () => {
  const paper = (lateReason?: string): Command => ({
    name: 'paper',
    input: {
      item: 1,
      title: 'Report',
      summary: 'The report.',
      ...(lateReason === undefined ? {} : { lateReason }),
    },
  });
  const m = meetingOf([decisionItem]);

  it('a paper published five clear days before is on time', () => {
    const result = decide(
      m,
      paper(),
      context({ today: '2025-06-04', now: new Date('2025-06-04T10:00:00Z') }),
    );
    expect(result.ok && result.value).toMatchObject({ kind: 'paper-published', payload: { clearDays: 5 } });
    expect(result.ok && 'lateReason' in result.value.payload).toBe(false);
  });

  it('a day later it is late, and needs the reason, which is published with it', () => {
    const ctx = context({ today: '2025-06-05', now: new Date('2025-06-05T10:00:00Z') });
    expect(refusal(decide(m, paper(), ctx))).toContain('4 clear days before the meeting, fewer than 5');
    const result = decide(m, paper('The figures arrived on 4 June.'), ctx);
    expect(result.ok && result.value.payload).toMatchObject({
      clearDays: 4,
      lateReason: 'The figures arrived on 4 June.',
    });
  });
});

describe('the agenda', () => {
  const item = (input: Partial<Extract<Command, { name: 'item' }>['input']>): Command => ({
    name: 'item',
    input: { title: 'An item', purpose: 'information', ...input },
  });

  it('an exempt item needs its Schedule 12A paragraph and the public-interest statement', () => {
    expect(refusal(decide(meetingOf([]), item({ exemptParagraph: 3 }), context()))).toContain(
      'public interest',
    );
    const ok = decide(
      meetingOf([]),
      item({ exemptParagraph: 3, publicInterest: 'Commercial terms under negotiation.' }),
      context(),
    );
    expect(ok.ok && ok.value.payload).toMatchObject({ exempt: { paragraph: 3 } });
  });

  it('an item for decision carries a proposal routed to this body', () => {
    expect(refusal(decide(meetingOf([]), item({ purpose: 'decision' }), context()))).toContain(
      'Choose the proposal',
    );
    const elsewhere = proposal({ rule: 'single-place', bodies: ['north-bank-hwb'], delegation: undefined });
    expect(
      refusal(
        decide(meetingOf([]), item({ purpose: 'decision', proposal: 7 }), context({ proposal: elsewhere })),
      ),
    ).toContain('outside this body’s delegation');
    expect(
      decide(meetingOf([]), item({ purpose: 'decision', proposal: 7 }), context({ proposal: proposal() })).ok,
    ).toBe(true);
  });

  it('closes when the meeting is held', () => {
    expect(refusal(decide(meetingOf([attendance([1, 2, 3])]), item({}), context()))).toContain(
      'agenda is closed',
    );
  });
});

describe('attendance and quorum', () => {
  it('is recorded only once the meeting has started', () => {
    const early = context({ now: new Date('2025-06-12T12:00:00Z') });
    expect(
      refusal(
        decide(
          meetingOf([decisionItem]),
          { name: 'attendance', input: { present: [1], apologies: [] } },
          early,
        ),
      ),
    ).toContain('not started');
  });

  it('refuses people who hold no seat, and asks why when corrected', () => {
    const m = meetingOf([decisionItem]);
    expect(
      refusal(decide(m, { name: 'attendance', input: { present: [1, 99], apologies: [] } }, context())),
    ).toContain('Member 99 does not hold a seat');
    const again = meetingOf([decisionItem, attendance([1, 2, 3])]);
    expect(
      refusal(decide(again, { name: 'attendance', input: { present: [1, 2], apologies: [] } }, context())),
    ).toContain('enter why it is corrected');
  });

  it('two voting members are not a quorum of three', () => {
    const m = meetingOf([decisionItem, attendance([1, 3, 6])]);
    const why = refusal(decide(m, consensus, context({ proposal: proposal() })));
    expect(why).toContain('not quorate for item 1');
    expect(why).toContain('2 voting members are present; the quorum is 3');
  });

  it('three NHS members without a councillor are not quorate: both sectors must be there', () => {
    const m = meetingOf([decisionItem, attendance([3, 4, 5])]);
    expect(refusal(decide(m, consensus, context({ proposal: proposal() })))).toContain(
      '0 voting members are from local government; the rule asks for at least 1',
    );
  });

  it('a quorate meeting decides by consensus', () => {
    const m = meetingOf([decisionItem, attendance([1, 3, 5])]);
    const result = decide(m, consensus, context({ proposal: proposal() }));
    expect(result.ok && result.value).toMatchObject({
      kind: 'decision-recorded',
      payload: { reference: 'PB-2025-001', outcome: 'agreed', method: 'consensus' },
    });
  });
});

describe('interests and votes', () => {
  const declared = (member: number, withdrew = true): MeetingEvent => ({
    kind: 'interest-declared',
    payload: { item: 1, member, interest: 'Employed by a bidder', withdrew },
  });

  it('a member who declared an interest is excluded from the vote', () => {
    const m = meetingOf([decisionItem, attendance([1, 2, 3, 4, 5]), declared(3, false)]);
    expect(refusal(decide(m, vote([1, 2, 3]), context({ proposal: proposal() })))).toContain(
      'Cara Hale declared an interest in this item (Employed by a bidder) and is excluded from the vote',
    );
    expect(decide(m, vote([1, 2, 4]), context({ proposal: proposal() })).ok).toBe(true);
  });

  it('and does not count towards the quorum for that item', () => {
    const m = meetingOf([decisionItem, attendance([1, 3, 5]), declared(5)]);
    expect(refusal(decide(m, consensus, context({ proposal: proposal() })))).toContain(
      'not quorate for item 1',
    );
  });

  it('refuses votes from the absent, the non-voting and anyone twice', () => {
    const m = meetingOf([decisionItem, attendance([1, 2, 3, 6])]);
    const why = refusal(decide(m, vote([1, 4, 6], [1]), context({ proposal: proposal() })));
    expect(why).toContain('Dev Minton was not present');
    expect(why).toContain('Finn Watch holds a non-voting seat');
    expect(why).toContain('Cllr Ada North is counted more than once');
  });

  it('counts the outcome from the votes: more for than against is agreed; a tie is not', () => {
    const m = meetingOf([decisionItem, attendance([1, 2, 3, 4, 5])]);
    const agreed = decide(m, vote([1, 2, 3], [4], [5]), context({ proposal: proposal() }));
    expect(agreed.ok && agreed.value.payload).toMatchObject({ outcome: 'agreed' });
    const tie = decide(m, vote([1, 2], [3, 4], [5]), context({ proposal: proposal() }));
    expect(tie.ok && tie.value.payload).toMatchObject({ outcome: 'not-agreed' });
  });

  it('a decision by consensus records no votes', () => {
    const m = meetingOf([decisionItem, attendance([1, 2, 3])]);
    const withVotes: Command = { name: 'decision', input: { ...consensus.input, votesFor: [1] } };
    expect(refusal(decide(m, withVotes, context({ proposal: proposal() })))).toContain('records no votes');
  });
});

describe('decisions only within the delegation', () => {
  const m = meetingOf([decisionItem, attendance([1, 2, 3])]);

  it('refused when the proposal has since been routed elsewhere', () => {
    const moved = proposal({ rule: 'partners-own-boards', bodies: [], delegation: undefined });
    expect(refusal(decide(m, consensus, context({ proposal: moved })))).toContain(
      'routed to the partners’ own boards',
    );
  });

  it('refused while its routing is under challenge', () => {
    expect(refusal(decide(m, consensus, context({ proposal: proposal({}, true) })))).toContain(
      'under challenge',
    );
  });

  it('refused when the delegation is not in force on the meeting day', () => {
    const early = meetingOf([decisionItem, attendance([1, 2, 3])], '2022-06-09T13:00:00.000Z');
    expect(refusal(decide(early, consensus, context({ proposal: proposal() })))).toContain(
      'is not in force for',
    );
  });

  it('an item for information is not decided', () => {
    const info = meetingOf([
      { kind: 'item-added', payload: { number: 1, title: 'Update', purpose: 'information' } },
      attendance([1, 2, 3]),
    ]);
    expect(refusal(decide(info, consensus, context()))).toContain('for information');
  });
});

describe('minutes', () => {
  const minuted = meetingOf([
    attendance([1, 2, 3]),
    { kind: 'minutes-drafted', payload: { text: 'Minutes.' } },
  ]);
  const approve: Command = { name: 'approval', input: { version: 1, atMeeting: 2 } };

  it('are approved at a later meeting of the body that was held and quorate', () => {
    const next = meetingOf([attendance([1, 2, 3])], '2025-09-11T13:00:00.000Z', 2);
    expect(decide(minuted, approve, context({ approvingMeeting: next })).ok).toBe(true);
  });

  it('not at one not yet held, or not quorate, or earlier', () => {
    const notHeld = meetingOf([], '2025-09-11T13:00:00.000Z', 2);
    expect(refusal(decide(minuted, approve, context({ approvingMeeting: notHeld })))).toContain(
      'has not been held',
    );
    const inquorate = meetingOf([attendance([1, 6])], '2025-09-11T13:00:00.000Z', 2);
    expect(refusal(decide(minuted, approve, context({ approvingMeeting: inquorate })))).toContain(
      'was not quorate',
    );
    const earlier = meetingOf([attendance([1, 2, 3])], '2025-03-13T13:00:00.000Z', 2);
    expect(refusal(decide(minuted, approve, context({ approvingMeeting: earlier })))).toContain(
      'must come after',
    );
  });

  it('only the latest draft, and a revision says why', () => {
    const revised = meetingOf([
      attendance([1, 2, 3]),
      { kind: 'minutes-drafted', payload: { text: 'Minutes.' } },
      { kind: 'minutes-drafted', payload: { text: 'Minutes, corrected.', reason: 'A name was misspelt.' } },
    ]);
    const next = meetingOf([attendance([1, 2, 3])], '2025-09-11T13:00:00.000Z', 2);
    expect(refusal(decide(revised, approve, context({ approvingMeeting: next })))).toContain(
      'Only the latest draft (version 2)',
    );
    expect(refusal(decide(revised, { name: 'minutes', input: { text: 'Again.' } }, context()))).toContain(
      'enter why it is revised',
    );
  });
});

describe('questions from the public', () => {
  const ask: Command = {
    name: 'question',
    input: { askedBy: 'A Resident', question: 'Will the stroke unit stay open?' },
  };

  it('close three clear working days before the meeting', () => {
    const m = meetingOf([]);
    expect(decide(m, ask, context({ today: '2025-06-06', now: new Date('2025-06-06T10:00:00Z') })).ok).toBe(
      true,
    );
    expect(
      refusal(decide(m, ask, context({ today: '2025-06-09', now: new Date('2025-06-09T10:00:00Z') }))),
    ).toContain('closed 3 clear working days before');
  });
});

it('a cancelled meeting takes nothing more', () => {
  const m = meetingOf([{ kind: 'cancelled', payload: { reason: 'Not enough business.' } }]);
  expect(refusal(decide(m, { name: 'minutes', input: { text: 'x' } }, context()))).toContain(
    'cancelled (Not enough business.)',
  );
});

describe('a proposal is decided once', () => {
  it('cannot go on another agenda, or be decided again, once decided', () => {
    const item: Command = { name: 'item', input: { title: 'Again', purpose: 'decision', proposal: 7 } };
    expect(
      refusal(
        decide(meetingOf([]), item, context({ proposal: proposal(), proposalDecidedAs: 'PB-2025-001' })),
      ),
    ).toContain('has been decided (PB-2025-001)');
    const m = meetingOf([decisionItem, attendance([1, 2, 3])]);
    expect(
      refusal(decide(m, consensus, context({ proposal: proposal(), proposalDecidedAs: 'PB-2025-001' }))),
    ).toContain('decided already (PB-2025-001)');
  });
});

it('a withdrawn proposal goes on no agenda and is not decided', () => {
  const withdrawn = {
    ...proposal(),
    withdrawal: { reason: 'Merged', withdrawnBy: by, withdrawnAt: new Date() },
  } as ProposalRecord;
  const item: Command = { name: 'item', input: { title: 'Stroke', purpose: 'decision', proposal: 7 } };
  expect(refusal(decide(meetingOf([]), item, context({ proposal: withdrawn })))).toContain(
    'was withdrawn by its proposer (Merged)',
  );
  const m = meetingOf([decisionItem, attendance([1, 2, 3])]);
  expect(refusal(decide(m, consensus, context({ proposal: withdrawn })))).toContain('was withdrawn');
});
