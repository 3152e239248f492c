-- B03 access review: when each person last signed in (set in the same batch as the session the
-- sign-in opens), and the index a review's "least recently signed in first" walks per area.
ALTER TABLE users ADD COLUMN last_sign_in_at INTEGER;
CREATE INDEX users_by_area_last_sign_in ON users (account_id, area_id, last_sign_in_at, id);
