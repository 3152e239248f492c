-- Codes compare whatever their case (issue 13): `east` is the same area code as `EAST`, and so for
-- directories, companies and user groups. Stored as typed; the unique indexes decide.
CREATE UNIQUE INDEX areas_code_any_case ON areas (account_id, code COLLATE NOCASE);
CREATE UNIQUE INDEX directories_code_any_case ON directories (account_id, code COLLATE NOCASE);
CREATE UNIQUE INDEX companies_code_any_case ON companies (account_id, code COLLATE NOCASE);
CREATE UNIQUE INDEX user_groups_code_any_case ON user_groups (account_id, code COLLATE NOCASE);
