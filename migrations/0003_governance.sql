-- Governance, first part: proposals routed by subsidiarity (src/governance).
--
-- Nothing here is ever updated or deleted: a draft edited is a new version, a routing changed is a new version with
-- who and why, a challenge and its resolution are rows of their own, and every change adds a row to the audit. The
-- triggers at the end refuse UPDATE, DELETE and TRUNCATE, so that holds whatever code runs against the database.
-- A proposal is "submitted" once it has a routing decision; the current content, routing and so on are the rows with
-- the highest version.
--
-- People are app_user ids (no ON DELETE: people are deactivated, never deleted), with the organisation they acted
-- for at the time, since a person may later move to another organisation.

CREATE TABLE proposal (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  partnership_id text NOT NULL REFERENCES partnership (id),
  proposer_id uuid NOT NULL REFERENCES app_user (id),
  proposer_organisation text NOT NULL CHECK (proposer_organisation ~ '^[a-z0-9][a-z0-9-]*$'),
  created_at timestamptz NOT NULL
);
CREATE INDEX proposal_by_partnership ON proposal (partnership_id);

-- What the proposer wrote, one row per save of the draft. Ids (places, programme, tests) are ids of the partnership
-- files, checked against them when saved; they are not foreign keys because partnership entries are versioned.
CREATE TABLE proposal_version (
  proposal_id bigint NOT NULL REFERENCES proposal (id),
  version integer NOT NULL CHECK (version > 0),
  title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  summary text NOT NULL CHECK (length(summary) BETWEEN 1 AND 5000),
  places text[] NOT NULL CHECK (cardinality(places) > 0),
  programme text,
  -- Integer pence; null when the proposal involves no money.
  money_pence bigint CHECK (money_pence >= 0),
  evidence text NOT NULL CHECK (length(evidence) BETWEEN 1 AND 10000),
  edited_by uuid NOT NULL REFERENCES app_user (id),
  edited_by_organisation text NOT NULL,
  edited_at timestamptz NOT NULL,
  PRIMARY KEY (proposal_id, version)
);

-- The tests for collective action a version of the proposal claims, each with its own evidence.
CREATE TABLE proposal_test_claim (
  proposal_id bigint NOT NULL,
  version integer NOT NULL,
  test_id text NOT NULL CHECK (test_id ~ '^[a-z0-9][a-z0-9-]*$'),
  position integer NOT NULL CHECK (position >= 0),
  evidence text NOT NULL CHECK (length(evidence) BETWEEN 1 AND 5000),
  PRIMARY KEY (proposal_id, version, test_id),
  FOREIGN KEY (proposal_id, version) REFERENCES proposal_version (proposal_id, version)
);

-- Where the proposal goes and why. Version 1 is made when the proposal is submitted; each later version re-routes it
-- after a challenge was upheld, and says who decided that and why.
CREATE TABLE routing_decision (
  proposal_id bigint NOT NULL REFERENCES proposal (id),
  version integer NOT NULL CHECK (version > 0),
  -- The version of the proposal's content that was routed.
  proposal_version integer NOT NULL,
  -- The proposal's date: the day it was submitted. Every re-routing judges the delegations on this same day.
  proposal_date date NOT NULL,
  rule text NOT NULL CHECK (rule IN ('single-place', 'each-place', 'system-delegation', 'partners-own-boards')),
  -- Who decides: bodies (place and system rules) or partner organisations, through their own boards.
  bodies text[] NOT NULL,
  organisations text[] NOT NULL,
  delegation_id text,
  tests_met text[] NOT NULL,
  rationale text[] NOT NULL CHECK (cardinality(rationale) > 0),
  -- The rule's findings as data (every delegation considered and its verdict), for the API and later reports.
  findings jsonb NOT NULL,
  -- Which load of the partnership files the rule read.
  partnership_load_id bigint NOT NULL REFERENCES partnership_load (id),
  decided_by uuid NOT NULL REFERENCES app_user (id),
  decided_by_organisation text NOT NULL,
  -- Why it was re-routed; absent only for the first routing.
  reason text CHECK (reason IS NULL OR length(reason) BETWEEN 1 AND 5000),
  challenge_id bigint,
  recorded_at timestamptz NOT NULL,
  PRIMARY KEY (proposal_id, version),
  FOREIGN KEY (proposal_id, proposal_version) REFERENCES proposal_version (proposal_id, version),
  CHECK ((version = 1) = (reason IS NULL)),
  CHECK ((version = 1) = (challenge_id IS NULL)),
  CHECK ((rule = 'system-delegation') = (delegation_id IS NOT NULL)),
  CHECK ((rule = 'partners-own-boards') = (cardinality(bodies) = 0))
);

