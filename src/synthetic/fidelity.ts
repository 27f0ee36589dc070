/**
 * @module synthetic/fidelity
 * How closely a generated population matches the calibration targets it was drawn from (issue 3, item 6): the
 * share of residents by place, by national IMD quintile, by age band, and the female share in each age band; the
 * recorded prevalence of each QOF condition by place and its ratio across deprivation quintiles; and life expectancy
 * by deprivation quintile and sex from the deaths generated — target against generated, and the difference.
 * Pure arithmetic on counts; truth-reader.ts queries the counts from the Parquet files.
 */
import type { Calibration } from './calibration.js';

export interface FidelityRow {
  readonly measure: string;
  readonly group: string;
  readonly target: number;
  readonly generated: number;
  /** generated − target, in the row's unit. */
  readonly difference: number;
  readonly unit: '%' | 'years' | 'ratio';
}

export interface GeneratedResident {
  readonly place: string;
  readonly imdDecile: number;
  readonly age: number;
  readonly sex: 'female' | 'male';
}

const AGE_BANDS: readonly { name: string; from: number; to: number }[] = [
  { name: '0-15', from: 0, to: 15 },
  { name: '16-64', from: 16, to: 64 },
  { name: '65-74', from: 65, to: 74 },
  { name: '75+', from: 75, to: 90 },
];

const bandOf = (age: number) => AGE_BANDS.find((band) => age >= band.from && age <= band.to)?.name ?? '75+';

/** Adds `amount` to `key` of a tally. */
function add(tally: Map<string, number>, key: string, amount = 1): void {
  tally.set(key, (tally.get(key) ?? 0) + amount);
}

export function fidelityReport(
  calibration: Calibration,
  residents: Iterable<GeneratedResident>,
): FidelityRow[] {
  // Targets, from the tables the generator samples.
  const targetPlace = new Map<string, number>();
  const targetQuintile = new Map<string, number>();
  const targetBand = new Map<string, number>();
  let targetTotal = 0;
  for (const row of calibration.ageStructure) {
    add(targetPlace, row.place, row.total);
    add(targetQuintile, String(Math.ceil(row.imdDecile / 2)), row.total);
    row.ages.forEach((people, age) => add(targetBand, bandOf(age), people));
    targetTotal += row.total;
  }
  const targetFemales = new Map<string, number>();
  const targetPeople = new Map<string, number>();
  for (const row of calibration.sexRatio) {
    add(targetFemales, row.ageBand, row.females);
    add(targetPeople, row.ageBand, row.females + row.males);
  }

  // What was generated.
  const place = new Map<string, number>();
  const quintile = new Map<string, number>();
  const band = new Map<string, number>();
  const females = new Map<string, number>();
  let total = 0;
  for (const resident of residents) {
    add(place, resident.place);
    add(quintile, String(Math.ceil(resident.imdDecile / 2)));
    add(band, bandOf(resident.age));
    if (resident.sex === 'female') add(females, bandOf(resident.age));
    total++;
  }

  const pct = (part: number, whole: number) => (whole === 0 ? 0 : (100 * part) / whole);
  const row = (measure: string, group: string, target: number, generated: number): FidelityRow => ({
    measure,
    group,
    target,
    generated,
    difference: generated - target,
    unit: '%',
  });
  return [
    ...[...targetPlace.keys()]
      .sort()
      .map((key) =>
        row('place', key, pct(targetPlace.get(key) ?? 0, targetTotal), pct(place.get(key) ?? 0, total)),
      ),
    ...['1', '2', '3', '4', '5'].map((key) =>
      row(
        'imd quintile',
        key,
        pct(targetQuintile.get(key) ?? 0, targetTotal),
        pct(quintile.get(key) ?? 0, total),
      ),
    ),
    ...AGE_BANDS.map(({ name }) =>
      row('age band', name, pct(targetBand.get(name) ?? 0, targetTotal), pct(band.get(name) ?? 0, total)),
    ),
    ...AGE_BANDS.map(({ name }) =>
      row(
        'female share by age band',
        name,
        pct(targetFemales.get(name) ?? 0, targetPeople.get(name) ?? 0),
        pct(females.get(name) ?? 0, band.get(name) ?? 0),
      ),
    ),
  ];
}

