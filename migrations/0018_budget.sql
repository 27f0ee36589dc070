-- Money: the collective budget (src/money/budget.ts, budget-store.ts; docs/money.md "Budgets and actuals").
--
-- A financial year's budget is set whole, from a file, as a version: each setting is a new version with who, when
-- and why, and the latest version is the budget. Nothing is updated or deleted. Lines name accounts of the chart
-- (income and expenditure, checked by the code) and months of the year (1 April … 12 March), in whole pence.

CREATE TABLE budget_version (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  partnership_id text NOT NULL REFERENCES partnership (id),
  financial_year integer NOT NULL CHECK (financial_year BETWEEN 2000 AND 2999),
  version integer NOT NULL CHECK (version > 0),
  reason text NOT NULL CHECK (length(reason) BETWEEN 1 AND 2000),
  set_by uuid NOT NULL REFERENCES app_user (id),
  set_by_organisation text NOT NULL,
  set_at timestamptz NOT NULL,
  UNIQUE (partnership_id, financial_year, version)
);

CREATE TABLE budget_line (
  version_id bigint NOT NULL REFERENCES budget_version (id),
  partnership_id text NOT NULL,
  account_code text NOT NULL,
  period smallint NOT NULL CHECK (period BETWEEN 1 AND 12),
  amount_pence bigint NOT NULL CHECK (amount_pence >= 0),
  PRIMARY KEY (version_id, account_code, period),
  FOREIGN KEY (partnership_id, account_code) REFERENCES ledger_account (partnership_id, code)
);

CREATE FUNCTION budget_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'budgets are never changed or deleted: % on % refused', TG_OP, TG_TABLE_NAME
    USING HINT = 'Set the year''s budget again: it becomes a new version.';
END
$$;
CREATE TRIGGER budget_version_append_only BEFORE UPDATE OR DELETE ON budget_version
  FOR EACH ROW EXECUTE FUNCTION budget_append_only();
CREATE TRIGGER budget_line_append_only BEFORE UPDATE OR DELETE ON budget_line
  FOR EACH ROW EXECUTE FUNCTION budget_append_only();
CREATE TRIGGER budget_version_no_truncate BEFORE TRUNCATE ON budget_version
  FOR EACH STATEMENT EXECUTE FUNCTION budget_append_only();
CREATE TRIGGER budget_line_no_truncate BEFORE TRUNCATE ON budget_line
  FOR EACH STATEMENT EXECUTE FUNCTION budget_append_only();