-- A member's challenge to a routing: recorded and shown, then resolved (challenge_resolution).
CREATE TABLE routing_challenge (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  proposal_id bigint NOT NULL,
  -- The routing challenged (the current one when the challenge was made).
  routing_version integer NOT NULL,
  challenged_by uuid NOT NULL REFERENCES app_user (id),
  challenged_by_organisation text NOT NULL,
  reason text NOT NULL CHECK (length(reason) BETWEEN 1 AND 5000),
  raised_at timestamptz NOT NULL,
  FOREIGN KEY (proposal_id, routing_version) REFERENCES routing_decision (proposal_id, version)
);
CREATE INDEX routing_challenge_by_proposal ON routing_challenge (proposal_id);

ALTER TABLE routing_decision
  ADD FOREIGN KEY (challenge_id) REFERENCES routing_challenge (id);

-- At most one resolution per challenge (the primary key): dismissed, or upheld with the routing it made.
CREATE TABLE challenge_resolution (
  challenge_id bigint PRIMARY KEY REFERENCES routing_challenge (id),
  outcome text NOT NULL CHECK (outcome IN ('dismissed', 'upheld')),
  reason text NOT NULL CHECK (length(reason) BETWEEN 1 AND 5000),
  resolved_by uuid NOT NULL REFERENCES app_user (id),
  resolved_by_organisation text NOT NULL,
  resolved_at timestamptz NOT NULL,
  proposal_id bigint NOT NULL,
  -- The new routing, when upheld.
  routing_version integer,
  FOREIGN KEY (proposal_id, routing_version) REFERENCES routing_decision (proposal_id, version),
  CHECK ((outcome = 'upheld') = (routing_version IS NOT NULL))
);

-- Every change, with who and when. `detail` holds the versions and ids the change made.
CREATE TABLE governance_audit (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at timestamptz NOT NULL,
  actor_id uuid NOT NULL REFERENCES app_user (id),
  actor_organisation text NOT NULL,
  action text NOT NULL CHECK (action IN (
    'proposal-drafted', 'proposal-edited', 'proposal-submitted',
    'routing-challenged', 'challenge-dismissed', 'challenge-upheld'
  )),
  proposal_id bigint NOT NULL REFERENCES proposal (id),
  detail jsonb NOT NULL
);
CREATE INDEX governance_audit_by_proposal ON governance_audit (proposal_id, id);

CREATE FUNCTION governance_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'governance records are never changed or deleted: % on % refused', TG_OP, TG_TABLE_NAME
    USING HINT = 'Record a new version, challenge or resolution instead.';
END
$$;

CREATE TRIGGER proposal_append_only BEFORE UPDATE OR DELETE ON proposal
  FOR EACH ROW EXECUTE FUNCTION governance_append_only();
CREATE TRIGGER proposal_version_append_only BEFORE UPDATE OR DELETE ON proposal_version
  FOR EACH ROW EXECUTE FUNCTION governance_append_only();
CREATE TRIGGER proposal_test_claim_append_only BEFORE UPDATE OR DELETE ON proposal_test_claim
  FOR EACH ROW EXECUTE FUNCTION governance_append_only();
CREATE TRIGGER routing_decision_append_only BEFORE UPDATE OR DELETE ON routing_decision
  FOR EACH ROW EXECUTE FUNCTION governance_append_only();
CREATE TRIGGER routing_challenge_append_only BEFORE UPDATE OR DELETE ON routing_challenge
  FOR EACH ROW EXECUTE FUNCTION governance_append_only();
CREATE TRIGGER challenge_resolution_append_only BEFORE UPDATE OR DELETE ON challenge_resolution
  FOR EACH ROW EXECUTE FUNCTION governance_append_only();
CREATE TRIGGER governance_audit_append_only BEFORE UPDATE OR DELETE ON governance_audit
  FOR EACH ROW EXECUTE FUNCTION governance_append_only();

CREATE TRIGGER proposal_no_truncate BEFORE TRUNCATE ON proposal
  FOR EACH STATEMENT EXECUTE FUNCTION governance_append_only();
CREATE TRIGGER proposal_version_no_truncate BEFORE TRUNCATE ON proposal_version
  FOR EACH STATEMENT EXECUTE FUNCTION governance_append_only();
CREATE TRIGGER proposal_test_claim_no_truncate BEFORE TRUNCATE ON proposal_test_claim
  FOR EACH STATEMENT EXECUTE FUNCTION governance_append_only();
CREATE TRIGGER routing_decision_no_truncate BEFORE TRUNCATE ON routing_decision
  FOR EACH STATEMENT EXECUTE FUNCTION governance_append_only();
CREATE TRIGGER routing_challenge_no_truncate BEFORE TRUNCATE ON routing_challenge
  FOR EACH STATEMENT EXECUTE FUNCTION governance_append_only();
CREATE TRIGGER challenge_resolution_no_truncate BEFORE TRUNCATE ON challenge_resolution
  FOR EACH STATEMENT EXECUTE FUNCTION governance_append_only();
CREATE TRIGGER governance_audit_no_truncate BEFORE TRUNCATE ON governance_audit
  FOR EACH STATEMENT EXECUTE FUNCTION governance_append_only();
