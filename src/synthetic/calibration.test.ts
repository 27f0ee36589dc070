import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultPartnershipDir } from '../core/paths.js';
import type { Issue } from '../core/problem.js';
import { loadPartnership } from '../partnership/load.js';
import {
  CALIBRATION_FILES,
  LIST_SIZE_TOLERANCE,
  loadCalibration,
  UK_POSTCODE,
  type Calibration,
  type CalibrationContext,
} from './calibration.js';
import { formatCsv, parseCsv } from './csv.js';

// These tests read only the committed tables in partnerships/, never ../shared/data (absent in CI).
const wyhDir = defaultPartnershipDir;
const calibrationDir = join(wyhDir, 'calibration');

function loadedPartnership() {
  const result = loadPartnership(wyhDir);
  if (!result.ok) throw new Error(JSON.stringify(result.error, null, 2));
  return result.value.partnership;
}

function loadedCalibration(): Calibration {
  const result = loadCalibration(calibrationDir);
  if (!result.ok) throw new Error(JSON.stringify(result.error.slice(0, 20), null, 2));
  return result.value;
}

describe('the West Yorkshire and Harrogate calibration tables', () => {
  const partnership = loadedPartnership();
  const calibration = loadedCalibration();

  it('has one row per 2011 LSOA of the partnership (1,524), in both LSOA tables, in the expected districts', () => {
    expect(calibration.lsoas).toHaveLength(1524);
    expect(calibration.population).toHaveLength(1524);
    expect(new Set(calibration.population.map((row) => row.lsoa11))).toEqual(
      new Set(calibration.lsoas.map((row) => row.lsoa11)),
    );
    // LSOA counts per district, as places.yaml's notes give them.
    const perDistrict = new Map<string, number>();
    for (const row of calibration.lsoas) perDistrict.set(row.lad19, (perDistrict.get(row.lad19) ?? 0) + 1);
    expect(Object.fromEntries(perDistrict)).toEqual({
      E08000032: 310, // Bradford
      E07000163: 32, // Craven
      E08000033: 128, // Calderdale
      E07000165: 104, // Harrogate
      E08000034: 259, // Kirklees
      E08000035: 482, // Leeds
      E08000036: 209, // Wakefield
    });
  });

  it("puts each LSOA in the place whose districts include the LSOA's district (Craven in Bradford District and Craven)", () => {
    const placeOf = new Map(
      partnership.places.flatMap((place) =>
        place.localAuthorityCodes.map((code) => [code, place.id] as const),
      ),
    );
    for (const row of calibration.lsoas) expect(row.place).toBe(placeOf.get(row.lad19));
    expect(calibration.lsoas.find((row) => row.lad19 === 'E07000163')?.place).toBe(
      'bradford-district-and-craven',
    );
  });

  it('gives ages by place and national IMD decile, each adding up to the population of the LSOAs it describes', () => {
    const cellOf = new Map(calibration.lsoas.map((row) => [row.lsoa11, `${row.place} ${row.imdDecile}`]));
    const perCell = new Map<string, number>();
    for (const row of calibration.population) {
      const cell = cellOf.get(row.lsoa11)!;
      perCell.set(cell, (perCell.get(cell) ?? 0) + row.total);
    }
    expect(calibration.ageStructure).toHaveLength(perCell.size);
    for (const row of calibration.ageStructure) {
      expect(row.ages).toHaveLength(91);
      expect(row.ages.reduce((a, b) => a + b, 0)).toBe(row.total);
      expect(row.total).toBe(perCell.get(`${row.place} ${row.imdDecile}`));
    }
    // The deprivation gradient of age: the most deprived decile is younger than the least deprived.
    const share65 = (decile: number) => {
      const rows = calibration.ageStructure.filter((row) => row.imdDecile === decile);
      const old = rows.reduce((sum, row) => sum + row.ages.slice(65).reduce((a, b) => a + b, 0), 0);
      return old / rows.reduce((sum, row) => sum + row.total, 0);
    };
    expect(share65(1)).toBeLessThan(share65(10));
  });

  it('gives each place exactly the mid-2020 population of places.yaml, which sums the same ONS LSOA estimates', () => {
    const placeOf = new Map(calibration.lsoas.map((row) => [row.lsoa11, row.place]));
    const perPlace = new Map<string, number>();
    for (const row of calibration.population) {
      const place = placeOf.get(row.lsoa11)!;
      perPlace.set(place, (perPlace.get(place) ?? 0) + row.total);
    }
    for (const place of partnership.places) {
      // The comparison is exact only because places.yaml took its figure from the same source (no rounding).
      expect(place.population.source).toBe('ons-mye-2020-lsoa');
      expect(place.population.asOf).toBe('2020-06-30');
      expect(perPlace.get(place.id)).toBe(place.population.value);
    }
  });

  it('covers every national IMD decile (1-10) and quintile (1-5), the quintile being the decile halved', () => {
    expect(new Set(calibration.lsoas.map((row) => row.imdDecile))).toEqual(
      new Set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]),
    );
    expect(new Set(calibration.lsoas.map((row) => row.imdQuintile))).toEqual(new Set([1, 2, 3, 4, 5]));
    for (const row of calibration.lsoas) expect(row.imdQuintile).toBe(Math.ceil(row.imdDecile / 2));
  });

  it('names a source on every row, and every source id resolves in sources.yaml', () => {
    const known = new Set(partnership.sources.map((source) => source.id));
    const tables = [
      calibration.lsoas,
      calibration.population,
      calibration.ageStructure,
      calibration.sexRatio,
      calibration.prevalence,
      calibration.imdGradient,
      calibration.practices,
    ];
    for (const rows of tables) {
      expect(rows.length).toBeGreaterThan(0);
      for (const row of rows) {
        expect(row.sources.length).toBeGreaterThan(0);
        for (const id of row.sources) expect(known.has(id), `unknown source ${id}`).toBe(true);
      }
    }
  });

  it('splits every district of every place by sex in four age bands that cover all ages without overlap', () => {
    const districts = partnership.places.flatMap((place) => place.localAuthorityCodes);
    for (const lad of districts) {
      const bands = calibration.sexRatio.filter((row) => row.lad === lad);
      expect(bands.map((row) => [row.ageFrom, row.ageTo])).toEqual([
        [0, 15],
        [16, 64],
        [65, 74],
        [75, undefined],
      ]);
      // More women than men among the oldest, as everywhere in England.
      expect(bands[3]!.femaleShare).toBeGreaterThan(0.5);
    }
  });

  it('has QOF prevalence for the 21 disease groups in each of the six places, and a 10-decile gradient for each', () => {
    const diseases = new Set(calibration.prevalence.map((row) => row.disease));
    expect(diseases.size).toBe(21);
    for (const place of partnership.places) {
      expect(calibration.prevalence.filter((row) => row.place === place.id)).toHaveLength(21);
    }
    expect(new Set(calibration.imdGradient.map((row) => row.disease))).toEqual(diseases);
    expect(calibration.imdGradient).toHaveLength(21 * 10);
  });

  it('lists the 302 practices open on 1 January 2021 with a list then, each in a district of its place', () => {
    const perPlace = new Map<string, number>();
    for (const row of calibration.practices) perPlace.set(row.place, (perPlace.get(row.place) ?? 0) + 1);
    expect(Object.fromEntries(perPlace)).toEqual({
      'bradford-district-and-craven': 71,
      calderdale: 22,
      harrogate: 15,
      kirklees: 65,
      leeds: 93,
      wakefield: 36,
    });
    expect(calibration.practices.reduce((sum, row) => sum + row.registeredPatients, 0)).toBe(2742821);
    const placeOf = new Map(calibration.lsoas.map((row) => [row.lad19, row.place]));
    for (const row of calibration.practices) {
      expect(placeOf.get(row.lad19)).toBe(row.place);
      expect(row.postcode).toMatch(UK_POSTCODE);
      expect(row.postcode.startsWith(`${row.postcodeDistrict} `)).toBe(true);
    }
    // Craven's practices: Settle, Skipton (two) and Cross Hills, whose BD20 is shared with Bradford's Silsden.
    const craven = calibration.practices.filter((row) => row.lad19 === 'E07000163');
    expect(craven.map((row) => [row.practice, row.postcodeDistrict, row.postTown])).toEqual([
      ['B82007', 'BD24', 'SETTLE'],
      ['B82020', 'BD20', 'KEIGHLEY'],
      ['B82028', 'BD23', 'SKIPTON'],
      ['B82053', 'BD23', 'SKIPTON'],
    ]);
    // Harrogate's are North Yorkshire CCG's practices in the HG postcode area.
    for (const row of calibration.practices.filter((r) => r.place === 'harrogate')) {
      expect([row.ccg, row.postcodeDistrict.slice(0, 2)]).toEqual(['42D', 'HG']);
    }
  });

  it("has each place's registered patients within the stated tolerance of its residents (lists exceed residents by 7%)", () => {
    const placeOf = new Map(calibration.lsoas.map((row) => [row.lsoa11, row.place]));
    const residents = new Map<string, number>();
    for (const row of calibration.population) {
      const place = placeOf.get(row.lsoa11)!;
      residents.set(place, (residents.get(place) ?? 0) + row.total);
    }
    const ratios = Object.fromEntries(
      partnership.places.map((place) => {
        const patients = calibration.practices
          .filter((row) => row.place === place.id)
          .reduce((sum, row) => sum + row.registeredPatients, 0);
        return [place.id, Number((patients / residents.get(place.id)!).toFixed(3))];
      }),
    );
    expect(ratios).toEqual({
      'bradford-district-and-craven': 1.075,
      calderdale: 1.049,
      harrogate: 0.918,
      kirklees: 1.013,
      leeds: 1.123,
      wakefield: 1.092,
    });
    for (const ratio of Object.values(ratios))
      expect(Math.abs(ratio - 1)).toBeLessThanOrEqual(LIST_SIZE_TOLERANCE);
  });

  it('shows diabetes, COPD and severe mental illness more common in the most deprived decile than the least', () => {
    const ratio = (disease: string, decile: number) =>
      calibration.imdGradient.find((row) => row.disease === disease && row.imdDecile === decile)!
        .ratioToEngland;
    for (const disease of ['DM', 'COPD', 'MH']) expect(ratio(disease, 1)).toBeGreaterThan(ratio(disease, 10));
  });
});

