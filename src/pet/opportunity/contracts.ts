/**
 * Event contracts of the opportunity aggregate.
 */
import { Type } from '@sinclair/typebox';
import {
  Code,
  CurrencyCode,
  defineContract,
  MinorUnits,
  Payload,
  Reference,
} from '../../registry/contract.js';

export const OPPORTUNITY_STATUSES = ['open', 'won', 'lost'] as const;
export const OPPORTUNITY_CLASSES = ['gold', 'silver', 'bronze'] as const;

/** An opportunity was opened for a customer, owned by an employee. */
export const OpportunityCreatedV1 = defineContract({
  eventType: 'opportunity.created',
  schemaVersion: 1,
  schema: Payload({
    customer_id: Reference('customer'),
    lead_id: Type.Optional(Reference('lead')),
    owner_id: Reference('employee'),
    estimated_value_minor: MinorUnits(),
    currency: CurrencyCode(),
  }),
});

/** An opportunity was classified (or re-classified); the previous class, if any, is kept. */
export const OpportunityClassifiedV1 = defineContract({
  eventType: 'opportunity.classified',
  schemaVersion: 1,
  schema: Payload({
    class: Code(...OPPORTUNITY_CLASSES),
    previous_class: Type.Optional(Code(...OPPORTUNITY_CLASSES)),
  }),
});

const statusChange = {
  from_status: Code(...OPPORTUNITY_STATUSES),
  to_status: Code(...OPPORTUNITY_STATUSES),
};

/** An opportunity was won. */
export const OpportunityWonV1 = defineContract({
  eventType: 'opportunity.won',
  schemaVersion: 1,
  schema: Payload(statusChange),
});

/** An opportunity was lost, for a stated reason. */
export const OpportunityLostV1 = defineContract({
  eventType: 'opportunity.lost',
  schemaVersion: 1,
  schema: Payload({ ...statusChange, reason: Type.String({ minLength: 1, maxLength: 1000 }) }),
});
