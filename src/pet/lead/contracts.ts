/**
 * Event contracts of the lead aggregate.
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

export const LEAD_STATUSES = ['new', 'qualified', 'disqualified', 'converted'] as const;
export const LEAD_SOURCES = [
  'email',
  'phone',
  'in_person',
  'social',
  'website',
  'referral',
] as const;

/** A lead came in from a source, possibly for a known customer, possibly with a value. */
export const LeadCreatedV1 = defineContract({
  eventType: 'lead.created',
  schemaVersion: 1,
  schema: Payload({
    subject: Type.String({ minLength: 1, maxLength: 500 }),
    source: Code(...LEAD_SOURCES),
    customer_id: Type.Optional(Reference('customer')),
    estimated_value_minor: Type.Optional(MinorUnits()),
    currency: Type.Optional(CurrencyCode()),
  }),
});

const statusChange = {
  from_status: Code(...LEAD_STATUSES),
  to_status: Code(...LEAD_STATUSES),
};

/** A lead was qualified. */
export const LeadQualifiedV1 = defineContract({
  eventType: 'lead.qualified',
  schemaVersion: 1,
  schema: Payload(statusChange),
});

/** A lead was disqualified, for a stated reason. */
export const LeadDisqualifiedV1 = defineContract({
  eventType: 'lead.disqualified',
  schemaVersion: 1,
  schema: Payload({ ...statusChange, reason: Type.String({ minLength: 1, maxLength: 1000 }) }),
});

/** A qualified lead became an opportunity. */
export const LeadConvertedV1 = defineContract({
  eventType: 'lead.converted',
  schemaVersion: 1,
  schema: Payload({ ...statusChange, opportunity_id: Reference('opportunity') }),
});
