-- R35: a second sign-in factor (TOTP, RFC 6238) for administrators and local administrators,
-- optional for users. The secret is sealed like the mail secrets (AES-256-GCM under the
-- PRECINCT_MAIL_KEY keys). A row without `confirmed_at` is an enrolment in progress: its secret
-- was shown but no code from it has been entered yet, so it does not count.
CREATE TABLE user_mfa (
  user_id       INTEGER PRIMARY KEY REFERENCES users(id),
  account_id    INTEGER NOT NULL REFERENCES accounts(id),
  secret_sealed TEXT    NOT NULL,
  created_at    INTEGER NOT NULL,
  confirmed_at  INTEGER,
  -- The last 30-second step whose code was accepted: a code is usable once (RFC 6238 §5.2).
  last_step     INTEGER NOT NULL DEFAULT 0
);

-- Ten single-use recovery codes per enrolled user, each with 120 random bits, so a plain SHA-256
-- is a sufficient one-way store (ASVS 6.5.2).
CREATE TABLE user_recovery_codes (
  user_id   INTEGER NOT NULL REFERENCES users(id),
  code_hash TEXT    NOT NULL,
  used_at   INTEGER,
  PRIMARY KEY (user_id, code_hash)
) WITHOUT ROWID;

-- When the session's second factor was entered; NULL until then. A session that still owes one
-- may only enter it (or enrol), and lives a few minutes at most.
ALTER TABLE sessions ADD COLUMN second_factor_at INTEGER;
