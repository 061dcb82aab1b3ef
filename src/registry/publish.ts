import type { JsonObject } from '../events/types.js';

/** Where published schemas live unless a base URI is given. */
export const DEFAULT_SCHEMA_BASE_URI = 'urn:pet-events:schema:';

/**
 * The id of a schema version: also the CloudEvents `dataschema` of its events.
 *
 * @example
 * schemaId('ticket.created', 1) // 'urn:pet-events:schema:ticket.created:1'
 * schemaId('ticket.created', 1, 'https://pet.example/v1/schemas/') // '…/v1/schemas/ticket.created/1'
 */
export function schemaId(eventType: string, schemaVersion: number, baseUri?: string): string {
  if (baseUri === undefined || baseUri === DEFAULT_SCHEMA_BASE_URI) {
    return `${DEFAULT_SCHEMA_BASE_URI}${eventType}:${schemaVersion}`;
  }
  return `${baseUri.endsWith('/') ? baseUri : `${baseUri}/`}${eventType}/${schemaVersion}`;
}

/** A registered version as a standalone JSON Schema document with its `$id`. */
export function schemaDocument(
  registered: { eventType: string; schemaVersion: number; schema: JsonObject },
  baseUri?: string,
): JsonObject {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: schemaId(registered.eventType, registered.schemaVersion, baseUri),
    title: `${registered.eventType} v${registered.schemaVersion}`,
    ...registered.schema,
  };
}
