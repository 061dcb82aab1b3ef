import { ContractLintError, EventInvalidError, EventTypeInvalidError } from '../events/errors.js';
import { compileSchema } from '../registry/compiled-schema.js';
import { assertLintFree } from '../registry/lint.js';
import { isEventTypeName } from '../events/names.js';
import type { EventSchemaDeprecation, EventSchemaRegistration } from './event-store.js';

/** Throws unless a schema registration is well formed. */
export function checkSchemaRegistration(registration: EventSchemaRegistration): void {
  if (!isEventTypeName(registration.eventType)) {
    throw new EventTypeInvalidError(registration.eventType);
  }
  if (!Number.isSafeInteger(registration.schemaVersion) || registration.schemaVersion < 1) {
    throw new EventInvalidError('schemaVersion', 'must be a positive integer');
  }
  const { schema } = registration as { schema: unknown };
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
    throw new EventInvalidError('schema', 'must be a JSON Schema object');
  }
  // The registry accepts only what a contract could declare: linted, and compilable.
  assertLintFree(registration.eventType, registration.schemaVersion, registration.schema);
  try {
    compileSchema(registration.schema);
  } catch (error) {
    throw new ContractLintError(registration.eventType, registration.schemaVersion, [
      {
        rule: 'supported-keywords',
        path: '',
        message: `is not valid JSON Schema: ${(error as Error).message}`,
      },
    ]);
  }
}

/** Throws unless a deprecation is well formed. */
export function checkSchemaDeprecation(deprecation: EventSchemaDeprecation): void {
  if (!isEventTypeName(deprecation.eventType))
    throw new EventTypeInvalidError(deprecation.eventType);
  if (!Number.isSafeInteger(deprecation.schemaVersion) || deprecation.schemaVersion < 1) {
    throw new EventInvalidError('schemaVersion', 'must be a positive integer');
  }
  if (
    typeof deprecation.reason !== 'string' ||
    deprecation.reason.length < 1 ||
    deprecation.reason.length > 500
  ) {
    throw new EventInvalidError('reason', 'must be a string of 1 to 500 characters');
  }
}
