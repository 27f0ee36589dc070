-- A review may also be opened for a pair whose weights would link them but whose valid NHS numbers differ
-- (identity/linkage/decide.ts: such a pair goes to review at most).
ALTER TABLE identity_review DROP CONSTRAINT identity_review_reason_check;
ALTER TABLE identity_review ADD CONSTRAINT identity_review_reason_check CHECK (reason IN (
  'probable-match', 'nhs-number-demographics-disagree', 'nhs-numbers-differ', 'matches-another-person'
));
