-- Break-glass (src/access/break-glass.ts): a clinician's emergency access to a person's record without a legitimate
-- relationship. Each grant records who, whose record, the reason they gave, and when it lapses (four hours by
-- default); until a privacy officer reviews it, it waits in their queue. A grant is never deleted, and its review is
-- written once: the database refuses anything else.

CREATE TABLE record_break_glass (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES app_user (id),
  organisation text NOT NULL,
  role text NOT NULL,
  person_id uuid NOT NULL REFERENCES identity_person (id),
  reason text NOT NULL CHECK (length(btrim(reason)) BETWEEN 10 AND 1000),
  granted_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL CHECK (expires_at > granted_at),
  reviewed_by uuid REFERENCES app_user (id),
  reviewed_at timestamptz,
  review_outcome text CHECK (review_outcome IN ('justified', 'not-justified')),
  review_note text CHECK (review_note IS NULL OR length(review_note) BETWEEN 1 AND 2000),
  CHECK ((reviewed_by IS NULL) = (reviewed_at IS NULL) AND (reviewed_at IS NULL) = (review_outcome IS NULL)),
  -- The clinician who broke the glass cannot review their own access.
  CHECK (reviewed_by IS NULL OR reviewed_by <> user_id)
);
CREATE INDEX record_break_glass_active ON record_break_glass (user_id, person_id, expires_at);
CREATE INDEX record_break_glass_unreviewed ON record_break_glass (granted_at) WHERE reviewed_at IS NULL;

CREATE FUNCTION record_break_glass_reviewed_once() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'a break-glass grant is never deleted' USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  IF OLD.reviewed_at IS NOT NULL THEN
    RAISE EXCEPTION 'a break-glass review is written once' USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  IF (NEW.user_id, NEW.organisation, NEW.role, NEW.person_id, NEW.reason, NEW.granted_at, NEW.expires_at)
     IS DISTINCT FROM (OLD.user_id, OLD.organisation, OLD.role, OLD.person_id, OLD.reason, OLD.granted_at, OLD.expires_at) THEN
    RAISE EXCEPTION 'only the review of a break-glass grant may be written' USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NEW;
END;
$$;
CREATE TRIGGER record_break_glass_reviewed_once BEFORE UPDATE OR DELETE ON record_break_glass
  FOR EACH ROW EXECUTE FUNCTION record_break_glass_reviewed_once();
