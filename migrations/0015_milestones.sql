-- Shared outcomes, first part: programme milestones' progress (src/outcomes; docs/outcomes.md).
--
-- An officer of the milestone's owner reports it complete (the day it was completed, the evidence); another officer
-- verifies or rejects the report, with a reason. Issue 8 releases transformation funding only against verified
-- milestones, so verification is a recorded act of a named person, never a flag. Nothing here is ever updated or
-- deleted: a rejected report stays, and the owner reports again; the triggers refuse UPDATE, DELETE and TRUNCATE.
-- Milestones themselves are partnership data (milestones.yaml, versioned in partnership_entry), so milestone_id is
-- an id of that file, not a foreign key.

CREATE TABLE milestone_report (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  partnership_id text NOT NULL REFERENCES partnership (id),
  milestone_id text NOT NULL CHECK (milestone_id ~ '^[a-z0-9][a-z0-9-]*$'),
  completed_on date NOT NULL,
  evidence text NOT NULL CHECK (length(evidence) BETWEEN 1 AND 5000),
  reported_by uuid NOT NULL REFERENCES app_user (id),
  -- The organisation they acted for: the milestone's owner when reported (checked by the code, which reads the
  -- partnership's files; kept here because a person may later move).
  reported_by_organisation text NOT NULL,
  reported_at timestamptz NOT NULL,
  CHECK (completed_on <= (reported_at AT TIME ZONE 'Europe/London')::date)
);
CREATE INDEX milestone_report_by_milestone ON milestone_report (partnership_id, milestone_id, id);

-- At most one decision per report (the primary key), never by its reporter (the trigger below).
CREATE TABLE milestone_decision (
  report_id bigint PRIMARY KEY REFERENCES milestone_report (id),
  decision text NOT NULL CHECK (decision IN ('verified', 'rejected')),
  reason text NOT NULL CHECK (length(reason) BETWEEN 1 AND 5000),
  decided_by uuid NOT NULL REFERENCES app_user (id),
  decided_by_organisation text NOT NULL,
  decided_at timestamptz NOT NULL
);

-- Every change, with who and when.
CREATE TABLE milestone_audit (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at timestamptz NOT NULL,
  actor_id uuid NOT NULL REFERENCES app_user (id),
  actor_organisation text NOT NULL,
  action text NOT NULL CHECK (action IN ('milestone-reported', 'milestone-verified', 'milestone-rejected')),
  partnership_id text NOT NULL REFERENCES partnership (id),
  milestone_id text NOT NULL,
  report_id bigint NOT NULL REFERENCES milestone_report (id),
  detail jsonb NOT NULL
);
CREATE INDEX milestone_audit_by_milestone ON milestone_audit (partnership_id, milestone_id, id);

CREATE FUNCTION milestone_not_by_reporter() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM milestone_report r WHERE r.id = NEW.report_id AND r.reported_by = NEW.decided_by) THEN
    RAISE EXCEPTION 'a milestone report is never verified or rejected by the person who reported it'
      USING HINT = 'Another officer decides it.';
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER milestone_decision_not_by_reporter BEFORE INSERT ON milestone_decision
  FOR EACH ROW EXECUTE FUNCTION milestone_not_by_reporter();

CREATE FUNCTION milestone_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'milestone records are never changed or deleted: % on % refused', TG_OP, TG_TABLE_NAME
    USING HINT = 'Record a new report or decision instead.';
END
$$;

CREATE TRIGGER milestone_report_append_only BEFORE UPDATE OR DELETE ON milestone_report
  FOR EACH ROW EXECUTE FUNCTION milestone_append_only();
CREATE TRIGGER milestone_decision_append_only BEFORE UPDATE OR DELETE ON milestone_decision
  FOR EACH ROW EXECUTE FUNCTION milestone_append_only();
CREATE TRIGGER milestone_audit_append_only BEFORE UPDATE OR DELETE ON milestone_audit
  FOR EACH ROW EXECUTE FUNCTION milestone_append_only();
CREATE TRIGGER milestone_report_no_truncate BEFORE TRUNCATE ON milestone_report
  FOR EACH STATEMENT EXECUTE FUNCTION milestone_append_only();
CREATE TRIGGER milestone_decision_no_truncate BEFORE TRUNCATE ON milestone_decision
  FOR EACH STATEMENT EXECUTE FUNCTION milestone_append_only();
CREATE TRIGGER milestone_audit_no_truncate BEFORE TRUNCATE ON milestone_audit
  FOR EACH STATEMENT EXECUTE FUNCTION milestone_append_only();

-- Outcomes and milestones are partnership entries too (outcomes.yaml, milestones.yaml), versioned like the others
-- so an amended outcome is a new version and the old one stays readable.
ALTER TABLE partnership_entry DROP CONSTRAINT partnership_entry_kind_check;
ALTER TABLE partnership_entry ADD CONSTRAINT partnership_entry_kind_check CHECK (kind IN (
  'info', 'source', 'organisation', 'place', 'neighbourhood', 'test', 'programme', 'body', 'delegation', 'mou',
  'outcome', 'milestone'
));
