-- 0010 references without row locks
-- An event's schema version, context and actor were checked by foreign keys, and a PostgreSQL
-- foreign key check locks the row it finds (FOR KEY SHARE): three row locks, and their WAL
-- records, for every event appended, to keep rows in place that can never go (the registries
-- are append-only: their triggers refuse UPDATE, DELETE and TRUNCATE). One trigger now checks
-- the same three rules before each insert, without locking, and fails as the foreign keys did
-- (SQLSTATE 23503, the same constraint names, messages and details), so what reads those
-- errors is unchanged. A reference to a row that another transaction has not committed yet
-- fails, as it did. The causation foreign key stays: it is checked only for events that name
-- a cause. SQLite keeps its foreign keys, which take no locks.

ALTER TABLE domain_events
  DROP CONSTRAINT domain_events_schema_version_fk,
  DROP CONSTRAINT domain_events_context_fk,
  DROP CONSTRAINT domain_events_actor_fk;

CREATE FUNCTION pet_event_references_resolve() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT FROM event_schema_versions v
        WHERE v.event_type = NEW.event_type AND v.schema_version = NEW.schema_version)
    AND EXISTS (SELECT FROM contexts k
        WHERE k.context_type = NEW.context_type AND k.context_id = NEW.context_id)
    AND (NEW.actor_employee_id IS NULL OR EXISTS (SELECT FROM contexts k
        WHERE k.context_type = NEW.actor_context_type AND k.context_id = NEW.actor_employee_id))
  THEN
    RETURN NEW;
  END IF;
  -- Which rule failed, said as its foreign key said it.
  IF NOT EXISTS (SELECT FROM event_schema_versions v
      WHERE v.event_type = NEW.event_type AND v.schema_version = NEW.schema_version) THEN
    RAISE foreign_key_violation USING
      MESSAGE = 'insert or update on table "domain_events" violates foreign key constraint "domain_events_schema_version_fk"',
      DETAIL = format('Key (event_type, schema_version)=(%s, %s) is not present in table "event_schema_versions".',
        NEW.event_type, NEW.schema_version),
      CONSTRAINT = 'domain_events_schema_version_fk', TABLE = 'domain_events', SCHEMA = TG_TABLE_SCHEMA;
  ELSIF NOT EXISTS (SELECT FROM contexts k
      WHERE k.context_type = NEW.context_type AND k.context_id = NEW.context_id) THEN
    RAISE foreign_key_violation USING
      MESSAGE = 'insert or update on table "domain_events" violates foreign key constraint "domain_events_context_fk"',
      DETAIL = format('Key (context_type, context_id)=(%s, %s) is not present in table "contexts".',
        NEW.context_type, NEW.context_id),
      CONSTRAINT = 'domain_events_context_fk', TABLE = 'domain_events', SCHEMA = TG_TABLE_SCHEMA;
  ELSE
    RAISE foreign_key_violation USING
      MESSAGE = 'insert or update on table "domain_events" violates foreign key constraint "domain_events_actor_fk"',
      DETAIL = format('Key (actor_context_type, actor_employee_id)=(%s, %s) is not present in table "contexts".',
        NEW.actor_context_type, NEW.actor_employee_id),
      CONSTRAINT = 'domain_events_actor_fk', TABLE = 'domain_events', SCHEMA = TG_TABLE_SCHEMA;
  END IF;
END
$$;

CREATE TRIGGER domain_events_references_resolve BEFORE INSERT ON domain_events
  FOR EACH ROW EXECUTE FUNCTION pet_event_references_resolve();
