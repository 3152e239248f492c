-- B04 import and B06 bulk actions: a dry run is kept until its person confirms it, chunk by
-- chunk. What a chunk will write is stored with the dry run, so the confirmation writes exactly
-- what was shown (never a file sent again); each chunk is marked written in the batch that
-- writes it, so an interruption leaves whole chunks and a report of the lines written.
CREATE TABLE import_runs (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  account_id  INTEGER NOT NULL REFERENCES accounts(id),
  -- 256 random bits, hex: what the confirmation names (bound to this account and actor).
  token       TEXT    NOT NULL UNIQUE,
  -- users | groups | companies | bulk
  kind        TEXT    NOT NULL,
  actor_id    INTEGER NOT NULL,
  created_at  INTEGER NOT NULL,
  expires_at  INTEGER NOT NULL,
  -- The dry run's answer without its lines: counts, the action of a bulk run, the file's name.
  summary     TEXT    NOT NULL,
  chunks      INTEGER NOT NULL
);
CREATE INDEX import_runs_by_expiry ON import_runs (expires_at);

CREATE TABLE import_chunks (
  run_id      INTEGER NOT NULL REFERENCES import_runs(id) ON DELETE CASCADE,
  n           INTEGER NOT NULL,
  first_line  INTEGER NOT NULL,
  last_line   INTEGER NOT NULL,
  -- The lines as read from the file (or the users picked) and the plan the dry run showed.
  source      TEXT    NOT NULL,
  plan        TEXT    NOT NULL,
  written_at  INTEGER,
  PRIMARY KEY (run_id, n)
);

-- Invitations of imported users and bulk re-sends wait here and are sent a few per request
-- (never thousands of provider calls in one request).
CREATE TABLE invitation_queue (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  account_id  INTEGER NOT NULL REFERENCES accounts(id),
  user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  queued_at   INTEGER NOT NULL,
  queued_by   INTEGER,
  sent_at     INTEGER,
  -- Why sending failed (the provider's answer), when it did: the entry stays for the report.
  failure     TEXT
);
CREATE INDEX invitation_queue_waiting ON invitation_queue (account_id, sent_at, id);
CREATE INDEX invitation_queue_by_user ON invitation_queue (user_id);