// --- Bad input: small temporary copies with planted faults --------------------------------------------------------

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function copyOfCalibration(): string {
  const root = mkdtempSync(join(tmpdir(), 'accord-calibration-'));
  made.push(root);
  const dir = join(root, 'calibration');
  cpSync(calibrationDir, dir, { recursive: true });
  return dir;
}

/** Keeps the header and the first `rows` records of a table (small copies keep the tests quick). */
function shorten(dir: string, file: string, rows: number): void {
  const records = readRecords(dir, file);
  writeFileSync(join(dir, file), formatCsv(records.slice(0, rows + 1)));
}

function readRecords(dir: string, file: string): string[][] {
  const parsed = parseCsv(readFileSync(join(dir, file), 'utf8'));
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.error));
  return parsed.value.map((record) => [...record.fields]);
}

/** Sets one cell: `line` is the file's line (1 is the header; the tables have no multi-line fields). */
function plant(dir: string, file: string, line: number, column: string, value: string): void {
  const records = readRecords(dir, file);
  const index = records[0]!.indexOf(column);
  if (index < 0) throw new Error(`no column ${column} in ${file}`);
  records[line - 1]![index] = value;
  writeFileSync(join(dir, file), formatCsv(records));
}

/** Rewrites age-structure.csv to fit the LSOAs left in the copy, everyone aged 0 (enough for the checks). */
function fitAgeStructure(dir: string): void {
  const F = CALIBRATION_FILES;
  const lsoas = readRecords(dir, F.lsoa);
  const totals = new Map(
    readRecords(dir, F.population)
      .slice(1)
      .map((r) => [r[0]!, Number(r[1])]),
  );
  const header = readRecords(dir, F.ageStructure)[0]!;
  const cells = new Map<string, number>();
  for (const record of lsoas.slice(1)) {
    const key = `${record[4]!},${record[7]!}`; // place, imd_decile
    cells.set(key, (cells.get(key) ?? 0) + (totals.get(record[0]!) ?? 0));
  }
  const rows = [...cells].map(([key, total]) => [
    ...key.split(','),
    String(total),
    String(total),
    ...Array.from({ length: 90 }, () => '0'),
    'ons-mye-2020-lsoa',
  ]);
  writeFileSync(join(dir, F.ageStructure), formatCsv([header, ...rows]));
}

