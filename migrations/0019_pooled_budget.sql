-- Money: pooled budgets on the Section 75 model (src/money/pooled-budget.ts, pool-store.ts; docs/money.md).
--
-- A pool for a financial year, hosted by one of its partners, with each partner's planned contribution (and share,
-- under fixed shares). Contributions and charges are posted to the ledger in the same transaction as they are
-- recorded, and name their journal entry. Only the pool's partners contribute: the foreign key says so too. Nothing
-- is updated or deleted (triggers).

CREATE TABLE pool (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  partnership_id text NOT NULL REFERENCES partnership (id),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  financial_year integer NOT NULL CHECK (financial_year BETWEEN 2000 AND 2999),
  scope text NOT NULL CHECK (length(scope) BETWEEN 1 AND 2000),
  host text NOT NULL,
  manager text NOT NULL CHECK (length(manager) BETWEEN 1 AND 200),
  rule text NOT NULL CHECK (rule IN ('in-proportion', 'fixed-shares', 'host-bears')),
  cash_account text NOT NULL,
  spend_account text NOT NULL,
  fund_account text NOT NULL,
  created_by uuid NOT NULL REFERENCES app_user (id),
  created_by_organisation text NOT NULL,
  created_at timestamptz NOT NULL,
  UNIQUE (partnership_id, name),
  FOREIGN KEY (partnership_id, cash_account) REFERENCES ledger_account (partnership_id, code),
  FOREIGN KEY (partnership_id, spend_account) REFERENCES ledger_account (partnership_id, code),
  FOREIGN KEY (partnership_id, fund_account) REFERENCES ledger_account (partnership_id, code)
);

CREATE TABLE pool_partner (
  pool_id bigint NOT NULL REFERENCES pool (id),
  organisation text NOT NULL,
  position integer NOT NULL CHECK (position >= 0),
  planned_pence bigint NOT NULL CHECK (planned_pence > 0),
  share_percent integer CHECK (share_percent BETWEEN 0 AND 100),
  PRIMARY KEY (pool_id, organisation)
);

CREATE TABLE pool_contribution (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  pool_id bigint NOT NULL,
  organisation text NOT NULL,
  amount_pence bigint NOT NULL CHECK (amount_pence > 0),
  contributed_on date NOT NULL,
  journal_entry_id bigint NOT NULL UNIQUE REFERENCES journal_entry (id),
  recorded_by uuid NOT NULL REFERENCES app_user (id),
  recorded_at timestamptz NOT NULL,
  FOREIGN KEY (pool_id, organisation) REFERENCES pool_partner (pool_id, organisation)
);

CREATE TABLE pool_charge (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  pool_id bigint NOT NULL REFERENCES pool (id),
  description text NOT NULL CHECK (length(description) BETWEEN 1 AND 500),
  amount_pence bigint NOT NULL CHECK (amount_pence > 0),
  charged_on date NOT NULL,
  journal_entry_id bigint NOT NULL UNIQUE REFERENCES journal_entry (id),
  recorded_by uuid NOT NULL REFERENCES app_user (id),
  recorded_at timestamptz NOT NULL
);

CREATE FUNCTION pool_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'pooled budget records are never changed or deleted: % on % refused', TG_OP, TG_TABLE_NAME
    USING HINT = 'Reverse the journal entry, or record a new contribution or charge.';
END
$$;
CREATE TRIGGER pool_append_only BEFORE UPDATE OR DELETE ON pool FOR EACH ROW EXECUTE FUNCTION pool_append_only();
CREATE TRIGGER pool_partner_append_only BEFORE UPDATE OR DELETE ON pool_partner
  FOR EACH ROW EXECUTE FUNCTION pool_append_only();
CREATE TRIGGER pool_contribution_append_only BEFORE UPDATE OR DELETE ON pool_contribution
  FOR EACH ROW EXECUTE FUNCTION pool_append_only();
CREATE TRIGGER pool_charge_append_only BEFORE UPDATE OR DELETE ON pool_charge
  FOR EACH ROW EXECUTE FUNCTION pool_append_only();
CREATE TRIGGER pool_no_truncate BEFORE TRUNCATE ON pool FOR EACH STATEMENT EXECUTE FUNCTION pool_append_only();
CREATE TRIGGER pool_partner_no_truncate BEFORE TRUNCATE ON pool_partner
  FOR EACH STATEMENT EXECUTE FUNCTION pool_append_only();
CREATE TRIGGER pool_contribution_no_truncate BEFORE TRUNCATE ON pool_contribution
  FOR EACH STATEMENT EXECUTE FUNCTION pool_append_only();
CREATE TRIGGER pool_charge_no_truncate BEFORE TRUNCATE ON pool_charge
  FOR EACH STATEMENT EXECUTE FUNCTION pool_append_only();
