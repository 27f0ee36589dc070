-- Money: capital funding released against milestones, as transformation funding is (src/money/transformation;
-- docs/transformation.md, "Capital").
--
-- A fund is revenue (spending on services, charged to an expenditure account) or capital (buildings, equipment and
-- digital systems: a release adds to an asset — the scheme's assets under construction — not to the year's
-- spending). NHS capital is controlled separately from revenue (the capital departmental expenditure limit), so the
-- two are never added together. Funds set up before this migration were all revenue.
ALTER TABLE transformation_fund
  ADD COLUMN funding text NOT NULL DEFAULT 'revenue' CHECK (funding IN ('revenue', 'capital'));

-- A fund's accounts are of the kinds its funding needs, whatever writes the row: a revenue fund's spending is
-- expenditure, a capital fund's an asset; the money is held in a balance-sheet account. (The code says the same in
-- words first: rules.ts, checkFund.)
CREATE FUNCTION transformation_fund_accounts() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  spend_kind text;
  fund_kind text;
BEGIN
  SELECT kind INTO spend_kind FROM ledger_account WHERE partnership_id = NEW.partnership_id AND code = NEW.spend_account;
  SELECT kind INTO fund_kind FROM ledger_account WHERE partnership_id = NEW.partnership_id AND code = NEW.fund_account;
  IF spend_kind IS DISTINCT FROM (CASE NEW.funding WHEN 'capital' THEN 'asset' ELSE 'expenditure' END) THEN
    RAISE EXCEPTION 'a % fund spends to % account %, which is %', NEW.funding,
      CASE NEW.funding WHEN 'capital' THEN 'an asset' ELSE 'an expenditure' END, NEW.spend_account, spend_kind;
  END IF;
  IF fund_kind IS NULL OR fund_kind NOT IN ('asset', 'liability', 'equity') THEN
    RAISE EXCEPTION 'a fund is held in a balance-sheet account; % is %', NEW.fund_account, fund_kind;
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER transformation_fund_accounts BEFORE INSERT ON transformation_fund
  FOR EACH ROW EXECUTE FUNCTION transformation_fund_accounts();
