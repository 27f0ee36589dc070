/**
 * The population view-model: every figure it gives out has been through disclosure control. A fixture of
 * hand-made cube cells (groups of 3, 4 and 9 events among large ones) is turned into figures by the real
 * measures and inequality gap, then into the view; the tests check what is withheld, what is rounded and what the
 * CSV and JSON hold. Also: no module of src/web but this one reads the computed figures' code.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../core/paths.js';
import {
  audienceOf,
  CSV_COLUMNS,
  dashboardCsv,
  dashboardJson,
  indicatorCsv,
  indicatorJson,
  indicatorView,
  populationView,
  SUPPRESSED_NOTE,
  type FigureView,
} from './population-view.js';
import { fixtureResults } from '../../test/support/population-fixture.js';

// --- The fixture (the pages' test builds the same one) -------------------------------------------------------------

const PLACES = new Map([
  ['north-bank', 'North Bank'],
  ['south-bank', 'South Bank'],
]);

// -------------------------------------------------------------------------------------------------------------------

const results = fixtureResults();
const [crude, proportion, count] = results.results;
if (crude === undefined || proportion === undefined || count === undefined) throw new Error('fixture');

const find = (figures: readonly FigureView[] | undefined, group: string) => {
  const f = figures?.find((x) => x.group === group);
  if (f === undefined) throw new Error(`no group ${group}`);
  return f;
};

describe('the population view-model', () => {
  const analyst = indicatorView(crude, 'analyst', PLACES);
  const pub = indicatorView(crude, 'public', PLACES);
  const year = (view: typeof analyst, y: number) => {
    const found = view.byYear.find((x) => x.year === y);
    if (found === undefined) throw new Error(`no ${y}`);
    return found;
  };
  const breakdown = (view: typeof analyst, y: number, b: string) =>
    year(view, y).breakdowns.find((x) => x.breakdown === b)?.groups;

  it('shows place, quintile and sex to the public, and age band and ethnic group to analysts', () => {
    expect(year(pub, 2023).breakdowns.map((b) => b.breakdown)).toEqual(['place', 'imd-quintile', 'sex']);
    expect(year(analyst, 2023).breakdowns.map((b) => b.breakdown)).toEqual([
      'place',
      'imd-quintile',
      'sex',
      'age-band',
      'ethnic-group',
    ]);
    // No counts in the public view at all.
    for (const y of pub.byYear) {
      for (const f of [y.partnership, ...y.breakdowns.flatMap((b) => b.groups)]) {
        expect(f.numerator).toBeUndefined();
        expect(f.denominator).toBeUndefined();
        expect(f.numeratorText).toBe('');
      }
    }
  });

  it('withholds a group of 3 events: its rate and its count, and a second count so it cannot be worked out', () => {
    const ethnic = breakdown(analyst, 2023, 'ethnic-group');
    const black = find(ethnic, 'Black');
    expect(black.estimate).toEqual({ kind: 'suppressed', reason: 'too-few-events' });
    expect(black.numerator).toEqual({ kind: 'suppressed', reason: 'small-count' });
    expect(black.valueText).toBe('[c]');
    expect(black.plot).toBeUndefined();
    expect(black.comparison).toBe('not-compared');
    // The denominator of 7,919 is published rounded.
    expect(black.denominator).toEqual({ kind: 'count', value: 7920 });
    // The least other numerator is withheld too (secondary), and with it its rate.
    const secondary = ethnic?.filter((f) => f.numerator?.kind === 'suppressed') ?? [];
    expect(secondary.length).toBeGreaterThanOrEqual(2);
    for (const f of secondary) expect(f.estimate?.kind).toBe('suppressed');
  });

  it('shows the count of a group of 9 events rounded to 10, but not its rate', () => {
    const mixed = find(breakdown(analyst, 2023, 'ethnic-group'), 'Mixed');
    expect(mixed.estimate?.kind).toBe('suppressed');
    expect(mixed.valueText).toBe('[c]');
    // 9 is withheld as the least cell beside the 3 (secondary) or shown as 10: never as 9.
    expect(mixed.numeratorText === '10' || mixed.numeratorText === '[c]').toBe(true);
    expect(mixed.denominatorText).toBe('2,205');
  });

  it('rounds every published count to 5 and never shows one of 1 to 7', () => {
    for (const y of analyst.byYear) {
      for (const f of [y.partnership, ...y.breakdowns.flatMap((b) => b.groups)]) {
        for (const cell of [f.numerator, f.denominator]) {
          if (cell?.kind === 'count') {
            expect(cell.value % 5).toBe(0);
            expect(cell.value === 0 || cell.value >= 10).toBe(true);
          }
        }
      }
    }
  });

  it('compares places with the partnership by the interval and the polarity, in words', () => {
    const y = year(analyst, 2023);
    expect(y.partnership.estimate?.kind).toBe('rate');
    for (const f of y.breakdowns.flatMap((b) => b.groups)) {
      if (f.estimate?.kind === 'rate') expect(['better', 'similar', 'worse']).toContain(f.comparison);
      else expect(f.comparison).toBe('not-compared');
    }
    // Quintile 1 has the most admissions: worse, as low is good.
    expect(find(breakdown(analyst, 2022, 'imd-quintile'), '1').comparison).toBe('worse');
    expect(find(breakdown(analyst, 2022, 'place'), 'north-bank').label).toBe('North Bank');
  });

  it('gives the gap and the SII only when the quintiles are published', () => {
    const y2022 = year(analyst, 2022).inequality;
    expect(y2022.absoluteGap).toBeDefined();
    expect(y2022.sii).toBeDefined();
    expect(y2022.sii?.points).toHaveLength(5);
    // The fitted line passes through the population-weighted mean at the middle.
    const line = y2022.sii?.line;
    expect((line?.atOne ?? 0) - (line?.atZero ?? 0)).toBeCloseTo(y2022.sii?.sii ?? NaN, 9);
    const y2024 = year(analyst, 2024).inequality;
    expect(y2024.q5?.estimate?.kind).toBe('suppressed');
    expect(y2024.absoluteGap).toBeUndefined();
    expect(y2024.absoluteGapText).toBe('not published: too few events');
    expect(y2024.sii).toBeUndefined();
    expect(y2024.siiNote).toMatch(/^not published/);
    expect(y2024.withheld).toBe(true);
    // Two years with an SII: a trend can be judged; the gap narrowed from 2022 to 2023.
    expect(analyst.trend).toBe('narrowing');
    expect(analyst.trendText).toMatch(/narrowing/);
    expect(analyst.hasSuppressed).toBe(true);
  });

  it('publishes the same figures to every audience', () => {
    for (const y of pub.byYear) {
      const a = year(analyst, y.year);
      expect(y.partnership.valueText).toBe(a.partnership.valueText);
      for (const b of y.breakdowns) {
        expect(b.groups.map((g) => g.valueText)).toEqual(
          a.breakdowns.find((x) => x.breakdown === b.breakdown)?.groups.map((g) => g.valueText),
        );
      }
    }
  });

  it('shows a count indicator as its rounded count, without limits and without an SII', () => {
    const view = indicatorView(count, 'public', PLACES);
    const y = view.byYear.at(-1);
    expect(y?.partnership.estimate?.kind).toBe('count');
    expect(y?.partnership.estimate?.kind === 'count' && y.partnership.estimate.value % 5).toBe(0);
    expect(y?.partnership.estimate998).toBeUndefined();
    expect(y?.inequality.sii).toBeUndefined();
  });

  it('writes a CSV with the columns, [c] for withheld figures, and blanks for counts the public may not see', () => {
    const csv = indicatorCsv(analyst);
    const lines = csv.trim().split('\r\n');
    expect(lines[0]).toBe(CSV_COLUMNS.join(','));
    const black = lines.find((l) => l.startsWith('emergency-admissions,2023,ethnic-group,Black,'));
    expect(black?.split(',').slice(4, 11)).toEqual(['[c]', '[c]', '[c]', '[c]', '[c]', '[c]', '7920']);
    expect(lines.find((l) => l.startsWith('emergency-admissions,2024,inequality,gap-q1-q5,'))).toContain(
      '[c]',
    );
    const publicCsv = indicatorCsv(pub).trim().split('\r\n');
    expect(publicCsv.some((l) => l.includes('ethnic-group'))).toBe(false);
    const place = publicCsv
      .find((l) => l.startsWith('emergency-admissions,2023,place,north-bank,'))
      ?.split(',');
    expect(place?.slice(9, 11)).toEqual(['', '']);
    expect(Number(place?.[4])).toBeGreaterThan(0);
  });

  it('writes JSON with the note and [c]', () => {
    const json = indicatorJson(analyst);
    expect(json.notes).toEqual([SUPPRESSED_NOTE]);
    const black = json.figures.find((f) => f.year === 2023 && f.group === 'Black');
    expect(black).toMatchObject({ value: '[c]', lower_95: '[c]', numerator: '[c]', denominator: 7920 });
    const publicJson = indicatorJson(pub);
    expect(publicJson.figures.every((f) => !('numerator' in f))).toBe(true);
  });

  it('writes the dashboard: each indicator in its latest year', () => {
    const view = populationView(results, 'public', PLACES);
    expect(view.rows.map((r) => r.id)).toEqual(['emergency-admissions', 'screening-uptake', 'referrals']);
    expect(view.rows[0]?.latestYear).toBe(2024);
    expect(view.rows[0]?.spark).toHaveLength(3);
    const csv = dashboardCsv(view).trim().split('\r\n');
    expect(csv[0]).toBe(CSV_COLUMNS.join(','));
    expect(csv.filter((l) => l.startsWith('emergency-admissions,2024,')).length).toBe(4);
    const json = dashboardJson(view);
    expect(json.notes).toEqual([SUPPRESSED_NOTE]);
    expect(json.indicators[0]?.quintile5?.value).toBe('[c]');
  });

  it('tells staff from the public', () => {
    expect(audienceOf({ kind: 'anonymous' })).toBe('public');
    expect(audienceOf({ kind: 'user', roles: ['public'] })).toBe('public');
    expect(audienceOf({ kind: 'user', roles: ['analyst'] })).toBe('analyst');
    expect(audienceOf({ kind: 'user', roles: ['R8000'] })).toBe('analyst');
    expect(audienceOf({ kind: 'system' })).toBe('public');
  });
});

describe('no module of the web edge but the view-models read the computed figures', () => {
  const files = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory() ? files(join(dir, entry.name)) : [join(dir, entry.name)],
    );
  const web = join(packageRoot, 'src', 'web');
  // The view-models: population health's, the carers' register's and segmentation's, each through disclosure control.
  const viewModels = /(population|carers|segmentation)-view\.ts$/;
  const sources = files(web).filter(
    (f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !viewModels.test(f),
  );

  /** The imports of a source that break the rule: a function (not a type) from src/population, but disclosure. */
  const offences = (text: string): string[] =>
    [...text.matchAll(/import\s+(type\s+)?([^;]*?)\s+from\s+'([^']+)'/gs)].flatMap((match) => {
      const [, typeOnly, names = '', from = ''] = match;
      if (!from.includes('population/')) return [];
      const valueNames = names
        .replace(/[{}]/g, '')
        .split(',')
        .map((n) => n.trim())
        .filter((n) => n !== '' && !n.startsWith('type '));
      const onlyTypes = typeOnly !== undefined || valueNames.length === 0;
      const disclosure = /population\/disclosure(\/index)?\.js$/.test(from);
      return onlyTypes || disclosure ? [] : [match[0].replace(/\s+/g, ' ')];
    });

  it('imports from src/population only types, and functions only of the disclosure module', () => {
    expect(sources.length).toBeGreaterThan(10);
    const found = sources.flatMap((file) =>
      offences(readFileSync(file, 'utf8')).map((o) => `${relative(packageRoot, file)}: ${o}`),
    );
    expect(found).toEqual([]);
  });

  it('catches a module that would (the check itself can fail)', () => {
    expect(offences("import { indicatorValues } from '../population/indicators/measures.js';")).toHaveLength(
      1,
    );
    expect(
      offences("import { compareWithBenchmark } from '../../population/statistics/benchmark.js';"),
    ).toHaveLength(1);
    expect(offences("import { computeCatalogue } from '../population/indicators/run.js';")).toHaveLength(1);
    expect(offences("import type { Comparison } from '../../population/statistics/benchmark.js';")).toEqual(
      [],
    );
    expect(
      offences("import { protectRate, type PublishedCell } from '../population/disclosure/index.js';"),
    ).toEqual([]);
    expect(
      offences("import { type PopulationResults } from '../population/indicators/results-file.js';"),
    ).toEqual([]);
  });
});
