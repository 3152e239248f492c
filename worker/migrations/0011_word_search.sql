-- R34: a user, company or user group is found by the start of any word of its name or code (a
-- user's code is their address: its local part and domain are words too), whatever the case and
-- the accents ("belanger" finds "Bélanger"). One FTS5 index per kind of record, keyed by the
-- record's id, kept in step by triggers: every write that changes a name or a code changes its
-- words in the same statement, so in the same batch. Contentless (the words are read from the
-- records, never from here), so a row's old words are removed with FTS5's 'delete' command,
-- given exactly the words that were indexed; `prefix` indexes the first 1–3 letters, so a short
-- prefix is an index lookup too.

CREATE VIRTUAL TABLE users_search USING fts5(
  words, content='', tokenize='unicode61 remove_diacritics 2', prefix='1 2 3'
);
INSERT INTO users_search (rowid, words) SELECT id, name || ' ' || user_code FROM users;
CREATE TRIGGER users_search_insert AFTER INSERT ON users BEGIN
  INSERT INTO users_search (rowid, words) VALUES (new.id, new.name || ' ' || new.user_code);
END;
CREATE TRIGGER users_search_update AFTER UPDATE OF name, user_code ON users BEGIN
  INSERT INTO users_search (users_search, rowid, words) VALUES ('delete', old.id, old.name || ' ' || old.user_code);
  INSERT INTO users_search (rowid, words) VALUES (new.id, new.name || ' ' || new.user_code);
END;
CREATE TRIGGER users_search_delete AFTER DELETE ON users BEGIN
  INSERT INTO users_search (users_search, rowid, words) VALUES ('delete', old.id, old.name || ' ' || old.user_code);
END;

CREATE VIRTUAL TABLE companies_search USING fts5(
  words, content='', tokenize='unicode61 remove_diacritics 2', prefix='1 2 3'
);
INSERT INTO companies_search (rowid, words) SELECT id, name || ' ' || code FROM companies;
CREATE TRIGGER companies_search_insert AFTER INSERT ON companies BEGIN
  INSERT INTO companies_search (rowid, words) VALUES (new.id, new.name || ' ' || new.code);
END;
CREATE TRIGGER companies_search_update AFTER UPDATE OF name, code ON companies BEGIN
  INSERT INTO companies_search (companies_search, rowid, words) VALUES ('delete', old.id, old.name || ' ' || old.code);
  INSERT INTO companies_search (rowid, words) VALUES (new.id, new.name || ' ' || new.code);
END;
CREATE TRIGGER companies_search_delete AFTER DELETE ON companies BEGIN
  INSERT INTO companies_search (companies_search, rowid, words) VALUES ('delete', old.id, old.name || ' ' || old.code);
END;

CREATE VIRTUAL TABLE groups_search USING fts5(
  words, content='', tokenize='unicode61 remove_diacritics 2', prefix='1 2 3'
);
INSERT INTO groups_search (rowid, words) SELECT id, code || ' ' || description FROM user_groups;
CREATE TRIGGER groups_search_insert AFTER INSERT ON user_groups BEGIN
  INSERT INTO groups_search (rowid, words) VALUES (new.id, new.code || ' ' || new.description);
END;
CREATE TRIGGER groups_search_update AFTER UPDATE OF code, description ON user_groups BEGIN
  INSERT INTO groups_search (groups_search, rowid, words) VALUES ('delete', old.id, old.code || ' ' || old.description);
  INSERT INTO groups_search (rowid, words) VALUES (new.id, new.code || ' ' || new.description);
END;
CREATE TRIGGER groups_search_delete AFTER DELETE ON user_groups BEGIN
  INSERT INTO groups_search (groups_search, rowid, words) VALUES ('delete', old.id, old.code || ' ' || old.description);
END;
