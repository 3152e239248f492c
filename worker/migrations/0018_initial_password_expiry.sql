-- ASVS 6.4.1: the operator's printed initial password (R36: one-time, changed before anything
-- else) also expires 72 hours after it was printed. Printed passwords not yet changed when this
-- ships get their 72 hours from now.
ALTER TABLE users ADD COLUMN password_expires_at INTEGER;
UPDATE users SET password_expires_at = CAST(strftime('%s', 'now') AS INTEGER) * 1000 + 259200000
  WHERE password_must_change = 1;
