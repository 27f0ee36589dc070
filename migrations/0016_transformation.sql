-- Money: transformation funding, allocated to programmes in tranches and released against milestones
-- (src/money/transformation; docs/transformation.md).
--
-- A fund is allocated to a programme in tranches; each tranche names the programme milestones (milestones.yaml) that
-- must be verified before any of it is released, and a release needs an agreed decision of the fund's release body
-- from the decision register. A release is posted to the ledger in the same transaction (debit the programme's
-- spending, credit the fund), and names its journal entry. Nothing is updated or deleted (triggers below); the
-- database itself refuses a release that would take a tranche beyond its amount, and a decision used twice.

CREATE TABLE transformation_fund (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  partnership_id text NOT NULL REFERENCES partnership (id),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  programme text NOT NULL CHECK (programme ~ '^[a-z0-9][a-z0-9-]*$'),
  -- Where the money comes from (e.g. a national allocation), in words.
  source text NOT NULL CHECK (length(source) BETWEEN 1 AND 500),
  -- The body whose agreed decision releases a tranche (a body id of the partnership files).
  release_body text NOT NULL CHECK (release_body ~ '^[a-z0-9][a-z0-9-]*$'),
  -- The ledger accounts a release posts to: the fund it is drawn from, and the programme's spending.
  fund_account text NOT NULL,
  spend_account text NOT NULL,
  created_by uuid NOT NULL REFERENCES app_user (id),
  created_by_organisation text NOT NULL,
  created_at timestamptz NOT NULL,
  UNIQUE (partnership_id, name),
  FOREIGN KEY (partnership_id, fund_account) REFERENCES ledger_account (partnership_id, code),
  FOREIGN KEY (partnership_id, spend_account) REFERENCES ledger_account (partnership_id, code)
);

CREATE TABLE transformation_tranche (
  fund_id bigint NOT NULL REFERENCES transformation_fund (id),
  number integer NOT NULL CHECK (number > 0),
  amount_pence bigint NOT NULL CHECK (amount_pence > 0),
  description text NOT NULL CHECK (length(description) BETWEEN 1 AND 1000),
  -- Milestone ids (milestones.yaml) that must all be verified before any of the tranche is released.
  milestones text[] NOT NULL CHECK (cardinality(milestones) > 0),
  PRIMARY KEY (fund_id, number)
);

CREATE TABLE tranche_release (
  fund_id bigint NOT NULL,
  tranche_number integer NOT NULL,
  release_number integer NOT NULL CHECK (release_number > 0),
  amount_pence bigint NOT NULL CHECK (amount_pence > 0),
  released_on date NOT NULL,
  -- The decision register's entry of the release body's agreed decision; one decision releases once.
  decision_reference text NOT NULL UNIQUE REFERENCES decision_record (reference),
  journal_entry_id bigint NOT NULL UNIQUE REFERENCES journal_entry (id),
  reason text NOT NULL CHECK (length(reason) BETWEEN 1 AND 2000),
  released_by uuid NOT NULL REFERENCES app_user (id),
  released_by_organisation text NOT NULL,
  released_at timestamptz NOT NULL,
  PRIMARY KEY (fund_id, tranche_number, release_number),
  FOREIGN KEY (fund_id, tranche_number) REFERENCES transformation_tranche (fund_id, number)
);

-- A tranche's releases never add up to more than the tranche.
CREATE FUNCTION tranche_within_amount() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  allocated bigint;
  released numeric;
BEGIN
  SELECT amount_pence INTO allocated FROM transformation_tranche
   WHERE fund_id = NEW.fund_id AND number = NEW.tranche_number FOR UPDATE;
  SELECT coalesce(sum(amount_pence), 0) INTO released FROM tranche_release
   WHERE fund_id = NEW.fund_id AND tranche_number = NEW.tranche_number;
  IF released + NEW.amount_pence > allocated THEN
    RAISE EXCEPTION 'a release of % pence would take tranche % of fund % beyond its % pence (% released already)',
      NEW.amount_pence, NEW.tranche_number, NEW.fund_id, allocated, released;
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER tranche_release_within_amount BEFORE INSERT ON tranche_release
  FOR EACH ROW EXECUTE FUNCTION tranche_within_amount();

CREATE FUNCTION transformation_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'transformation funding records are never changed or deleted: % on % refused', TG_OP, TG_TABLE_NAME
    USING HINT = 'Record a new release, or reverse its journal entry, instead.';
END
$$;

CREATE TRIGGER transformation_fund_append_only BEFORE UPDATE OR DELETE ON transformation_fund
  FOR EACH ROW EXECUTE FUNCTION transformation_append_only();
CREATE TRIGGER transformation_tranche_append_only BEFORE UPDATE OR DELETE ON transformation_tranche
  FOR EACH ROW EXECUTE FUNCTION transformation_append_only();
CREATE TRIGGER tranche_release_append_only BEFORE UPDATE OR DELETE ON tranche_release
  FOR EACH ROW EXECUTE FUNCTION transformation_append_only();
CREATE TRIGGER transformation_fund_no_truncate BEFORE TRUNCATE ON transformation_fund
  FOR EACH STATEMENT EXECUTE FUNCTION transformation_append_only();
CREATE TRIGGER transformation_tranche_no_truncate BEFORE TRUNCATE ON transformation_tranche
  FOR EACH STATEMENT EXECUTE FUNCTION transformation_append_only();
CREATE TRIGGER tranche_release_no_truncate BEFORE TRUNCATE ON tranche_release
  FOR EACH STATEMENT EXECUTE FUNCTION transformation_append_only();
