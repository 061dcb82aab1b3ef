-- 0002 contracts
-- Schema versions can be closed for new events (deprecated): one append-only row per closed
-- version. And the check that every reference a payload declares names a registered
-- context, run by the append statement itself.

CREATE TABLE event_schema_deprecations (
  event_type text COLLATE "C" NOT NULL,
  schema_version integer NOT NULL,
  reason text NOT NULL CHECK (length(reason) BETWEEN 1 AND 500),
  deprecated_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', clock_timestamp()),
  PRIMARY KEY (event_type, schema_version),
  FOREIGN KEY (event_type, schema_version) REFERENCES event_schema_versions (event_type, schema_version)
);

CREATE TRIGGER event_schema_deprecations_append_only BEFORE UPDATE OR DELETE ON event_schema_deprecations
  FOR EACH ROW EXECUTE FUNCTION pet_reject_change();
CREATE TRIGGER event_schema_deprecations_no_truncate BEFORE TRUNCATE ON event_schema_deprecations
  FOR EACH STATEMENT EXECUTE FUNCTION pet_reject_change();

-- Raises for the first reference that names no registered context; true otherwise.
CREATE FUNCTION pet_assert_references(context_types text[], context_ids text[], pointers text[], event_indexes integer[])
RETURNS boolean LANGUAGE plpgsql STABLE AS $$
DECLARE
  missing record;
BEGIN
  SELECT r.context_type, r.context_id, r.pointer, r.event_index INTO missing
  FROM unnest(context_types, context_ids, pointers, event_indexes)
    AS r(context_type, context_id, pointer, event_index)
  WHERE NOT EXISTS (
    SELECT 1 FROM contexts c
    WHERE c.context_type = r.context_type COLLATE "C" AND c.context_id = r.context_id COLLATE "C")
  LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'PET_REFERENCE_UNRESOLVED: % names %/%', missing.pointer, missing.context_type, missing.context_id
      USING ERRCODE = 'foreign_key_violation',
        DETAIL = json_build_object('pointer', missing.pointer, 'context_type', missing.context_type,
          'context_id', missing.context_id, 'event_index', missing.event_index)::text;
  END IF;
  RETURN true;
END
$$;
