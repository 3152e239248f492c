-- The sessions screen (ASVS 7.5.2): each session remembers the browser it was opened from, so a
-- person can tell their sessions apart and end the ones they do not recognise.
ALTER TABLE sessions ADD COLUMN user_agent TEXT NOT NULL DEFAULT '';
