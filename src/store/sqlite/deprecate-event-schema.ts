import type { Database } from 'better-sqlite3';
import { SchemaVersionUnregisteredError } from '../../events/errors.js';
import type { EventSchemaDeprecation } from '../event-store.js';
import { checkSchemaDeprecation } from '../schema-registration.js';
import { prepared } from './queryable.js';

/** Closes a schema version for new events; `unchanged` if it was closed already. */
export function deprecateEventSchema(
  db: Database,
  deprecation: EventSchemaDeprecation,
): 'deprecated' | 'unchanged' {
  checkSchemaDeprecation(deprecation);
  const { eventType, schemaVersion, reason } = deprecation;
  const known = prepared(
    db,
    'SELECT 1 FROM event_schema_versions WHERE event_type = ? AND schema_version = ?',
  ).get(eventType, schemaVersion);
  if (!known) throw new SchemaVersionUnregisteredError(eventType, schemaVersion);
  const inserted = prepared(
    db,
    `INSERT INTO event_schema_deprecations (event_type, schema_version, reason)
      VALUES (?, ?, ?) ON CONFLICT DO NOTHING`,
  ).run(eventType, schemaVersion, reason);
  return inserted.changes === 1 ? 'deprecated' : 'unchanged';
}
