/**
 * Event contracts of the quote aggregate.
 */
import { Type } from '@sinclair/typebox';
import {
  CalendarDate,
  Code,
  CurrencyCode,
  defineContract,
  MinorUnits,
  Minutes,
  Payload,
  Reference,
} from '../../registry/contract.js';

export const QUOTE_STATUSES = ['draft', 'sent', 'accepted', 'rejected'] as const;

const totals = {
  currency: CurrencyCode(),
  sell_total_minor: MinorUnits(),
  cost_total_minor: MinorUnits(),
};

/** A quote was drafted for a customer. */
export const QuoteCreatedV1 = defineContract({
  eventType: 'quote.created',
  schemaVersion: 1,
  schema: Payload({
    customer_id: Reference('customer'),
    opportunity_id: Type.Optional(Reference('opportunity')),
    version: Type.Integer({ minimum: 1 }),
    ...totals,
    valid_until: CalendarDate(),
    sold_minutes: Minutes(),
  }),
});

const statusChange = {
  from_status: Code(...QUOTE_STATUSES),
  to_status: Code(...QUOTE_STATUSES),
};

/** A quote was sent to its customer: the version, totals and validity it was sent with. */
export const QuoteSentV1 = defineContract({
  eventType: 'quote.sent',
  schemaVersion: 1,
  schema: Payload({
    ...statusChange,
    version: Type.Integer({ minimum: 1 }),
    ...totals,
    valid_until: CalendarDate(),
  }),
});

/** A quote was accepted (final): who recorded the acceptance, and the totals accepted. */
export const QuoteAcceptedV1 = defineContract({
  eventType: 'quote.accepted',
  schemaVersion: 1,
  schema: Payload({ ...statusChange, accepted_by: Reference('employee'), ...totals }),
});

/** A quote was rejected, for a stated reason. */
export const QuoteRejectedV1 = defineContract({
  eventType: 'quote.rejected',
  schemaVersion: 1,
  schema: Payload({ ...statusChange, reason: Type.String({ minLength: 1, maxLength: 1000 }) }),
});
