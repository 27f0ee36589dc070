import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultPartnershipDir } from '../../core/paths.js';
import { createRandom } from '../random.js';
import { dayOf } from './days.js';
import { compileProviders, loadProviders, PROVIDERS_FILE } from './providers.js';

const DISTRICTS = ['E07000163', 'E07000165', 'E08000032', 'E08000033', 'E08000034', 'E08000035', 'E08000036'];

describe('the providers table', () => {
  const rows = (() => {
    const result = loadProviders(join(defaultPartnershipDir, 'calibration'));
    if (!result.ok) throw new Error(JSON.stringify(result.error));
    return result.value;
  })();

  it("covers every setting but the GP's for every district of West Yorkshire and Harrogate", () => {
    expect(compileProviders(rows, DISTRICTS).ok).toBe(true);
  });

  it('shares Kirklees between its two acute trusts in proportion, and hands Harrogate to the new council in 2023', () => {
    const providers = compileProviders(rows, DISTRICTS);
    if (!providers.ok) throw new Error(providers.error);
    const random = createRandom(1, 'providers');
    let huddersfield = 0;
    for (let i = 0; i < 20_000; i++)
      if (
        providers.value.draw('E08000034', 'outpatient', dayOf('2020-01-01'), random) ===
        'calderdale-and-huddersfield-nhs-ft'
      )
        huddersfield++;
    expect(huddersfield / 20_000).toBeCloseTo(0.55, 1);
    expect(providers.value.draw('E07000165', 'social-care', dayOf('2022-06-01'), random)).toBe(
      'north-yorkshire-county-council',
    );
    expect(providers.value.draw('E07000165', 'social-care', dayOf('2023-06-01'), random)).toBe(
      'north-yorkshire-council',
    );
  });

  it('refuses shares that do not add up to 1, and a district without a provider for a setting', () => {
    const broken = rows.map((row) =>
      row.lad19 === 'E08000035' && row.setting === 'outpatient' ? { ...row, share: 0.5 } : row,
    );
    const result = compileProviders(broken, DISTRICTS);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(/outpatient providers for E08000035 add up to 0.500, not 1/);
    const missing = compileProviders(
      rows.filter((row) => !(row.lad19 === 'E08000036' && row.setting === 'ambulance')),
      DISTRICTS,
    );
    expect(!missing.ok && missing.error).toMatch(/no provider of ambulance for the district E08000036/);
  });

  it('reports each bad cell with its line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'accord-providers-'));
    writeFileSync(
      join(dir, PROVIDERS_FILE),
      'lad19_code,lad19_name,setting,organisation,share,from,to,source,note\n' +
        'E08000035,Leeds,outpatient,leeds-teaching-hospitals-nhs-trust,1.00,,,nhs-ods-organisations,ok\n' +
        'E0800003,Leeds,surgery,Leeds Hospital,1.5,2023-13-01,,nhs-ods-organisations,bad\n',
    );
    const result = loadProviders(dir);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const paths = result.error.map((issue) => `${issue.line ?? ''} ${issue.path ?? ''}`);
    expect(paths).toEqual(
      expect.arrayContaining(['3 lad19_code', '3 setting', '3 organisation', '3 share', '3 from']),
    );
  });
});