/** Keeps two practices of the first LSOA's district, their lists sharing out the residents of the LSOAs left. */
function fitPractices(dir: string): void {
  const F = CALIBRATION_FILES;
  const [lsoaHeader, ...lsoas] = readRecords(dir, F.lsoa);
  const lad = lsoas[0]![lsoaHeader!.indexOf('lad19_code')]!;
  const people = readRecords(dir, F.population)
    .slice(1)
    .reduce((sum, record) => sum + Number(record[1]), 0);
  const [header, ...practices] = readRecords(dir, F.practices);
  const list = header!.indexOf('registered_patients');
  const kept = practices.filter((record) => record[header!.indexOf('lad19_code')] === lad).slice(0, 2);
  kept[0]![list] = String(Math.floor(people / 2));
  kept[1]![list] = String(people - Math.floor(people / 2));
  writeFileSync(join(dir, F.practices), formatCsv([header!, ...kept]));
}

/** A small but consistent copy: 5 LSOAs, the sex ratio and prevalence of one district and place, two diseases. */
function smallCopy(): string {
  const dir = copyOfCalibration();
  shorten(dir, CALIBRATION_FILES.lsoa, 5);
  shorten(dir, CALIBRATION_FILES.population, 5);
  fitAgeStructure(dir);
  fitPractices(dir);
  shorten(dir, CALIBRATION_FILES.sexRatio, 4);
  shorten(dir, CALIBRATION_FILES.prevalencePlace, 3);
  shorten(dir, CALIBRATION_FILES.imdGradient, 20);
  return dir;
}

