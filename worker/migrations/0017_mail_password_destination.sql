-- R37: a user's mail password is sent only to the mail relay it was entered for. Each one
-- remembers that destination ("<provider> <base URL without trailing slashes>", as the account's
-- mail settings said when it was stored); a relay at another address gets nothing until the
-- password is entered again. Passwords stored before this were entered under today's settings.
ALTER TABLE users ADD COLUMN mail_password_for TEXT;
UPDATE users SET mail_password_for = (
  SELECT provider || ' ' || rtrim(api_base_url, '/') FROM mail_settings
  WHERE mail_settings.account_id = users.account_id
) WHERE mail_password_cipher IS NOT NULL;