/** Cases of a condition among the residents of a place and quintile on the reference date. */
export interface PrevalenceCount {
  readonly qofGroup: string;
  readonly condition: string;
  readonly place: string;
  readonly quintile: number;
  readonly residents: number;
  readonly cases: number;
}

/**
 * Recorded prevalence by place against the place's QOF figure (all-age list size as denominator, as QOF's), and the
 * prevalence of the most and least deprived quintiles relative to the whole partnership against the modelled QOF
 * gradient (England's decile ratios, weighted by the partnership's people in each decile).
 */
export function prevalenceFidelity(
  calibration: Calibration,
  counts: readonly PrevalenceCount[],
): FidelityRow[] {
  const rows: FidelityRow[] = [];
  const groups = [...new Set(counts.map((c) => `${c.qofGroup} ${c.condition}`))].sort();
  const peopleByDecile = new Map<number, number>();
  for (const row of calibration.ageStructure)
    peopleByDecile.set(row.imdDecile, (peopleByDecile.get(row.imdDecile) ?? 0) + row.total);
  for (const key of groups) {
    const [qofGroup = '', condition = ''] = key.split(' ');
    const mine = counts.filter((c) => c.qofGroup === qofGroup && c.condition === condition);
    const places = [...new Set(mine.map((c) => c.place))].sort();
    for (const place of places) {
      const target = calibration.prevalence.find((p) => p.place === place && p.disease === qofGroup);
      if (target === undefined) continue;
      const here = mine.filter((c) => c.place === place);
      const residents = here.reduce((sum, c) => sum + c.residents, 0);
      const cases = here.reduce((sum, c) => sum + c.cases, 0);
      const generated = residents === 0 ? 0 : (100 * cases) / residents;
      rows.push({
        measure: `prevalence ${condition} (${qofGroup})`,
        group: place,
        target: target.prevalencePct,
        generated,
        difference: generated - target.prevalencePct,
        unit: '%',
      });
    }
    // The gradient: quintile prevalence relative to the whole.
    const gradient = calibration.imdGradient.filter((g) => g.disease === qofGroup);
    if (gradient.length !== 10) continue;
    const weightOf = (d: number) => peopleByDecile.get(d) ?? 0;
    const all = gradient.reduce((sum, g) => sum + g.ratioToEngland * weightOf(g.imdDecile), 0);
    const allWeight = gradient.reduce((sum, g) => sum + weightOf(g.imdDecile), 0);
    const residentsAll = mine.reduce((sum, c) => sum + c.residents, 0);
    const casesAll = mine.reduce((sum, c) => sum + c.cases, 0);
    for (const quintile of [1, 5]) {
      const deciles = gradient.filter((g) => Math.ceil(g.imdDecile / 2) === quintile);
      const w = deciles.reduce((sum, g) => sum + weightOf(g.imdDecile), 0);
      if (w === 0 || all === 0) continue;
      const target =
        deciles.reduce((sum, g) => sum + g.ratioToEngland * weightOf(g.imdDecile), 0) / w / (all / allWeight);
      const inQuintile = mine.filter((c) => c.quintile === quintile);
      const r = inQuintile.reduce((sum, c) => sum + c.residents, 0);
      const k = inQuintile.reduce((sum, c) => sum + c.cases, 0);
      const generated = r === 0 || casesAll === 0 ? 0 : k / r / (casesAll / residentsAll);
      rows.push({
        measure: `prevalence ratio ${condition} (${qofGroup})`,
        group: `quintile ${quintile} / all`,
        target,
        generated,
        difference: generated - target,
        unit: 'ratio',
      });
    }
  }
  return rows;
}

