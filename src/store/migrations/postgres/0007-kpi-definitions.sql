-- 0007 KPI definitions
-- Every version of every KPI definition, as its JSON document and the sha256 of its canonical
-- form. Append-only: a changed definition is a new version; old versions stay, and values
-- computed with them stay linked to them.

CREATE TABLE pet_kpi_definitions (
  kpi_key TEXT NOT NULL CHECK (length(kpi_key) BETWEEN 2 AND 64),
  version INTEGER NOT NULL CHECK (version >= 1),
  document jsonb NOT NULL,
  sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
  registered_at TEXT NOT NULL,
  PRIMARY KEY (kpi_key, version)
);

CREATE TRIGGER pet_kpi_definitions_append_only BEFORE UPDATE OR DELETE ON pet_kpi_definitions
  FOR EACH ROW EXECUTE FUNCTION pet_reject_change();
CREATE TRIGGER pet_kpi_definitions_no_truncate BEFORE TRUNCATE ON pet_kpi_definitions
  FOR EACH STATEMENT EXECUTE FUNCTION pet_reject_change();
