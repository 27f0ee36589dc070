-- Governance: a submitted proposal withdrawn by its proposer, with the reason (src/governance/workflow.ts).
-- At most once (the primary key), never undone, never for a proposal already decided (checked by the code, which
-- reads the decision register). A withdrawn proposal stays public, marked withdrawn, with who, when and why.

CREATE TABLE proposal_withdrawal (
  proposal_id bigint PRIMARY KEY REFERENCES proposal (id),
  reason text NOT NULL CHECK (length(reason) BETWEEN 1 AND 5000),
  withdrawn_by uuid NOT NULL REFERENCES app_user (id),
  withdrawn_by_organisation text NOT NULL,
  withdrawn_at timestamptz NOT NULL
);

CREATE TRIGGER proposal_withdrawal_append_only BEFORE UPDATE OR DELETE ON proposal_withdrawal
  FOR EACH ROW EXECUTE FUNCTION governance_append_only();
CREATE TRIGGER proposal_withdrawal_no_truncate BEFORE TRUNCATE ON proposal_withdrawal
  FOR EACH STATEMENT EXECUTE FUNCTION governance_append_only();

ALTER TABLE governance_audit DROP CONSTRAINT governance_audit_action_check;
ALTER TABLE governance_audit ADD CONSTRAINT governance_audit_action_check CHECK (action IN (
  'proposal-drafted', 'proposal-edited', 'proposal-submitted',
  'routing-challenged', 'challenge-dismissed', 'challenge-upheld', 'proposal-withdrawn'
));
