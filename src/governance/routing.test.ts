/**
 * The routing rule, branch by branch, on the fictional Riverside partnership (and variants of it made in code), then
 * on West Yorkshire and Harrogate's own files. Each case states the proposal, the date and where it must go.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultPartnershipDir, packageRoot } from '../core/paths.js';
import { loadPartnership, type Delegation, type Partnership } from '../partnership/index.js';
import { rationale } from './rationale.js';
import { routeProposal, type RoutingInput } from './routing.js';

function load(dir: string): Partnership {
  const loaded = loadPartnership(dir);
  if (!loaded.ok) throw new Error(`${dir} does not load: ${JSON.stringify(loaded.error)}`);
  return loaded.value.partnership;
}

const riverside = load(join(packageRoot, 'test', 'fixtures', 'partnerships', 'riverside'));
const board = riverside.delegations.find((d) => d.id === 'councils-to-partnership-board')!;
const hwbDelegation = riverside.delegations.find((d) => d.id === 'north-bank-council-to-hwb')!;
const withDelegations = (delegations: Delegation[]): Partnership => ({ ...riverside, delegations });

const proposal = (over: Partial<RoutingInput>): RoutingInput => ({
  places: ['north-bank'],
  programme: undefined,
  moneyPence: undefined,
  tests: [],
  ...over,
});

/** The rationale as one string, for "names the rule, the delegation and the tests" assertions. */
const words = (p: Partnership, input: RoutingInput, date: string) =>
  rationale(p, input, routeProposal(p, input, date)).join(' ');

const POUNDS = 100;

describe('no test claimed: the place decides', () => {
  it('one place → its decision-making body on the date', () => {
    const input = proposal({ places: ['north-bank'], programme: 'stroke' });
    const routing = routeProposal(riverside, input, '2023-01-01');
    expect(routing).toMatchObject({
      rule: 'single-place',
      bodies: ['north-bank-hwb'],
      organisations: [],
      delegation: undefined,
      placeBodies: [{ place: 'north-bank', body: 'north-bank-hwb' }],
    });
    const text = words(riverside, input, '2023-01-01');
    expect(text).toContain(
      'Rule: a proposal that meets no test for collective action is decided in the place',
    );
    expect(text).toContain('Tests for collective action claimed: none.');
    expect(text).toContain(
      'It affects one place, North Bank, whose decision-making body on 1 January 2023 is the North Bank Health and Wellbeing Board.',
    );
    // A system programme does not pull a proposal up: only a test does.
    expect(text).toContain('Its programme, Stroke, works at system level');
    expect(text).toContain('So it goes to: the North Bank Health and Wellbeing Board.');
  });

  it('several places → each place’s own body, each deciding for its own area, and the rationale says why', () => {
    const input = proposal({ places: ['north-bank', 'south-bank'] });
    const routing = routeProposal(riverside, input, '2023-01-01');
    expect(routing).toMatchObject({
      rule: 'each-place',
      bodies: ['north-bank-hwb', 'south-bank-hwb'],
      placeBodies: [
        { place: 'north-bank', body: 'north-bank-hwb' },
        { place: 'south-bank', body: 'south-bank-hwb' },
      ],
    });
    const text = words(riverside, input, '2023-01-01');
    expect(text).toContain(
      'It affects 2 places (North Bank and South Bank) but meets no test for collective action',
    );
    expect(text).toContain('each place decides for its own area');
    expect(text).toContain('a member can challenge this routing');
  });

  it('one body serving two places is named once', () => {
    const shared: Partnership = {
      ...riverside,
      bodies: riverside.bodies.map((b) =>
        b.id === 'north-bank-hwb' ? { ...b, places: ['north-bank', 'south-bank'] } : b,
      ),
      places: riverside.places.map((pl) => ({
        ...pl,
        decisionBodies: [{ body: 'north-bank-hwb', from: '2019-04-01', source: 'invented-for-tests' }],
      })),
    };
    const routing = routeProposal(shared, proposal({ places: ['north-bank', 'south-bank'] }), '2023-01-01');
    expect(routing.bodies).toEqual(['north-bank-hwb']);
  });

  it('a place with no decision-making body on the date → the partners’ own boards, naming the place', () => {
    // Riverside's places record their boards from 1 April 2019.
    const input = proposal({ places: ['north-bank'] });
    const routing = routeProposal(riverside, input, '2019-01-01');
    expect(routing).toMatchObject({
      rule: 'partners-own-boards',
      bodies: [],
      // On 1 January 2019 the CCG, not yet the ICB, commissioned for North Bank.
      organisations: ['north-bank-council', 'riverside-ccg'],
      partnersReason: { kind: 'places-without-body', places: ['north-bank'] },
    });
    expect(words(riverside, input, '2019-01-01')).toContain(
      'No decision-making body is recorded for North Bank on 1 January 2019',
    );
  });

  it('a decision body that has ended is not used', () => {
    const ended: Partnership = {
      ...riverside,
      places: riverside.places.map((pl) => ({
        ...pl,
        decisionBodies: [
          { body: `${pl.id}-hwb`, from: '2019-04-01', to: '2022-12-31', source: 'invented-for-tests' },
        ],
      })),
    };
    expect(routeProposal(ended, proposal({}), '2022-12-31').rule).toBe('single-place');
    expect(routeProposal(ended, proposal({}), '2023-01-01').rule).toBe('partners-own-boards');
  });
});

