import { SchemaVersionUnregisteredError } from '../../events/errors.js';
import type { EventSchemaDeprecation } from '../event-store.js';
import { checkSchemaDeprecation } from '../schema-registration.js';
import { query, type Queryable } from './queryable.js';

/** Closes a schema version for new events; `unchanged` if it was closed already. */
export async function deprecateEventSchema(
  db: Queryable,
  deprecation: EventSchemaDeprecation,
): Promise<'deprecated' | 'unchanged'> {
  checkSchemaDeprecation(deprecation);
  const { eventType, schemaVersion, reason } = deprecation;
  const known = await query(
    db,
    'pet_schema_version_exists',
    'SELECT 1 FROM event_schema_versions WHERE event_type = $1 AND schema_version = $2',
    [eventType, schemaVersion],
  );
  if (known.length === 0) throw new SchemaVersionUnregisteredError(eventType, schemaVersion);
  const inserted = await query(
    db,
    'pet_deprecate_schema_version',
    `INSERT INTO event_schema_deprecations (event_type, schema_version, reason)
      VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING 1`,
    [eventType, schemaVersion, reason],
  );
  return inserted.length === 1 ? 'deprecated' : 'unchanged';
}
