-- User codes are stored lower-cased: they compare case-insensitively (R03), and one spelling is
-- shown on every screen, in every mail and in history.
UPDATE users SET user_code = user_code_norm WHERE user_code <> user_code_norm;