describe('one or more tests claimed: the system body within whose delegation the matter falls', () => {
  const stroke = proposal({
    places: ['north-bank', 'south-bank'],
    programme: 'stroke',
    moneyPence: 250_000 * POUNDS,
    tests: ['scale'],
  });

  it('→ the Partnership Board under its delegation, naming the rule, the delegation, the tests and the money', () => {
    const routing = routeProposal(riverside, stroke, '2023-01-01');
    expect(routing).toMatchObject({
      rule: 'system-delegation',
      bodies: ['partnership-board'],
      delegation: 'councils-to-partnership-board',
      testsMet: ['scale'],
      findings: [{ delegation: 'councils-to-partnership-board', verdict: 'within' }],
    });
    const text = words(riverside, stroke, '2023-01-01');
    expect(text).toContain(
      'Rule: a proposal that meets one or more tests for collective action goes to the system body within whose delegation the matter falls',
    );
    expect(text).toContain('Tests for collective action claimed: Scale.');
    expect(text).toContain("falls within the delegation 'councils-to-partnership-board'");
    expect(text).toContain('Partnership Board terms of reference (invented)');
    expect(text).toContain('in force since 1 July 2022');
    expect(text).toContain(
      'Its financial limit for a single commitment is £500,000; the proposal involves £250,000, within it.',
    );
    expect(text).toContain('So it goes to: the Riverside Partnership Board.');
  });

  it('holds whatever the number of places: one place with a test claimed still goes to the system body', () => {
    const routing = routeProposal(riverside, { ...stroke, places: ['south-bank'] }, '2023-01-01');
    expect(routing.rule).toBe('system-delegation');
  });

  it.each([
    [500_000 * POUNDS, 'system-delegation'],
    [500_000 * POUNDS + 1, 'partners-own-boards'],
    [0, 'system-delegation'],
    [undefined, 'system-delegation'],
  ] as const)('money %s pence against a £500,000 limit → %s', (moneyPence, rule) => {
    expect(routeProposal(riverside, { ...stroke, moneyPence }, '2023-01-01').rule).toBe(rule);
  });

  it('over the limit → the partners’ own boards, saying the limit and the money', () => {
    const input = { ...stroke, moneyPence: 600_000 * POUNDS };
    const routing = routeProposal(riverside, input, '2023-01-01');
    expect(routing).toMatchObject({
      rule: 'partners-own-boards',
      partnersReason: { kind: 'no-delegation-fits' },
      findings: [{ verdict: 'over-limit', limitPence: 50_000_000, moneyPence: 60_000_000 }],
      organisations: ['north-bank-council', 'riverside-icb', 'south-bank-council'],
    });
    const text = words(riverside, input, '2023-01-01');
    expect(text).toContain(
      'its financial limit is £500,000 for a single commitment and the proposal involves £600,000',
    );
    expect(text).toContain(
      'So it goes to the boards of the partners that act for North Bank and South Bank on 1 January 2023 — their councils and NHS commissioners: North Bank Borough Council, NHS Riverside Integrated Care Board and South Bank Borough Council.',
    );
  });

  it('a delegation with no financial limit commits no money: with money → partners; without → the body', () => {
    const { financialLimit: _limit, ...noLimit } = board;
    const p = withDelegations([noLimit, hwbDelegation]);
    const withMoney = routeProposal(p, stroke, '2023-01-01');
    expect(withMoney.findings).toEqual([
      { delegation: board.id, body: 'partnership-board', verdict: 'no-limit', moneyPence: 25_000_000 },
    ]);
    expect(words(p, stroke, '2023-01-01')).toContain('it records no financial limit, so it commits no money');
    expect(routeProposal(p, { ...stroke, moneyPence: undefined }, '2023-01-01').rule).toBe(
      'system-delegation',
    );
  });

  describe('delegations are effective-dated', () => {
    it('before the delegation starts → partners, saying when it comes into force', () => {
      const routing = routeProposal(riverside, stroke, '2022-06-30');
      expect(routing.rule).toBe('partners-own-boards');
      expect(routing.findings).toMatchObject([{ verdict: 'not-in-force', from: '2022-07-01' }]);
      expect(words(riverside, stroke, '2022-06-30')).toContain('but comes into force only on 1 July 2022');
    });

    it('on its first and last days → the body; the day after it ended → partners', () => {
      const p = withDelegations([{ ...board, to: '2024-03-31' }]);
      expect(routeProposal(p, stroke, '2022-07-01').rule).toBe('system-delegation');
      expect(routeProposal(p, stroke, '2024-03-31').rule).toBe('system-delegation');
      expect(routeProposal(p, stroke, '2024-04-01').rule).toBe('partners-own-boards');
      expect(words(p, stroke, '2024-04-01')).toContain('was in force only from 1 July 2022 to 31 March 2024');
    });

    it('successive delegations: the one in force on the date, with its own limit', () => {
      const early: Delegation = {
        ...board,
        id: 'early',
        from: '2020-01-01',
        to: '2022-06-30',
        financialLimit: { value: 100_000, asOf: '2020-01-01', currency: 'GBP', source: 'invented-for-tests' },
      };
      const p = withDelegations([early, board]);
      expect(routeProposal(p, { ...stroke, moneyPence: 50_000 * POUNDS }, '2021-01-01')).toMatchObject({
        rule: 'system-delegation',
        delegation: 'early',
      });
      // £250,000 is over the early delegation's £100,000 limit in 2021, within the later one's in 2023.
      expect(routeProposal(p, stroke, '2021-01-01').findings.map((f) => f.verdict)).toEqual([
        'over-limit',
        'not-in-force',
      ]);
      expect(routeProposal(p, stroke, '2023-01-01').delegation).toBe(board.id);
    });

    it('a body that has ended cannot decide, even under a delegation still recorded', () => {
      const p: Partnership = {
        ...riverside,
        bodies: riverside.bodies.map((b) => (b.id === 'partnership-board' ? { ...b, to: '2022-12-31' } : b)),
      };
      expect(routeProposal(p, stroke, '2023-01-01').findings).toMatchObject([
        { verdict: 'body-not-in-force' },
      ]);
    });
  });

  it('no programme named → partners: no delegation can be matched', () => {
    const input = { ...stroke, programme: undefined };
    expect(routeProposal(riverside, input, '2023-01-01')).toMatchObject({
      rule: 'partners-own-boards',
      partnersReason: { kind: 'no-programme' },
    });
    expect(words(riverside, input, '2023-01-01')).toContain('It names no programme');
  });

  it('a programme no delegation covers → partners, naming the programme', () => {
    const input = { ...stroke, places: ['north-bank'], programme: 'north-bank-frailty' };
    expect(routeProposal(riverside, input, '2023-01-01').partnersReason).toEqual({
      kind: 'no-delegation-covers-programme',
    });
    expect(words(riverside, input, '2023-01-01')).toContain(
      'No delegation to a system body covers the North Bank frailty service programme.',
    );
  });

  it('only delegations to system-level bodies count', () => {
    const p = withDelegations([{ ...hwbDelegation, programmes: ['stroke'] }]);
    expect(routeProposal(p, { ...stroke, places: ['north-bank'] }, '2023-01-01').partnersReason).toEqual({
      kind: 'no-delegation-covers-programme',
    });
  });

  it('a delegation made by no partner of an affected place does not reach it', () => {
    const p = withDelegations([{ ...board, delegatedBy: ['north-bank-council'] }]);
    expect(routeProposal(p, { ...stroke, places: ['north-bank'] }, '2023-01-01').rule).toBe(
      'system-delegation',
    );
    const both = routeProposal(p, stroke, '2023-01-01');
    expect(both.findings).toMatchObject([{ verdict: 'places-not-covered', places: ['south-bank'] }]);
    expect(words(p, stroke, '2023-01-01')).toContain(
      'none of the organisations that made it acts for South Bank',
    );
  });

  it('two delegations that fit: the first listed in delegations.yaml decides, and the other is named', () => {
    const other: Delegation = { ...board, id: 'another-route' };
    expect(routeProposal(withDelegations([board, other]), stroke, '2023-01-01').delegation).toBe(board.id);
    const p = withDelegations([other, board]);
    expect(routeProposal(p, stroke, '2023-01-01').delegation).toBe('another-route');
    expect(words(p, stroke, '2023-01-01')).toContain(
      "It also falls within the delegation 'councils-to-partnership-board'",
    );
  });
});

