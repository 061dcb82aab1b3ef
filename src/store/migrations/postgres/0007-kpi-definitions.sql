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
  PRIMARY KEY (kpi_key, version),
  -- The row's key and version are the document's.
  CHECK (document->>'key' = kpi_key AND document->'version' = to_jsonb(version))
);

-- A key's versions are 1, 2, 3 …: a new version follows the latest.
CREATE FUNCTION pet_kpi_definition_next_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.version <> (SELECT coalesce(max(version), 0) + 1 FROM pet_kpi_definitions
                      WHERE kpi_key = NEW.kpi_key) THEN
    RAISE EXCEPTION 'PET_KPI_VERSION_SKIPPED: a new version follows the latest'
      USING ERRCODE = 'restrict_violation';
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER pet_kpi_definitions_next_version BEFORE INSERT ON pet_kpi_definitions
  FOR EACH ROW EXECUTE FUNCTION pet_kpi_definition_next_version();

CREATE TRIGGER pet_kpi_definitions_append_only BEFORE UPDATE OR DELETE ON pet_kpi_definitions
  FOR EACH ROW EXECUTE FUNCTION pet_reject_change();
CREATE TRIGGER pet_kpi_definitions_no_truncate BEFORE TRUNCATE ON pet_kpi_definitions
  FOR EACH STATEMENT EXECUTE FUNCTION pet_reject_change();
