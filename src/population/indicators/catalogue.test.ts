import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../core/paths.js';
import { loadCatalogue } from './catalogue.js';

const dir = mkdtempSync(join(tmpdir(), 'accord-catalogue-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("Accord's indicator catalogue", () => {
  it('loads: every definition valid, named for its file, and every code list it names defined', () => {
    const catalogue = loadCatalogue(join(packageRoot, 'indicators'));
    if (!catalogue.ok) throw new Error(catalogue.error.map((i) => `${i.file}: ${i.message}`).join('\n'));
    const ids = catalogue.value.indicators.map((indicator) => indicator.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toContain('life-expectancy');
  });

  it('refuses a folder with a bad definition, naming the file and the field, and an unknown code list', () => {
    writeFileSync(
      join(dir, 'code-lists.yaml'),
      'known:\n  title: Known\n  system: snomed\n  codes: ["1"]\n  source: test\n',
    );
    writeFileSync(join(dir, 'bad.yaml'), 'id: bad\ntitle: Bad\nmeasure: average\n');
    writeFileSync(
      join(dir, 'unknown-list.yaml'),
      [
        'id: unknown-list',
        'title: x',
        'description: x',
        'rationale: x',
        'source: x',
        'priority: [x]',
        'measure: proportion',
        'per: 100',
        'polarity: no-judgement',
        'years: { from: 2020, to: 2020 }',
        'population: {}',
        'numerator: { where: { event: { kind: condition, codes: missing } } }',
      ].join('\n'),
    );
    writeFileSync(join(dir, 'broken.yaml'), 'id: [unclosed\n');
    const loaded = loadCatalogue(dir);
    expect(loaded.ok).toBe(false);
    if (loaded.ok) return;
    const messages = loaded.error.map((issue) => `${(issue.file ?? '').replace(dir, '')}: ${issue.message}`);
    expect(messages).toContain(
      '/bad.yaml: measure: Invalid option: expected one of "proportion"|"crude-rate"|"directly-standardised-rate"|"count"|"life-expectancy"',
    );
    expect(messages.some((m) => m.startsWith('/bad.yaml: description: '))).toBe(true);
    expect(messages).toContain(
      '/unknown-list.yaml: names the code list missing, which code-lists.yaml does not define',
    );
    expect(messages.some((m) => m.startsWith('/broken.yaml: is not valid YAML'))).toBe(true);
  });
});
