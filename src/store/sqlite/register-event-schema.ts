import type { Database } from 'better-sqlite3';
import { canonicalSha256 } from '../../events/canonical-json.js';
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
  const { eventType, schemaVersion, schema } = registration;
  const sha256 = canonicalSha256(schema);
  prepared(db, 'INSERT INTO event_types (event_type) VALUES (?) ON CONFLICT DO NOTHING').run(
    eventType,
  );
  const inserted = prepared(
    db,
    `INSERT INTO event_schema_versions (event_type, schema_version, schema, schema_sha256)
      VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`,
  ).run(eventType, schemaVersion, JSON.stringify(schema), sha256);
  if (inserted.changes === 1) return 'registered';
  const registered = prepared(
    db,
    'SELECT schema_sha256 FROM event_schema_versions WHERE event_type = ? AND schema_version = ?',
  )
    .pluck(true)
    .get(eventType, schemaVersion) as string;
  if (registered !== sha256) {
    throw new SchemaVersionChangedError(eventType, schemaVersion, registered, sha256);
  }
  return 'unchanged';
}
