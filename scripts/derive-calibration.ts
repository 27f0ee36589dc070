/**
 * @module scripts/derive-calibration
 * Writes the calibration tables of the synthetic population generator into
 * partnerships/west-yorkshire-and-harrogate/calibration/ from the reference files kept beside the project in
 * ../shared/data (which must not be copied into the project: only these derived, compact tables are).
 *
 * Usage: node --import tsx scripts/derive-calibration.ts [path/to/shared/data] [output folder]
 *
 * Tables (see calibration/README.md for columns, units and approximations):
 *   lsoa.csv                     one row per 2011 LSOA: district, place, MSOA, IMD 2019 rank/decile/quintile, rural-urban
 *   population-lsoa.csv          ONS mid-2020 persons per LSOA
 *   age-structure.csv            ONS mid-2020 persons by single year of age, per place and national IMD decile
 *   sex-ratio.csv                Census 2021 female share by district and age band
 *   prevalence-place.csv         QOF 2019-20 recorded prevalence by place and disease group
 *   prevalence-imd-gradient.csv  modelled QOF 2019-20 prevalence by national IMD decile (England), and its ratio to England
 *   practices.csv                GP practices open on 1 January 2021: postcode, post town, district, place, PCN, list size
 * Rows are sorted and numbers written with fixed decimals, so running the script twice gives identical files. The
 * script stops with an error on anything unexpected in the inputs rather than writing a doubtful table.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatIssue } from '../src/core/problem.js';
import { loadPartnership } from '../src/partnership/load.js';
import { formatCsv, parseCsv } from '../src/synthetic/csv.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const partnershipDir = resolve(repoRoot, 'partnerships/west-yorkshire-and-harrogate');
const defaultData = resolve(repoRoot, '../shared/data');
const defaultOut = join(partnershipDir, 'calibration');

/** Source ids in sources.yaml. */
const SRC = {
  mye2020: 'ons-mye-2020-lsoa',
  iod2019: 'mhclg-iod-2019',
  lad19: 'ons-lsoa11-lad19-lookup',
  msoa11: 'ons-lsoa11-msoa11-lookup',
  ruc11: 'ons-ruc-2011-lsoa',
  census2021: 'ons-census-2021-ts009',
  qof: 'nhs-digital-qof-2019-20',
  hocModelled: 'hoc-library-qof-modelled-prevalence-2019-20',
  epraccur: 'nhs-ods-epraccur',
  epcn: 'nhs-digital-epcn',
  gpList: 'nhs-digital-gp-registered-patients-2021-01',
  postTowns: 'royal-mail-post-towns',
} as const;

/** LSOAs ranked in the IoD 2019 (all of England). Decile d holds ranks (d-1)·N/10 < rank ≤ d·N/10. */
const ENGLAND_LSOAS = 32844;

/** QOF 2019-20 CCGs standing for each place (CCGs as at April 2020). */
const CCG_PLACE: ReadonlyMap<string, string> = new Map([
  ['36J', 'bradford-district-and-craven'], // NHS Bradford District and Craven CCG (02N, 02R, 02W merged April 2020)
  ['02T', 'calderdale'],
  ['03A', 'kirklees'], // Greater Huddersfield
  ['03J', 'kirklees'], // North Kirklees
  ['15F', 'leeds'],
  ['03R', 'wakefield'],
  ['42D', 'harrogate'], // NHS North Yorkshire CCG: Harrogate is only part of it (approximation)
]);
const QOF_YEAR = '2019-20';
/** The House of Commons Library writes CVDPP for QOF's CVD-PP. */
const DISEASE_ALIASES: ReadonlyMap<string, string> = new Map([['CVDPP', 'CVD-PP']]);

/**
 * GP practices are taken as they were on 1 January 2021, the date of their list sizes (NHS Digital's "Patients
 * Registered at a GP Practice, January 2021" counts patients on the first of the month): open on that day by their
 * ODS open and close dates. The extract's status is of 2023 (A active, C closed, D dormant) and says nothing about 2021
 * by itself.
 */
