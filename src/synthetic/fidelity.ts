/**
 * @module synthetic/fidelity
 * How closely a generated population matches the calibration targets it was drawn from (issue 3, item 6, for the
 * demography generated so far): the share of residents by place, by national IMD quintile, by age band, and the female
 * share in each age band — target against generated, and the difference in percentage points.
 */
import type { Calibration } from './calibration.js';

export interface FidelityRow {
  readonly measure: 'place' | 'imd quintile' | 'age band' | 'female share by age band';
  readonly group: string;
  /** Per cent. */
  readonly target: number;
  readonly generated: number;
  /** generated − target, in percentage points. */
  readonly difference: number;
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
  const row = (
    measure: FidelityRow['measure'],
    group: string,
    target: number,
    generated: number,
  ): FidelityRow => ({
    measure,
    group,
    target,
    generated,
    difference: generated - target,
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

/** The report as a plain table for a terminal. */
export function formatFidelity(rows: readonly FidelityRow[]): string {
  const signed = (x: number) => `${x >= 0 ? '+' : ''}${x.toFixed(2)}`;
  const header = `${'measure'.padEnd(26)}${'group'.padEnd(30)}${'target'.padStart(9)}${'generated'.padStart(11)}  difference`;
  const lines = rows.map(
    (r) =>
      `${r.measure.padEnd(26)}${r.group.padEnd(30)}${`${r.target.toFixed(2)}%`.padStart(9)}${`${r.generated.toFixed(2)}%`.padStart(11)}  ${signed(r.difference)} points`,
  );
  return [header, ...lines].join('\n');
}
