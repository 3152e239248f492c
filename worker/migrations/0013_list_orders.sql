-- Lists sort by each of their columns on an index each (issue 13): no order sorts the whole
-- account. An order by a related record's code (a user's group, a company's or group's area)
-- keeps that code, lower-cased, on the row itself ('' for no area, so the keyset comparisons
-- never meet a NULL), kept in step by triggers in the same statement as every write.

ALTER TABLE users ADD COLUMN group_code_norm TEXT NOT NULL DEFAULT '';
UPDATE users SET group_code_norm = (SELECT lower(g.code) FROM user_groups g WHERE g.id = users.group_id);
CREATE TRIGGER users_group_code_on_insert AFTER INSERT ON users BEGIN
  UPDATE users SET group_code_norm = (SELECT lower(code) FROM user_groups WHERE id = new.group_id)
  WHERE id = new.id;
END;
CREATE TRIGGER users_group_code_on_move AFTER UPDATE OF group_id ON users BEGIN
  UPDATE users SET group_code_norm = (SELECT lower(code) FROM user_groups WHERE id = new.group_id)
  WHERE id = new.id;
END;
CREATE TRIGGER user_groups_code_to_members AFTER UPDATE OF code ON user_groups BEGIN
  UPDATE users SET group_code_norm = lower(new.code) WHERE group_id = new.id;
END;

ALTER TABLE companies ADD COLUMN area_code_norm TEXT NOT NULL DEFAULT '';
UPDATE companies SET area_code_norm = coalesce((SELECT lower(a.code) FROM areas a WHERE a.id = companies.area_id), '');
CREATE TRIGGER companies_area_code_on_insert AFTER INSERT ON companies BEGIN
  UPDATE companies SET area_code_norm = coalesce((SELECT lower(code) FROM areas WHERE id = new.area_id), '')
  WHERE id = new.id;
END;
CREATE TRIGGER companies_area_code_on_move AFTER UPDATE OF area_id ON companies BEGIN
  UPDATE companies SET area_code_norm = coalesce((SELECT lower(code) FROM areas WHERE id = new.area_id), '')
  WHERE id = new.id;
END;

ALTER TABLE user_groups ADD COLUMN area_code_norm TEXT NOT NULL DEFAULT '';
UPDATE user_groups SET area_code_norm = coalesce((SELECT lower(a.code) FROM areas a WHERE a.id = user_groups.area_id), '');
CREATE TRIGGER user_groups_area_code_on_insert AFTER INSERT ON user_groups BEGIN
  UPDATE user_groups SET area_code_norm = coalesce((SELECT lower(code) FROM areas WHERE id = new.area_id), '')
  WHERE id = new.id;
END;
CREATE TRIGGER user_groups_area_code_on_move AFTER UPDATE OF area_id ON user_groups BEGIN
  UPDATE user_groups SET area_code_norm = coalesce((SELECT lower(code) FROM areas WHERE id = new.area_id), '')
  WHERE id = new.id;
END;

CREATE TRIGGER areas_code_to_companies_and_groups AFTER UPDATE OF code ON areas BEGIN
  UPDATE companies SET area_code_norm = lower(new.code) WHERE area_id = new.id;
  UPDATE user_groups SET area_code_norm = lower(new.code) WHERE area_id = new.id;
END;

-- Users: by name (users_by_name, users_by_area_name) and code (users_by_code,
-- users_by_area_code) had theirs; by group and by status, for the account and for an area.
CREATE INDEX users_by_group_code ON users (account_id, group_code_norm, name_norm, id);
CREATE INDEX users_by_area_group_code ON users (account_id, area_id, group_code_norm, name_norm, id);
CREATE INDEX users_by_status ON users (account_id, active, name_norm, id);
CREATE INDEX users_by_area_status ON users (account_id, area_id, active, name_norm, id);

-- Companies: by name had theirs, by code for the account (companies_code_any_case).
CREATE INDEX companies_by_area_code ON companies (account_id, area_id, code COLLATE NOCASE);
CREATE INDEX companies_by_area_code_norm ON companies (account_id, area_code_norm, name_norm, id);
CREATE INDEX companies_in_area_by_area_code_norm ON companies (account_id, area_id, area_code_norm, name_norm, id);

-- User groups: by code had theirs (the unique code, user_groups_by_area).
CREATE INDEX user_groups_by_description ON user_groups (account_id, description COLLATE NOCASE, id);
CREATE INDEX user_groups_by_area_description ON user_groups (account_id, area_id, description COLLATE NOCASE, id);
CREATE INDEX user_groups_by_level ON user_groups (account_id, access_level, code, id);
CREATE INDEX user_groups_by_area_level ON user_groups (account_id, area_id, access_level, code, id);
CREATE INDEX user_groups_by_area_code_norm ON user_groups (account_id, area_code_norm, code, id);
CREATE INDEX user_groups_in_area_by_area_code_norm ON user_groups (account_id, area_id, area_code_norm, code, id);
