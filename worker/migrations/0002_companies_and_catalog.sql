-- Directories, companies, each user's ticked companies, reports/documents, projects, employees.

CREATE TABLE directories (
  id               INTEGER PRIMARY KEY AUTOINCREMENT,
  account_id       INTEGER NOT NULL REFERENCES accounts(id),
  code             TEXT    NOT NULL,
  name             TEXT    NOT NULL,
  -- R08: in multidimensional mode the directory carries the area of all its companies.
  multidimensional INTEGER NOT NULL DEFAULT 0 CHECK (multidimensional IN (0, 1)),
  area_id          INTEGER REFERENCES areas(id),
  version          INTEGER NOT NULL DEFAULT 1,
  UNIQUE (account_id, code)
);
CREATE INDEX directories_by_area ON directories (account_id, area_id);

CREATE TABLE companies (
  id                INTEGER PRIMARY KEY AUTOINCREMENT,
  account_id        INTEGER NOT NULL REFERENCES accounts(id),
  directory_id      INTEGER NOT NULL REFERENCES directories(id),
  code              TEXT    NOT NULL,
  name              TEXT    NOT NULL,
  name_norm         TEXT    NOT NULL,
  -- The effective area (R07, R08): in a multidimensional directory it is always the
  -- directory's, kept in step in the same batch that changes either.
  area_id           INTEGER REFERENCES areas(id),
  user_in_charge_id INTEGER REFERENCES users(id),
  version           INTEGER NOT NULL DEFAULT 1,
  UNIQUE (account_id, code)
);
CREATE INDEX companies_by_area_name ON companies (account_id, area_id, name_norm, id);
CREATE INDEX companies_by_name ON companies (account_id, name_norm, id);
CREATE INDEX companies_by_directory ON companies (directory_id);
CREATE INDEX companies_by_user_in_charge ON companies (user_in_charge_id);

-- A User-level user's Access to Companies tab (R14): the ticks are the grant.
CREATE TABLE user_companies (
  user_id    INTEGER NOT NULL REFERENCES users(id),
  company_id INTEGER NOT NULL REFERENCES companies(id),
  PRIMARY KEY (user_id, company_id)
) WITHOUT ROWID;
CREATE INDEX user_companies_by_company ON user_companies (company_id);

-- R22: reports and documents carry an area or none.
CREATE TABLE reports (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  account_id INTEGER NOT NULL REFERENCES accounts(id),
  code       TEXT    NOT NULL,
  title      TEXT    NOT NULL,
  kind       TEXT    NOT NULL CHECK (kind IN ('report', 'document')),
  area_id    INTEGER REFERENCES areas(id),
  UNIQUE (account_id, code)
);
CREATE INDEX reports_by_area ON reports (account_id, area_id, title, id);
CREATE INDEX reports_by_title ON reports (account_id, title, id);

CREATE TABLE projects (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  account_id INTEGER NOT NULL REFERENCES accounts(id),
  company_id INTEGER NOT NULL REFERENCES companies(id),
  code       TEXT    NOT NULL,
  name       TEXT    NOT NULL,
  UNIQUE (company_id, code)
);

CREATE TABLE employees (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  account_id INTEGER NOT NULL REFERENCES accounts(id),
  company_id INTEGER NOT NULL REFERENCES companies(id),
  code       TEXT    NOT NULL,
  name       TEXT    NOT NULL,
  UNIQUE (company_id, code)
);
