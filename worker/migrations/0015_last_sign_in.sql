-- B03 access review: when each person last signed in (set in the same batch as the session the
-- sign-in opens), and the index a review's "least recently signed in first" walks per area.
ALTER TABLE users ADD COLUMN last_sign_in_at INTEGER;
CREATE INDEX users_by_area_last_sign_in ON users (account_id, area_id, last_sign_in_at, id);

-- B02's what-if rehearses a Save: its batch is sent with every check of the real one and ends
-- with a row this constraint refuses, so D1 rolls all of it back (nothing is ever written).
ALTER TABLE batch_guard ADD COLUMN rehearsal INTEGER
  CONSTRAINT rehearsal CHECK (rehearsal IS NULL);

-- Sign-ins before this migration: the newest session each person still has (sessions are kept
-- for their lifetime), so the first review does not call yesterday's users dormant.
UPDATE users SET last_sign_in_at = (SELECT MAX(s.created_at) FROM sessions s WHERE s.user_id = users.id)
WHERE last_sign_in_at IS NULL;
