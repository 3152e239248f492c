-- R33: links follow the person. Each invitation/reset link remembers the address it was sent to
-- (a link sent to a mistyped address never opens the corrected account) and who triggered it
-- (history names them when the link is used).
ALTER TABLE password_tokens ADD COLUMN sent_to TEXT;
ALTER TABLE password_tokens ADD COLUMN issued_by_user_id INTEGER;
ALTER TABLE password_tokens ADD COLUMN issued_by_user_code TEXT;
