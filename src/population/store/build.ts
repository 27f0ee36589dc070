/**
 * @module population/store/build
 * Builds the analytic store: the geography, the postcode lookup, the feeds (ingest.ts), then the link from each
 * partner's record to the person's pseudonym as the master patient index has it now, the National Data Opt-out,
 * and the `person` and `event` tables the indicators read.
 *
 * The master patient index is reached only through `RecordSource` (identity/analytic-keys.ts in Accord; a list in
 * tests): person ids come in, and only their keyed hashes are stored.
 */
import { existsSync, statSync } from 'node:fs';
import type { Issue } from '../../core/problem.js';
import { err, ok, type Result } from '../../core/result.js';
import { pseudonymSql, recordKeySql, type PseudonymKey } from '../../identity/pseudonym.js';
import type { RecordOfPerson } from '../../identity/analytic-keys.js';
import { sqlText, type AnalyticStore } from './analytic-store.js';
import { ingestFeeds, type IngestReport } from './ingest.js';

export interface LsoaGeography {
  readonly lsoa11: string;
  readonly place: string;
  readonly lad19: string;
  readonly imdDecile: number;
  readonly imdQuintile: number;
}

/** Pages of the master patient index's records with their persons (`identity/analytic-keys.ts`). */
export type RecordSource = (
  afterId: number,
  limit: number,
) => Promise<{ readonly records: readonly RecordOfPerson[]; readonly next: number | undefined }>;

export interface BuildInputs {
  readonly feedsDir: string;
  /**
   * A postcode → LSOA lookup, CSV with a header naming `pcds` (or `postcode`) and `lsoa11` (or `lsoa11cd`): the
   * ONS National Statistics Postcode Lookup has these columns; the synthetic population writes its own.
   */
  readonly postcodeLookup: string;
  readonly lsoas: readonly LsoaGeography[];
  readonly records: RecordSource;
  /** Person ids of those who opted out (National Data Opt-out), resolved from NHS numbers by the identity module. */
  readonly optedOut: readonly string[];
  readonly now?: () => Date;
}

export interface BuildReport {
  readonly ingest: IngestReport;
  readonly persons: number;
  readonly events: number;
  readonly optedOut: number;
  /** Events of records the master patient index does not hold (not yet linked): left out until they are. */
  readonly eventsUnlinked: number;
  readonly patientsWithoutLsoa: number;
  readonly issues: readonly Issue[];
  /** Milliseconds spent reading the feeds, linking records to persons, and deriving `person` and `event`. */
  readonly timings: { readonly ingest: number; readonly link: number; readonly derive: number };
}

const PAGE = 50_000;

async function loadGeography(store: AnalyticStore, lsoas: readonly LsoaGeography[]): Promise<void> {
  await store.connection.run('DELETE FROM lsoa');
  const appender = await store.connection.createAppender('lsoa');
  for (const row of lsoas) {
    appender.appendVarchar(row.lsoa11);
    appender.appendVarchar(row.place);
    appender.appendVarchar(row.lad19);
    appender.appendTinyInt(row.imdDecile);
    appender.appendTinyInt(row.imdQuintile);
    appender.endRow();
  }
  appender.closeSync();
}

/** Loads the postcode lookup into a temporary table, checking its columns; postcodes are never stored. */
async function loadPostcodes(store: AnalyticStore, file: string): Promise<Result<number, string>> {
  if (!existsSync(file)) return err(`the postcode lookup ${file} does not exist`);
  const read = `read_csv(${sqlText(file)}, header=true, all_varchar=true)`;
  let names: string[];
  try {
    names = (await store.rows<{ column_name: string }>(`DESCRIBE SELECT * FROM ${read}`)).map((row) =>
      row.column_name.toLowerCase(),
    );
  } catch (error) {
    return err(`the postcode lookup ${file} is not a readable CSV file: ${(error as Error).message}`);
  }
  const postcode = ['pcds', 'postcode'].find((name) => names.includes(name));
  const lsoa = ['lsoa11', 'lsoa11cd', 'lsoa11_code'].find((name) => names.includes(name));
  if (postcode === undefined || lsoa === undefined) {
    return err(
      `the postcode lookup ${file} needs a column pcds (or postcode) and a column lsoa11 (or lsoa11cd); ` +
        `it has ${names.join(', ')}`,
    );
  }
  await store.connection.run(
    `CREATE OR REPLACE TEMP TABLE postcode_lsoa AS
     SELECT upper(regexp_replace(trim("${postcode}"), '\\s+', ' ', 'g')) AS postcode, any_value("${lsoa}") AS lsoa11
     FROM ${read} WHERE "${postcode}" IS NOT NULL AND "${lsoa}" IS NOT NULL GROUP BY 1`,
  );
  const [row] = await store.rows<{ n: number }>('SELECT count(*) AS n FROM postcode_lsoa');
  return ok(row?.n ?? 0);
}

