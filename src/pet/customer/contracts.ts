/**
 * Event contracts of the customer aggregate.
 */
import { Type } from '@sinclair/typebox';
import { Code, defineContract, Payload } from '../../registry/contract.js';

export const CUSTOMER_STATUSES = ['active', 'archived'] as const;

/** A customer was created (the firm's own record of a client organisation). */
export const CustomerCreatedV1 = defineContract({
  eventType: 'customer.created',
  schemaVersion: 1,
  schema: Payload({
    name: Type.String({ minLength: 1, maxLength: 200 }),
    legal_name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  }),
});

/** A customer was archived: hidden from default views, never removed. */
export const CustomerArchivedV1 = defineContract({
  eventType: 'customer.archived',
  schemaVersion: 1,
  schema: Payload({
    from_status: Code(...CUSTOMER_STATUSES),
    to_status: Code(...CUSTOMER_STATUSES),
  }),
});