describe('after a challenge is upheld', () => {
  const stroke = proposal({
    places: ['north-bank', 'south-bank'],
    programme: 'stroke',
    tests: ['scale', 'good-practice'],
  });

  it('tests found not met are left out; with none left, the places decide', () => {
    const some = routeProposal(riverside, stroke, '2023-01-01', {
      testsNotMet: { tests: ['good-practice'], reason: 'Both places already do the same' },
    });
    expect(some).toMatchObject({ rule: 'system-delegation', testsMet: ['scale'] });
    const none = routeProposal(riverside, stroke, '2023-01-01', {
      testsNotMet: { tests: ['scale', 'good-practice'], reason: 'Each bank can run it alone' },
    });
    expect(none).toMatchObject({
      rule: 'each-place',
      testsMet: [],
      testsClaimed: ['scale', 'good-practice'],
    });
    expect(rationale(riverside, stroke, none).join(' ')).toContain(
      'On challenge, Scale and Good practice were found not met: Each bank can run it alone. No test claimed is taken as met.',
    );
  });

  it('a matter found reserved to the partners goes to their own boards, with the reason', () => {
    const routing = routeProposal(riverside, stroke, '2023-01-01', {
      reservedToPartners: { reason: "It changes each council's statutory duties" },
    });
    expect(routing).toMatchObject({
      rule: 'partners-own-boards',
      partnersReason: { kind: 'reserved' },
      organisations: ['north-bank-council', 'riverside-icb', 'south-bank-council'],
    });
    expect(rationale(riverside, stroke, routing).join(' ')).toContain(
      "On challenge, the matter was found reserved to the partners: It changes each council's statutory duties.",
    );
  });
});

