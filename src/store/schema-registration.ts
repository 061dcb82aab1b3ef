import { EventInvalidError, EventTypeInvalidError } from '../events/errors.js';
import { isEventTypeName } from '../events/names.js';
import type { EventSchemaRegistration } from './event-store.js';

/** Throws unless a schema registration is well formed. */
export function checkSchemaRegistration(registration: EventSchemaRegistration): void {
  if (!isEventTypeName(registration.eventType)) {
    throw new EventTypeInvalidError(registration.eventType);
  }
  if (!Number.isSafeInteger(registration.schemaVersion) || registration.schemaVersion < 1) {
    throw new EventInvalidError('schemaVersion', 'must be a positive integer');
  }
  if (!/^[0-9a-f]{64}$/.test(registration.sha256)) {
    throw new EventInvalidError('sha256', 'must be 64 lowercase hex digits');
  }
}
