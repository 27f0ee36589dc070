import { describe, expect, it } from 'vitest';
import { defaultPartnershipDir } from '../core/paths.js';
import { loadPartnership, type Partnership } from '../partnership/index.js';
import { checkProposal } from './proposal.js';

const loaded = loadPartnership(defaultPartnershipDir);
if (!loaded.ok) throw new Error('West Yorkshire and Harrogate does not load');
const wyh: Partnership = loaded.value.partnership;

const valid = {
  title: '  Suicide prevention training for taxi drivers  ',
  summary: 'Train licensed drivers to spot and help people in crisis.',
  places: ['wakefield', 'leeds'],
  programme: 'mental-health',
  moneyPence: 4_500_000,
  evidence: 'Drivers meet people at night when services are closed.',
  tests: [
    { test: 'wicked-issues', evidence: 'Suicide has no single owner.' },
    { test: 'good-practice', evidence: 'Calderdale ran it first.' },
  ],
};

describe('checkProposal', () => {
  it('returns the content trimmed, with places and tests in the partnership’s order', () => {
    const checked = checkProposal(valid, wyh, '2025-03-03');
    expect(checked).toEqual({
      ok: true,
      value: {
        ...valid,
        title: 'Suicide prevention training for taxi drivers',
        places: ['leeds', 'wakefield'],
        tests: [valid.tests[1], valid.tests[0]],
      },
    });
  });

  it('takes null as "none" for programme and money, and no tests as none claimed', () => {
    const { tests: _tests, ...withoutTests } = valid;
    const checked = checkProposal({ ...withoutTests, programme: null, moneyPence: null }, wyh, '2025-03-03');
    expect(checked.ok && checked.value).toMatchObject({
      programme: undefined,
      moneyPence: undefined,
      tests: [],
    });
  });

  it('names each field at fault, all at once', () => {
    const checked = checkProposal(
      { title: 7, places: 'leeds', moneyPence: 12.5, evidence: '', tests: [{ test: 'scale' }] },
      wyh,
      '2025-03-03',
    );
    expect(checked.ok).toBe(false);
    if (checked.ok) return;
    expect(checked.error).toEqual([
      { path: 'title', message: 'must be text' },
      { path: 'summary', message: 'Enter a summary of what is proposed' },
      { path: 'places', message: 'must be a list of place ids' },
      { path: 'moneyPence', message: 'must be a whole number of pence, e.g. 25000000 for £250,000' },
      { path: 'evidence', message: 'Enter the evidence for the proposal' },
      { path: 'tests[0].evidence', message: 'Enter the evidence that the proposal meets this test' },
    ]);
  });

  it('refuses a place that has left the partnership on the day, saying when it left', () => {
    const checked = checkProposal({ ...valid, places: ['harrogate'] }, wyh, '2025-03-03');
    expect(checked).toEqual({
      ok: false,
      error: [
        {
          path: 'places[0]',
          message:
            "'harrogate' is not a place of the partnership on 3 March 2025 (it ended on 30 June 2022): choose a current place",
        },
      ],
    });
    expect(checkProposal({ ...valid, places: ['harrogate'] }, wyh, '2021-06-01').ok).toBe(true);
  });
});
