/**
 * @module population/store/schema
 * The tables of the pseudonymised analytic store (DuckDB). Nothing here names, addresses or numbers a person: a
 * person is a pseudonym (a keyed hash of the master patient index's person id), a partner's record of them a record
 * key (a keyed hash of the organisation and the partner's id); birth is kept as year and month, home as the LSOA.
 *
 * Two layers:
 * - **source_*** tables hold what each feed file said, keyed by record, replaced file by file when a file changes
 *   (so a re-sent feed is idempotent and an unchanged one is not read again);
 * - **person** and **event** are rebuilt from them at every build through `record_person` (record key → pseudonym,
 *   as the master patient index has it now: merges and unmerges follow) without the persons who opted out.
 *
 * Indicator SQL reads only `person`, `event` and `lsoa`; `person` and `event` carry the pseudonym as their first
 * column, the key a national deployment would distribute them by.
 */

/** Bump when a table changes shape: a store of another format is rebuilt from the feeds, never misread. */
export const STORE_FORMAT = 1;

export const SCHEMA = `
CREATE TABLE IF NOT EXISTS store_meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL);

-- One row per feed file read, with what identified its contents, so an unchanged file is skipped next time.
CREATE TABLE IF NOT EXISTS ingested_file (
  file VARCHAR PRIMARY KEY,
  organisation VARCHAR NOT NULL,
  resource_type VARCHAR NOT NULL,
  size BIGINT NOT NULL,
  modified_ms BIGINT NOT NULL,
  rows_read BIGINT NOT NULL,
  rows_kept BIGINT NOT NULL,
  ingested_at TIMESTAMP NOT NULL
);

-- One row per partner's Patient: what the analytic store may keep of its demographics.
CREATE TABLE IF NOT EXISTS source_patient (
  record_key VARCHAR NOT NULL,
  organisation VARCHAR NOT NULL,
  file VARCHAR NOT NULL,
  sex VARCHAR,
  birth_year SMALLINT,
  birth_month TINYINT,
  death_date DATE,
  deceased BOOLEAN NOT NULL,
  ethnic_category VARCHAR,
  lsoa11 VARCHAR,
  practice VARCHAR,
  active BOOLEAN NOT NULL
);

-- One row per clinical resource: a diagnosis, an observation, an immunisation, a contact, an episode of care.
CREATE TABLE IF NOT EXISTS source_event (
  record_key VARCHAR NOT NULL,
  organisation VARCHAR NOT NULL,
  file VARCHAR NOT NULL,
  kind VARCHAR NOT NULL,
  date DATE NOT NULL,
  end_date DATE,
  code_system VARCHAR,
  code VARCHAR,
  value DOUBLE,
  value_code VARCHAR,
  reason_code VARCHAR,
  setting VARCHAR
);

-- Rebuilt at every build from the master patient index.
CREATE TABLE IF NOT EXISTS record_person (record_key VARCHAR NOT NULL, person VARCHAR NOT NULL);
CREATE TABLE IF NOT EXISTS opted_out (person VARCHAR NOT NULL);
-- The feed files rows of an opted-out person were removed from, to be read again if they opt back in.
CREATE TABLE IF NOT EXISTS withdrawn_file (person VARCHAR NOT NULL, file VARCHAR NOT NULL);

-- Geography: the partnership's LSOAs with place and national deprivation (from its calibration files).
CREATE TABLE IF NOT EXISTS lsoa (
  lsoa11 VARCHAR PRIMARY KEY,
  place VARCHAR NOT NULL,
  lad19 VARCHAR NOT NULL,
  imd_decile TINYINT NOT NULL,
  imd_quintile TINYINT NOT NULL
);

CREATE TABLE IF NOT EXISTS person (
  person VARCHAR NOT NULL,
  sex VARCHAR,
  birth_year SMALLINT,
  birth_month TINYINT,
  death_date DATE,
  ethnic_category VARCHAR,
  lsoa11 VARCHAR,
  place VARCHAR,
  imd_decile TINYINT,
  imd_quintile TINYINT,
  practice VARCHAR,
  registered BOOLEAN NOT NULL
);

CREATE TABLE IF NOT EXISTS event (
  person VARCHAR NOT NULL,
  kind VARCHAR NOT NULL,
  date DATE NOT NULL,
  end_date DATE,
  code_system VARCHAR,
  code VARCHAR,
  value DOUBLE,
  value_code VARCHAR,
  reason_code VARCHAR,
  setting VARCHAR,
  organisation VARCHAR NOT NULL
);
`;

/** The tables of the analytic store, and every column a test must find free of identifiers. */
export const STORE_TABLES = [
  'store_meta',
  'ingested_file',
  'source_patient',
  'source_event',
  'record_person',
  'opted_out',
  'withdrawn_file',
  'lsoa',
  'person',
  'event',
] as const;
