import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../core/paths.js';
import { loadPartnership } from './load.js';
import type { Partnership } from './schema.js';
import {
  londonDay,
  bodyDetail,
  bodySummaries,
  delegationRegister,
  endedBy,
  filterOrganisations,
  inForceOn,
  mouView,
  organisationDetail,
  parseOptionalDate,
  partnersBySector,
  placeDetail,
  placeSummaries,
  placesPopulation,
  programmesByLevel,
} from './views.js';

let p: Partnership;
beforeAll(() => {
  const loaded = loadPartnership(join(packageRoot, 'test', 'fixtures', 'partnerships', 'riverside'));
  if (!loaded.ok) throw new Error('the riverside fixture does not load');
  p = loaded.value.partnership;
});

const TODAY = '2024-01-01';

describe('dates', () => {
  it('reads an optional date and refuses bad ones with a problem naming the date', () => {
    expect(parseOptionalDate(undefined, 'as-of')).toEqual({ ok: true, value: undefined });
    expect(parseOptionalDate('', 'as-of')).toEqual({ ok: true, value: undefined });
    expect(parseOptionalDate('2022-07-01', 'as-of')).toEqual({ ok: true, value: '2022-07-01' });
    const rolled = parseOptionalDate('2023-02-30', 'as-of');
    expect(rolled.ok).toBe(false);
    if (!rolled.ok)
      expect(rolled.error.title).toBe("The as-of date '2023-02-30' is not a real calendar date.");
    const words = parseOptionalDate('last tuesday', 'active-on');
    expect(words.ok).toBe(false);
    if (!words.ok) {
      expect(words.error.kind).toBe('bad-input');
      expect(words.error.title).toContain("active-on date 'last tuesday' is not written YYYY-MM-DD");
    }
  });

  it('counts both the first and the last day as in force', () => {
    const entry = { from: '2020-01-01', to: '2020-12-31' };
    expect(inForceOn(entry, '2019-12-31')).toBe(false);
    expect(inForceOn(entry, '2020-01-01')).toBe(true);
    expect(inForceOn(entry, '2020-12-31')).toBe(true);
    expect(inForceOn(entry, '2021-01-01')).toBe(false);
    expect(inForceOn({ from: '2020-01-01' }, '2099-01-01')).toBe(true);
    expect(endedBy(entry, '2020-12-31')).toBe(false);
    expect(endedBy(entry, '2021-01-01')).toBe(true);
  });
});

describe('partners', () => {
  it('groups by sector in the schema order, current first, ended ones with their successor', () => {
    const groups = partnersBySector(p, { today: TODAY });
    expect(groups.map((g) => g.sector)).toEqual([
      'nhs',
      'local-government',
      'healthwatch',
      'voluntary-community',
    ]);
    const nhs = groups[0]!;
    expect(nhs.current.map((s) => s.organisation.id)).toEqual([
      'riverside-icb',
      'riverside-hospitals',
      'riverside-minds',
    ]);
    expect(nhs.ended.map((s) => s.organisation.id)).toEqual(['riverside-ccg']);
    expect(nhs.ended[0]!.successor).toEqual({
      id: 'riverside-icb',
      name: 'NHS Riverside Integrated Care Board',
    });
  });

  it('as of a date shows only what was in force then, judged on that date', () => {
    const groups = partnersBySector(p, { today: TODAY, asOf: '2020-01-01' });
    const nhs = groups.find((g) => g.sector === 'nhs')!;
    expect(nhs.current.map((s) => s.organisation.id)).toContain('riverside-ccg');
    expect(nhs.current.map((s) => s.organisation.id)).not.toContain('riverside-icb');
    expect(nhs.ended).toEqual([]);
  });

  it('filters organisations for the API by sector and date', () => {
    expect(filterOrganisations(p, { sector: 'healthwatch' }).map((o) => o.id)).toEqual([
      'healthwatch-north-bank',
      'healthwatch-south-bank',
    ]);
    expect(filterOrganisations(p, { activeOn: '2022-07-01' }).map((o) => o.id)).not.toContain(
      'riverside-ccg',
    );
    expect(filterOrganisations(p, { activeOn: '2022-06-30' }).map((o) => o.id)).toContain('riverside-ccg');
  });

  it('describes one organisation: predecessors, seats, delegations made, MoU', () => {
    const icb = organisationDetail(p, 'riverside-icb', TODAY)!;
    expect(icb.predecessors).toEqual([{ id: 'riverside-ccg', name: 'NHS Riverside CCG' }]);
    expect(icb.memberships.map((m) => m.body.id)).toEqual([
      'partnership-board',
      'north-bank-hwb',
      'south-bank-hwb',
    ]);
    expect(icb.delegationsMade.map((d) => d.delegation.id)).toEqual(['councils-to-partnership-board']);
    expect(icb.signedMou).toBe(false);
    expect(organisationDetail(p, 'riverside-ccg', TODAY)!.signedMou).toBe(true);
    expect(organisationDetail(p, 'nobody', TODAY)).toBeUndefined();
  });
});

