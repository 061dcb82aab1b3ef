-- 0007 KPI definitions
-- Every version of every KPI definition, as its JSON document and the sha256 of its canonical
-- form. Append-only: a changed definition is a new version; old versions stay, and values
-- computed with them stay linked to them.

CREATE TABLE pet_kpi_definitions (
  kpi_key TEXT NOT NULL CHECK (length(kpi_key) BETWEEN 2 AND 64),
  version INTEGER NOT NULL CHECK (version >= 1),
  document TEXT NOT NULL CHECK (json_valid(document)),
  sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
  registered_at TEXT NOT NULL,
  PRIMARY KEY (kpi_key, version),
  -- The row's key and version are the document's.
  CHECK (json_extract(document, '$.key') = kpi_key AND json_extract(document, '$.version') = version)
) STRICT;

-- A key's versions are 1, 2, 3 …: a new version follows the latest.
CREATE TRIGGER pet_kpi_definitions_next_version BEFORE INSERT ON pet_kpi_definitions
  WHEN NEW.version <> (SELECT coalesce(max(version), 0) + 1 FROM pet_kpi_definitions
                        WHERE kpi_key = NEW.kpi_key)
  BEGIN SELECT RAISE(ABORT, 'PET_KPI_VERSION_SKIPPED: a new version follows the latest'); END;

CREATE TRIGGER pet_kpi_definitions_no_update BEFORE UPDATE ON pet_kpi_definitions
  BEGIN SELECT RAISE(ABORT, 'PET_APPEND_ONLY: UPDATE on pet_kpi_definitions is not allowed'); END;
CREATE TRIGGER pet_kpi_definitions_no_delete BEFORE DELETE ON pet_kpi_definitions
  BEGIN SELECT RAISE(ABORT, 'PET_APPEND_ONLY: DELETE on pet_kpi_definitions is not allowed'); END;
