-- R36: a password someone else could know (the operator's printed initial one) is one-time: the
-- first sign-in with it must choose a new password before anything else.
ALTER TABLE users ADD COLUMN password_must_change INTEGER NOT NULL DEFAULT 0 CHECK (password_must_change IN (0, 1));
