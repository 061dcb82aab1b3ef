/**
 * Lead commands. Leads are intentionally permissive at creation; their decisions are not.
 */
import { CommandInvalidError } from '../../events/errors.js';
import type { CommandRunner } from '../command.js';
import { defined, id, type CommandOptions } from '../command.js';
import { createOpportunity } from '../opportunity/commands.js';
import { assertNew, requireRow } from '../rows.js';
import { transition } from '../state-machine.js';
import type { LEAD_SOURCES } from './contracts.js';
import {
  LeadConvertedV1,
  LeadCreatedV1,
  LeadDisqualifiedV1,
  LeadQualifiedV1,
} from './contracts.js';
import { leadMachine } from './machine.js';

export type LeadSource = (typeof LEAD_SOURCES)[number];

export interface CreateLead {
  readonly id: string;
  readonly subject: string;
  readonly source: LeadSource;
  readonly customerId?: string;
  readonly estimatedValueMinor?: number;
  readonly currency?: string;
}

export interface ConvertLead {
  readonly id: string;
  /** The opportunity the lead becomes. */
  readonly opportunityId: string;
  readonly ownerId: string;
  /** Default: the lead's customer (one of the two is required). */
  readonly customerId?: string;
  /** Default: the lead's estimate. */
  readonly estimatedValueMinor?: number;
  readonly currency?: string;
}

const TABLE = { table: 'pet_leads' };

export class LeadCommands {
  constructor(private readonly commands: CommandRunner) {}

  /** Records a new lead. */
  create(options: CommandOptions, input: CreateLead) {
    return this.commands.run('lead.create', options, input, async (scope) => {
      const leadId = id('lead.create', 'id', input.id);
      if ((input.estimatedValueMinor === undefined) !== (input.currency === undefined)) {
        throw new CommandInvalidError(
          'lead.create',
          'currency',
          'and estimatedValueMinor go together: money is minor units plus a currency',
        );
      }
      await assertNew(scope.sql, 'lead', TABLE.table, leadId);
      if (input.customerId !== undefined) {
        await requireRow(scope.sql, 'customer', 'pet_customers', input.customerId, 'id');
      }
      const context = { type: 'lead', id: leadId };
      scope.record(
        LeadCreatedV1,
        context,
        defined({
          subject: input.subject,
          source: input.source,
          customer_id: input.customerId,
          estimated_value_minor: input.estimatedValueMinor,
          currency: input.currency,
        }),
      );
      await scope.registerContext(context);
      await scope.sql.execute(
        `INSERT INTO pet_leads
           (id, subject, source, customer_id, estimated_value_minor, currency, status, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, 'new', $7)`,
        [
          leadId,
          input.subject,
          input.source,
          input.customerId ?? null,
          input.estimatedValueMinor ?? null,
          input.currency ?? null,
          scope.at,
        ],
      );
      return { id: leadId };
    });
  }

  /** Qualifies a new lead. */
  qualify(options: CommandOptions, input: { readonly id: string }) {
    return this.commands.run('lead.qualify', options, input, async (scope) => {
      const from = await transition(scope.sql, leadMachine, TABLE, input.id, 'qualified', {
        decided_at: scope.at,
      });
      scope.record(
        LeadQualifiedV1,
        { type: 'lead', id: input.id },
        { from_status: from, to_status: 'qualified' },
      );
    });
  }

  /** Disqualifies a new lead, for a reason; it never becomes qualified afterwards. */
  disqualify(options: CommandOptions, input: { readonly id: string; readonly reason: string }) {
    return this.commands.run('lead.disqualify', options, input, async (scope) => {
      if (typeof input.reason !== 'string' || input.reason.trim().length === 0) {
        throw new CommandInvalidError('lead.disqualify', 'reason', 'is required');
      }
      const from = await transition(scope.sql, leadMachine, TABLE, input.id, 'disqualified', {
        decided_at: scope.at,
        disqualified_reason: input.reason,
      });
      scope.record(
        LeadDisqualifiedV1,
        { type: 'lead', id: input.id },
        { from_status: from, to_status: 'disqualified', reason: input.reason },
      );
    });
  }

  /** Converts a qualified lead into an opportunity, in one unit of work. */
  convert(options: CommandOptions, input: ConvertLead) {
    return this.commands.run('lead.convert', options, input, async (scope) => {
      const lead = await requireRow<{
        customer_id: string | null;
        estimated_value_minor: number | string | null;
        currency: string | null;
      }>(scope.sql, 'lead', TABLE.table, input.id, 'customer_id, estimated_value_minor, currency');
      const from = await transition(scope.sql, leadMachine, TABLE, input.id, 'converted', {
        opportunity_id: input.opportunityId,
      });
      const customerId = input.customerId ?? lead.customer_id;
      if (customerId === null) {
        throw new CommandInvalidError(
          'lead.convert',
          'customerId',
          'is required: the lead names no customer',
        );
      }
      const converted = scope.record(
        LeadConvertedV1,
        { type: 'lead', id: input.id },
        { from_status: from, to_status: 'converted', opportunity_id: input.opportunityId },
      );
      const estimate =
        input.estimatedValueMinor ??
        (lead.estimated_value_minor === null ? undefined : Number(lead.estimated_value_minor));
      const currency = input.currency ?? lead.currency ?? undefined;
      if (estimate === undefined || currency === undefined) {
        throw new CommandInvalidError(
          'lead.convert',
          'estimatedValueMinor',
          'and currency are required: the lead carries no estimate',
        );
      }
      await createOpportunity(
        scope,
        {
          id: input.opportunityId,
          customerId,
          ownerId: input.ownerId,
          leadId: input.id,
          estimatedValueMinor: estimate,
          currency,
        },
        converted.id,
      );
      return { opportunityId: input.opportunityId };
    });
  }
}
