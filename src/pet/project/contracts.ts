/**
 * Event contracts of the project aggregate.
 */
import { Type } from '@sinclair/typebox';
import { Code, defineContract, Minutes, Payload, Reference } from '../../registry/contract.js';

export const PROJECT_STATUSES = ['active', 'completed'] as const;

/** A project was created for a customer, from an accepted quote or by hand. */
export const ProjectCreatedV1 = defineContract({
  eventType: 'project.created',
  schemaVersion: 1,
  schema: Payload({
    customer_id: Reference('customer'),
    quote_id: Type.Optional(Reference('quote')),
    name: Type.String({ minLength: 1, maxLength: 200 }),
    sold_minutes: Minutes(),
  }),
});

/** The minutes logged on a project went past its sold minutes: the raw inputs, no percentage. */
export const ProjectVarianceDetectedV1 = defineContract({
  eventType: 'project.variance_detected',
  schemaVersion: 1,
  schema: Payload({ sold_minutes: Minutes(), logged_minutes: Minutes() }),
});

/** A project was completed; no time is logged on it afterwards. */
export const ProjectCompletedV1 = defineContract({
  eventType: 'project.completed',
  schemaVersion: 1,
  schema: Payload({
    from_status: Code(...PROJECT_STATUSES),
    to_status: Code(...PROJECT_STATUSES),
  }),
});
