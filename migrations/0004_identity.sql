-- Identity: the master patient index (src/identity/index). Every partner's record of a person is kept here with the
-- demographics it arrived with, and belongs to exactly one person; persons are joined (merged) and split (unmerged)
-- only through recorded events, and uncertain pairs wait in a review queue for an officer's decision.
--
-- These are the only tables in Accord that hold identifiable demographics beside the shared care record; the
-- pseudonymised analytic store never sees them (it gets a keyed hash of the person id).
--
-- Person ids are stable: a new record joins an existing person or starts one, a merge keeps the older person's id
-- (the other is marked merged into it, never deleted), and an unmerge brings the merged person back with its own id.

-- The linkage model in force: the m and u probabilities, λ and term frequencies, with the comparison levels it was
-- estimated for (so code whose levels changed refuses a stale model instead of misreading it).
CREATE TABLE identity_model (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  parameters jsonb NOT NULL,
  trained_on integer NOT NULL CHECK (trained_on >= 0),
  created_at timestamptz NOT NULL
);

CREATE TABLE identity_person (
  id uuid PRIMARY KEY,
  created_at timestamptz NOT NULL,
  -- Set when the person was merged into another; the row stays so old references still resolve.
  merged_into uuid REFERENCES identity_person (id),
  CHECK (merged_into IS NULL OR merged_into <> id)
);
CREATE INDEX identity_person_merged_into ON identity_person (merged_into) WHERE merged_into IS NOT NULL;

-- One partner's record of a person: the organisation's own identifier for it, and the demographics as sent.
CREATE TABLE identity_record (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  organisation text NOT NULL CHECK (organisation ~ '^[A-Za-z0-9][A-Za-z0-9-]*$'),
  local_id text NOT NULL CHECK (length(local_id) BETWEEN 1 AND 200),
  demographics jsonb NOT NULL,
  person_id uuid NOT NULL REFERENCES identity_person (id),
  received_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  UNIQUE (organisation, local_id)
);
CREATE INDEX identity_record_by_person ON identity_record (person_id);

-- The record's blocking keys (one per rule that gives it one, prefixed with the rule's position), so candidates for a
-- new record are found by index lookups rather than by reading every record.
CREATE TABLE identity_block_key (
  key text NOT NULL,
  record_id bigint NOT NULL REFERENCES identity_record (id),
  PRIMARY KEY (key, record_id)
);
CREATE INDEX identity_block_key_by_record ON identity_block_key (record_id);

-- A pair the model could not decide, or whose NHS numbers agree while the rest disagrees. Open until an officer
-- decides; a decision is never changed (a later contrary view is a merge or unmerge, with its own event).
CREATE TABLE identity_review (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  record_id bigint NOT NULL REFERENCES identity_record (id),
  candidate_record_id bigint NOT NULL REFERENCES identity_record (id),
  reason text NOT NULL CHECK (reason IN ('probable-match', 'nhs-number-demographics-disagree', 'matches-another-person')),
  probability double precision NOT NULL CHECK (probability BETWEEN 0 AND 1),
  weight double precision NOT NULL,
  evidence jsonb NOT NULL,
  opened_at timestamptz NOT NULL,
  outcome text CHECK (outcome IN ('same-person', 'different-people')),
  decided_by uuid REFERENCES app_user (id),
  decided_by_organisation text,
  decided_at timestamptz,
  note text CHECK (note IS NULL OR length(note) BETWEEN 1 AND 2000),
  CHECK (record_id <> candidate_record_id),
  CHECK ((outcome IS NULL) = (decided_at IS NULL) AND (outcome IS NULL) = (decided_by IS NULL))
);
-- One review of a pair at a time, whichever way round it was raised.
CREATE UNIQUE INDEX identity_review_one_open_per_pair
  ON identity_review (least(record_id, candidate_record_id), greatest(record_id, candidate_record_id))
  WHERE outcome IS NULL;
CREATE INDEX identity_review_open ON identity_review (opened_at) WHERE outcome IS NULL;

-- Everything that happened to persons and records, in order: the history a merge or unmerge is read back from.
CREATE TABLE identity_event (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at timestamptz NOT NULL,
  kind text NOT NULL CHECK (kind IN (
    'person-created', 'record-linked', 'record-updated', 'review-opened', 'review-decided', 'merged', 'unmerged'
  )),
  person_id uuid REFERENCES identity_person (id),
  -- For merges and unmerges: the person merged into person_id, or brought back out of it.
  other_person_id uuid REFERENCES identity_person (id),
  record_id bigint REFERENCES identity_record (id),
  review_id bigint REFERENCES identity_review (id),
  -- For unmerges: the merge undone.
  undoes bigint REFERENCES identity_event (id),
  -- A person (app_user) or, for feeds and the linkage itself, null with the source in detail.
  actor uuid REFERENCES app_user (id),
  reason text,
  -- Kind-specific facts: the decision's evidence, the records a merge moved, the source of a record.
  detail jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX identity_event_by_person ON identity_event (person_id, id);
CREATE INDEX identity_event_by_other_person ON identity_event (other_person_id, id)
  WHERE other_person_id IS NOT NULL;
CREATE UNIQUE INDEX identity_event_undone_once ON identity_event (undoes) WHERE undoes IS NOT NULL;

CREATE FUNCTION identity_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'identity_event is append-only: % is not allowed', TG_OP
    USING HINT = 'History is corrected by a new event (an unmerge undoes a merge), never by changing one.';
END;
$$;
CREATE TRIGGER identity_event_append_only BEFORE UPDATE OR DELETE ON identity_event
  FOR EACH ROW EXECUTE FUNCTION identity_event_append_only();
CREATE TRIGGER identity_event_no_truncate BEFORE TRUNCATE ON identity_event
  FOR EACH STATEMENT EXECUTE FUNCTION identity_event_append_only();

-- A decision, once recorded, stands: a review's row may change only from open to decided.
CREATE FUNCTION identity_review_decided_once() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' OR OLD.outcome IS NOT NULL THEN
    RAISE EXCEPTION 'identity_review %: a decided review cannot be changed or deleted', OLD.id
      USING HINT = 'A contrary view is recorded as a merge or unmerge, with its own event.';
  END IF;
  IF NEW.record_id <> OLD.record_id OR NEW.candidate_record_id <> OLD.candidate_record_id
     OR NEW.evidence <> OLD.evidence OR NEW.probability <> OLD.probability THEN
    RAISE EXCEPTION 'identity_review %: only the decision may be recorded on a review', OLD.id;
  END IF;
  RETURN NEW;
END;
$$;
CREATE TRIGGER identity_review_decided_once BEFORE UPDATE OR DELETE ON identity_review
  FOR EACH ROW EXECUTE FUNCTION identity_review_decided_once();
