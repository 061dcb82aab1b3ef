-- 0009 API tokens
-- Bearer tokens of the HTTP API. A token is `pet_<id>_<secret>`: the id finds the row, and only
-- the sha256 of the secret is kept, so the database never holds a usable token. A token stands
-- for an employee (who acts with the role the employee has at the time of each request) or a
-- named system integration; `auditor` adds the right to read the raw log, the registry and
-- the audit endpoints. A revoked token stays listed with the time it was revoked.

CREATE TABLE api_tokens (
  id TEXT PRIMARY KEY CHECK (length(id) = 16),
  secret_sha256 TEXT NOT NULL CHECK (length(secret_sha256) = 64),
  employee_id TEXT REFERENCES pet_employees (id),
  system_name TEXT CHECK (system_name IS NULL OR length(system_name) BETWEEN 1 AND 100),
  auditor BOOLEAN NOT NULL,
  label TEXT CHECK (label IS NULL OR length(label) BETWEEN 1 AND 200),
  created_at TEXT NOT NULL,
  revoked_at TEXT,
  CHECK ((employee_id IS NULL) <> (system_name IS NULL))
);
