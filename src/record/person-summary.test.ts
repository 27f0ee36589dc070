import { describe, expect, it } from 'vitest';
import type { StoredResource } from './repository.js';
import { conceptText, summarisePerson } from './person-summary.js';

const stored = (
  resource: Record<string, unknown>,
  source: string,
  lastUpdated = '2026-01-01T00:00:00Z',
): StoredResource => ({
  resource: {
    id: `${source}-${String(resource['resourceType'])}`,
    ...resource,
  } as StoredResource['resource'],
  version: 1,
  lastUpdated,
  sourceOrganisation: source,
  patientId: 'p',
});

const patient = (family: string, postcode: string) => ({
  resourceType: 'Patient',
  name: [{ family, given: ['Rosa'] }],
  birthDate: '1950-05-05',
  address: [{ line: ['1 Mill Lane'], postalCode: postcode }],
});

describe("a person's record as a clinician reads it", () => {
  it('takes demographics from the GP practice first, then the newest, and shows where sources disagree', () => {
    const summary = summarisePerson([
      stored(patient('Shared', 'HX1 1AA'), 'calderdale-and-huddersfield-nhs-ft', '2026-06-01T00:00:00Z'),
      stored(patient('Shared', 'HX2 2BB'), 'B82004', '2025-01-01T00:00:00Z'),
    ]);
    expect(summary.demographics?.source).toBe('B82004');
    expect(summary.demographics?.address).toBe('1 Mill Lane, HX2 2BB');
    expect(summary.conflicts).toEqual([
      {
        field: 'Address',
        values: [
          { value: '1 Mill Lane, HX2 2BB', source: 'B82004' },
          { value: '1 Mill Lane, HX1 1AA', source: 'calderdale-and-huddersfield-nhs-ft' },
        ],
      },
    ]);
  });

  it('puts each item in its section, newest first, with its source, and encounters and episodes on one timeline', () => {
    const summary = summarisePerson([
      stored({ resourceType: 'Condition', code: { text: 'Asthma' }, recordedDate: '2010-01-01' }, 'B82004'),
      stored(
        {
          resourceType: 'Condition',
          code: { coding: [{ code: '44054006', display: 'Diabetes' }] },
          onsetDateTime: '2020-02-02',
        },
        'RWY',
      ),
      stored({ resourceType: 'EpisodeOfCare', status: 'active', period: { start: '2026-02-01' } }, 'RWY'),
      stored(
        {
          resourceType: 'Encounter',
          status: 'finished',
          class: { display: 'ambulatory' },
          period: { start: '2025-01-01' },
        },
        'B82004',
      ),
    ]);
    const problems = summary.sections.find((s) => s.title === 'Problems');
    expect(problems?.items.map((i) => [i.text, i.source])).toEqual([
      ['Diabetes', 'RWY'],
      ['Asthma', 'B82004'],
    ]);
    expect(summary.timeline.map((i) => [i.text, i.detail])).toEqual([
      ['Episode of care', 'active'],
      ['ambulatory', 'finished'],
    ]);
    expect(summary.sources).toEqual(['B82004', 'RWY']);
    expect(conceptText({ coding: [{ code: 'x' }] })).toBe('x');
    expect(conceptText('nope')).toBeUndefined();
  });
});
