-- Accounts, the first security records, sessions, sign-in throttling and history.
-- Ids use AUTOINCREMENT: a deleted record's id is never given to another, so history and links
-- that name an id keep naming the same record.
-- Every row carries its account; codes are unique per account; user codes service-wide (R01, R03).

CREATE TABLE accounts (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  name        TEXT    NOT NULL UNIQUE,
  created_at  INTEGER NOT NULL,
  version     INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE areas (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  account_id  INTEGER NOT NULL REFERENCES accounts(id),
  code        TEXT    NOT NULL,
  description TEXT    NOT NULL DEFAULT '',
  version     INTEGER NOT NULL DEFAULT 1,
  UNIQUE (account_id, code)
);

CREATE TABLE user_groups (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  account_id   INTEGER NOT NULL REFERENCES accounts(id),
  code         TEXT    NOT NULL,
  description  TEXT    NOT NULL DEFAULT '',
  access_level TEXT    NOT NULL CHECK (access_level IN ('administrator', 'local_administrator', 'user')),
  area_id      INTEGER REFERENCES areas(id),
  -- Space-separated option codes from core's fixed catalog.
  options      TEXT    NOT NULL DEFAULT '',
  version      INTEGER NOT NULL DEFAULT 1,
  UNIQUE (account_id, code),
  -- R09: an Administrator group has no area; a Local Administrator group has one.
  CHECK (access_level <> 'administrator' OR area_id IS NULL),
  CHECK (access_level <> 'local_administrator' OR area_id IS NOT NULL)
);
CREATE INDEX user_groups_by_area ON user_groups (account_id, area_id, code);

CREATE TABLE users (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  account_id     INTEGER NOT NULL REFERENCES accounts(id),
  user_code      TEXT    NOT NULL,
  -- Lower-cased user code: unique across the whole service (R03).
  user_code_norm TEXT    NOT NULL UNIQUE,
  name           TEXT    NOT NULL,
  -- Lower-cased name, for prefix search through an index.
  name_norm      TEXT    NOT NULL,
  group_id       INTEGER NOT NULL REFERENCES user_groups(id),
  -- The group's area (R10), copied so scoped lists use one index; kept in step with the group.
  area_id        INTEGER REFERENCES areas(id),
  -- The group's access level, copied for the same reason (last-administrator checks, R16).
  access_level   TEXT    NOT NULL CHECK (access_level IN ('administrator', 'local_administrator', 'user')),
  active         INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  password_hash  TEXT,
  language       TEXT    NOT NULL DEFAULT 'en' CHECK (language IN ('en', 'fr')),
  created_at     INTEGER NOT NULL,
  version        INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX users_by_area_name ON users (account_id, area_id, name_norm, id);
CREATE INDEX users_by_name ON users (account_id, name_norm, id);
CREATE INDEX users_by_area_code ON users (account_id, area_id, user_code_norm);
CREATE INDEX users_by_code ON users (account_id, user_code_norm);
CREATE INDEX users_by_group ON users (group_id, name_norm, id);
CREATE INDEX users_by_level ON users (account_id, access_level, active);

CREATE TABLE sessions (
  -- SHA-256 of the cookie token: a stolen table does not yield usable cookies.
  token_hash     TEXT    PRIMARY KEY,
  account_id     INTEGER NOT NULL REFERENCES accounts(id),
  user_id        INTEGER NOT NULL REFERENCES users(id),
  -- Set while a user acts as another (R05): the rights are this user's, user_id stays the real one.
  acting_user_id INTEGER REFERENCES users(id),
  company_id     INTEGER,
  created_at     INTEGER NOT NULL,
  last_seen_at   INTEGER NOT NULL,
  expires_at     INTEGER NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_id);
CREATE INDEX sessions_by_acting_user ON sessions (acting_user_id);

-- Failed sign-ins, counted per user code and per client, checked before any password hashing.
CREATE TABLE sign_in_throttle (
  key               TEXT    PRIMARY KEY,
  failures          INTEGER NOT NULL,
  window_started_at INTEGER NOT NULL,
  locked_until      INTEGER NOT NULL DEFAULT 0
);

-- R30: who, on whose behalf, when (UTC ms), what, and the before/after of each field.
CREATE TABLE history (
  id                 INTEGER PRIMARY KEY AUTOINCREMENT,
  account_id         INTEGER NOT NULL REFERENCES accounts(id),
  at                 INTEGER NOT NULL,
  -- The real person who acted; NULL for the operator's command-line bootstrap. The code is
  -- kept as it was, so an entry still says who after the user is renamed or deleted.
  actor_user_id      INTEGER,
  actor_user_code    TEXT,
  -- The user whose rights were used, when acting as another (R05).
  on_behalf_of_user_id INTEGER,
  on_behalf_of_user_code TEXT,
  entity_kind        TEXT    NOT NULL,
  entity_id          INTEGER,
  -- The area of the changed record at the time of the change; NULL = account-wide (R21).
  area_id            INTEGER,
  action             TEXT    NOT NULL,
  summary            TEXT    NOT NULL,
  -- JSON array of {"field","before","after"}; secrets are masked before they get here (R26).
  changes            TEXT    NOT NULL DEFAULT '[]'
);
CREATE INDEX history_by_area_time ON history (account_id, area_id, at, id);
CREATE INDEX history_by_time ON history (account_id, at, id);
CREATE INDEX history_by_area_actor ON history (account_id, area_id, actor_user_code, at, id);
CREATE INDEX history_by_actor ON history (account_id, actor_user_code, at, id);
CREATE INDEX history_by_entity ON history (account_id, entity_kind, entity_id, at);

-- D1 has no interactive transactions. A batch states its preconditions and invariants as
-- conditional inserts here: a violated one fails its named CHECK, which rolls the whole batch
-- back (the change and its history entry alike), and the worker maps the name to a 409.
CREATE TABLE batch_guard (
  version_conflict   INTEGER CONSTRAINT version_conflict   CHECK (version_conflict IS NULL),
  last_administrator INTEGER CONSTRAINT last_administrator CHECK (last_administrator IS NULL),
  directory_area     INTEGER CONSTRAINT directory_area     CHECK (directory_area IS NULL),
  not_found          INTEGER CONSTRAINT not_found          CHECK (not_found IS NULL)
);
