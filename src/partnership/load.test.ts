import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultPartnershipDir, packageRoot } from '../core/paths.js';
import { loadPartnership } from './load.js';

const fixture = (name: string) => join(packageRoot, 'test', 'fixtures', 'partnerships', name);

function copyOf(name: string): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'accord-partnership-')), name);
  cpSync(fixture(name), dir, { recursive: true });
  return dir;
}

describe('loadPartnership', () => {
  it('loads West Yorkshire and Harrogate: six places, every system programme justified by a test', () => {
    const result = loadPartnership(defaultPartnershipDir);
    if (!result.ok) throw new Error(JSON.stringify(result.error, null, 2));
    const p = result.value.partnership;
    expect(p.info.ods).toBe('QWO');
    expect(p.places.map((place) => place.id)).toEqual(
      expect.arrayContaining([
        'bradford-district-and-craven',
        'calderdale',
        'harrogate',
        'kirklees',
        'leeds',
        'wakefield',
      ]),
    );
    expect(p.places).toHaveLength(6);
    for (const programme of p.programmes.filter((prog) => prog.level === 'system')) {
      expect(programme.tests.length).toBeGreaterThan(0);
    }
    expect(p.neighbourhoods.length).toBeGreaterThan(40);
  });

  it('loads the fictional Riverside partnership through the same code', () => {
    const result = loadPartnership(fixture('riverside'));
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.value.partnership.info.id).not.toBe('west-yorkshire-and-harrogate');
  });

  it('reports every planted problem of the broken partnership, with file, line and path', () => {
    const result = loadPartnership(fixture('broken'));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const found = result.error.map((issue) => `${issue.file ?? ''} ${issue.path ?? ''} ${issue.message}`);
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^collective-action-tests\.yaml .*not valid YAML/),
        expect.stringMatching(
          /^bodies\.yaml bodies\[0\]\.members\[3\]\.organisation unknown organisation 'riverside-ambulance'/,
        ),
        expect.stringMatching(/^programmes\.yaml programmes\[1\]\.tests a system-level programme must name/),
        expect.stringMatching(/^places\.yaml places\[0\]\.population\.asOf is not a real calendar date/),
        expect.stringMatching(
          /^organisations\.yaml organisations\[8\]\.source unknown source 'no-such-source'/,
        ),
        expect.stringMatching(
          /^delegations\.yaml delegations\[0\]\.financialLimit\.value must be an amount in whole pence/,
        ),
        expect.stringMatching(
          /^places\.yaml places\[1\]\.decisionBodies\[0\]\.from is not a real calendar date/,
        ),
      ]),
    );
    for (const issue of result.error) expect(issue.line).toBeGreaterThan(0);
  });

  it('checks the routing data: each place’s decision-making body, and the programmes a delegation covers', () => {
    const dir = copyOf('riverside');
    const places = join(dir, 'places.yaml');
    writeFileSync(
      places,
      readFileSync(places, 'utf8')
        // North Bank's proposals sent to South Bank's board, then a second body (a system one) overlapping it.
        .replace(
          '- { body: north-bank-hwb, from: 2019-04-01, source: invented-for-tests }',
          '- { body: south-bank-hwb, from: 2019-04-01, source: invented-for-tests }',
        )
        .replace(
          '- { body: south-bank-hwb, from: 2019-04-01, source: invented-for-tests }\n    commissioners',
          '- { body: south-bank-hwb, from: 2019-04-01, source: invented-for-tests }\n' +
            '      - { body: partnership-board, from: 2020-01-01, to: 2019-12-31, source: invented-for-tests }\n' +
            '    commissioners',
        ),
    );
    const delegations = join(dir, 'delegations.yaml');
    writeFileSync(
      delegations,
      readFileSync(delegations, 'utf8').replace(
        'programmes: [stroke, digital]',
        'programmes: [stroke, digtal]',
      ),
    );
    const result = loadPartnership(dir);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const found = result.error.map((issue) => `${issue.file ?? ''} ${issue.path ?? ''} ${issue.message}`);
    expect(found).toEqual(
      expect.arrayContaining([
        "places.yaml places[0].decisionBodies[0].body 'south-bank-hwb' is not a place-level body serving 'north-bank': name one whose places include it",
        expect.stringMatching(
          /^places\.yaml places\[0\]\.decisionBodies\[1\]\.to ends \(2019-12-31\) before/,
        ),
        expect.stringMatching(
          /^places\.yaml places\[0\]\.decisionBodies\[1\]\.body 'partnership-board' is not a place-level/,
        ),
        expect.stringMatching(
          /^places\.yaml places\[0\]\.decisionBodies\[1\]\.from overlaps decisionBodies\[0\]/,
        ),
        "delegations.yaml delegations[0].programmes[1] unknown programme 'digtal': use an id from programmes.yaml",
      ]),
    );
    for (const issue of result.error) expect(issue.line).toBeGreaterThan(0);
  });

  it('refuses a financial limit that is not whole pence', () => {
    const dir = copyOf('riverside');
    const delegations = join(dir, 'delegations.yaml');
    writeFileSync(delegations, readFileSync(delegations, 'utf8').replace('value: 500000', 'value: 0.001'));
    const result = loadPartnership(dir);
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.error).toContainEqual(
        expect.objectContaining({
          file: 'delegations.yaml',
          path: 'delegations[0].financialLimit.value',
          message: 'must be an amount in whole pence',
          line: 13,
        }),
      );
  });

  it('names a missing file and a folder that does not exist', () => {
    expect(loadPartnership('/no/such/folder')).toMatchObject({
      ok: false,
      error: [{ message: expect.stringMatching(/not a folder/) }],
    });
    const dir = copyOf('riverside');
    writeFileSync(join(dir, 'mou.yaml'), '');
    rmSync(join(dir, 'programmes.yaml'));
    const result = loadPartnership(dir);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toContainEqual(
      expect.objectContaining({ file: 'programmes.yaml', message: expect.stringMatching(/file is missing/) }),
    );
    expect(result.error).toContainEqual(expect.objectContaining({ file: 'mou.yaml' }));
  });

  it('catches a duplicate id', () => {
    const dir = copyOf('riverside');
    const orgs = readFileSync(join(dir, 'organisations.yaml'), 'utf8');
    // Duplicate the first organisation entry and break a date order.
    const first = /- id: [a-z0-9-]+\n(?: {4}.*\n)+/.exec(orgs.slice(orgs.indexOf('organisations:')));
    if (first === null) throw new Error('fixture changed shape');
    writeFileSync(join(dir, 'organisations.yaml'), `${orgs.trimEnd()}\n  ${first[0].trimEnd()}\n`);
    const result = loadPartnership(dir);
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.error.map((i) => i.message)).toContainEqual(expect.stringMatching(/duplicate id/));
  });

  it('names a file that cannot be read instead of crashing', () => {
    const dir = copyOf('riverside');
    rmSync(join(dir, 'mou.yaml'));
    mkdirSync(join(dir, 'mou.yaml'));
    const result = loadPartnership(dir);
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.error).toContainEqual(
        expect.objectContaining({
          file: 'mou.yaml',
          message: expect.stringMatching(/cannot be read \(EISDIR\)/),
        }),
      );
  });

  it('refuses web addresses that are not http(s), since they become links', () => {
    const dir = copyOf('riverside');
    const file = join(dir, 'sources.yaml');
    const text = readFileSync(file, 'utf8');
    writeFileSync(
      file,
      text.replace(
        'publisher: Accord test suite',
        'publisher: Accord test suite\n    url: javascript:alert(1)',
      ),
    );
    const result = loadPartnership(dir);
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.error.map((i) => i.message)).toContain('must be an http:// or https:// address');
  });

  it('loads a folder without outcomes.yaml and milestones.yaml (optional files), with none', () => {
    const dir = copyOf('riverside');
    rmSync(join(dir, 'outcomes.yaml'));
    rmSync(join(dir, 'milestones.yaml'));
    const result = loadPartnership(dir);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.partnership.outcomes).toEqual([]);
    expect(result.value.partnership.milestones).toEqual([]);
    expect(Object.keys(result.value.fileHashes)).not.toContain('outcomes.yaml');
  });

  it('checks outcomes and milestones: partners, programmes, milestones and sources must exist', () => {
    const dir = copyOf('riverside');
    const outcomes = join(dir, 'outcomes.yaml');
    writeFileSync(
      outcomes,
      readFileSync(outcomes, 'utf8')
        .replace(
          'accountable: [riverside-icb, riverside-hospitals]',
          'accountable: [riverside-icb, riverside-hospital]',
        )
        .replace('milestones: [shared-record-live]', 'milestones: [shared-record]')
        .replace('programmes: [digital]', 'programmes: [digitl]')
        .replace(
          'target: { year: 2026, value: 600, source: invented-for-tests }',
          'target: { year: 2026, value: 600, source: nowhere }',
        ),
    );
    const milestones = join(dir, 'milestones.yaml');
    writeFileSync(
      milestones,
      readFileSync(milestones, 'utf8').replace('owner: north-bank-council', 'owner: north-council'),
    );
    const result = loadPartnership(dir);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const found = result.error.map((issue) => `${issue.file ?? ''} ${issue.path ?? ''} ${issue.message}`);
    expect(found).toEqual(
      expect.arrayContaining([
        "outcomes.yaml outcomes[0].accountable[1] unknown organisation 'riverside-hospital': add it to organisations.yaml or correct the id",
        "outcomes.yaml outcomes[1].milestones[0] unknown milestone 'shared-record': add it to milestones.yaml or correct the id",
        "outcomes.yaml outcomes[1].programmes[0] unknown programme 'digitl': use an id from programmes.yaml",
        "milestones.yaml milestones[2].owner unknown organisation 'north-council': add it to organisations.yaml or correct the id",
      ]),
    );
    expect(found).toContain(
      "outcomes.yaml outcomes[2].target.source unknown source 'nowhere': add it to sources.yaml or correct the id",
    );
    for (const issue of result.error) expect(issue.line).toBeGreaterThan(0);
  });

  it('refuses an outcome with an indicator but no baseline, and figures on an unmeasured one', () => {
    const dir = copyOf('riverside');
    const outcomes = join(dir, 'outcomes.yaml');
    writeFileSync(
      outcomes,
      readFileSync(outcomes, 'utf8')
        .replace('    baseline: { year: 2022, value: 3.3, source: invented-for-tests }\n', '')
        .replace(
          '    note: No indicator yet.',
          '    target: { year: 2026, value: 1, source: invented-for-tests }',
        ),
    );
    const result = loadPartnership(dir);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.map((i) => `${i.path ?? ''} ${i.message}`)).toEqual([
      'outcomes[1].baseline an outcome with a target needs a baseline too (year, value, source)',
      'outcomes[3].target an outcome without an indicator is not measured: remove its target, or name its indicator',
    ]);
  });
});
