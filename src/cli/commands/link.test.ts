import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { LinkRecord } from '../../identity/linkage/record.js';
import { syntheticPairs } from '../../identity/linkage/testing.js';
import { parseCsv } from '../../synthetic/csv.js';
import { EXIT, main } from '../main.js';
import { runLink } from './link.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'accord-link-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
  vi.restoreAllMocks();
});

const HEADER = 'rec_id, given_name, surname, date_of_birth, sex, postcode, nhs';
const MAP =
  'id=rec_id,forename=given_name,surname=surname,dateOfBirth=date_of_birth,sex=sex,postcode=postcode,nhsNumber=nhs';

/**
 * Seeded people (left, ids a0…) and an imperfect second record of each (right, ids b0…), as CSV rows written the way
 * FEBRL writes them: comma and space, dates YYYYMMDD.
 */
const synthetic = syntheticPairs(300, 3);
const asRow = (r: LinkRecord) =>
  [
    r.id,
    r.forename,
    r.surname,
    r.dateOfBirth?.replace(/-/g, ''),
    r.sex?.charAt(0).toUpperCase(),
    r.postcode,
    r.nhsNumber,
  ]
    .map((cell) => cell ?? '')
    .join(', ');
const people = () => synthetic.left.map(asRow);
const duplicates = () => synthetic.right.map(asRow);

function write(name: string, lines: readonly string[]): string {
  const file = join(dir, name);
  writeFileSync(file, [HEADER, ...lines].join('\n') + '\n');
  return file;
}

function io() {
  const out: string[] = [];
  const fail: string[] = [];
  return {
    io: { out: (line: string) => out.push(line), fail: (line: string) => fail.push(line) },
    out: () => out.join('\n'),
    fail: () => fail.join('\n'),
  };
}

function readCsv(file: string): Record<string, string>[] {
  const parsed = parseCsv(readFileSync(file, 'utf8'), file);
  if (!parsed.ok) throw new Error('output is not CSV');
  const [header, ...rows] = parsed.value;
  return rows.map((row) =>
    Object.fromEntries((header?.fields ?? []).map((name, i) => [name, row.fields[i] ?? ''])),
  );
}

const options = (out: string, extra: Record<string, unknown> = {}) => ({
  map: [MAP],
  out,
  'on-error': 'stop',
  'all-pairs': false,
  ...extra,
});

/** The person a record id stands for: a7 and b7 are the same person. */
const person = (id: string | undefined) => id?.slice(1);