/** Deaths and years lived in an age band, by deprivation quintile and sex. */
export interface Exposure {
  readonly quintile: number;
  readonly sex: 'female' | 'male';
  /** Age band start: 0, 1, 5, 10, … 90 (90 and over). */
  readonly ageFrom: number;
  readonly years: number;
  readonly deaths: number;
}

export const LIFE_TABLE_BANDS: readonly number[] = [0, 1, ...Array.from({ length: 18 }, (_, i) => 5 + 5 * i)];

/**
 * Period life expectancy at birth from deaths and years lived by age band (an abridged life table, Chiang's method
 * with deaths at mid-interval: nqx = n·m / (1 + n·m/2); the open last band lives 1/m).
 */
export function abridgedLifeExpectancy(
  bands: readonly { ageFrom: number; years: number; deaths: number }[],
): number {
  const sorted = [...bands].sort((a, b) => a.ageFrom - b.ageFrom);
  let alive = 1;
  let lived = 0;
  sorted.forEach((band, i) => {
    const next = sorted[i + 1];
    const m = band.years > 0 ? band.deaths / band.years : 0;
    if (next === undefined) {
      lived += m > 0 ? alive / m : 0;
      return;
    }
    const n = next.ageFrom - band.ageFrom;
    const q = Math.min(1, (n * m) / (1 + (n * m) / 2));
    lived += n * alive * (1 - q / 2);
    alive *= 1 - q;
  });
  return lived;
}

/**
 * Life expectancy at birth of the most and least deprived quintiles, and the gap between them, by sex: generated
 * from the deaths after the reference date against the reference's life expectancy by decile (averaged over each
 * quintile's two deciles).
 */
export function mortalityFidelity(
  targets: readonly { decile: number; male: number; female: number }[],
  exposures: readonly Exposure[],
): FidelityRow[] {
  const rows: FidelityRow[] = [];
  for (const sex of ['female', 'male'] as const) {
    const target = (quintile: number) => {
      const deciles = targets.filter((t) => Math.ceil(t.decile / 2) === quintile);
      return deciles.reduce((sum, t) => sum + t[sex], 0) / Math.max(1, deciles.length);
    };
    const generated = (quintile: number) =>
      abridgedLifeExpectancy(exposures.filter((e) => e.quintile === quintile && e.sex === sex));
    for (const quintile of [1, 5]) {
      rows.push({
        measure: `life expectancy at birth, ${sex}`,
        group: `quintile ${quintile}`,
        target: target(quintile),
        generated: generated(quintile),
        difference: generated(quintile) - target(quintile),
        unit: 'years',
      });
    }
    const gapTarget = target(5) - target(1);
    const gap = generated(5) - generated(1);
    rows.push({
      measure: `life expectancy gap, ${sex}`,
      group: 'quintile 5 - quintile 1',
      target: gapTarget,
      generated: gap,
      difference: gap - gapTarget,
      unit: 'years',
    });
  }
  return rows;
}

/** The report as a plain table for a terminal. */
export function formatFidelity(rows: readonly FidelityRow[]): string {
  const signed = (x: number, digits: number) => `${x >= 0 ? '+' : ''}${x.toFixed(digits)}`;
  const shown = (r: FidelityRow, x: number) =>
    r.unit === '%' ? `${x.toFixed(2)}%` : r.unit === 'years' ? `${x.toFixed(1)} y` : x.toFixed(3);
  const header = `${'measure'.padEnd(48)}${'group'.padEnd(30)}${'target'.padStart(10)}${'generated'.padStart(11)}  difference`;
  const lines = rows.map(
    (r) =>
      `${r.measure.padEnd(48)}${r.group.padEnd(30)}${shown(r, r.target).padStart(10)}${shown(r, r.generated).padStart(11)}  ` +
      (r.unit === '%'
        ? `${signed(r.difference, 2)} points`
        : r.unit === 'years'
          ? `${signed(r.difference, 1)} years`
          : signed(r.difference, 3)),
  );
  return [header, ...lines].join('\n');
}
