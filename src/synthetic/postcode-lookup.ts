/**
 * @module synthetic/postcode-lookup
 * Two lists the synthetic population supplies for the analytic store, as a real ICS would get them from elsewhere:
 * - its postcode → LSOA lookup, in the columns of the ONS National Statistics Postcode Lookup (`pcds`, `lsoa11`):
 *   its postcodes are made up (a real district and a random inward code), so the real NSPL does not know them, and
 *   the store needs the LSOA of each home to place it in its neighbourhood and deprivation quintile (a made-up
 *   postcode drawn in two LSOAs takes the first by code);
 * - a National Data Opt-out list (`writeOptOutList`).
 */
import { DuckDBInstance } from '@duckdb/node-api';

const quote = (text: string) => `'${text.replaceAll("'", "''")}'`;

export async function writePostcodeLookup(truthDir: string, file: string): Promise<number> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const reader = await connection.runAndReadAll(
      `COPY (SELECT postcode AS pcds, min(lsoa11_code) AS lsoa11
             FROM read_parquet(${quote(`${truthDir}/addresses-*.parquet`)}) GROUP BY postcode ORDER BY postcode)
       TO ${quote(file)} (HEADER, DELIMITER ',')`,
    );
    return Number(reader.getRows()[0]?.[0] ?? 0);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/**
 * A National Data Opt-out list for the demo, as the NHS's "check for national data opt-outs" service would return
 * it: the NHS numbers of about one person in twenty (5.4% of patients in England had opted out in 2023), chosen by
 * a hash of their key (keys are not spread evenly over residues) so every run picks the same people.
 */
export async function writeOptOutList(truthDir: string, file: string, everyNth = 20): Promise<number> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const reader = await connection.runAndReadAll(
      `COPY (SELECT nhs_number FROM read_parquet(${quote(`${truthDir}/persons-*.parquet`)})
             WHERE hash(person_key) % ${everyNth} = 7 ORDER BY nhs_number)
       TO ${quote(file)} (HEADER false, DELIMITER ',')`,
    );
    return Number(reader.getRows()[0]?.[0] ?? 0);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