describe('West Yorkshire and Harrogate, from its own files', () => {
  const wyh = load(defaultPartnershipDir);
  const everyPlace = [
    'bradford-district-and-craven',
    'calderdale',
    'harrogate',
    'kirklees',
    'leeds',
    'wakefield',
  ];
  const stroke = proposal({ places: everyPlace, programme: 'stroke', tests: ['scale'] });

  it('2021: a stroke proposal claiming scale goes to the Joint Committee of CCGs under the 2021 delegation', () => {
    expect(routeProposal(wyh, stroke, '2021-06-01')).toMatchObject({
      rule: 'system-delegation',
      bodies: ['joint-committee-of-ccgs'],
      delegation: 'ccgs-to-joint-committee-2021',
    });
  });

  it('2021, with money: no financial limit is sourced, so the partners’ own boards decide', () => {
    const routing = routeProposal(wyh, { ...stroke, moneyPence: 1_000_000 * POUNDS }, '2021-06-01');
    expect(routing.rule).toBe('partners-own-boards');
    expect(routing.findings.map((f) => f.verdict)).toEqual(['not-in-force', 'not-in-force', 'no-limit']);
  });

  it('2025: the joint committee ended with the CCGs in 2022, so the partners’ own boards decide', () => {
    const places = everyPlace.filter((id) => id !== 'harrogate');
    const routing = routeProposal(wyh, { ...stroke, places }, '2025-03-03');
    expect(routing.rule).toBe('partners-own-boards');
    expect(routing.organisations).toContain('west-yorkshire-icb');
    expect(routing.organisations).toContain('leeds-city-council');
    expect(routing.organisations).not.toContain('leeds-ccg');
  });

  it('2025: a Leeds proposal claiming no test goes to the Leeds Health and Wellbeing Board', () => {
    expect(routeProposal(wyh, proposal({ places: ['leeds'] }), '2025-03-03').bodies).toEqual(['leeds-hwb']);
  });
});