function context(): CalibrationContext {
  const partnership = loadedPartnership();
  return {
    sourceIds: new Set(partnership.sources.map((source) => source.id)),
    placeIds: new Set(partnership.places.map((place) => place.id)),
  };
}

function issuesOf(dir: string): Issue[] {
  const result = loadCalibration(dir, context());
  if (result.ok) throw new Error('expected the planted faults to be reported');
  return result.error;
}

const where = (issues: readonly Issue[]) => issues.map((issue) => [issue.file, issue.line, issue.path]);

describe('loadCalibration with bad input', () => {
  it('loads the small copy cleanly (so the faults below are the only problems)', () => {
    const result = loadCalibration(smallCopy(), context());
    expect(result.ok).toBe(true);
  });

  it('reports every planted fault at once, each with its file, line and column', () => {
    const dir = smallCopy();
    const F = CALIBRATION_FILES;
    const lsoas = readRecords(dir, F.lsoa);
    writeFileSync(join(dir, F.lsoa), formatCsv([...lsoas, lsoas[2]!])); // line 7 repeats line 3's LSOA
    plant(dir, F.lsoa, 4, 'place', 'atlantis'); // unknown place id
    plant(dir, F.population, 3, 'total', '-4'); // a negative count
    plant(dir, F.ageStructure, 2, 'age_1', '12'); // ages that no longer add up to the total
    plant(dir, F.sexRatio, 2, 'female_share', '1.2'); // a share outside 0-1
    plant(dir, F.prevalencePlace, 3, 'prevalence_pct', '120'); // a prevalence outside 0-100
    plant(dir, F.imdGradient, 6, 'source', 'hoc-library-qof-modelled-prevalence-2019-20 made-up-source');

    const issues = issuesOf(dir);
    expect(where(issues)).toEqual([
      [F.population, 3, 'total'],
      [F.sexRatio, 2, 'female_share'],
      [F.prevalencePlace, 3, 'prevalence_pct'],
      [F.imdGradient, 6, 'source'],
      [F.lsoa, 4, 'place'],
      [F.lsoa, 7, 'lsoa11_code'],
      [F.ageStructure, 2, 'total'],
    ]);
    const message = (path: string, file?: string) =>
      issues.find((issue) => issue.path === path && (file === undefined || issue.file === file))!.message;
    expect(message('total', F.population)).toMatch(/negative/);
    expect(message('female_share')).toMatch(/share between 0 and 1/);
    expect(message('prevalence_pct')).toMatch(/percentage between 0 and 100/);
    expect(message('source')).toMatch(/unknown source made-up-source/);
    expect(message('place')).toMatch(/unknown place atlantis/);
    expect(message('lsoa11_code')).toMatch(/duplicate LSOA .*first on line 3/);
    expect(message('total', F.ageStructure)).toMatch(/sum of the age columns/);
  });

  it('checks each age structure against the population of the LSOAs it describes', () => {
    const dir = smallCopy();
    const total = readRecords(dir, CALIBRATION_FILES.population)[1]![1]!;
    plant(dir, CALIBRATION_FILES.population, 2, 'total', String(Number(total) + 1));
    const issues = issuesOf(dir);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({
      file: CALIBRATION_FILES.ageStructure,
      path: 'total',
      message: expect.stringMatching(/must equal the population of the LSOAs of .* in decile \d+ \(\d+\)/),
    });
  });

  it('reports a missing file by name, and still checks the others', () => {
    const dir = smallCopy();
    rmSync(join(dir, CALIBRATION_FILES.sexRatio));
    plant(dir, CALIBRATION_FILES.prevalencePlace, 2, 'register', '-1');
    const issues = issuesOf(dir);
    expect(issues).toEqual([
      { file: CALIBRATION_FILES.sexRatio, message: expect.stringMatching(/missing/) },
      {
        file: CALIBRATION_FILES.prevalencePlace,
        line: 2,
        path: 'register',
        message: expect.stringMatching(/negative/),
      },
    ]);
  });

  it('checks figures against each other: a decile that does not fit its rank, a share that does not fit its counts', () => {
    const dir = smallCopy();
    const rank = readRecords(dir, CALIBRATION_FILES.lsoa)[1]![6]!;
    plant(dir, CALIBRATION_FILES.lsoa, 2, 'imd_rank', String(Number(rank) > 16000 ? 1 : 32844));
    plant(dir, CALIBRATION_FILES.sexRatio, 3, 'female_share', '0.4');
    expect(where(issuesOf(dir))).toEqual([
      [CALIBRATION_FILES.lsoa, 2, 'imd_decile'],
      [CALIBRATION_FILES.sexRatio, 3, 'female_share'],
    ]);
  });

  it('reports an LSOA missing from the population table, and a disease missing a decile', () => {
    const dir = smallCopy();
    shorten(dir, CALIBRATION_FILES.population, 4);
    shorten(dir, CALIBRATION_FILES.imdGradient, 19);
    expect(issuesOf(dir)).toEqual([
      {
        file: CALIBRATION_FILES.lsoa,
        line: 6,
        path: 'lsoa11_code',
        message: expect.stringMatching(/has no row in population-lsoa.csv/),
      },
      {
        file: CALIBRATION_FILES.imdGradient,
        line: 12,
        path: 'imd_decile',
        message: expect.stringMatching(/no row for decile\(s\) 10/),
      },
    ]);
  });

  it('reports bad CSV and a bad header with their lines, and reads CRLF files and quoted fields', () => {
    const dir = smallCopy();
    const F = CALIBRATION_FILES;
    // CRLF line ends and a quoted name holding a comma and a quote are fine.
    plant(dir, F.lsoa, 2, 'lsoa11_name', 'Bradford, "016A"');
    writeFileSync(join(dir, F.lsoa), readFileSync(join(dir, F.lsoa), 'utf8').replace(/\n/g, '\r\n'));
    // An unterminated quote, and a renamed column.
    writeFileSync(
      join(dir, F.prevalencePlace),
      readFileSync(join(dir, F.prevalencePlace), 'utf8').replace('\nbradford', '\n"bradford'),
    );
    const gradient = readFileSync(join(dir, F.imdGradient), 'utf8');
    writeFileSync(join(dir, F.imdGradient), gradient.replace('ratio_to_england', 'ratio'));
    const issues = issuesOf(dir);
    expect(where(issues)).toEqual([
      [F.prevalencePlace, 2, undefined],
      [F.imdGradient, 1, undefined],
    ]);
    expect(issues[0]!.message).toMatch(/never closed/);
    expect(issues[1]!.message).toMatch(/missing column\(s\) ratio_to_england; unknown column\(s\) ratio/);
  });

  it('checks the practices: each cell, the district of their place, and their lists against the residents', () => {
    const F = CALIBRATION_FILES;
    const dir = smallCopy();
    plant(dir, F.practices, 2, 'postcode_district', 'ZZ9'); // not the outward code of the postcode
    plant(dir, F.practices, 3, 'pcn_code', ''); // a PCN name without a code
    const issues = issuesOf(dir);
    expect(where(issues)).toEqual([
      [F.practices, 2, 'postcode_district'],
      [F.practices, 3, 'pcn_name'],
    ]);
    expect(issues[0]!.message).toMatch(/must be [A-Z]{2}\d+, the outward code of the postcode/);

    const elsewhere = smallCopy();
    plant(elsewhere, F.practices, 2, 'place', 'leeds'); // a Bradford practice put in Leeds
    plant(elsewhere, F.practices, 3, 'lad19_code', 'E08000035'); // and one in a district with no LSOA here
    expect(issuesOf(elsewhere)).toEqual([
      expect.objectContaining({
        line: 2,
        path: 'place',
        message: expect.stringMatching(/must be bradford-district-and-craven/),
      }),
      expect.objectContaining({
        line: 3,
        path: 'lad19_code',
        message: expect.stringMatching(/no LSOA .* E08000035/),
      }),
    ]);

    const moved = smallCopy();
    plant(moved, F.practices, 2, 'lad19_code', 'E08000035');
    plant(moved, F.practices, 3, 'lad19_code', 'E08000035');
    expect(issuesOf(moved).map((issue) => issue.message)).toContainEqual(
      expect.stringMatching(/^no practice in district E08000032 .*: its residents need practices/),
    );

    const inflated = smallCopy();
    const list = readRecords(inflated, F.practices)[1]![11]!;
    plant(inflated, F.practices, 2, 'registered_patients', String(Number(list) * 2));
    expect(issuesOf(inflated)).toEqual([
      {
        file: F.practices,
        line: 2,
        path: 'registered_patients',
        message: expect.stringMatching(
          /have \d+ registered patients against \d+ residents \(1\.5\d\d\): more than 15% apart/,
        ),
      },
    ]);
  });

  it('reports a folder that does not exist without throwing', () => {
    const result = loadCalibration(join(tmpdir(), 'accord-no-such-calibration'), context());
    expect(result).toEqual({ ok: false, error: [{ file: expect.any(String), message: expect.any(String) }] });
  });
});
