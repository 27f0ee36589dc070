-- The shared care record (src/record): every partner's FHIR R4 resources, each version kept, with the search index
-- the FHIR API answers from. Identifiable, like the identity tables: only the record and identity modules read them.
--
-- A resource belongs to the organisation that sent it (source_organisation) and, when it came from a partner's feed,
-- keeps that partner's own id for it (source_id): the same resource sent again is found by it, so feeds are
-- idempotent. patient_id is the Patient resource the resource is about (a Patient's is its own id): the person a
-- resource belongs to is that Patient's record in the identity index, so merges and unmerges there need no change
-- here. It is also the key a distributed deployment would co-locate a person's rows by.

CREATE TABLE record_resource (
  resource_type text NOT NULL CHECK (resource_type ~ '^[A-Z][A-Za-z]{1,63}$'),
  id text NOT NULL CHECK (id ~ '^[A-Za-z0-9.-]{1,64}$'),
  version integer NOT NULL CHECK (version >= 1),
  last_updated timestamptz NOT NULL,
  -- A deleted resource keeps its row (and its history): a read then answers 410 Gone, not 404.
  content jsonb CHECK (content IS NULL OR jsonb_typeof(content) = 'object'),
  deleted boolean NOT NULL,
  source_organisation text NOT NULL CHECK (source_organisation ~ '^[A-Za-z0-9][A-Za-z0-9-]*$'),
  source_id text CHECK (source_id IS NULL OR length(source_id) BETWEEN 1 AND 200),
  patient_id text,
  PRIMARY KEY (resource_type, id),
  CHECK (deleted = (content IS NULL))
);
CREATE UNIQUE INDEX record_resource_by_source ON record_resource (resource_type, source_organisation, source_id)
  WHERE source_id IS NOT NULL;
CREATE INDEX record_resource_by_patient ON record_resource (patient_id) WHERE patient_id IS NOT NULL;
CREATE INDEX record_resource_by_last_updated ON record_resource (resource_type, last_updated);

-- Every version of every resource, append-only: history and vread read it, and nothing may rewrite it.
CREATE TABLE record_version (
  resource_type text NOT NULL,
  id text NOT NULL,
  version integer NOT NULL CHECK (version >= 1),
  last_updated timestamptz NOT NULL,
  content jsonb,
  deleted boolean NOT NULL,
  -- Who wrote this version: a partner system's token id or a user id, with the organisation it acted for.
  written_by text NOT NULL,
  written_for text NOT NULL,
  PRIMARY KEY (resource_type, id, version),
  CHECK (deleted = (content IS NULL))
);

CREATE FUNCTION record_version_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'record_version is append-only: a resource changes by a new version, never by rewriting one'
    USING ERRCODE = 'integrity_constraint_violation';
END;
$$;
CREATE TRIGGER record_version_append_only BEFORE UPDATE OR DELETE ON record_version
  FOR EACH ROW EXECUTE FUNCTION record_version_append_only();
CREATE TRIGGER record_version_no_truncate BEFORE TRUNCATE ON record_version
  FOR EACH STATEMENT EXECUTE FUNCTION record_version_append_only();

-- The search index of current, undeleted versions: one row per value a search parameter finds in a resource
-- (src/record/search/extract.ts), replaced whole when the resource changes.
CREATE TABLE record_search_token (
  resource_type text NOT NULL,
  id text NOT NULL,
  param text NOT NULL,
  system text,
  code text NOT NULL
);
CREATE INDEX record_search_token_lookup ON record_search_token (resource_type, param, code, system);
CREATE INDEX record_search_token_by_resource ON record_search_token (resource_type, id);

-- Strings are kept folded (lower case, accents removed) for FHIR's default "starts with, any case" match.
CREATE TABLE record_search_string (
  resource_type text NOT NULL,
  id text NOT NULL,
  param text NOT NULL,
  value text NOT NULL
);
CREATE INDEX record_search_string_lookup ON record_search_string (resource_type, param, value text_pattern_ops);
CREATE INDEX record_search_string_by_resource ON record_search_string (resource_type, id);

-- A date, dateTime, instant or Period as the range of instants it covers (a date is its whole day).
CREATE TABLE record_search_date (
  resource_type text NOT NULL,
  id text NOT NULL,
  param text NOT NULL,
  low timestamptz NOT NULL,
  high timestamptz NOT NULL,
  CHECK (low <= high)
);
CREATE INDEX record_search_date_lookup ON record_search_date (resource_type, param, low, high);
CREATE INDEX record_search_date_by_resource ON record_search_date (resource_type, id);

CREATE TABLE record_search_reference (
  resource_type text NOT NULL,
  id text NOT NULL,
  param text NOT NULL,
  target_type text NOT NULL,
  target_id text NOT NULL
);
CREATE INDEX record_search_reference_lookup ON record_search_reference (resource_type, param, target_id, target_type);
CREATE INDEX record_search_reference_by_resource ON record_search_reference (resource_type, id);
