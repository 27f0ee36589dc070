-- Governance, second part: bodies' members and their interests, meetings, and the decisions they record
-- (src/governance/meetings).
--
-- Each body's register (who holds its seats, and their standing interests) and each meeting are streams of events:
-- a member appointed, an interest registered, an item put on the agenda, a paper published, attendance recorded, an
-- interest declared at an item, a decision recorded, minutes drafted and approved… The current state is the fold of
-- the events, in order (src/governance/meetings/meeting.ts, members.ts); the rules that an event must meet (quorum,
-- conflicts of interest, the body's delegation, five clear days) are checked in code against that state before the
-- event is written. Nothing is updated or deleted: a correction is a new event with who and why, and the triggers at
-- the end refuse UPDATE, DELETE and TRUNCATE whatever code runs against the database.
--
-- `decision_record` is the decision register: one row per decision, written in the same transaction as its event, so
-- the public register can be searched without folding every meeting.

CREATE TABLE body_register_event (
  partnership_id text NOT NULL REFERENCES partnership (id),
  body_id text NOT NULL CHECK (body_id ~ '^[a-z0-9][a-z0-9-]*$'),
  seq integer NOT NULL CHECK (seq > 0),
  kind text NOT NULL CHECK (kind IN ('appointed', 'appointment-ended', 'interest-registered', 'interest-ended')),
  payload jsonb NOT NULL,
  actor_id uuid NOT NULL REFERENCES app_user (id),
  actor_organisation text NOT NULL,
  at timestamptz NOT NULL,
  PRIMARY KEY (partnership_id, body_id, seq)
);

CREATE TABLE meeting (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  partnership_id text NOT NULL REFERENCES partnership (id),
  body_id text NOT NULL CHECK (body_id ~ '^[a-z0-9][a-z0-9-]*$'),
  -- When it starts. A meeting is not moved: it is cancelled, with the reason, and another scheduled.
  starts_at timestamptz NOT NULL,
  created_by uuid NOT NULL REFERENCES app_user (id),
  created_by_organisation text NOT NULL,
  created_at timestamptz NOT NULL
);
CREATE INDEX meeting_by_body ON meeting (partnership_id, body_id, starts_at);

CREATE TABLE meeting_event (
  meeting_id bigint NOT NULL REFERENCES meeting (id),
  seq integer NOT NULL CHECK (seq > 0),
  kind text NOT NULL CHECK (kind IN (
    'scheduled', 'cancelled', 'item-added', 'paper-published', 'question-submitted', 'question-answered',
    'attendance-recorded', 'interest-declared', 'decision-recorded', 'action-recorded', 'minutes-drafted',
    'minutes-approved'
  )),
  payload jsonb NOT NULL,
  -- Null only for a question from the public (no one signs in to ask one).
  actor_id uuid REFERENCES app_user (id),
  actor_organisation text,
  at timestamptz NOT NULL,
  PRIMARY KEY (meeting_id, seq),
  CHECK ((actor_id IS NULL) = (kind = 'question-submitted' AND actor_organisation IS NULL))
);

CREATE TABLE decision_record (
  -- The register's reference, e.g. PB-2025-007: the body's short code, the year, its number that year.
  reference text PRIMARY KEY,
  partnership_id text NOT NULL REFERENCES partnership (id),
  body_id text NOT NULL,
  meeting_id bigint NOT NULL REFERENCES meeting (id),
  meeting_seq integer NOT NULL,
  item_number integer NOT NULL CHECK (item_number > 0),
  decided_on date NOT NULL,
  title text NOT NULL,
  resolution text NOT NULL,
  outcome text NOT NULL CHECK (outcome IN ('agreed', 'not-agreed')),
  method text NOT NULL CHECK (method IN ('consensus', 'vote')),
  votes_for integer NOT NULL CHECK (votes_for >= 0),
  votes_against integer NOT NULL CHECK (votes_against >= 0),
  abstentions integer NOT NULL CHECK (abstentions >= 0),
  proposal_id bigint REFERENCES proposal (id),
  places text[] NOT NULL,
  -- Decided in an exempt item (Schedule 12A): the decision is in the register, its reasons and papers are not.
  exempt_paragraph integer CHECK (exempt_paragraph BETWEEN 1 AND 7),
  recorded_at timestamptz NOT NULL,
  FOREIGN KEY (meeting_id, meeting_seq) REFERENCES meeting_event (meeting_id, seq),
  UNIQUE (meeting_id, item_number)
);
CREATE INDEX decision_record_by_date ON decision_record (partnership_id, decided_on DESC, reference);

CREATE FUNCTION meetings_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'meeting records are never changed or deleted: % on % refused', TG_OP, TG_TABLE_NAME
    USING HINT = 'Record a new event (a correction, with who and why) instead.';
END
$$;

CREATE TRIGGER body_register_event_append_only BEFORE UPDATE OR DELETE ON body_register_event
  FOR EACH ROW EXECUTE FUNCTION meetings_append_only();
CREATE TRIGGER meeting_append_only BEFORE UPDATE OR DELETE ON meeting
  FOR EACH ROW EXECUTE FUNCTION meetings_append_only();
CREATE TRIGGER meeting_event_append_only BEFORE UPDATE OR DELETE ON meeting_event
  FOR EACH ROW EXECUTE FUNCTION meetings_append_only();
CREATE TRIGGER decision_record_append_only BEFORE UPDATE OR DELETE ON decision_record
  FOR EACH ROW EXECUTE FUNCTION meetings_append_only();

CREATE TRIGGER body_register_event_no_truncate BEFORE TRUNCATE ON body_register_event
  FOR EACH STATEMENT EXECUTE FUNCTION meetings_append_only();
CREATE TRIGGER meeting_no_truncate BEFORE TRUNCATE ON meeting
  FOR EACH STATEMENT EXECUTE FUNCTION meetings_append_only();
CREATE TRIGGER meeting_event_no_truncate BEFORE TRUNCATE ON meeting_event
  FOR EACH STATEMENT EXECUTE FUNCTION meetings_append_only();
CREATE TRIGGER decision_record_no_truncate BEFORE TRUNCATE ON decision_record
  FOR EACH STATEMENT EXECUTE FUNCTION meetings_append_only();
