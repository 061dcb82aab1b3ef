import type { Database } from 'better-sqlite3';
import type { JsonObject } from '../../events/types.js';
import type { RegisteredEventSchema } from '../event-store.js';
import { prepared } from './queryable.js';

const SQL = `SELECT v.event_type, v.schema_version, v.schema, v.schema_sha256, v.registered_at,
    d.deprecated_at
  FROM event_schema_versions v
  LEFT JOIN event_schema_deprecations d
    ON d.event_type = v.event_type AND d.schema_version = v.schema_version
  ORDER BY v.event_type, v.schema_version`;

interface Row {
  event_type: string;
  schema_version: number;
  schema: string;
  schema_sha256: string;
  registered_at: string;
  deprecated_at: string | null;
}

/** Every registered schema version. */
export function listEventSchemas(db: Database): RegisteredEventSchema[] {
  return (prepared(db, SQL).all() as Row[]).map((row) => ({
    eventType: row.event_type,
    schemaVersion: row.schema_version,
    schema: JSON.parse(row.schema) as JsonObject,
    sha256: row.schema_sha256,
    registeredAt: row.registered_at,
    deprecatedAt: row.deprecated_at,
  }));
}
