-- Money, first part: the ledger (src/money; docs/money.md). A double-entry journal in integer pence.
--
-- The database holds the ledger's guarantees itself, so they stand whatever code (or person with psql) writes here:
--   * every journal entry balances: its lines sum to zero and it has at least two, checked at commit by deferred
--     constraint triggers on the entry and on its lines (so the lines can be inserted one by one within the
--     transaction, and none can slip in after an early check);
--   * amounts are whole pence (bigint), never zero, and within the range JavaScript holds exactly;
--   * nothing is posted into a closed period, or to a closed account, and a closed period is never reopened;
--   * the journal is immutable: UPDATE, DELETE and TRUNCATE are refused on every table here, a posted entry cannot
--     gain lines later, and a correction is a reversing entry — the exact negation of the entry it reverses, at most
--     one per entry;
--   * every change says who made it and when, and every posting and period close says why.
--
-- Sign convention: one signed amount per line, debit positive, credit negative, so "balanced" is "sums to zero".
--
-- People are app_user ids with the organisation they acted for at the time (as in governance). Organisation, place,
-- programme and category are ids of the partnership files, checked by the code when an account is opened; they are
-- not foreign keys because partnership entries are versioned.

CREATE TABLE ledger_account (
  partnership_id text NOT NULL REFERENCES partnership (id),
  code text NOT NULL CHECK (code ~ '^[A-Za-z0-9][A-Za-z0-9.-]{0,39}$'),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  -- Assets and expenditure normally carry debit (positive) balances; liabilities, income and reserves (equity)
  -- credit (negative) ones. Budgets and actuals of NHS bodies and councils are income and expenditure; the balance
  -- sheet kinds hold what is owed between partners and what a pool holds.
  kind text NOT NULL CHECK (kind IN ('asset', 'liability', 'equity', 'income', 'expenditure')),
  organisation text CHECK (organisation ~ '^[a-z0-9][a-z0-9-]*$'),
  place text CHECK (place ~ '^[a-z0-9][a-z0-9-]*$'),
  programme text CHECK (programme ~ '^[a-z0-9][a-z0-9-]*$'),
  category text CHECK (category ~ '^[a-z0-9][a-z0-9-]*$'),
  opened_by uuid NOT NULL REFERENCES app_user (id),
  opened_by_organisation text NOT NULL,
  opened_at timestamptz NOT NULL,
  PRIMARY KEY (partnership_id, code)
);

-- An account closed to new postings, with who, when and why. At most one per account (the key): never reopened,
-- since what the account meant may have been reused elsewhere; open a new account instead.
CREATE TABLE ledger_account_closure (
  partnership_id text NOT NULL,
  code text NOT NULL,
  reason text NOT NULL CHECK (length(reason) BETWEEN 1 AND 2000),
  closed_by uuid NOT NULL REFERENCES app_user (id),
  closed_by_organisation text NOT NULL,
  closed_at timestamptz NOT NULL,
  PRIMARY KEY (partnership_id, code),
  FOREIGN KEY (partnership_id, code) REFERENCES ledger_account (partnership_id, code)
);

-- Monthly periods of the NHS and local government financial year, April to March: financial_year 2025 is 2025/26,
-- period 1 is April 2025 and period 12 is March 2026. The dates follow from the two numbers, so they cannot disagree.
CREATE TABLE accounting_period (
  partnership_id text NOT NULL REFERENCES partnership (id),
  financial_year integer NOT NULL CHECK (financial_year BETWEEN 2000 AND 2999),
  period smallint NOT NULL CHECK (period BETWEEN 1 AND 12),
  starts_on date NOT NULL GENERATED ALWAYS AS (
    make_date(financial_year + (period >= 10)::integer, (period + 2) % 12 + 1, 1)
  ) STORED,
  ends_on date NOT NULL GENERATED ALWAYS AS (
    (make_date(financial_year + (period >= 10)::integer, (period + 2) % 12 + 1, 1) + interval '1 month')::date - 1
  ) STORED,
  opened_by uuid NOT NULL REFERENCES app_user (id),
  opened_by_organisation text NOT NULL,
  opened_at timestamptz NOT NULL,
  PRIMARY KEY (partnership_id, financial_year, period)
);

