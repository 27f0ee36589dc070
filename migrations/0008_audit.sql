-- The audit log of the shared care record (src/access/audit; docs/audit.md): every read, search, write, match and
-- break-glass of a person's record, with who, in which role, for which organisation, why and when.
--
-- Append-only and tamper-evident:
--   * the triggers below refuse UPDATE, DELETE and TRUNCATE, so no code path (and no one with ordinary rights) can
--     change or remove an entry;
--   * each entry carries hash = SHA-256(prev_hash ‖ canonical serialisation of its other columns), prev_hash being
--     the previous entry's hash (32 zero bytes for the first), so someone who gets round the triggers (a superuser,
--     a restored backup) leaves a break that `accord audit verify` reports;
--   * seq is assigned by the writer, gapless from 1 under one advisory lock (not a sequence, which leaves gaps on
--     rollback), so a deleted row shows as a missing number.

CREATE TABLE audit_entry (
  seq bigint PRIMARY KEY CHECK (seq >= 1),
  recorded_at timestamptz NOT NULL,
  -- A user id, or a partner system's token id.
  actor text NOT NULL CHECK (length(actor) BETWEEN 1 AND 200),
  actor_name text NOT NULL CHECK (length(actor_name) BETWEEN 1 AND 200),
  -- The national RBAC role the person acted in (R8000…); null for a partner system, which has none.
  role text CHECK (role IS NULL OR length(role) BETWEEN 1 AND 50),
  -- The organisation the actor acted for.
  organisation text NOT NULL CHECK (length(organisation) BETWEEN 1 AND 100),
  -- The master patient index's person; null for a search that named no one. Not a foreign key: nothing may stop an
  -- access being recorded, and a person's id stays valid after a merge (identity_person keeps merged rows).
  person_id uuid,
  action text NOT NULL CHECK (action IN (
    'read', 'vread', 'search', 'create', 'update', 'delete', 'history', 'everything', 'match', 'import',
    'break-glass', 'break-glass-review', 'access-denied'
  )),
  resource_type text NOT NULL CHECK (length(resource_type) BETWEEN 1 AND 100),
  resource_id text CHECK (resource_id IS NULL OR length(resource_id) BETWEEN 1 AND 200),
  -- 'direct-care', or the reason given when the glass was broken.
  purpose text NOT NULL CHECK (length(purpose) BETWEEN 1 AND 2000),
  outcome text NOT NULL CHECK (outcome IN ('success', 'denied', 'error')),
  -- Small facts about the access (e.g. a search's query string); kept small by the writer.
  detail jsonb NOT NULL DEFAULT '{}',
  prev_hash bytea NOT NULL CHECK (length(prev_hash) = 32),
  hash bytea NOT NULL CHECK (length(hash) = 32)
);

-- "Who looked at my record": a person's entries, newest first.
CREATE INDEX audit_entry_by_person ON audit_entry (person_id, seq) WHERE person_id IS NOT NULL;

CREATE FUNCTION audit_entry_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_entry is append-only: % is not allowed', TG_OP
    USING HINT = 'The audit log is never changed; record a new entry instead.';
END;
$$;
CREATE TRIGGER audit_entry_append_only BEFORE UPDATE OR DELETE ON audit_entry
  FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only();
CREATE TRIGGER audit_entry_no_truncate BEFORE TRUNCATE ON audit_entry
  FOR EACH STATEMENT EXECUTE FUNCTION audit_entry_append_only();
