-- Peer review on the local government model (src/outcomes/peer-review; docs/peer-review.md): a review of a place, a
-- programme or the whole partnership by a team of peers from outside it — self-assessment, on-site visit, report,
-- action plan, progress review — with the action plan's items and their progress over time.
--
-- Nothing here is ever updated or deleted: a stage done, its correction, an action added, a status reported are rows
-- of their own, and every change adds a row to peer_review_audit. The triggers at the end refuse UPDATE, DELETE and
-- TRUNCATE, so that holds whatever code runs against the database.
--
-- Due dates are NOT stored: they are computed from the visit's dates and the review's action-plan period by one pure
-- function (outcomes/peer-review/due-dates.ts), and so are "late" and "overdue"; nobody types them.
--
-- Subjects (place, programme) and owner organisations are ids of the partnership files, checked by the code when
-- recorded; not foreign keys, because partnership entries are versioned. Peers come from outside the partnership, so
-- they are names and organisations as text. People acting are app_user ids, with the organisation they acted for.

CREATE TABLE peer_review (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  partnership_id text NOT NULL REFERENCES partnership (id),
  -- What is reviewed: the whole partnership (no id), one of its places, or one of its programmes.
  subject_kind text NOT NULL CHECK (subject_kind IN ('partnership', 'place', 'programme')),
  subject_id text CHECK (subject_id IS NULL OR subject_id ~ '^[a-z0-9][a-z0-9-]*$'),
  title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  -- The scope and focus the reviewed asked the peers to look at.
  scope text NOT NULL CHECK (length(scope) BETWEEN 1 AND 5000),
  -- The on-site visit, first and last day (a visit is a few days; at most 14 here).
  visit_start date NOT NULL,
  visit_end date NOT NULL,
  -- The action plan is due this many months after the report (Accord's default is 2).
  action_plan_months integer NOT NULL CHECK (action_plan_months BETWEEN 1 AND 12),
  started_by uuid NOT NULL REFERENCES app_user (id),
  started_by_organisation text NOT NULL,
  started_at timestamptz NOT NULL,
  CHECK ((subject_kind = 'partnership') = (subject_id IS NULL)),
  CHECK (visit_end >= visit_start AND visit_end - visit_start < 14)
);
CREATE INDEX peer_review_by_partnership ON peer_review (partnership_id);

-- The peer team, in the order given: people from outside the reviewed partnership, named as LGA reports name them.
CREATE TABLE peer_review_peer (
  review_id bigint NOT NULL REFERENCES peer_review (id),
  position integer NOT NULL CHECK (position >= 0),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  role text NOT NULL CHECK (length(role) BETWEEN 1 AND 200),
  organisation text NOT NULL CHECK (length(organisation) BETWEEN 1 AND 200),
  PRIMARY KEY (review_id, position)
);

-- A stage done: recorded once per stage (version 1), with the day it was done, what the document says and where it is.
-- A mistake is put right by a correction: a new version of the stage with who and why (the reason); the old version
-- stays, and the pages show both. The highest version is the one in force.
CREATE TABLE peer_review_stage (
  review_id bigint NOT NULL REFERENCES peer_review (id),
  stage text NOT NULL CHECK (stage IN ('self-assessment', 'visit', 'report', 'action-plan', 'progress-review')),
  version integer NOT NULL CHECK (version > 0),
  done_on date NOT NULL,
  summary text NOT NULL CHECK (length(summary) BETWEEN 1 AND 5000),
  link text CHECK (link IS NULL OR (length(link) <= 2000 AND link ~ '^https?://')),
  -- Why it was corrected; absent only for the first version.
  reason text CHECK (reason IS NULL OR length(reason) BETWEEN 1 AND 5000),
  recorded_by uuid NOT NULL REFERENCES app_user (id),
  recorded_by_organisation text NOT NULL,
  recorded_at timestamptz NOT NULL,
  PRIMARY KEY (review_id, stage, version),
  CHECK ((version = 1) = (reason IS NULL))
);

-- An item of the action plan: what will be done, by which partner organisation, by when.
CREATE TABLE peer_review_action (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  review_id bigint NOT NULL REFERENCES peer_review (id),
  action text NOT NULL CHECK (length(action) BETWEEN 1 AND 2000),
  owner_organisation text NOT NULL CHECK (owner_organisation ~ '^[a-z0-9][a-z0-9-]*$'),
  due_on date NOT NULL,
  added_by uuid NOT NULL REFERENCES app_user (id),
  added_by_organisation text NOT NULL,
  added_at timestamptz NOT NULL
);
CREATE INDEX peer_review_action_by_review ON peer_review_action (review_id, id);

-- The status of an action as reported over time: the latest report is the current status.
CREATE TABLE peer_review_action_progress (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  action_id bigint NOT NULL REFERENCES peer_review_action (id),
  status text NOT NULL CHECK (status IN ('not-started', 'in-progress', 'done', 'dropped')),
  -- The day the status is reported as of (for 'done': the day it was done).
  as_of date NOT NULL,
  note text NOT NULL CHECK (length(note) BETWEEN 1 AND 2000),
  reported_by uuid NOT NULL REFERENCES app_user (id),
  reported_by_organisation text NOT NULL,
  reported_at timestamptz NOT NULL
);
CREATE INDEX peer_review_action_progress_by_action ON peer_review_action_progress (action_id, id);

-- Every change, with who and when. `detail` holds the stage, ids and dates the change made.
CREATE TABLE peer_review_audit (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at timestamptz NOT NULL,
  actor_id uuid NOT NULL REFERENCES app_user (id),
  actor_organisation text NOT NULL,
  action text NOT NULL CHECK (action IN (
    'review-started', 'stage-recorded', 'stage-corrected', 'action-added', 'progress-reported'
  )),
  review_id bigint NOT NULL REFERENCES peer_review (id),
  detail jsonb NOT NULL
);
CREATE INDEX peer_review_audit_by_review ON peer_review_audit (review_id, id);

CREATE FUNCTION peer_review_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'peer review records are never changed or deleted: % on % refused', TG_OP, TG_TABLE_NAME
    USING HINT = 'Record a stage, an action or a progress report instead.';
END
$$;

CREATE TRIGGER peer_review_append_only BEFORE UPDATE OR DELETE ON peer_review
  FOR EACH ROW EXECUTE FUNCTION peer_review_append_only();
CREATE TRIGGER peer_review_peer_append_only BEFORE UPDATE OR DELETE ON peer_review_peer
  FOR EACH ROW EXECUTE FUNCTION peer_review_append_only();
CREATE TRIGGER peer_review_stage_append_only BEFORE UPDATE OR DELETE ON peer_review_stage
  FOR EACH ROW EXECUTE FUNCTION peer_review_append_only();
CREATE TRIGGER peer_review_action_append_only BEFORE UPDATE OR DELETE ON peer_review_action
  FOR EACH ROW EXECUTE FUNCTION peer_review_append_only();
CREATE TRIGGER peer_review_action_progress_append_only BEFORE UPDATE OR DELETE ON peer_review_action_progress
  FOR EACH ROW EXECUTE FUNCTION peer_review_append_only();
CREATE TRIGGER peer_review_audit_append_only BEFORE UPDATE OR DELETE ON peer_review_audit
  FOR EACH ROW EXECUTE FUNCTION peer_review_append_only();

CREATE TRIGGER peer_review_no_truncate BEFORE TRUNCATE ON peer_review
  FOR EACH STATEMENT EXECUTE FUNCTION peer_review_append_only();
CREATE TRIGGER peer_review_peer_no_truncate BEFORE TRUNCATE ON peer_review_peer
  FOR EACH STATEMENT EXECUTE FUNCTION peer_review_append_only();
CREATE TRIGGER peer_review_stage_no_truncate BEFORE TRUNCATE ON peer_review_stage
  FOR EACH STATEMENT EXECUTE FUNCTION peer_review_append_only();
CREATE TRIGGER peer_review_action_no_truncate BEFORE TRUNCATE ON peer_review_action
  FOR EACH STATEMENT EXECUTE FUNCTION peer_review_append_only();
CREATE TRIGGER peer_review_action_progress_no_truncate BEFORE TRUNCATE ON peer_review_action_progress
  FOR EACH STATEMENT EXECUTE FUNCTION peer_review_append_only();
CREATE TRIGGER peer_review_audit_no_truncate BEFORE TRUNCATE ON peer_review_audit
  FOR EACH STATEMENT EXECUTE FUNCTION peer_review_append_only();