const PRACTICES_AS_OF = '20210101';
/** The extract's 2023 sub-ICB locations stand for the same places as the 2021 CCGs (X2C4Y is Kirklees: 03A + 03J). */
const SUB_ICB_PLACE: ReadonlyMap<string, string> = new Map([
  ['36J', 'bradford-district-and-craven'],
  ['02T', 'calderdale'],
  ['X2C4Y', 'kirklees'],
  ['15F', 'leeds'],
  ['03R', 'wakefield'],
  ['42D', 'harrogate'], // North Yorkshire: only its practices in the HG postcode area are Harrogate's (below)
]);
/** The CCG whose practices are Harrogate's only when in the HG postcode area, and the district that makes them. */
const NORTH_YORKSHIRE_CCG = '42D';
const HARROGATE = { area: 'HG', lad: 'E07000165' };
/**
 * Bradford District and Craven has two districts, and no postcode-to-district lookup is in the shared data. A practice
 * there is in Craven if its postcode district is BD23 (post town Skipton) or BD24 (Settle), or if its ODS code begins
 * B82: the old practice codes carry the prefix of the health authority area that first listed them, B82 being North
 * Yorkshire's (every 42D practice in the extract has it) and B83 Bradford's (every other 36J practice with an old code
 * has it). The prefix catches Cross Hills (BD20 7LG), since BD20 straddles the boundary (Silsden and Steeton, also
 * BD20, are in Bradford). Otherwise the practice is in Bradford. A B83 practice in BD23 or BD24, or a B82 practice
 * outside BD20, BD23 and BD24, would contradict the rule, and stops the script.
 */
const CRAVEN = {
  place: 'bradford-district-and-craven',
  lad: 'E07000163',
  otherLad: 'E08000032',
  postcodeDistricts: new Set(['BD23', 'BD24']),
  odsPrefix: 'B82',
  otherOdsPrefix: 'B83',
};
/**
 * Royal Mail post towns: the town of most of each postcode area, and the districts whose post town differs (as listed
 * per district in Wikipedia's postcode-area articles, citing Royal Mail's Address Management Guide). A practice in an
 * area or district not listed stops the script.
 */
const POST_TOWN_OF_AREA: ReadonlyMap<string, string> = new Map([
  ['BD', 'BRADFORD'],
  ['HD', 'HUDDERSFIELD'],
  ['HG', 'HARROGATE'],
  ['HX', 'HALIFAX'],
  ['LS', 'LEEDS'],
  ['WF', 'WAKEFIELD'],
]);
const POST_TOWN_OF_DISTRICT: ReadonlyMap<string, string> = new Map([
  ['BD16', 'BINGLEY'],
  ['BD17', 'SHIPLEY'],
  ['BD18', 'SHIPLEY'],
  ['BD19', 'CLECKHEATON'],
  ['BD20', 'KEIGHLEY'],
  ['BD21', 'KEIGHLEY'],
  ['BD22', 'KEIGHLEY'],
  ['BD23', 'SKIPTON'],
  ['BD24', 'SETTLE'],
  ['HD6', 'BRIGHOUSE'],
  ['HD9', 'HOLMFIRTH'],
  ['HG4', 'RIPON'],
  ['HG5', 'KNARESBOROUGH'],
  ['HX5', 'ELLAND'],
  ['HX6', 'SOWERBY BRIDGE'],
  ['HX7', 'HEBDEN BRIDGE'],
  ['LS21', 'OTLEY'],
  ['LS22', 'WETHERBY'],
  ['LS23', 'WETHERBY'],
  ['LS24', 'TADCASTER'],
  ['LS28', 'PUDSEY'],
  ['LS29', 'ILKLEY'],
  ['OL14', 'TODMORDEN'],
  ['WF5', 'OSSETT'],
  ['WF6', 'NORMANTON'],
  ['WF7', 'PONTEFRACT'],
  ['WF8', 'PONTEFRACT'],
  ['WF9', 'PONTEFRACT'],
  ['WF10', 'CASTLEFORD'],
  ['WF11', 'KNOTTINGLEY'],
  ['WF12', 'DEWSBURY'],
  ['WF13', 'DEWSBURY'],
  ['WF14', 'MIRFIELD'],
  ['WF15', 'LIVERSEDGE'],
  ['WF16', 'HECKMONDWIKE'],
  ['WF17', 'BATLEY'],
]);
/** A full UK postcode: outward code (area, district), a space, inward code (sector digit, two unit letters). */
const POSTCODE = /^([A-Z]{1,2})(\d[A-Z\d]?) (\d[ABD-HJLNP-UW-Z]{2})$/;

