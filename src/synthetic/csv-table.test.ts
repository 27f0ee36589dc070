import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Issue } from '../core/problem.js';
import {
  checkSources,
  checkUnique,
  columnsOf,
  parseTable,
  Percent,
  readTable,
  Sources,
  Text,
  valuesOf,
} from './csv-table.js';

const Row = z
  .object({ name: Text, share: Percent, source: Sources })
  .transform((row) => ({ name: row.name, share: row.share, sources: row.source }));

describe('csv-table', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('knows the columns of a transformed row schema, in order', () => {
    expect(columnsOf(Row)).toEqual(['name', 'share', 'source']);
  });

  it('reads every good row with its line, in any column order, trimming cells', () => {
    const issues: Issue[] = [];
    const table = parseTable(
      'source,name,share\r\n a b ,Leeds,12.5\n\nons,Bradford, 7\n',
      't.csv',
      Row,
      issues,
    );
    expect(issues).toEqual([]);
    expect(table?.complete).toBe(true);
    expect(table?.rows).toEqual([
      { line: 2, value: { name: 'Leeds', share: 12.5, sources: ['a', 'b'] } },
      { line: 4, value: { name: 'Bradford', share: 7, sources: ['ons'] } },
    ]);
    expect(valuesOf(table).map((row) => row.name)).toEqual(['Leeds', 'Bradford']);
    expect(valuesOf(undefined)).toEqual([]);
  });

  it('reports every bad row with its line and column, and marks the table incomplete', () => {
    const issues: Issue[] = [];
    const text = 'name,share,source\n,101,ons\nLeeds,12\nBradford,x,\n';
    const table = parseTable(text, 't.csv', Row, issues);
    expect(table?.complete).toBe(false);
    expect(table?.rows).toEqual([]);
    expect(issues).toEqual([
      { file: 't.csv', line: 2, path: 'name', message: 'must not be empty' },
      { file: 't.csv', line: 2, path: 'share', message: 'must be a percentage between 0 and 100' },
      { file: 't.csv', line: 3, message: 'has 2 fields, the header has 3' },
      { file: 't.csv', line: 4, path: 'share', message: 'must be a number such as 12.5' },
      {
        file: 't.csv',
        line: 4,
        path: 'source',
        message: 'must name at least one source id from sources.yaml',
      },
    ]);
  });

  it('reports a wrong header and an empty file instead of reading rows', () => {
    const issues: Issue[] = [];
    expect(parseTable('name,name,sort\nLeeds,1,2\n', 't.csv', Row, issues)).toBeUndefined();
    expect(parseTable('', 'e.csv', Row, issues)).toBeUndefined();
    expect(issues).toEqual([
      {
        file: 't.csv',
        line: 1,
        message: 'header: missing column(s) share, source; unknown column(s) sort; repeated column(s) name',
      },
      { file: 'e.csv', message: 'is empty: it needs a header line and rows' },
    ]);
  });

  it("reports a missing file with the caller's message, and a file that cannot be read", () => {
    const dir = mkdtempSync(join(tmpdir(), 'accord-csv-table-'));
    dirs.push(dir);
    mkdirSync(join(dir, 'folder.csv'));
    writeFileSync(join(dir, 'good.csv'), 'name,share,source\nLeeds,1,ons\n');
    const issues: Issue[] = [];
    expect(
      readTable(join(dir, 'none.csv'), 'none.csv', Row, 'file is missing: look here', issues),
    ).toBeUndefined();
    expect(readTable(join(dir, 'folder.csv'), 'folder.csv', Row, 'missing', issues)).toBeUndefined();
    expect(readTable(join(dir, 'good.csv'), 'good.csv', Row, 'missing', issues)?.rows).toHaveLength(1);
    expect(issues).toEqual([
      { file: 'none.csv', message: 'file is missing: look here' },
      { file: 'folder.csv', message: expect.stringMatching(/^cannot be read \(EISDIR\)/) },
    ]);
  });

  it('reports unknown sources and repeated keys, naming the first line', () => {
    const issues: Issue[] = [];
    const table = parseTable('name,share,source\nLeeds,1,ons\nLeeds,2,ons nhs\n', 't.csv', Row, issues);
    checkSources('t.csv', table, new Set(['ons']), 'sources.yaml', issues);
    checkUnique('t.csv', table, 'name', (row) => row.name, 'place', issues);
    expect(issues).toEqual([
      { file: 't.csv', line: 3, path: 'source', message: 'unknown source nhs: add it to sources.yaml' },
      { file: 't.csv', line: 3, path: 'name', message: 'duplicate place Leeds: first on line 2' },
    ]);
  });
});