describe('accord link', () => {
  it('deduplicates one file: duplicates share a cluster, no cluster mixes people, and the outputs parse back', async () => {
    const file = write('people.csv', [...people(), ...duplicates()]);
    const out = join(dir, 'out');
    const console = io();
    expect(await runLink(options(out), [file], console.io)).toBe(0);

    const clusters = readCsv(join(out, 'clusters.csv'));
    expect(clusters).toHaveLength(600);
    expect(new Set(clusters.map((row) => row.source))).toEqual(new Set(['left']));
    const members = new Map<string, string[]>();
    for (const { cluster_id = '', record_id = '' } of clusters)
      members.set(cluster_id, [...(members.get(cluster_id) ?? []), record_id]);
    for (const ids of members.values()) expect(new Set(ids.map(person)).size).toBe(1);
    const together = [...members.values()].filter((ids) => ids.length === 2).length;
    expect(together).toBeGreaterThanOrEqual(285);
    // Numbered by first record, in file order.
    expect(clusters.slice(0, 3).map((row) => row.cluster_id)).toEqual(['1', '2', '3']);

    const pairs = readCsv(join(out, 'pairs.csv'));
    const linked = pairs.filter((row) => row.outcome === 'auto-link');
    expect(linked).toHaveLength(together);
    expect(linked.every((row) => person(row.left_id) === person(row.right_id))).toBe(true);
    expect(pairs.every((row) => Number(row.probability) >= 0.2)).toBe(true);
    expect(Object.keys(pairs[0] ?? {})).toEqual(
      expect.arrayContaining([
        'probability',
        'weight',
        'forename_level',
        'surname_weight',
        'nhsNumber_level',
      ]),
    );
    // Fields no column was mapped to have no columns.
    expect(Object.keys(pairs[0] ?? {})).not.toContain('email_level');

    expect(console.out()).toMatch(/deduplicated people\.csv \(600 records\)/);
    expect(console.out()).toMatch(new RegExp(`auto-links\\s+${together}\\b`));
    expect(console.out()).toMatch(
      new RegExp(`clusters\\s+${600 - together} \\(${together} of more than one record\\)`),
    );
    expect(console.fail()).toBe('');
  });

  it('links two files: each left record with its right one, sources labelled', async () => {
    const left = write('left.csv', people());
    const right = write('right.csv', duplicates());
    const out = join(dir, 'out');
    expect(await runLink(options(out, { 'all-pairs': true }), [left, right], io().io)).toBe(0);
    const clusters = readCsv(join(out, 'clusters.csv'));
    expect(clusters.filter((row) => row.source === 'right')).toHaveLength(300);
    const cluster = (source: string, id: string) =>
      clusters.find((row) => row.source === source && row.record_id === id)?.cluster_id;
    const together = Array.from({ length: 300 }, (_, i) => i).filter(
      (i) => cluster('left', `a${i}`) === cluster('right', `b${i}`),
    );
    expect(together.length).toBeGreaterThanOrEqual(285);
    const pairs = readCsv(join(out, 'pairs.csv'));
    expect(
      pairs.every((row) => row.left_id?.startsWith('a') === true && row.right_id?.startsWith('b') === true),
    ).toBe(true);
    // --all-pairs: the no-links too.
    expect(pairs.some((row) => row.outcome === 'no-link')).toBe(true);
  });

  const withBadRows = () =>
    write('bad.csv', [
      ...people(), // lines 2–301
      'x1, ann, lee, 19500230, F, LS1 1AA, ', // 302: 30 February
      'x2, bob, lee, 19500101, M, LS1 1AA, 9434765918', // 303: NHS number check digit
      'a3, cat, lee, 19500101, F, LS1 1AA, ', // 304: repeated id
      'x4,"dan, lee', // 305: unclosed quote
      ...duplicates(), // 306–605
    ]);

  it('stop (the default): reports every bad row with its line and writes nothing', async () => {
    const file = withBadRows();
    const out = join(dir, 'out');
    const console = io();
    expect(await runLink(options(out), [file], console.io)).toBe(1);
    expect(console.fail()).toMatch(/bad\.csv: line 302: date_of_birth: the date of birth is not a real date/);
    expect(console.fail()).toMatch(/bad\.csv: line 303: nhs: the NHS number fails its check digit/);
    expect(console.fail()).toMatch(/bad\.csv: line 304: rec_id: the id is already used on line 5/);
    expect(console.fail()).toMatch(/bad\.csv: line 305: a quoted field is never closed/);
    expect(console.fail()).toMatch(/4 problem\(s\) in 4 row\(s\); nothing written/);
    expect(existsSync(out)).toBe(false);
  });

  it('skip: reports the bad rows and links the good ones', async () => {
    const file = withBadRows();
    const out = join(dir, 'out');
    const console = io();
    expect(await runLink(options(out, { 'on-error': 'skip' }), [file], console.io)).toBe(0);
    expect(console.fail().split('\n')).toHaveLength(4);
    const ids = readCsv(join(out, 'clusters.csv')).map((row) => row.record_id);
    expect(ids).toHaveLength(600);
    expect(ids).not.toContain('x1');
    expect(ids).not.toContain('x2');
    expect(console.out()).toMatch(/4 problem\(s\) reported, 4 row\(s\) left out/);
  });

  it('missing: keeps rows whose only fault is a value, without it', async () => {
    const file = withBadRows();
    const out = join(dir, 'out');
    expect(await runLink(options(out, { 'on-error': 'missing' }), [file], io().io)).toBe(0);
    const ids = readCsv(join(out, 'clusters.csv')).map((row) => row.record_id);
    expect(ids).toEqual(expect.arrayContaining(['x1', 'x2']));
    expect(ids).toHaveLength(602);
  });

  it('stops with one message naming the mapped columns missing from the header, and what to do', async () => {
    const file = write('people.csv', people());
    const console = io();
    const code = await runLink(
      options(join(dir, 'out'), { map: ['id=rec_id,forename=first_name,email=email'] }),
      [file],
      console.io,
    );
    expect(code).toBe(1);
    expect(console.fail()).toMatch(
      /people\.csv: line 1: the header has no column 'first_name' \(for forename\), 'email' \(for email\)\. Its columns are: rec_id, given_name/,
    );
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });

  it('refuses a wrong command line with exit code 2', async () => {
    const file = write('people.csv', people());
    const console = io();
    expect(
      await runLink(options(join(dir, 'out'), { map: ['forename=given_name'] }), [file], console.io),
    ).toBe(2);
    expect(console.fail()).toMatch(/id is not mapped/);
    expect(await runLink(options(join(dir, 'out'), { 'on-error': 'ignore' }), [file], console.io)).toBe(2);
    expect(await runLink({ map: [MAP] }, [file], console.io)).toBe(2);
  });

  it('leaves no half-written or temporary file when it cannot write', async () => {
    const file = write('people.csv', people());
    const out = join(dir, 'out');
    mkdirSync(join(out, 'pairs.csv'), { recursive: true }); // a folder where the file should go
    const console = io();
    expect(await runLink(options(out), [file], console.io)).toBe(1);
    expect(console.fail()).toMatch(/cannot write/);
    expect(readdirSync(out).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('overwrites the outputs of an earlier run whole', async () => {
    const file = write('people.csv', people());
    const out = join(dir, 'out');
    mkdirSync(out);
    writeFileSync(join(out, 'clusters.csv'), 'stale\n'.repeat(1000));
    expect(await runLink(options(out), [file], io().io)).toBe(0);
    expect(readCsv(join(out, 'clusters.csv'))).toHaveLength(300);
    expect(readdirSync(out).sort()).toEqual(['clusters.csv', 'pairs.csv']);
  });

  it('is registered: accord link takes one or two files, not none or three', async () => {
    const file = write('people.csv', people());
    const stdout: string[] = [];
    const stderr: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => stdout.push(String(chunk)) > 0);
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => stderr.push(String(chunk)) > 0);
    expect(await main(['link', '--help'])).toBe(EXIT.ok);
    expect(stdout.join('')).toMatch(/^Usage: accord link <left\.csv> \[right\.csv\]/);
    expect(await main(['link', '--map', MAP, '--out', join(dir, 'o')])).toBe(EXIT.usage);
    expect(stderr.join('')).toMatch(/expected 1 to 2 argument\(s\), got 0/);
    expect(await main(['link', file, file, file, '--map', MAP, '--out', join(dir, 'o')])).toBe(EXIT.usage);
    expect(await main(['link', file, '--map', MAP, '--out', join(dir, 'o')])).toBe(EXIT.ok);
    expect(stdout.join('')).toMatch(/deduplicated people\.csv \(300 records\)/);
  });
});
