import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readFeedPatients } from './feed-patients.js';

const dir = mkdtempSync(join(tmpdir(), 'accord-feeds-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});
const TODAY = new Date('2026-01-01T00:00:00Z');

const patient = (id: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    resourceType: 'Patient',
    id,
    name: [{ use: 'official', family: 'Hepworth', given: ['Catherine'] }],
    gender: 'female',
    birthDate: '1971-03-09',
    address: [{ use: 'home', line: ['12 High Street'], city: 'Halifax', postalCode: 'HX1 1AA' }],
    ...extra,
  });

function writeFeeds(): string {
  const feeds = join(dir, 'feeds');
  for (const org of ['B84001', 'calderdale-council']) mkdirSync(join(feeds, org), { recursive: true });
  writeFileSync(
    join(feeds, 'B84001', 'Patient.ndjson'),
    [
      patient('p1', { identifier: [{ system: 'https://fhir.nhs.uk/Id/nhs-number', value: '9434765919' }] }),
      '{"resourceType": "Patient", "id": ',
      JSON.stringify({ resourceType: 'Observation', id: 'o1' }),
      patient('p2', { birthDate: '2031-05-05' }),
      patient('p3', { identifier: [{ system: 'https://fhir.nhs.uk/Id/nhs-number', value: '9434765918' }] }),
      '',
    ].join('\n'),
  );
  writeFileSync(join(feeds, 'calderdale-council', 'Patient.ndjson'), `${patient('SC-9')}\n`);
  writeFileSync(
    join(feeds, 'manifest.json'),
    JSON.stringify({
      output: [
        { type: 'Patient', url: 'B84001/Patient.ndjson' },
        { type: 'Patient', url: 'calderdale-council/Patient.ndjson' },
        { type: 'Condition', url: 'B84001/Condition.ndjson' },
      ],
    }),
  );
  return feeds;
}

describe('reading the Patients of partner feeds', () => {
  it('reads every good line, and reports each bad one with its file and line', async () => {
    const read = await readFeedPatients(writeFeeds(), TODAY);
    if (!read.ok) throw new Error(read.error);
    expect(read.value.records.map((r) => `${r.organisation}/${r.localId}`)).toEqual([
      'B84001/p1',
      'B84001/p3',
      'calderdale-council/SC-9',
    ]);
    expect(read.value.records[0]?.demographics).toMatchObject({
      forename: 'Catherine',
      postcode: 'HX1 1AA',
      nhsNumber: '9434765919',
    });
    // The mistyped NHS number is dropped, with a warning; the record is kept.
    expect(read.value.records[1]?.demographics.nhsNumber).toBe(undefined);
    expect(read.value.issues.map((i) => [i.line, i.message.slice(0, 40)])).toEqual([
      [2, 'is not JSON; left out'],
      [3, expect.stringMatching(/^B84001\/o1 is not a Patient/) as string],
      [4, 'is in the future; left out'],
      [5, expect.stringMatching(/^is not a valid NHS number/) as string],
    ]);
  });

  it('reads only the organisations asked for, and says what is wrong with a folder that has no manifest', async () => {
    const read = await readFeedPatients(join(dir, 'feeds'), TODAY, new Set(['calderdale-council']));
    expect(read.ok && read.value.organisations).toEqual(['calderdale-council']);
    const none = await readFeedPatients(join(dir, 'nowhere'), TODAY);
    expect(none.ok ? '' : none.error).toMatch(/manifest.json does not exist/);
  });
});
