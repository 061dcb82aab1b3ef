import type { JsonObject } from '../../events/types.js';
import type { RegisteredEventSchema } from '../event-store.js';
import { toIsoInstant } from './map-row.js';
import { query, type Queryable } from './queryable.js';

const SQL = `SELECT event_type, schema_version, schema, schema_sha256, registered_at
  FROM event_schema_versions ORDER BY event_type, schema_version`;

interface Row {
  event_type: string;
  schema_version: number;
  schema: JsonObject;
  schema_sha256: string;
  registered_at: string;
}

/** Every registered schema version. */
export async function listEventSchemas(db: Queryable): Promise<RegisteredEventSchema[]> {
  const rows = await query<Row>(db, 'pet_list_event_schemas', SQL, []);
  return rows.map((row) => ({
    eventType: row.event_type,
    schemaVersion: row.schema_version,
    schema: row.schema,
    sha256: row.schema_sha256,
    registeredAt: toIsoInstant(row.registered_at),
  }));
}
