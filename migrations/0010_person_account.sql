-- A member of the public's account tied to their NHS number (src/identity/person-accounts.ts), once their identity
-- is verified: in production by NHS login at identity level P9, in the demo by seeding. The tie lets the person see
-- who has looked at their own shared care record; it gives no one access to anything else. One account a number.

CREATE TABLE person_account (
  user_id uuid PRIMARY KEY REFERENCES app_user (id) ON DELETE CASCADE,
  nhs_number text NOT NULL UNIQUE CHECK (nhs_number ~ '^[0-9]{10}$'),
  verified_by text NOT NULL CHECK (verified_by IN ('nhs-login', 'demo')),
  verified_at timestamptz NOT NULL
);
