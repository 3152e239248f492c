-- O03: accounts spread over several D1 databases (bindings DB_0 … DB_n). Every database has this
-- same schema; database 0 also holds the directory (its `account_homes` and `proven_codes` rows
-- are the service's truth), the others keep a copy of `proven_codes` so their own lists and
-- triggers can say "proven elsewhere" without a round trip to the directory.

-- Which database holds each account (read by sign-in and the operator's move command), and
-- whether the account is being moved (then read-only: every write batch refuses, see below).
CREATE TABLE account_homes (
  account_id INTEGER PRIMARY KEY,
  home       INTEGER NOT NULL CHECK (home >= 0),
  moving     INTEGER NOT NULL DEFAULT 0 CHECK (moving IN (0, 1))
);

-- R03, R24: a user code is the service's once its owner proved the address. In database 0 this is
-- the reservation itself (one row per code, whichever database the account lives in); in the
-- others, a copy kept by the worker after each proof and release.
CREATE TABLE proven_codes (
  user_code_norm TEXT    PRIMARY KEY,
  account_id     INTEGER NOT NULL
);

-- Before this migration there was one database: database 0 holds every account and every proof.
INSERT INTO account_homes (account_id, home) SELECT id, 0 FROM accounts;
INSERT INTO proven_codes (user_code_norm, account_id)
  SELECT user_code_norm, account_id FROM users WHERE address_proven = 1;

-- The account's own database keeps its proofs in step with its users in the same transaction as
-- the change (a proof, a new user code, a deletion); the directory and the other databases are
-- told by the worker right after.
CREATE TRIGGER users_proof_refused BEFORE UPDATE OF address_proven ON users
WHEN NEW.address_proven = 1 AND EXISTS (SELECT 1 FROM proven_codes
  WHERE user_code_norm = NEW.user_code_norm AND account_id <> NEW.account_id)
BEGIN
  SELECT RAISE(ABORT, 'UNIQUE constraint failed: users.user_code_norm');
END;

CREATE TRIGGER users_proof_recorded AFTER UPDATE OF address_proven ON users
WHEN NEW.address_proven = 1 AND OLD.address_proven = 0
BEGIN
  INSERT OR IGNORE INTO proven_codes (user_code_norm, account_id)
  VALUES (NEW.user_code_norm, NEW.account_id);
END;

-- The operator's bootstrap (and an account's move) writes users already proven.
CREATE TRIGGER users_proof_recorded_on_insert AFTER INSERT ON users
WHEN NEW.address_proven = 1
BEGIN
  INSERT OR IGNORE INTO proven_codes (user_code_norm, account_id)
  VALUES (NEW.user_code_norm, NEW.account_id);
END;

CREATE TRIGGER users_proof_released_on_new_code AFTER UPDATE OF user_code_norm ON users
WHEN OLD.address_proven = 1 AND NEW.user_code_norm <> OLD.user_code_norm
BEGIN
  DELETE FROM proven_codes WHERE user_code_norm = OLD.user_code_norm AND account_id = OLD.account_id;
END;

CREATE TRIGGER users_proof_released_on_delete AFTER DELETE ON users
WHEN OLD.address_proven = 1
BEGIN
  DELETE FROM proven_codes WHERE user_code_norm = OLD.user_code_norm AND account_id = OLD.account_id;
END;

-- A new user, or a new user code, may not take an address a user of another account proved,
-- wherever that account lives (its proof is copied here): the same refusal as before (R24).
-- (An account being moved here brings its users as they are: a pending user whose address
-- another account proved since stays pending, as it was; the app's writes are refused meanwhile.)
DROP TRIGGER users_code_reserved_on_insert;
CREATE TRIGGER users_code_reserved_on_insert BEFORE INSERT ON users
WHEN NOT EXISTS (SELECT 1 FROM account_homes WHERE account_id = NEW.account_id AND moving = 1)
  AND (EXISTS (SELECT 1 FROM users WHERE user_code_norm = NEW.user_code_norm AND address_proven = 1)
    OR EXISTS (SELECT 1 FROM proven_codes
               WHERE user_code_norm = NEW.user_code_norm AND account_id <> NEW.account_id))
BEGIN
  SELECT RAISE(ABORT, 'UNIQUE constraint failed: users.user_code_norm');
END;

DROP TRIGGER users_code_reserved_on_update;
CREATE TRIGGER users_code_reserved_on_update BEFORE UPDATE OF user_code_norm ON users
WHEN NEW.user_code_norm <> OLD.user_code_norm AND (EXISTS (SELECT 1 FROM users
  WHERE user_code_norm = NEW.user_code_norm AND address_proven = 1 AND id <> OLD.id)
  OR EXISTS (SELECT 1 FROM proven_codes
             WHERE user_code_norm = NEW.user_code_norm AND account_id <> OLD.account_id))
BEGIN
  SELECT RAISE(ABORT, 'UNIQUE constraint failed: users.user_code_norm');
END;

-- The guard every write batch of an account starts with: refused while the operator moves the
-- account to another database (its rows are being copied; a write now would be lost).
ALTER TABLE batch_guard ADD COLUMN account_moving INTEGER
  CONSTRAINT account_moving CHECK (account_moving IS NULL);