-- A period closed: nothing more is posted into it, and (the key, and no DELETE) it is never reopened. Corrections
-- found later are posted in an open period, as the accounts of NHS bodies and councils do once a month is closed.
CREATE TABLE accounting_period_closure (
  partnership_id text NOT NULL,
  financial_year integer NOT NULL,
  period smallint NOT NULL,
  reason text NOT NULL CHECK (length(reason) BETWEEN 1 AND 2000),
  closed_by uuid NOT NULL REFERENCES app_user (id),
  closed_by_organisation text NOT NULL,
  closed_at timestamptz NOT NULL,
  PRIMARY KEY (partnership_id, financial_year, period),
  FOREIGN KEY (partnership_id, financial_year, period)
    REFERENCES accounting_period (partnership_id, financial_year, period)
);

-- The header of a posting, and its audit: who posted it, for which organisation, when, and why.
CREATE TABLE journal_entry (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  partnership_id text NOT NULL,
  financial_year integer NOT NULL,
  period smallint NOT NULL,
  entry_date date NOT NULL,
  description text NOT NULL CHECK (length(description) BETWEEN 1 AND 500),
  reason text NOT NULL CHECK (length(reason) BETWEEN 1 AND 2000),
  posted_by uuid NOT NULL REFERENCES app_user (id),
  posted_by_organisation text NOT NULL,
  created_at timestamptz NOT NULL,
  -- The entry this one reverses. UNIQUE: an entry is reversed at most once.
  reversal_of bigint UNIQUE,
  -- The transaction that posted the entry (set by the trigger, whatever the INSERT says): lines may be added only
  -- by that transaction, so a balanced pair of lines cannot be slipped into an entry after it was posted.
  posted_in xid8 NOT NULL,
  UNIQUE (partnership_id, id),
  FOREIGN KEY (partnership_id, financial_year, period)
    REFERENCES accounting_period (partnership_id, financial_year, period),
  FOREIGN KEY (partnership_id, reversal_of) REFERENCES journal_entry (partnership_id, id),
  CHECK (reversal_of IS NULL OR reversal_of <> id)
);
CREATE INDEX journal_entry_by_period ON journal_entry (partnership_id, financial_year, period);

-- One side of a posting: an amount in pence to one account, debit positive and credit negative. The bound is
-- JavaScript's largest exact integer (core/money.ts MAX_PENCE), so every amount reads back exactly.
CREATE TABLE journal_line (
  entry_id bigint NOT NULL,
  line integer NOT NULL CHECK (line > 0),
  partnership_id text NOT NULL,
  account_code text NOT NULL,
  amount_pence bigint NOT NULL CHECK (amount_pence <> 0)
    CHECK (amount_pence BETWEEN -9007199254740991 AND 9007199254740991),
  memo text CHECK (memo IS NULL OR length(memo) BETWEEN 1 AND 500),
  PRIMARY KEY (entry_id, line),
  FOREIGN KEY (partnership_id, entry_id) REFERENCES journal_entry (partnership_id, id),
  FOREIGN KEY (partnership_id, account_code) REFERENCES ledger_account (partnership_id, code)
);
CREATE INDEX journal_line_by_account ON journal_line (partnership_id, account_code);

-- ---------------------------------------------------------------------------------------------------------------
-- Posting rules

-- A new entry: dated within its period, posted into an open period, and (for a reversal) reversing an entry of the
-- same partnership that is not itself a reversal. The period row is locked FOR SHARE until commit, and closing a
-- period locks it FOR UPDATE (below), so a close waits for postings in flight and a posting that waited for a close
-- sees it: a posting can never land in a period that was closed before it committed.
CREATE FUNCTION journal_entry_check() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  p accounting_period%ROWTYPE;
BEGIN
  NEW.posted_in := pg_current_xact_id();
  SELECT * INTO p FROM accounting_period
   WHERE partnership_id = NEW.partnership_id AND financial_year = NEW.financial_year AND period = NEW.period
     FOR SHARE;
  IF NOT FOUND THEN
    RETURN NEW; -- the foreign key refuses it, with its own message
  END IF;
  IF NEW.entry_date NOT BETWEEN p.starts_on AND p.ends_on THEN
    RAISE EXCEPTION 'journal entry dated % is not in period %/% (% to %)',
      NEW.entry_date, NEW.financial_year, NEW.period, p.starts_on, p.ends_on
      USING ERRCODE = 'check_violation';
  END IF;
  IF EXISTS (SELECT 1 FROM accounting_period_closure
              WHERE partnership_id = NEW.partnership_id AND financial_year = NEW.financial_year
                AND period = NEW.period) THEN
    RAISE EXCEPTION 'period %/% is closed: nothing may be posted into it', NEW.financial_year, NEW.period
      USING ERRCODE = 'check_violation', HINT = 'Post the entry in an open period.';
  END IF;
  IF NEW.reversal_of IS NOT NULL AND EXISTS (
       SELECT 1 FROM journal_entry WHERE id = NEW.reversal_of AND reversal_of IS NOT NULL) THEN
    RAISE EXCEPTION 'entry % is itself a reversal and cannot be reversed', NEW.reversal_of
      USING ERRCODE = 'check_violation', HINT = 'Post the original entry again instead.';
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER journal_entry_check BEFORE INSERT ON journal_entry
  FOR EACH ROW EXECUTE FUNCTION journal_entry_check();

