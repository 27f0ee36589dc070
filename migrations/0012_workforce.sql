-- Workforce returns (src/workforce; docs/workforce.md): partners' figures by organisation, quarter and staff group.
--
-- Append-only, held by the database: UPDATE, DELETE and TRUNCATE are refused on both tables. A resubmission of an
-- organisation's quarter is a new version that supersedes the old for the pages; the old stays, so what was
-- published from it can always be explained. One upload (one file, many organisations and quarters) is written in one
-- transaction, so a file is stored whole or not at all.
--
-- Organisation and staff group are ids of the partnership files and of workforce/staff-groups.ts, checked by the
-- code; not foreign keys, because partnership entries are versioned.

CREATE TABLE workforce_return (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  partnership_id text NOT NULL REFERENCES partnership (id),
  organisation text NOT NULL CHECK (organisation ~ '^[a-z0-9][a-z0-9-]*$'),
  -- A calendar quarter: 2024-Q2 is April to June 2024.
  period text NOT NULL CHECK (period ~ '^20[0-9]{2}-Q[1-4]$'),
  -- 1 for the first return of the organisation's quarter, then 2, 3…: the highest is the one in force.
  version integer NOT NULL CHECK (version > 0),
  -- Who sent it: a person (app_user id), a partner system (api_token id) or the demo's synthetic returns.
  submitted_by_kind text NOT NULL CHECK (submitted_by_kind IN ('user', 'system', 'demo')),
  submitted_by text NOT NULL CHECK (length(submitted_by) BETWEEN 1 AND 200),
  submitted_by_organisation text NOT NULL,
  submitted_at timestamptz NOT NULL,
  source text NOT NULL CHECK (source IN ('csv', 'form')),
  -- The uploaded file (csv only): its name as sent and the SHA-256 of its bytes, so the file can be matched later.
  file_name text CHECK (file_name IS NULL OR length(file_name) BETWEEN 1 AND 255),
  file_sha256 text CHECK (file_sha256 IS NULL OR file_sha256 ~ '^[0-9a-f]{64}$'),
  -- The returns stored together from one file or form share this id.
  submission uuid NOT NULL,
  UNIQUE (partnership_id, organisation, period, version),
  CHECK ((source = 'csv') = (file_sha256 IS NOT NULL))
);
CREATE INDEX workforce_return_by_submission ON workforce_return (submission);

CREATE TABLE workforce_return_line (
  return_id bigint NOT NULL REFERENCES workforce_return (id),
  staff_group text NOT NULL CHECK (staff_group ~ '^[a-z0-9][a-z0-9-]*$'),
  posts_fte numeric(12, 2) NOT NULL CHECK (posts_fte >= 0),
  staff_in_post_headcount integer NOT NULL CHECK (staff_in_post_headcount >= 0),
  staff_in_post_fte numeric(12, 2) NOT NULL CHECK (staff_in_post_fte >= 0),
  vacancies_fte numeric(12, 2) NOT NULL CHECK (vacancies_fte >= 0),
  starters integer NOT NULL CHECK (starters >= 0),
  leavers integer NOT NULL CHECK (leavers >= 0),
  new_roles_headcount integer NOT NULL CHECK (new_roles_headcount >= 0),
  -- Staff in post known to their employer as unpaid carers (carer passport, carers' leave, the employer's working
  -- carers' register). Optional in a return: NULL when not reported, which is unknown, not 0.
  working_carers_headcount integer,
  PRIMARY KEY (return_id, staff_group),
  -- The impossible figures the code refuses (workforce/return-csv.ts), refused here too.
  CHECK (staff_in_post_fte <= staff_in_post_headcount),
  CHECK (vacancies_fte <= posts_fte),
  CHECK (leavers <= staff_in_post_headcount),
  CHECK (starters <= staff_in_post_headcount + leavers),
  CHECK (new_roles_headcount <= staff_in_post_headcount),
  CHECK (working_carers_headcount IS NULL
         OR (0 <= working_carers_headcount AND working_carers_headcount <= staff_in_post_headcount))
);

CREATE FUNCTION workforce_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'workforce returns are never changed or deleted: % on % refused', TG_OP, TG_TABLE_NAME
    USING HINT = 'Submit the quarter again: the new version supersedes the old.';
END
$$;

CREATE TRIGGER workforce_return_append_only BEFORE UPDATE OR DELETE ON workforce_return
  FOR EACH ROW EXECUTE FUNCTION workforce_append_only();
CREATE TRIGGER workforce_return_line_append_only BEFORE UPDATE OR DELETE ON workforce_return_line
  FOR EACH ROW EXECUTE FUNCTION workforce_append_only();
CREATE TRIGGER workforce_return_no_truncate BEFORE TRUNCATE ON workforce_return
  FOR EACH STATEMENT EXECUTE FUNCTION workforce_append_only();
CREATE TRIGGER workforce_return_line_no_truncate BEFORE TRUNCATE ON workforce_return_line
  FOR EACH STATEMENT EXECUTE FUNCTION workforce_append_only();
