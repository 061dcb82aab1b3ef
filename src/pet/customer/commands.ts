/**
 * Customer commands.
 */
import type { CommandRunner } from '../command.js';
import { defined, id, type CommandOptions } from '../command.js';
import { assertNew } from '../rows.js';
import { transition } from '../state-machine.js';
import { CustomerArchivedV1, CustomerCreatedV1 } from './contracts.js';
import { customerMachine } from './machine.js';

export interface CreateCustomer {
  readonly id: string;
  readonly name: string;
  readonly legalName?: string;
}

const TABLE = { table: 'pet_customers' };

export class CustomerCommands {
  constructor(private readonly commands: CommandRunner) {}

  /** Creates a customer and registers its context. */
  create(options: CommandOptions, input: CreateCustomer) {
    return this.commands.run('customer.create', options, input, async (scope) => {
      const customerId = id('customer.create', 'id', input.id);
      await assertNew(scope.sql, 'customer', TABLE.table, customerId);
      const context = { type: 'customer', id: customerId };
      scope.record(
        CustomerCreatedV1,
        context,
        defined({ name: input.name, legal_name: input.legalName }),
      );
      await scope.registerContext(context);
      await scope.sql.execute(
        'INSERT INTO pet_customers (id, name, legal_name, status, created_at) VALUES ($1, $2, $3, $4, $5)',
        [customerId, input.name, input.legalName ?? null, 'active', scope.at],
      );
      return { id: customerId };
    });
  }

  /** Archives a customer: hidden from default views, kept forever. */
  archive(options: CommandOptions, input: { readonly id: string }) {
    return this.commands.run('customer.archive', options, input, async (scope) => {
      const from = await transition(scope.sql, customerMachine, TABLE, input.id, 'archived', {
        archived_at: scope.at,
      });
      scope.record(
        CustomerArchivedV1,
        { type: 'customer', id: input.id },
        { from_status: from, to_status: 'archived' },
      );
    });
  }
}