const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function fail(message: string): never {
  throw new Error(message);
}

/** Reads a CSV file as objects keyed by header, with the line of each record for error messages. */
function readTable(path: string): { line: number; get: (column: string) => string }[] {
  const parsed = parseCsv(readFileSync(path, 'utf8'), path);
  if (!parsed.ok) fail(parsed.error.map(formatIssue).join('\n'));
  const [header, ...records] = parsed.value;
  if (header === undefined) fail(`${path} is empty`);
  const index = new Map(header.fields.map((name, i) => [name.trim(), i]));
  return records.map((record) => {
    if (record.fields.length !== header.fields.length) {
      fail(
        `${path}: line ${record.line}: ${record.fields.length} fields, header has ${header.fields.length}`,
      );
    }
    return {
      line: record.line,
      get: (column: string) => {
        const i = index.get(column);
        if (i === undefined) fail(`${path} has no column ${column}`);
        return (record.fields[i] ?? '').trim();
      },
    };
  });
}

function integer(text: string, where: string): number {
  if (!/^-?\d+$/.test(text)) fail(`${where}: "${text}" is not a whole number`);
  return Number(text);
}

function decimal(text: string, where: string): number {
  const value = Number(text);
  if (text === '' || !Number.isFinite(value)) fail(`${where}: "${text}" is not a number`);
  return value;
}

/** Fixed decimals, with -0 written as 0, so output is byte-stable. */
const fixed = (value: number, places: number): string => {
  const text = value.toFixed(places);
  return /^-0\.?0*$/.test(text) ? text.slice(1) : text;
};

function write(outDir: string, file: string, rows: string[][]): void {
  const path = join(outDir, file);
  writeFileSync(path, formatCsv(rows));
  console.log(`wrote ${path}: ${rows.length - 1} rows`);
}

