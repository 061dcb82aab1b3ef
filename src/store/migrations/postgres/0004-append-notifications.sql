-- 0004 append notifications
-- Every statement that appends events notifies channel pet_events_appended with the schema's
-- name, so consumers in other processes wake at once instead of polling. NOTIFY is sent at
-- commit, once per transaction and payload.

CREATE FUNCTION pet_notify_appended() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('pet_events_appended', current_schema());
  RETURN NULL;
END
$$;

CREATE TRIGGER domain_events_notify_appended AFTER INSERT ON domain_events
  FOR EACH STATEMENT EXECUTE FUNCTION pet_notify_appended();
