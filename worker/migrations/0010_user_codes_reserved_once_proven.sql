-- R24, R03 (issue: no squatting): a user code is reserved across the whole service only once its
-- owner has proven the address (an invitation or reset link used; the operator's bootstrap
-- vouches for an account's first administrator). Until then other accounts may invite the same
-- address; the first proof wins. Within one account a code is still unique.
--
-- SQLite cannot drop the column's UNIQUE constraint, so the table is rebuilt (no foreign key to
-- it cascades on delete; they are checked at the end of the migration).
PRAGMA defer_foreign_keys = true;

-- The rows are kept aside, the table dropped (its children point nowhere until the end of the
-- migration, which foreign keys allow when deferred) and created again; putting each row back
-- gives every child its parent again, so the foreign-key check at the end passes.
CREATE TABLE users_kept AS SELECT * FROM users;
DROP TABLE users;

CREATE TABLE users (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  account_id     INTEGER NOT NULL REFERENCES accounts(id),
  user_code      TEXT    NOT NULL,
  -- Lower-cased user code: unique within an account; across the service among proven ones.
  user_code_norm TEXT    NOT NULL,
  name           TEXT    NOT NULL,
  name_norm      TEXT    NOT NULL,
  group_id       INTEGER NOT NULL REFERENCES user_groups(id),
  area_id        INTEGER REFERENCES areas(id),
  access_level   TEXT    NOT NULL CHECK (access_level IN ('administrator', 'local_administrator', 'user')),
  active         INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  password_hash  TEXT,
  language       TEXT    NOT NULL DEFAULT 'en' CHECK (language IN ('en', 'fr')),
  created_at     INTEGER NOT NULL,
  version        INTEGER NOT NULL DEFAULT 1,
  mail_password_cipher TEXT,
  password_must_change INTEGER NOT NULL DEFAULT 0 CHECK (password_must_change IN (0, 1)),
  -- The owner of the address proved it (used a link sent there, or was vouched for by the
  -- operator): only then is the code theirs across the service.
  address_proven INTEGER NOT NULL DEFAULT 0 CHECK (address_proven IN (0, 1))
);

-- Who has a password has used a link (or was given one by the operator): proven.
INSERT INTO users (id, account_id, user_code, user_code_norm, name, name_norm, group_id,
  area_id, access_level, active, password_hash, language, created_at, version,
  mail_password_cipher, password_must_change, address_proven)
SELECT id, account_id, user_code, user_code_norm, name, name_norm, group_id, area_id,
  access_level, active, password_hash, language, created_at, version, mail_password_cipher,
  password_must_change, CASE WHEN password_hash IS NULL THEN 0 ELSE 1 END
FROM users_kept;
DROP TABLE users_kept;

CREATE INDEX users_by_area_name ON users (account_id, area_id, name_norm, id);
CREATE INDEX users_by_name ON users (account_id, name_norm, id);
CREATE INDEX users_by_area_code ON users (account_id, area_id, user_code_norm);
CREATE UNIQUE INDEX users_by_code ON users (account_id, user_code_norm);
CREATE INDEX users_by_group ON users (group_id, name_norm, id);
CREATE INDEX users_by_level ON users (account_id, access_level, active);
-- One proven holder per address across the service; sign-in and the reservation check read it.
CREATE UNIQUE INDEX users_proven_code ON users (user_code_norm) WHERE address_proven = 1;
-- Every holder of an address (pending ones in other accounts are told when it is proven).
CREATE INDEX users_by_code_everywhere ON users (user_code_norm);

-- A new user, or a changed user code, may not take an address another user has proven: the same
-- refusal as a code used in the same account (no account named, R24).
CREATE TRIGGER users_code_reserved_on_insert BEFORE INSERT ON users
WHEN EXISTS (SELECT 1 FROM users WHERE user_code_norm = NEW.user_code_norm AND address_proven = 1)
BEGIN
  SELECT RAISE(ABORT, 'UNIQUE constraint failed: users.user_code_norm');
END;

CREATE TRIGGER users_code_reserved_on_update BEFORE UPDATE OF user_code_norm ON users
WHEN NEW.user_code_norm <> OLD.user_code_norm AND EXISTS (SELECT 1 FROM users
  WHERE user_code_norm = NEW.user_code_norm AND address_proven = 1 AND id <> OLD.id)
BEGIN
  SELECT RAISE(ABORT, 'UNIQUE constraint failed: users.user_code_norm');
END;
