/**
 * Benchmark: FEBRL3 deduplicated (dataset3.csv: 5,000 records of 2,000 people, originals and up to several duplicates
 * each; 6,538 true pairs) by the identity module's linkage with its default settings and only a column mapping, read
 * as `accord link` reads it. The default mapping is the one bench/linkage-febrl.ts uses for FEBRL4: names, date of
 * birth, postcode, the street number, street, address line 2 and suburb as the address, the social security number as
 * the other identifier (FEBRL has no sex and no NHS number).
 *
 *   node --import tsx bench/linkage-febrl3.ts [--dir /work/shared/data/linkage-benchmarks/febrl] [--map <mapping>]
 *
 * Prints blocking recall, then pairwise precision, recall and F1 of the pairs auto-linked, of those at or above the
 * review threshold, of those with match probability ≥ 0.5, and of every pair within the clusters the auto-links
 * make, with the time taken. The data are read from where they are kept (never copied into the repository).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { linkRecords } from '../src/identity/linkage/train.js';
import { pairKey, readBenchmark, report } from './linkage-scoring.js';

const { values } = parseArgs({
  options: {
    dir: { type: 'string', default: '/work/shared/data/linkage-benchmarks/febrl' },
    map: {
      type: 'string',
      default:
        'id=rec_id,forename=given_name,surname=surname,dateOfBirth=date_of_birth,postcode=postcode,' +
        'address=street_number+address_1+address_2+suburb,otherIdentifier=soc_sec_id',
    },
  },
});

const reading = process.hrtime.bigint();
const { records, problems } = readBenchmark(join(values.dir, 'dataset3.csv'), values.map);
const readSeconds = Number(process.hrtime.bigint() - reading) / 1e9;
const truth = new Set(
  readFileSync(join(values.dir, 'dataset3_true_pairs.csv'), 'utf8')
    .split(/\r?\n/)
    .slice(1)
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const [, a = '', b = ''] = line.split(',').map((cell) => cell.trim());
      return pairKey(a, b);
    }),
);

const started = process.hrtime.bigint();
const run = linkRecords(records);
const seconds = Number(process.hrtime.bigint() - started) / 1e9;

console.log(`FEBRL3: ${records.length} records, ${truth.size} true pairs; mapping ${values.map}`);
console.log(`rows with a problem accord link reports (bad value counted as missing): ${problems}`);
report(run, truth);
console.log(
  `time: ${seconds.toFixed(2)} s (estimation, blocking, scoring, decisions); reading and checking the file ${readSeconds.toFixed(2)} s`,
);