-- A new line: only in the transaction that posted its entry, numbered next after the entry's lines so far, and only
-- to an account open to posting. The account row is locked FOR SHARE, as the period is, so closing an account cannot
-- race a posting to it.
CREATE FUNCTION journal_line_check() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM journal_entry
                  WHERE id = NEW.entry_id AND posted_in = pg_current_xact_id()) THEN
    RAISE EXCEPTION 'entry % was posted by an earlier transaction: its lines cannot change', NEW.entry_id
      USING ERRCODE = 'check_violation', HINT = 'Post a reversing entry and a new entry instead.';
  END IF;
  IF NEW.line > 1 AND NOT EXISTS (SELECT 1 FROM journal_line WHERE entry_id = NEW.entry_id AND line = NEW.line - 1)
  THEN
    RAISE EXCEPTION 'line % of entry % follows no line %: lines are numbered 1, 2, 3… in order',
      NEW.line, NEW.entry_id, NEW.line - 1 USING ERRCODE = 'check_violation';
  END IF;
  PERFORM 1 FROM ledger_account WHERE partnership_id = NEW.partnership_id AND code = NEW.account_code FOR SHARE;
  IF EXISTS (SELECT 1 FROM ledger_account_closure
              WHERE partnership_id = NEW.partnership_id AND code = NEW.account_code) THEN
    RAISE EXCEPTION 'account % is closed to posting', NEW.account_code USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER journal_line_check BEFORE INSERT ON journal_line
  FOR EACH ROW EXECUTE FUNCTION journal_line_check();

-- The rules on an entry's lines as a whole: at least two, summing to zero, and for a reversal exactly the negation of
-- the entry it reverses (same accounts, opposite amounts, line for line).
CREATE FUNCTION journal_entry_verify(entry bigint) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  lines integer;
  total numeric;
  original bigint;
BEGIN
  SELECT count(*), coalesce(sum(amount_pence), 0) INTO lines, total FROM journal_line WHERE entry_id = entry;
  IF lines < 2 THEN
    RAISE EXCEPTION 'journal entry % has % line(s): an entry needs at least two', entry, lines
      USING ERRCODE = 'check_violation';
  END IF;
  IF total <> 0 THEN
    RAISE EXCEPTION 'journal entry % does not balance: its lines sum to % pence, not zero', entry, total
      USING ERRCODE = 'check_violation';
  END IF;
  SELECT reversal_of INTO original FROM journal_entry WHERE id = entry;
  IF original IS NOT NULL AND EXISTS (
       (SELECT line, account_code, -amount_pence FROM journal_line WHERE entry_id = original
        EXCEPT ALL
        SELECT line, account_code, amount_pence FROM journal_line WHERE entry_id = entry)
       UNION ALL
       (SELECT line, account_code, amount_pence FROM journal_line WHERE entry_id = entry
        EXCEPT ALL
        SELECT line, account_code, -amount_pence FROM journal_line WHERE entry_id = original)) THEN
    RAISE EXCEPTION 'journal entry % is not the exact reversal of entry %', entry, original
      USING ERRCODE = 'check_violation';
  END IF;
END
$$;

-- At commit, each new entry is verified: deferred, so an entry and its lines are written in any order within its
-- transaction, and lines can only be added by that transaction.
CREATE FUNCTION journal_entry_balances() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM journal_entry_verify(NEW.id);
  RETURN NULL;
END
$$;
CREATE CONSTRAINT TRIGGER journal_entry_balances AFTER INSERT ON journal_entry
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION journal_entry_balances();

