-- 0002 contracts
-- Schema versions can be closed for new events (deprecated): one append-only row per closed
-- version, which the append statement checks. And the errors the append statement raises
-- for a closed version and for a reference that names no registered context.

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

-- Raises PET_SCHEMA_VERSION_DEPRECATED: the append statement calls it for an event whose
-- version is closed, so a deprecation holds in every process at once.
CREATE FUNCTION pet_schema_version_deprecated(event_type text, schema_version integer)
RETURNS boolean LANGUAGE plpgsql COST 10000 AS $$
BEGIN
  RAISE EXCEPTION 'PET_SCHEMA_VERSION_DEPRECATED: % v% is closed for new events', event_type, schema_version
    USING ERRCODE = 'check_violation',
      DETAIL = json_build_object('event_type', event_type, 'schema_version', schema_version)::text;
END
$$;

-- Raises PET_REFERENCE_UNRESOLVED for a reference that names no registered context. The append
-- statement calls it only for such references (it costs nothing when all resolve).
CREATE FUNCTION pet_reference_unresolved(context_type text, context_id text, pointer text, event_index integer)
RETURNS boolean LANGUAGE plpgsql COST 10000 AS $$
BEGIN
  RAISE EXCEPTION 'PET_REFERENCE_UNRESOLVED: % names %/%', pointer, context_type, context_id
    USING ERRCODE = 'foreign_key_violation',
      DETAIL = json_build_object('pointer', pointer, 'context_type', context_type,
        'context_id', context_id, 'event_index', event_index)::text;
END
$$;