function main(): void {
  const dataDir = resolve(process.argv[2] ?? defaultData);
  const outDir = resolve(process.argv[3] ?? defaultOut);
  const data = (path: string): string => join(dataDir, path);

  // Place ids and their districts come from places.yaml, and every source id used must be in sources.yaml.
  const loaded = loadPartnership(partnershipDir);
  if (!loaded.ok) fail(loaded.error.map(formatIssue).join('\n'));
  const { places, sources } = loaded.value.partnership;
  const sourceIds = new Set(sources.map((source) => source.id));
  for (const id of Object.values(SRC)) {
    if (!sourceIds.has(id)) fail(`source ${id} is not in sources.yaml: add it first`);
  }
  const placeOfLad = new Map<string, string>();
  for (const place of places) for (const code of place.localAuthorityCodes) placeOfLad.set(code, place.id);
  const placeIds = new Set(places.map((place) => place.id));
  for (const place of CCG_PLACE.values()) if (!placeIds.has(place)) fail(`unknown place ${place}`);

  mkdirSync(outDir, { recursive: true });

  // --- lsoa.csv --------------------------------------------------------------------------------------------
  const lad19 = new Map<string, { name: string; lad: string; ladName: string }>();
  for (const r of readTable(data('geography/lsoa11_to_ltla19_wyh.csv'))) {
    lad19.set(r.get('lsoa11_code'), {
      name: r.get('lsoa11_name'),
      lad: r.get('ltla19_code'),
      ladName: r.get('ltla19_name'),
    });
  }
  const msoa = new Map(
    readTable(data('geography/lsoa11_to_msoa11_wyh.csv')).map((r) => [
      r.get('lsoa11_code'),
      r.get('msoa11_code'),
    ]),
  );
  const ruc = new Map(
    readTable(data('geography/rural_urban_lsoa11_wyh.csv')).map((r) => [
      r.get('lsoa11_code'),
      { code: r.get('ruc11_code'), name: r.get('classification') },
    ]),
  );
  const iodPath = data('deprivation/iod2019_file7like_lsoa11_wyh.csv');
  const imd = new Map<string, { rank: number; decile: number }>();
  for (const r of readTable(iodPath)) {
    const where = `${iodPath}: line ${r.line}`;
    const rank = integer(r.get('Index of Multiple Deprivation (IMD) Rank (where 1 is most deprived)'), where);
    const decile = integer(
      r.get('Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOAs)'),
      where,
    );
    if (decile !== Math.ceil((rank * 10) / ENGLAND_LSOAS))
      fail(`${where}: decile ${decile} does not fit rank ${rank}`);
    imd.set(r.get('LSOA code (2011)'), { rank, decile });
  }

  const lsoaCodes = [...lad19.keys()].sort(byText);
  const lsoaRows: string[][] = [
    [
      'lsoa11_code',
      'lsoa11_name',
      'lad19_code',
      'lad19_name',
      'place',
      'msoa11_code',
      'imd_rank',
      'imd_decile',
      'imd_quintile',
      'ruc11_code',
      'ruc11_name',
      'source',
    ],
  ];
  const lsoaSource = [SRC.iod2019, SRC.lad19, SRC.msoa11, SRC.ruc11].join(' ');
  for (const code of lsoaCodes) {
    const geo = lad19.get(code)!;
    const place =
      placeOfLad.get(geo.lad) ?? fail(`${code}: district ${geo.lad} is in no place of places.yaml`);
    const m = msoa.get(code) ?? fail(`${code}: no MSOA`);
    const rural = ruc.get(code) ?? fail(`${code}: no rural-urban class`);
    const dep = imd.get(code) ?? fail(`${code}: no IMD 2019 rank`);
    lsoaRows.push([
      code,
      geo.name,
      geo.lad,
      geo.ladName,
      place,
      m,
      String(dep.rank),
      String(dep.decile),
      String(Math.ceil(dep.decile / 2)),
      rural.code,
      rural.name,
      lsoaSource,
    ]);
  }
  if (msoa.size !== lsoaCodes.length || ruc.size !== lsoaCodes.length || imd.size !== lsoaCodes.length) {
    fail(`the lookups disagree on the LSOAs: ${lsoaCodes.length} / ${msoa.size} / ${ruc.size} / ${imd.size}`);
  }
  write(outDir, 'lsoa.csv', lsoaRows);

  // --- population-lsoa.csv and age-structure.csv ------------------------------------------------------------
  const popPath = data('population/population20_lsoa11_syoa_persons_wyh.csv');
  const ageColumns = [...Array.from({ length: 90 }, (_, age) => String(age)), '90+'];
  const ageHeader = [...Array.from({ length: 90 }, (_, age) => `age_${age}`), 'age_90plus'];
  const population = new Map<string, number[]>();
  for (const r of readTable(popPath)) {
    const where = `${popPath}: line ${r.line}`;
    const code = r.get('lsoa11_code');
    if (!lad19.has(code)) fail(`${where}: ${code} is not a WY&H LSOA in the lookup`);
    if (population.has(code)) fail(`${where}: ${code} appears twice`);
    const ages = ageColumns.map((column) => integer(r.get(column), where));
    const total = integer(r.get('total_population'), where);
    const sum = ages.reduce((a, b) => a + b, 0);
    if (sum !== total) fail(`${where}: ages sum to ${sum}, total says ${total}`);
    population.set(code, ages);
  }
  if (population.size !== lsoaCodes.length)
    fail(`${population.size} LSOAs with a population, expected ${lsoaCodes.length}`);
  // Not the raw file again: each LSOA's total (to place residents), and the age structure of each place and national
  // IMD decile (to give them ages) — a calibration table derived from it, as SOURCES.md allows.
  const popRows: string[][] = [['lsoa11_code', 'total', 'source']];
  const structure = new Map<string, { place: string; decile: number; ages: number[] }>();
  for (const code of lsoaCodes) {
    const ages = population.get(code)!;
    popRows.push([code, String(ages.reduce((a, b) => a + b, 0)), SRC.mye2020]);
    const place = placeOfLad.get(lad19.get(code)!.lad)!;
    const decile = imd.get(code)!.decile;
    const key = `${place} ${String(decile).padStart(2, '0')}`;
    const cell = structure.get(key) ?? { place, decile, ages: ageColumns.map(() => 0) };
    ages.forEach((count, age) => (cell.ages[age] = (cell.ages[age] ?? 0) + count));
    structure.set(key, cell);
  }
  write(outDir, 'population-lsoa.csv', popRows);
  const structureRows: string[][] = [['place', 'imd_decile', 'total', ...ageHeader, 'source']];
  for (const key of [...structure.keys()].sort()) {
    const cell = structure.get(key)!;
    structureRows.push([
      cell.place,
      String(cell.decile),
      String(cell.ages.reduce((a, b) => a + b, 0)),
      ...cell.ages.map(String),
      `${SRC.mye2020} ${SRC.iod2019}`,
    ]);
  }
  write(outDir, 'age-structure.csv', structureRows);

  // --- sex-ratio.csv ---------------------------------------------------------------------------------------
  // The shared file's broad bands (see README): younger = 0-15 with the under-1s counted twice, working age = 16-64,
  // older = 65-74 only; 75+ is what remains of the total. The under-1s are estimated from ONS mid-2020 age 0.
  const ladNames = new Map([...lad19.values()].map((geo) => [geo.lad, geo.ladName]));
  const ageZeroByLad = new Map<string, number>();
  for (const code of lsoaCodes) {
    const lad = lad19.get(code)!.lad;
    ageZeroByLad.set(lad, (ageZeroByLad.get(lad) ?? 0) + population.get(code)![0]!);
  }
  const censusPath = data('population/age_gender21_ltla21_ew.csv');
  const sexRows: string[][] = [
    [
      'lad_code',
      'lad_name',
      'place',
      'age_band',
      'age_from',
      'age_to',
      'females',
      'males',
      'female_share',
      'source',
    ],
  ];
  const censusLads = new Set<string>();
  for (const r of readTable(censusPath).sort((a, b) => byText(a.get('ltla21_code'), b.get('ltla21_code')))) {
    const lad = r.get('ltla21_code');
    const place = placeOfLad.get(lad);
    if (place === undefined) continue;
    censusLads.add(lad);
    const where = `${censusPath}: line ${r.line}`;
    const n = (column: string): number => integer(r.get(column), where);
    const totalF = n('total_females');
    const totalM = n('total_males');
    if (totalF + totalM !== n('total_population'))
      fail(`${where}: females and males do not add up to the total`);
    const youngF = n('younger_females');
    const youngM = n('younger_males');
    const ageZero = ageZeroByLad.get(lad) ?? fail(`${lad}: no mid-2020 population`);
    const infantsF = Math.round((ageZero * youngF) / (youngF + youngM));
    const infantsM = ageZero - infantsF;
    const bands: [string, number, number | undefined, number, number, string][] = [
      ['0-15', 0, 15, youngF - infantsF, youngM - infantsM, `${SRC.census2021} ${SRC.mye2020}`],
      ['16-64', 16, 64, n('working_age_females'), n('working_age_males'), SRC.census2021],
      ['65-74', 65, 74, n('older_females'), n('older_males'), SRC.census2021],
    ];
    const restF = totalF - bands.reduce((sum, band) => sum + band[3], 0);
    const restM = totalM - bands.reduce((sum, band) => sum + band[4], 0);
    bands.push(['75+', 75, undefined, restF, restM, `${SRC.census2021} ${SRC.mye2020}`]);
    for (const [band, from, to, females, males, source] of bands) {
      if (females <= 0 || males <= 0) fail(`${where}: band ${band} has no females or no males`);
      sexRows.push([
        lad,
        ladNames.get(lad) ?? fail(`${lad}: no name`),
        place,
        band,
        String(from),
        to === undefined ? '' : String(to),
        String(females),
        String(males),
        fixed(females / (females + males), 6),
        source,
      ]);
    }
  }
  for (const lad of placeOfLad.keys()) if (!censusLads.has(lad)) fail(`${lad} is not in ${censusPath}`);
  write(outDir, 'sex-ratio.csv', sexRows);

  // --- prevalence-place.csv --------------------------------------------------------------------------------
  const qofPath = data('prevalence/qof_prevalence_ccg_wyh_wide.csv');
  const qofRows = readTable(qofPath).filter((r) => r.get('year') === QOF_YEAR);
  if (qofRows.length === 0) fail(`${qofPath} has no ${QOF_YEAR} rows`);
  interface Acc {
    ccgs: Set<string>;
    register: number;
    denominator: number;
    label: string;
  }
  const prevalence = new Map<string, Acc>();
  const seen = new Set<string>();
  for (const r of qofRows) {
    const where = `${qofPath}: line ${r.line}`;
    const ccg = r.get('ccg_ods_code');
    const place = CCG_PLACE.get(ccg) ?? fail(`${where}: CCG ${ccg} stands for no place`);
    const disease = r.get('disease_group');
    if (seen.has(`${ccg}|${disease}`)) fail(`${where}: ${ccg} ${disease} appears twice for ${QOF_YEAR}`);
    seen.add(`${ccg}|${disease}`);
    // The prevalence denominator is the first list size named (e.g. "List size ages 17+=202442; List size ages 40+=…").
    const first = /^([^=;]+)=(\d+)/.exec(r.get('denominators')) ?? fail(`${where}: no denominator`);
    const label = first[1]!.trim();
    const denominator = Number(first[2]);
    const register = integer(r.get('register'), where);
    const published = decimal(r.get('prevalence_pct'), where);
    if (Math.abs((register / denominator) * 100 - published) > 1e-6) {
      fail(`${where}: register / ${label} is not the published prevalence ${published}`);
    }
    const key = `${place}|${disease}`;
    const acc = prevalence.get(key) ?? { ccgs: new Set(), register: 0, denominator: 0, label };
    if (acc.label !== label) fail(`${where}: ${disease} denominators differ within ${place}`);
    acc.ccgs.add(ccg);
    acc.register += register;
    acc.denominator += denominator;
    prevalence.set(key, acc);
  }
  const prevRows: string[][] = [
    [
      'place',
      'disease_group',
      'year',
      'ccg_ods_codes',
      'register',
      'denominator',
      'denominator_label',
      'prevalence_pct',
      'source',
    ],
  ];
  for (const key of [...prevalence.keys()].sort(byText)) {
    const [place, disease] = key.split('|') as [string, string];
    const acc = prevalence.get(key)!;
    prevRows.push([
      place,
      disease,
      QOF_YEAR,
      [...acc.ccgs].sort(byText).join(' '),
      String(acc.register),
      String(acc.denominator),
      acc.label,
      fixed((acc.register / acc.denominator) * 100, 4),
      SRC.qof,
    ]);
  }
  write(outDir, 'prevalence-place.csv', prevRows);

  // --- prevalence-imd-gradient.csv -------------------------------------------------------------------------
  const hocPath = data('prevalence/output_imd_prevalence.csv');
  const byDisease = new Map<string, Map<number, { register: number; list: number }>>();
  for (const r of readTable(hocPath)) {
    const decileText = r.get('imd_overall');
    if (decileText === 'Wales') continue; // patients of English practices living in Wales: not an English decile
    const where = `${hocPath}: line ${r.line}`;
    const decile = integer(decileText, where);
    if (decile < 1 || decile > 10) fail(`${where}: decile ${decile}`);
    const raw = r.get('group_code');
    const disease = DISEASE_ALIASES.get(raw) ?? raw;
    const register = decimal(r.get('register'), where);
    const list = decimal(r.get('list'), where);
    if (Math.abs(register / list - decimal(r.get('prevalence'), where)) > 1e-9)
      fail(`${where}: register / list ≠ prevalence`);
    const deciles = byDisease.get(disease) ?? new Map<number, { register: number; list: number }>();
    if (deciles.has(decile)) fail(`${where}: ${disease} decile ${decile} appears twice`);
    deciles.set(decile, { register, list });
    byDisease.set(disease, deciles);
  }
  const gradRows: string[][] = [
    [
      'disease_group',
      'imd_decile',
      'register',
      'list_size',
      'prevalence_pct',
      'england_prevalence_pct',
      'ratio_to_england',
      'source',
    ],
  ];
  const placeDiseases = new Set([...prevalence.keys()].map((key) => key.split('|')[1]));
  for (const disease of [...byDisease.keys()].sort(byText)) {
    if (!placeDiseases.has(disease)) fail(`${disease} is in the IMD gradient but not in QOF ${QOF_YEAR}`);
    const deciles = byDisease.get(disease)!;
    if (deciles.size !== 10) fail(`${disease}: ${deciles.size} deciles, expected 10`);
    let register = 0;
    let list = 0;
    for (const d of deciles.values()) {
      register += d.register;
      list += d.list;
    }
    const england = (register / list) * 100;
    for (let decile = 1; decile <= 10; decile++) {
      const d = deciles.get(decile)!;
      const pct = (d.register / d.list) * 100;
      gradRows.push([
        disease,
        String(decile),
        fixed(d.register, 0),
        fixed(d.list, 0),
        fixed(pct, 4),
        fixed(england, 4),
        fixed(pct / england, 4),
        SRC.hocModelled,
      ]);
    }
  }
  write(outDir, 'prevalence-imd-gradient.csv', gradRows);

  // --- practices.csv ---------------------------------------------------------------------------------------
  const gpPath = data('gp/gp_practices_wyh_epraccur2023.csv');
  const placeById = new Map(places.map((place) => [place.id, place]));
  const residents = new Map<string, number>();
  for (const code of lsoaCodes) {
    const place = placeOfLad.get(lad19.get(code)!.lad)!;
    residents.set(place, (residents.get(place) ?? 0) + population.get(code)!.reduce((a, b) => a + b, 0));
  }
  const pcnNames = new Map<string, { name: string; place: string }>();
  const seenPractices = new Set<string>();
  const withoutList: string[] = [];
  const outside: string[] = [];
  const practiceRows: string[][] = [];
  for (const r of readTable(gpPath)) {
    const where = `${gpPath}: line ${r.line}`;
    const code = r.get('practice_code');
    if (!/^[A-Z]\d{5}$/.test(code)) fail(`${where}: "${code}" is not a GP practice ODS code`);
    if (seenPractices.has(code)) fail(`${where}: ${code} appears twice`);
    seenPractices.add(code);
    const opened = r.get('open_date');
    const closed = r.get('close_date');
    const status = r.get('status_code');
    for (const date of closed === '' ? [opened] : [opened, closed]) {
      if (!/^(19|20)\d\d(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])$/.test(date))
        fail(`${where}: "${date}" is not a date YYYYMMDD`);
      // Whether a practice is open on its opening or closing day would matter only if one fell on the date.
      if (date === PRACTICES_AS_OF) fail(`${where}: ${code} opens or closes on ${PRACTICES_AS_OF}`);
    }
    if ((status === 'C') !== (closed !== '') || !['A', 'C', 'D'].includes(status))
      fail(`${where}: status ${status} does not fit close date "${closed}"`);
    const open = opened < PRACTICES_AS_OF && (closed === '' || closed > PRACTICES_AS_OF);
    const listText = r.get('registered_patients_2021_01');
    if (!open) {
      if (listText !== '') fail(`${where}: ${code} has a January 2021 list size but was not open then`);
      continue;
    }
    if (listText === '') {
      // Open by its dates but not counted in January 2021: accepted only for a practice closed since (its patients
      // had moved to another practice before its code was closed); an active or dormant one would be a gap.
      if (status !== 'C') fail(`${where}: ${code} was open on ${PRACTICES_AS_OF} but has no list size`);
      withoutList.push(code);
      continue;
    }
    const patients = integer(listText, where);
    if (patients <= 0) fail(`${where}: list size ${patients}`);

    const postcode = r.get('postcode');
    const parts =
      POSTCODE.exec(postcode) ?? fail(`${where}: "${postcode}" is not a postcode such as LS1 4AP`);
    const area = parts[1]!;
    const district = `${area}${parts[2]!}`;
    const ccg = r.get('ccg_code_2021_01');
    const subIcb = r.get('commissioner_sub_icb_2023');
    const place = CCG_PLACE.get(ccg) ?? fail(`${where}: CCG "${ccg}" stands for no place`);
    if (SUB_ICB_PLACE.get(subIcb) !== place)
      fail(`${where}: sub-ICB ${subIcb} (2023) is not of the place of CCG ${ccg} (2021)`);
    if (ccg === NORTH_YORKSHIRE_CCG && area !== HARROGATE.area) {
      outside.push(`${code} (${district})`);
      continue;
    }
    const placeEntry = placeById.get(place) ?? fail(`${where}: unknown place ${place}`);
    // The extract's own place label must agree: "Leeds", or "Harrogate (NHS Humber & North Yorkshire ICB, …)".
    const label = r.get('place');
    if (label !== placeEntry.name && !label.startsWith(`${placeEntry.name} (`))
      fail(`${where}: the extract puts ${code} in "${label}", the CCG in ${placeEntry.name}`);

    let lad: string;
    if (ccg === NORTH_YORKSHIRE_CCG) lad = HARROGATE.lad;
    else if (place === CRAVEN.place) {
      const craven = CRAVEN.postcodeDistricts.has(district) || code.startsWith(CRAVEN.odsPrefix);
      if (CRAVEN.postcodeDistricts.has(district) && code.startsWith(CRAVEN.otherOdsPrefix))
        fail(`${where}: ${code} is in ${district} (Craven) but has Bradford's code prefix`);
      if (code.startsWith(CRAVEN.odsPrefix) && !['BD20', ...CRAVEN.postcodeDistricts].includes(district))
        fail(`${where}: ${code} has North Yorkshire's code prefix but is in ${district}`);
      lad = craven ? CRAVEN.lad : CRAVEN.otherLad;
    } else if (placeEntry.localAuthorityCodes.length === 1) lad = placeEntry.localAuthorityCodes[0]!;
    else fail(`${where}: no rule gives the district of a practice in ${place}`);
    if (placeOfLad.get(lad) !== place) fail(`${where}: district ${lad} is not in ${place}`);

    const postTown =
      POST_TOWN_OF_DISTRICT.get(district) ??
      POST_TOWN_OF_AREA.get(area) ??
      fail(`${where}: no post town for ${district}: add it to POST_TOWN_OF_DISTRICT`);
    const pcnCode = r.get('pcn_code_2020');
    const pcnName = r.get('pcn_name_2020').replace(/\s+/g, ' ');
    if (pcnCode === '' ? pcnName !== '' : !/^U\d{5}$/.test(pcnCode) || pcnName === '')
      fail(`${where}: PCN "${pcnCode}" "${pcnName}" is not a PCN code with its name, or both empty`);
    if (pcnCode !== '') {
      const first = pcnNames.get(pcnCode) ?? { name: pcnName, place };
      if (first.name !== pcnName || first.place !== place)
        fail(`${where}: PCN ${pcnCode} has two names or two places`);
      pcnNames.set(pcnCode, first);
    }
    practiceRows.push([
      code,
      r.get('practice_name').replace(/\s+/g, ' '),
      postcode,
      district,
      postTown,
      lad,
      ladNames.get(lad) ?? fail(`${lad}: no name`),
      place,
      ccg,
      pcnCode,
      pcnName,
      String(patients),
      [SRC.epraccur, ...(pcnCode === '' ? [] : [SRC.epcn]), SRC.gpList, SRC.postTowns].join(' '),
    ]);
  }
  practiceRows.sort((a, b) => byText(a[0]!, b[0]!));
  write(outDir, 'practices.csv', [
    [
      'practice_code',
      'practice_name',
      'postcode',
      'postcode_district',
      'post_town',
      'lad19_code',
      'lad19_name',
      'place',
      'ccg21_code',
      'pcn_code',
      'pcn_name',
      'registered_patients',
      'source',
    ],
    ...practiceRows,
  ]);
  console.log(
    `  open on ${PRACTICES_AS_OF} but not counted then (closed since): ${withoutList.sort().join(' ')}`,
  );
  console.log(`  outside the places (North Yorkshire CCG outside HG): ${outside.sort().join(' ') || 'none'}`);
  for (const place of places) {
    const rows = practiceRows.filter((row) => row[7] === place.id);
    const patients = rows.reduce((sum, row) => sum + Number(row[11]), 0);
    const people = residents.get(place.id) ?? 0;
    console.log(
      `  ${place.id}: ${rows.length} practices, ${patients} patients, ${people} residents (${fixed(patients / people, 4)})`,
    );
  }
}

main();