-- The entry's check alone could be dodged: `SET CONSTRAINTS ALL IMMEDIATE` runs it mid-transaction, after which more
-- lines could follow. So each line's insertion is checked too, also deferred. Lines are numbered 1, 2, 3… with no
-- gaps (journal_line_check), so a line added later always has the highest number; verifying the entry only from
-- its highest line, whenever that line's check runs, covers every line once — one pass per entry, not one per line.
CREATE FUNCTION journal_line_balances() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM journal_line WHERE entry_id = NEW.entry_id AND line > NEW.line) THEN
    PERFORM journal_entry_verify(NEW.entry_id);
  END IF;
  RETURN NULL;
END
$$;
CREATE CONSTRAINT TRIGGER journal_line_balances AFTER INSERT ON journal_line
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION journal_line_balances();

-- Closing a period takes its row FOR UPDATE, so it waits for every posting in flight (they hold it FOR SHARE).
CREATE FUNCTION accounting_period_closure_lock() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM 1 FROM accounting_period
   WHERE partnership_id = NEW.partnership_id AND financial_year = NEW.financial_year AND period = NEW.period
     FOR UPDATE;
  RETURN NEW;
END
$$;
CREATE TRIGGER accounting_period_closure_lock BEFORE INSERT ON accounting_period_closure
  FOR EACH ROW EXECUTE FUNCTION accounting_period_closure_lock();

-- Likewise for an account: closing it waits for postings to it in flight.
CREATE FUNCTION ledger_account_closure_lock() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM 1 FROM ledger_account WHERE partnership_id = NEW.partnership_id AND code = NEW.code FOR UPDATE;
  RETURN NEW;
END
$$;
CREATE TRIGGER ledger_account_closure_lock BEFORE INSERT ON ledger_account_closure
  FOR EACH ROW EXECUTE FUNCTION ledger_account_closure_lock();

-- ---------------------------------------------------------------------------------------------------------------
-- Nothing here is ever changed or deleted.

CREATE FUNCTION money_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the ledger is never changed or deleted: % on % refused', TG_OP, TG_TABLE_NAME
    USING HINT = 'Correct a posting with a reversing entry; a closed period or account stays closed.';
END
$$;

CREATE TRIGGER ledger_account_append_only BEFORE UPDATE OR DELETE ON ledger_account
  FOR EACH ROW EXECUTE FUNCTION money_append_only();
CREATE TRIGGER ledger_account_closure_append_only BEFORE UPDATE OR DELETE ON ledger_account_closure
  FOR EACH ROW EXECUTE FUNCTION money_append_only();
CREATE TRIGGER accounting_period_append_only BEFORE UPDATE OR DELETE ON accounting_period
  FOR EACH ROW EXECUTE FUNCTION money_append_only();
CREATE TRIGGER accounting_period_closure_append_only BEFORE UPDATE OR DELETE ON accounting_period_closure
  FOR EACH ROW EXECUTE FUNCTION money_append_only();
CREATE TRIGGER journal_entry_append_only BEFORE UPDATE OR DELETE ON journal_entry
  FOR EACH ROW EXECUTE FUNCTION money_append_only();
CREATE TRIGGER journal_line_append_only BEFORE UPDATE OR DELETE ON journal_line
  FOR EACH ROW EXECUTE FUNCTION money_append_only();

CREATE TRIGGER ledger_account_no_truncate BEFORE TRUNCATE ON ledger_account
  FOR EACH STATEMENT EXECUTE FUNCTION money_append_only();
CREATE TRIGGER ledger_account_closure_no_truncate BEFORE TRUNCATE ON ledger_account_closure
  FOR EACH STATEMENT EXECUTE FUNCTION money_append_only();
CREATE TRIGGER accounting_period_no_truncate BEFORE TRUNCATE ON accounting_period
  FOR EACH STATEMENT EXECUTE FUNCTION money_append_only();
CREATE TRIGGER accounting_period_closure_no_truncate BEFORE TRUNCATE ON accounting_period_closure
  FOR EACH STATEMENT EXECUTE FUNCTION money_append_only();
CREATE TRIGGER journal_entry_no_truncate BEFORE TRUNCATE ON journal_entry
  FOR EACH STATEMENT EXECUTE FUNCTION money_append_only();
CREATE TRIGGER journal_line_no_truncate BEFORE TRUNCATE ON journal_line
  FOR EACH STATEMENT EXECUTE FUNCTION money_append_only();