/** Record key → pseudonym for every record the master patient index holds, computed in DuckDB from the ids. */
async function loadRecordPersons(
  store: AnalyticStore,
  key: PseudonymKey,
  records: RecordSource,
): Promise<void> {
  await store.connection.run(
    'CREATE OR REPLACE TEMP TABLE identity_map (organisation VARCHAR, local_id VARCHAR, person_id VARCHAR)',
  );
  const appender = await store.connection.createAppender('identity_map', 'main', 'temp');
  let after: number | undefined = 0;
  while (after !== undefined) {
    const page = await records(after, PAGE);
    for (const record of page.records) {
      appender.appendVarchar(record.organisation);
      appender.appendVarchar(record.localId);
      appender.appendVarchar(record.personId);
      appender.endRow();
    }
    after = page.next;
  }
  appender.closeSync();
  await store.connection.run(
    `CREATE OR REPLACE TABLE record_person AS
     SELECT ${recordKeySql(key, 'organisation', 'local_id')} AS record_key, ${pseudonymSql(key, 'person_id')} AS person
     FROM identity_map`,
  );
  await store.connection.run('DROP TABLE identity_map');
}

/**
 * The person table: one row per pseudonym, each field from the best source that has it — the person's GP practice
 * record first (it holds the registration and is kept most current), then an active record, then any; ties by
 * organisation id, so the choice is the same every time.
 *
 * `registered` means a partnership practice holds a record of the person, active or not: the feeds carry each
 * record as it is now, not the history of registrations, so a person who died in 2018 (their record now inactive)
 * must still count in 2017's registered population. Indicators take survival from the date of death.
 */
const PERSON_SQL = `
CREATE OR REPLACE TABLE person AS
WITH sources AS (
  SELECT rp.person, sp.*,
         (CASE WHEN sp.practice = sp.organisation THEN '0' ELSE '1' END) ||
         (CASE WHEN sp.active THEN '0' ELSE '1' END) || sp.organisation || sp.record_key AS preference
  FROM source_patient sp JOIN record_person rp USING (record_key)
  WHERE rp.person NOT IN (SELECT person FROM opted_out)
), chosen AS (
  SELECT person,
    arg_min(sex, preference) FILTER (WHERE sex IS NOT NULL) AS sex,
    arg_min(birth_year, preference) FILTER (WHERE birth_year IS NOT NULL) AS birth_year,
    arg_min(birth_month, preference) FILTER (WHERE birth_year IS NOT NULL) AS birth_month,
    arg_min(death_date, preference) FILTER (WHERE death_date IS NOT NULL) AS death_date,
    arg_min(ethnic_category, preference) FILTER (WHERE ethnic_category IS NOT NULL) AS ethnic_category,
    arg_min(lsoa11, preference) FILTER (WHERE lsoa11 IS NOT NULL) AS lsoa11,
    arg_min(organisation, preference) FILTER (WHERE practice = organisation) AS practice
  FROM sources GROUP BY person
)
SELECT c.person, c.sex, c.birth_year, c.birth_month, c.death_date, c.ethnic_category, c.lsoa11,
       l.place, l.imd_decile, l.imd_quintile, c.practice, c.practice IS NOT NULL AS registered
FROM chosen c LEFT JOIN lsoa l USING (lsoa11)`;

const EVENT_SQL = `
CREATE OR REPLACE TABLE event AS
SELECT rp.person, e.kind, e.date, e.end_date, e.code_system, e.code, e.value, e.value_code, e.reason_code,
       e.setting, e.organisation
FROM source_event e JOIN record_person rp USING (record_key)
WHERE rp.person NOT IN (SELECT person FROM opted_out)`;

