/**
 * @module scripts/derive-neighbourhoods
 * Writes partnerships/west-yorkshire-and-harrogate/neighbourhoods.yaml from the NHS ODS GP practice extract
 * (epraccur, with 2020 PCN membership and January 2021 list sizes) kept beside the project in ../shared/data.
 *
 * Usage: node --import tsx scripts/derive-neighbourhoods.ts [path/to/gp_practices_wyh_epraccur2023.csv] [output.yaml]
 *
 * Only active practices (status A) are kept. Each primary care network (PCN) becomes one neighbourhood, with its
 * practices; practices with no PCN are left out and counted in the header comment. Output is sorted and stable, so
 * running the script twice gives the same file.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Document } from 'yaml';
import { formatIssue } from '../src/core/problem.js';
import { parseCsv } from '../src/synthetic/csv.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const defaultCsv = resolve(repoRoot, '../shared/data/gp/gp_practices_wyh_epraccur2023.csv');
const defaultOut = resolve(repoRoot, 'partnerships/west-yorkshire-and-harrogate/neighbourhoods.yaml');

/** Source ids in sources.yaml. */
const PCN_SOURCE = 'nhs-digital-epcn';
const LIST_SIZE_SOURCE = 'nhs-digital-gp-registered-patients-2021-01';
/** PCNs started on 1 July 2019 (NHS England GP contract 2019/20). */
const PCN_FROM = '2019-07-01';
const LIST_SIZE_AS_OF = '2021-01-01';

/** The `place` column of the extract, mapped to the place ids of places.yaml. */
const PLACE_IDS: ReadonlyMap<string, string> = new Map([
  ['Bradford District and Craven', 'bradford-district-and-craven'],
  ['Calderdale', 'calderdale'],
  ['Harrogate (NHS Humber & North Yorkshire ICB, sub-ICB 42D)', 'harrogate'],
  ['Harrogate', 'harrogate'],
  ['Kirklees', 'kirklees'],
  ['Leeds', 'leeds'],
  ['Wakefield', 'wakefield'],
]);

/** Upper-case, single space before the inward code (the last three characters): "LS1  4AP" → "LS1 4AP". */
export function normalisePostcode(raw: string): string {
  const compact = raw.replace(/\s+/g, '').toUpperCase();
  return compact.length > 3 ? `${compact.slice(0, -3)} ${compact.slice(-3)}` : compact;
}

/** Lowercase hyphenated slug: "BD4+ PCN" → "bd4-pcn", "LS25/LS26 PCN" → "ls25-ls26-pcn". */
export function slug(name: string): string {
  return name
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

const tidy = (text: string): string => text.replace(/\s+/g, ' ').trim();

/** Code-point order, independent of the machine's locale, so the output is the same everywhere. */
const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

interface PracticeOut {
  ods: string;
  name: string;
  postcode: string;
  listSize?: { value: number; asOf: string; source: string };
}

function main(): void {
  const csvPath = resolve(process.argv[2] ?? defaultCsv);
  const outPath = resolve(process.argv[3] ?? defaultOut);
  const parsed = parseCsv(readFileSync(csvPath, 'utf8'), csvPath);
  if (!parsed.ok) throw new Error(parsed.error.map(formatIssue).join('\n'));
  const [header, ...records] = parsed.value.map((record) => [...record.fields]);
  if (header === undefined) throw new Error(`${csvPath} is empty`);
  const col = (name: string): number => {
    const index = header.indexOf(name);
    if (index < 0) throw new Error(`${csvPath} has no column ${name}`);
    return index;
  };
  const c = {
    code: col('practice_code'),
    name: col('practice_name'),
    postcode: col('postcode'),
    status: col('status_code'),
    place: col('place'),
    pcnCode: col('pcn_code_2020'),
    pcnName: col('pcn_name_2020'),
    list: col('registered_patients_2021_01'),
  };

  const pcns = new Map<string, { name: string; place: string; practices: PracticeOut[] }>();
  let active = 0;
  const withoutPcn: string[] = [];
  for (const r of records) {
    const get = (i: number): string => tidy(r[i] ?? '');
    if (get(c.status) !== 'A') continue;
    active++;
    const pcnCode = get(c.pcnCode);
    if (pcnCode === '') {
      withoutPcn.push(get(c.code));
      continue;
    }
    const place = PLACE_IDS.get(get(c.place));
    if (place === undefined) throw new Error(`practice ${get(c.code)}: unknown place "${get(c.place)}"`);
    const practice: PracticeOut = {
      ods: get(c.code),
      name: get(c.name),
      postcode: normalisePostcode(get(c.postcode)),
    };
    const list = get(c.list);
    if (list !== '') {
      practice.listSize = { value: Number(list), asOf: LIST_SIZE_AS_OF, source: LIST_SIZE_SOURCE };
    }
    const pcn = pcns.get(pcnCode) ?? { name: get(c.pcnName), place, practices: [] };
    if (pcn.place !== place)
      throw new Error(`PCN ${pcnCode} has practices in two places (${pcn.place}, ${place})`);
    pcn.practices.push(practice);
    pcns.set(pcnCode, pcn);
  }

  const usedIds = new Set<string>();
  const neighbourhoods = [...pcns.entries()]
    .map(([ods, pcn]) => ({ ods, ...pcn }))
    .sort((a, b) => byText(a.place, b.place) || byText(a.name, b.name) || byText(a.ods, b.ods))
    .map((pcn) => {
      let id = slug(pcn.name);
      if (usedIds.has(id)) id = `${id}-${pcn.ods.toLowerCase()}`;
      usedIds.add(id);
      return {
        id,
        name: pcn.name,
        place: pcn.place,
        ods: pcn.ods,
        practices: pcn.practices.sort((a, b) => byText(a.ods, b.ods)),
        from: PCN_FROM,
        source: PCN_SOURCE,
      };
    });

  const practiceCount = neighbourhoods.reduce((sum, n) => sum + n.practices.length, 0);
  const doc = new Document({ neighbourhoods });
  doc.commentBefore = [
    ' GENERATED FILE: do not edit by hand. Regenerate with',
    '   node --import tsx scripts/derive-neighbourhoods.ts [path/to/gp_practices_wyh_epraccur2023.csv]',
    ' Derived from the NHS ODS GP practice extract (epraccur) with 2020 PCN membership (NHS Digital ePCN) and',
    ' registered patients in January 2021 (NHS Digital). Active practices only (status A).',
    ` ${active} active practices; ${practiceCount} in ${neighbourhoods.length} primary care networks;`,
    ` ${withoutPcn.length} active practice(s) with no 2020 PCN left out: ${withoutPcn.sort().join(', ')}.`,
  ].join('\n');
  writeFileSync(outPath, doc.toString({ lineWidth: 0 }));
  console.log(`wrote ${outPath}: ${neighbourhoods.length} neighbourhoods, ${practiceCount} practices`);
}

main();
