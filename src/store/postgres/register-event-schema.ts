import { canonicalSha256 } from '../../events/canonical-json.js';
import { SchemaVersionChangedError } from '../../events/errors.js';
import type { EventSchemaRegistration } from '../event-store.js';
import { checkSchemaRegistration } from '../schema-registration.js';
import { query, type Queryable } from './queryable.js';

/**
 * Registers a schema version (and its type); `unchanged` if already registered alike.
 * ON CONFLICT lets processes that start together register the same versions without error.
 */
export async function registerEventSchema(
  db: Queryable,
  registration: EventSchemaRegistration,
): Promise<'registered' | 'unchanged'> {
  checkSchemaRegistration(registration);
  const { eventType, schemaVersion, schema } = registration;
  const sha256 = canonicalSha256(schema);
  await query(
    db,
    'pet_register_event_type',
    'INSERT INTO event_types (event_type) VALUES ($1) ON CONFLICT DO NOTHING',
    [eventType],
  );
  const inserted = await query(
    db,
    'pet_register_schema_version',
    `INSERT INTO event_schema_versions (event_type, schema_version, schema, schema_sha256)
      VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING 1`,
    [eventType, schemaVersion, JSON.stringify(schema), sha256],
  );
  if (inserted.length === 1) return 'registered';
  const rows = await query<{ schema_sha256: string }>(
    db,
    'pet_schema_version_sha256',
    'SELECT schema_sha256 FROM event_schema_versions WHERE event_type = $1 AND schema_version = $2',
    [eventType, schemaVersion],
  );
  const registered = rows[0]?.schema_sha256 ?? '';
  if (registered !== sha256) {
    throw new SchemaVersionChangedError(eventType, schemaVersion, registered, sha256);
  }
  return 'unchanged';
}
