import type { Database } from 'better-sqlite3';
import type { JsonObject } from '../../events/types.js';
import type { RegisteredEventSchema } from '../event-store.js';
import { prepared } from './queryable.js';

const SQL = `SELECT event_type, schema_version, schema, schema_sha256, registered_at
  FROM event_schema_versions ORDER BY event_type, schema_version`;

interface Row {
  event_type: string;
  schema_version: number;
  schema: string;
  schema_sha256: string;
  registered_at: string;
}

/** Every registered schema version. */
export function listEventSchemas(db: Database): RegisteredEventSchema[] {
  return (prepared(db, SQL).all() as Row[]).map((row) => ({
    eventType: row.event_type,
    schemaVersion: row.schema_version,
    schema: JSON.parse(row.schema) as JsonObject,
    sha256: row.schema_sha256,
    registeredAt: row.registered_at,
  }));
}