export async function buildAnalyticStore(
  store: AnalyticStore,
  key: PseudonymKey,
  inputs: BuildInputs,
): Promise<Result<BuildReport, string>> {
  await loadGeography(store, inputs.lsoas);
  const postcodes = await loadPostcodes(store, inputs.postcodeLookup);
  if (!postcodes.ok) return postcodes;
  // Homes are placed when a Patient file is read: a new or corrected lookup means reading every Patient again.
  const lookupStat = statSync(inputs.postcodeLookup);
  const lookup = `${lookupStat.size}:${Math.trunc(lookupStat.mtimeMs)}`;
  if ((await store.meta()).get('postcode_lookup') !== lookup) {
    await store.connection.run(`DELETE FROM ingested_file WHERE resource_type = 'Patient'`);
    await store.setMeta('postcode_lookup', lookup);
  }

  // Who is who, and who opted out, before the feeds are read: a person who has opted back in has the files their
  // rows were taken from read again.
  const started = performance.now();
  await loadRecordPersons(store, key, inputs.records);
  await store.connection.run(`CREATE OR REPLACE TABLE opted_out (person VARCHAR NOT NULL)`);
  if (inputs.optedOut.length > 0) {
    await store.connection.run(
      `INSERT INTO opted_out SELECT DISTINCT ${pseudonymSql(key, 'id')} FROM unnest(
         [${inputs.optedOut.map(sqlText).join(', ')}]::VARCHAR[]) AS t(id)`,
    );
  }
  await store.transaction(async () => {
    await store.connection.run(
      `DELETE FROM ingested_file WHERE file IN (
         SELECT file FROM withdrawn_file WHERE person NOT IN (SELECT person FROM opted_out))`,
    );
    await store.connection.run(
      `DELETE FROM withdrawn_file WHERE person NOT IN (SELECT person FROM opted_out)`,
    );
  });
  const linkedAt = performance.now();

  const ingested = await ingestFeeds(store, key, inputs.feedsDir, inputs.now);
  if (!ingested.ok) return ingested;
  await store.connection.run('DROP TABLE IF EXISTS postcode_lsoa');

  // The National Data Opt-out: the rows of those who opted out are not kept at all, only which files they came
  // from (to read them again if the person opts back in).
  await store.transaction(async () => {
    const theirs = `SELECT rp.record_key, rp.person FROM record_person rp JOIN opted_out o USING (person)`;
    for (const table of ['source_patient', 'source_event']) {
      await store.connection.run(
        `INSERT INTO withdrawn_file SELECT DISTINCT t.person, s.file FROM ${table} s JOIN (${theirs}) t USING (record_key)
         EXCEPT SELECT person, file FROM withdrawn_file`,
      );
      await store.connection.run(
        `DELETE FROM ${table} WHERE record_key IN (SELECT record_key FROM (${theirs}))`,
      );
    }
  });
  const read = performance.now();
  const linked = performance.now();
  await store.transaction(async () => {
    await store.connection.run(PERSON_SQL);
    await store.connection.run(EVENT_SQL);
  });
  const derived = performance.now();
  const [counts] = await store.rows<{
    persons: number;
    events: number;
    opted_out: number;
    unlinked: number;
    no_lsoa: number;
  }>(
    `SELECT (SELECT count(*) FROM person) AS persons, (SELECT count(*) FROM event) AS events,
            (SELECT count(*) FROM opted_out) AS opted_out,
            (SELECT count(*) FROM source_event WHERE record_key NOT IN (SELECT record_key FROM record_person))
              AS unlinked,
            (SELECT count(*) FROM person WHERE registered AND lsoa11 IS NULL) AS no_lsoa`,
  );
  return ok({
    ingest: ingested.value,
    persons: counts?.persons ?? 0,
    events: counts?.events ?? 0,
    optedOut: counts?.opted_out ?? 0,
    eventsUnlinked: counts?.unlinked ?? 0,
    patientsWithoutLsoa: counts?.no_lsoa ?? 0,
    issues: ingested.value.issues,
    timings: { ingest: read - linkedAt, link: linkedAt - started, derive: derived - linked },
  });
}
