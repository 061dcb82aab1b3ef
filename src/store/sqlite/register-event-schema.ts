import type { Database } from 'better-sqlite3';
import { SchemaVersionChangedError } from '../../events/errors.js';
import type { EventSchemaRegistration } from '../event-store.js';
import { checkSchemaRegistration } from '../schema-registration.js';
import { prepared } from './queryable.js';

/** Registers a schema version (and its type); `unchanged` if already registered alike. */
export function registerEventSchema(
  db: Database,
  registration: EventSchemaRegistration,
): 'registered' | 'unchanged' {
  checkSchemaRegistration(registration);
  const { eventType, schemaVersion, schema, sha256 } = registration;
  const existing = prepared(
    db,
    'SELECT schema_sha256 FROM event_schema_versions WHERE event_type = ? AND schema_version = ?',
  )
    .pluck(true)
    .get(eventType, schemaVersion) as string | undefined;
  if (existing !== undefined) {
    if (existing !== sha256) {
      throw new SchemaVersionChangedError(eventType, schemaVersion, existing, sha256);
    }
    return 'unchanged';
  }
  prepared(db, 'INSERT INTO event_types (event_type) VALUES (?) ON CONFLICT DO NOTHING').run(
    eventType,
  );
  prepared(
    db,
    'INSERT INTO event_schema_versions (event_type, schema_version, schema, schema_sha256) VALUES (?, ?, ?, ?)',
  ).run(eventType, schemaVersion, JSON.stringify(schema), sha256);
  return 'registered';
}
