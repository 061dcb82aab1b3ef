/**
 * Opportunity commands.
 */
import { CommandInvalidError, IllegalTransitionError } from '../../events/errors.js';
import type { CommandRunner } from '../command.js';
import { defined, id, type CommandOptions, type CommandScope } from '../command.js';
import { assertNew, requireRow } from '../rows.js';
import { transition } from '../state-machine.js';
import type { OPPORTUNITY_CLASSES } from './contracts.js';
import {
  OpportunityClassifiedV1,
  OpportunityCreatedV1,
  OpportunityLostV1,
  OpportunityWonV1,
} from './contracts.js';
import { opportunityMachine } from './machine.js';

export type OpportunityClass = (typeof OPPORTUNITY_CLASSES)[number];

export interface CreateOpportunity {
  readonly id: string;
  readonly customerId: string;
  readonly ownerId: string;
  readonly estimatedValueMinor: number;
  readonly currency: string;
  readonly leadId?: string;
}

const TABLE = { table: 'pet_opportunities' };

export class OpportunityCommands {
  constructor(private readonly commands: CommandRunner) {}

  /** Opens an opportunity by hand (converting a lead opens one too). */
  create(options: CommandOptions, input: CreateOpportunity) {
    return this.commands.run('opportunity.create', options, input, (scope) =>
      createOpportunity(scope, input),
    );
  }

  /** Sets or changes the class of an open opportunity. */
  classify(
    options: CommandOptions,
    input: { readonly id: string; readonly class: OpportunityClass },
  ) {
    return this.commands.run('opportunity.classify', options, input, async (scope) => {
      const row = await requireRow<{ status: string; class: OpportunityClass | null }>(
        scope.sql,
        'opportunity',
        TABLE.table,
        input.id,
        'status, class',
      );
      if (row.status !== 'open') {
        throw new IllegalTransitionError('opportunity', input.id, row.status, 'classified');
      }
      if (row.class === input.class) {
        throw new CommandInvalidError('opportunity.classify', 'class', `is already ${input.class}`);
      }
      scope.record(
        OpportunityClassifiedV1,
        { type: 'opportunity', id: input.id },
        defined({ class: input.class, previous_class: row.class ?? undefined }),
      );
      // Only from the state read: open, and still of the class the event names as previous.
      const changed = await scope.sql.execute(
        `UPDATE pet_opportunities SET class = $2
         WHERE id = $1 AND status = 'open' AND COALESCE(class, '') = $3`,
        [input.id, input.class, row.class ?? ''],
      );
      if (changed !== 1) {
        throw new IllegalTransitionError(
          'opportunity',
          input.id,
          'changed meanwhile',
          'classified',
          'another command classified or decided it first; read it again',
        );
      }
    });
  }

  /** Records an opportunity as won. */
  win(options: CommandOptions, input: { readonly id: string }) {
    return this.commands.run('opportunity.win', options, input, async (scope) => {
      const from = await transition(scope.sql, opportunityMachine, TABLE, input.id, 'won', {
        decided_at: scope.at,
      });
      scope.record(
        OpportunityWonV1,
        { type: 'opportunity', id: input.id },
        { from_status: from, to_status: 'won' },
      );
    });
  }

  /** Records an opportunity as lost, for a reason. */
  lose(options: CommandOptions, input: { readonly id: string; readonly reason: string }) {
    return this.commands.run('opportunity.lose', options, input, async (scope) => {
      const from = await transition(scope.sql, opportunityMachine, TABLE, input.id, 'lost', {
        decided_at: scope.at,
        lost_reason: input.reason,
      });
      scope.record(
        OpportunityLostV1,
        { type: 'opportunity', id: input.id },
        { from_status: from, to_status: 'lost', reason: input.reason },
      );
    });
  }
}

/** Opens an opportunity inside a running command (also used when a lead converts). */
export async function createOpportunity(
  scope: CommandScope,
  input: CreateOpportunity,
  causedBy?: string,
): Promise<{ id: string }> {
  const opportunityId = id('opportunity.create', 'id', input.id);
  await assertNew(scope.sql, 'opportunity', TABLE.table, opportunityId);
  await requireRow(scope.sql, 'customer', 'pet_customers', input.customerId, 'id');
  await requireRow(scope.sql, 'employee', 'pet_employees', input.ownerId, 'id');
  const context = { type: 'opportunity', id: opportunityId };
  scope.record(
    OpportunityCreatedV1,
    context,
    defined({
      customer_id: input.customerId,
      lead_id: input.leadId,
      owner_id: input.ownerId,
      estimated_value_minor: input.estimatedValueMinor,
      currency: input.currency,
    }),
    causedBy === undefined ? undefined : { causedBy },
  );
  await scope.registerContext(context);
  await scope.sql.execute(
    `INSERT INTO pet_opportunities
       (id, customer_id, lead_id, owner_id, estimated_value_minor, currency, status, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, 'open', $7)`,
    [
      opportunityId,
      input.customerId,
      input.leadId ?? null,
      input.ownerId,
      input.estimatedValueMinor,
      input.currency,
      scope.at,
    ],
  );
  return { id: opportunityId };
}
