-- Mail (R24-R29): account mail settings, each user's mail password, the local outbox, and the
-- single-use links of invitations and password resets.

CREATE TABLE mail_settings (
  account_id      INTEGER PRIMARY KEY REFERENCES accounts(id),
  provider        TEXT    NOT NULL CHECK (provider IN ('outbox', 'resend', 'postmark', 'relay')),
  api_base_url    TEXT    NOT NULL DEFAULT '',
  -- AES-256-GCM under a Worker secret: "<key id>:<base64 nonce+ciphertext>" (R26).
  api_key_cipher  TEXT,
  sender_address  TEXT    NOT NULL,
  sender_name     TEXT    NOT NULL DEFAULT '',
  version         INTEGER NOT NULL DEFAULT 1
);

-- The mail password of the user-specific email configuration (R25), encrypted like the keys.
ALTER TABLE users ADD COLUMN mail_password_cipher TEXT;

-- The "outbox" provider: messages kept in D1 and listed for regular administrators.
CREATE TABLE outbox (
  id         INTEGER PRIMARY KEY,
  account_id INTEGER NOT NULL REFERENCES accounts(id),
  at         INTEGER NOT NULL,
  kind       TEXT    NOT NULL,
  from_address TEXT  NOT NULL,
  to_address TEXT    NOT NULL,
  subject    TEXT    NOT NULL,
  text_body  TEXT    NOT NULL,
  html_body  TEXT    NOT NULL
);
CREATE INDEX outbox_by_account ON outbox (account_id, at, id);

-- Invitation and reset links: only the SHA-256 of the token is stored; single use, expiring.
CREATE TABLE password_tokens (
  token_hash TEXT    PRIMARY KEY,
  account_id INTEGER NOT NULL REFERENCES accounts(id),
  user_id    INTEGER NOT NULL REFERENCES users(id),
  purpose    TEXT    NOT NULL CHECK (purpose IN ('invitation', 'reset')),
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at    INTEGER
);
CREATE INDEX password_tokens_by_user ON password_tokens (user_id);