describe('places', () => {
  it('summarises each place and totals the population', () => {
    const summaries = placeSummaries(p);
    expect(summaries.map((s) => [s.place.id, s.neighbourhoods, s.practices])).toEqual([
      ['north-bank', 1, 3],
      ['south-bank', 1, 2],
    ]);
    expect(placesPopulation(p)).toBe(250000);
  });

  it('shows a place with commissioners earliest first and list sizes that admit missing practices', () => {
    const north = placeDetail(p, 'north-bank', TODAY)!;
    expect(north.commissioners.map((c) => [c.organisation.id, c.ended])).toEqual([
      ['riverside-ccg', true],
      ['riverside-icb', false],
    ]);
    expect(north.neighbourhoods[0]!.listSizeTotal).toBe(21000);
    expect(north.neighbourhoods[0]!.practicesWithoutListSize).toBe(1);
    expect(north.healthAndWellbeingBoards).toEqual([
      { id: 'north-bank-hwb', name: 'North Bank Health and Wellbeing Board' },
    ]);
    expect(north.organisations.map((o) => o.id)).toEqual(['healthwatch-north-bank']);
    expect(placeDetail(p, 'atlantis', TODAY)).toBeUndefined();
  });
});

describe('programmes', () => {
  it('splits system from place and names the tests that justify each system programme', () => {
    const { system, place } = programmesByLevel(p, TODAY);
    expect(system.map((v) => [v.programme.id, v.tests.map((t) => t.name)])).toEqual([
      ['stroke', ['Scale']],
      ['digital', ['Scale', 'Good practice']],
    ]);
    expect(place.map((v) => [v.programme.id, v.place?.name, v.ended])).toEqual([
      ['north-bank-frailty', 'North Bank', true],
    ]);
  });
});

describe('bodies and delegations', () => {
  it('lists system bodies first, with voting seats and delegations in force', () => {
    const summaries = bodySummaries(p, { today: TODAY });
    expect(summaries.map((s) => [s.body.id, s.votingSeats, s.seats, s.delegationsHeld])).toEqual([
      ['partnership-board', 5, 7, 1],
      ['north-bank-hwb', 5, 5, 1],
      ['south-bank-hwb', 5, 5, 0],
    ]);
    expect(bodySummaries(p, { today: TODAY, asOf: '2015-01-01' }).map((s) => s.body.id)).toEqual([
      'north-bank-hwb',
      'south-bank-hwb',
    ]);
  });

  it('groups a body’s seats by organisation and separates delegations by the date', () => {
    const hwb = bodyDetail(p, 'north-bank-hwb', { today: TODAY })!;
    expect(hwb.seatGroups.map((g) => [g.label, g.seats.length])).toEqual([
      ['North Bank Borough Council', 2],
      ['Healthwatch North Bank', 1],
      ['NHS Riverside Integrated Care Board', 1],
    ]);
    const board2020 = bodyDetail(p, 'partnership-board', { today: TODAY, asOf: '2020-01-01' })!;
    expect(board2020.delegations).toEqual([]);
    expect(board2020.otherDelegations.map((d) => d.delegation.id)).toEqual(['councils-to-partnership-board']);
    const board = bodyDetail(p, 'partnership-board', { today: TODAY })!;
    expect(board.quorumSectors).toEqual([
      { label: 'Local government', atLeast: 1 },
      { label: 'NHS', atLeast: 1 },
    ]);
    expect(bodyDetail(p, 'none', { today: TODAY })).toBeUndefined();
  });

  it('orders the register with delegations in force first and resolves names', () => {
    const register = delegationRegister(p, TODAY);
    expect(register.map((d) => d.delegation.id)).toEqual([
      'north-bank-council-to-hwb',
      'councils-to-partnership-board',
    ]);
    expect(register[1]!.delegatedBy.map((r) => r.name)).toEqual([
      'North Bank Borough Council',
      'South Bank Borough Council',
      'NHS Riverside Integrated Care Board',
    ]);
    expect(delegationRegister(p, '2020-01-01').map((d) => d.inForce)).toEqual([true, false]);
  });
});

describe('the MoU', () => {
  it('groups commitments by theme and names the parties', () => {
    const view = mouView(p);
    expect(view.signatories.map((s) => s.id)).toEqual(p.mou.signatories);
    expect(view.themes.map((t) => t.theme)).toEqual([
      'Mutual accountability',
      'Collective oversight of the money',
    ]);
    expect(view.themes[0]!.commitments[0]!.parties).toBe('all');
    expect(view.themes[1]!.commitments[0]!.parties).toEqual([
      { id: 'riverside-ccg', name: 'NHS Riverside CCG' },
      { id: 'riverside-hospitals', name: 'Riverside Hospitals NHS Trust' },
      { id: 'riverside-minds', name: 'Riverside Minds NHS Foundation Trust' },
    ]);
  });
});

describe('londonDay', () => {
  it('gives the date in England, not UTC: 23:30 UTC in summer is already the next day', () => {
    expect(londonDay(new Date('2024-07-01T23:30:00Z'))).toBe('2024-07-02');
    expect(londonDay(new Date('2024-12-01T23:30:00Z'))).toBe('2024-12-01');
  });
});
