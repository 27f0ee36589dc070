-- Identity and access: people (app_user) with their roles, their sign-in sessions, the throttle that locks out
-- repeated failed sign-ins, partner systems' API tokens, and the server's own signing key.
-- No secret is stored as it was presented: passwords as scrypt hashes, session and token secrets as sha-256 hashes,
-- so a copy of the database does not let anyone sign in or call the API.

CREATE TABLE app_user (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  -- Lowercase, so 'A.Smith' and 'a.smith' cannot be two people.
  username text NOT NULL UNIQUE CHECK (username ~ '^[a-z0-9][a-z0-9._@-]{1,63}$'),
  display_name text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 200),
  -- An organisation id of the partnership (e.g. 'leeds-teaching-hospitals-nhs-trust'): the organisation the person
  -- acts for. Not a foreign key, because organisations are versioned entries of partnership_entry.
  organisation_id text NOT NULL CHECK (organisation_id ~ '^[a-z0-9][a-z0-9-]*$'),
  -- A PHC-style scrypt string ($scrypt$ln=…,r=…,p=…$salt$hash); null for people who sign in only through OIDC.
  password_hash text CHECK (password_hash IS NULL OR password_hash LIKE '$scrypt$%'),
  -- '<issuer>#<sub>' of the person's identity at the OpenID Connect provider.
  oidc_subject text UNIQUE,
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE user_role (
  user_id uuid NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
  -- The codes of src/access/principal.ts: national RBAC roles, then partnership roles.
  role text NOT NULL CHECK (role IN (
    'R8000', 'R8008', 'R0001',
    'board-member', 'officer', 'analyst', 'finance', 'public'
  )),
  PRIMARY KEY (user_id, role)
);

-- Failed sign-ins, keyed by the sha-256 of the username typed, whether or not such a user exists: a username that
-- does not exist locks out exactly like one that does, so the lock-out never tells anyone which usernames are real.
CREATE TABLE sign_in_throttle (
  username_hash text PRIMARY KEY,
  failed_count integer NOT NULL DEFAULT 0 CHECK (failed_count >= 0),
  window_started_at timestamptz NOT NULL,
  locked_until timestamptz
);

-- A signed-in browser. The id is the sha-256 of the token in the cookie, never the token itself.
CREATE TABLE session (
  id text PRIMARY KEY CHECK (id ~ '^[0-9a-f]{64}$'),
  user_id uuid NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
  -- Key of this session's CSRF tokens (HMAC), so a token from one session is worthless in another.
  csrf_secret text NOT NULL,
  created_at timestamptz NOT NULL,
  last_seen_at timestamptz NOT NULL,
  -- The absolute end; the idle timeout is counted from last_seen_at.
  expires_at timestamptz NOT NULL,
  CHECK (expires_at > created_at)
);
CREATE INDEX session_by_user ON session (user_id);
CREATE INDEX session_by_expiry ON session (expires_at);

-- A partner organisation's system calling the API. The secret is shown once, at creation; only its hash is kept.
CREATE TABLE api_token (
  id text PRIMARY KEY CHECK (id ~ '^[0-9a-f]{16}$'),
  secret_hash text NOT NULL CHECK (secret_hash ~ '^[0-9a-f]{64}$'),
  organisation_id text NOT NULL CHECK (organisation_id ~ '^[a-z0-9][a-z0-9-]*$'),
  scopes text[] NOT NULL CHECK (cardinality(scopes) > 0),
  label text NOT NULL DEFAULT '' CHECK (length(label) <= 200),
  created_at timestamptz NOT NULL,
  -- Every token ends: a leaked one cannot be used for ever.
  expires_at timestamptz NOT NULL,
  revoked_at timestamptz,
  CHECK (expires_at > created_at)
);

-- Keys the server signs with (e.g. the CSRF token of the sign-in form before any session exists). Kept in the
-- database so every instance behind a load balancer uses the same one, and a restart does not void open forms.
CREATE TABLE server_key (
  name text PRIMARY KEY,
  key bytea NOT NULL CHECK (length(key) >= 32),
  created_at timestamptz NOT NULL DEFAULT now()
);

-- An OpenID Connect sign-in in progress: the PKCE verifier, state and nonce stay on the server; the browser holds
-- only a random binding (cookie) whose sha-256 is the id. Single use, and short-lived.
CREATE TABLE oidc_login (
  id text PRIMARY KEY CHECK (id ~ '^[0-9a-f]{64}$'),
  state text NOT NULL,
  nonce text NOT NULL,
  code_verifier text NOT NULL,
  next_path text NOT NULL,
  expires_at timestamptz NOT NULL
);
