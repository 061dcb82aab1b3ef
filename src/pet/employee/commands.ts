/**
 * Employee commands. An employee's name and email live in its row only; events carry ids.
 */
import { AggregateExistsError, CommandInvalidError } from '../../events/errors.js';
import type { CommandRunner } from '../command.js';
import { defined, id, type CommandOptions } from '../command.js';
import { assertNew, requireRow } from '../rows.js';
import { transition } from '../state-machine.js';
import type { EMPLOYEE_ROLES } from './contracts.js';
import { EmployeeHiredV1, EmployeeLeftV1 } from './contracts.js';
import { employeeMachine } from './machine.js';

export type EmployeeRole = (typeof EMPLOYEE_ROLES)[number];

export interface HireEmployee {
  readonly id: string;
  readonly name: string;
  readonly email: string;
  readonly role: EmployeeRole;
  readonly managerId?: string;
}

const EMAIL = /^[^\s@]+@[^\s@]+$/;

export class EmployeeCommands {
  constructor(private readonly commands: CommandRunner) {}

  /** Hires an employee (registering its context, so it can act and be referenced). */
  hire(options: CommandOptions, input: HireEmployee) {
    return this.commands.run('employee.hire', options, input, async (scope) => {
      const employeeId = id('employee.hire', 'id', input.id);
      if (typeof input.email !== 'string' || !EMAIL.test(input.email)) {
        throw new CommandInvalidError('employee.hire', 'email', 'must be an email address');
      }
      const email = input.email.toLowerCase();
      await assertNew(scope.sql, 'employee', 'pet_employees', employeeId);
      const taken = await scope.sql.query('SELECT id FROM pet_employees WHERE email = $1', [email]);
      if (taken.length > 0) throw new AggregateExistsError('employee', email, 'email');
      if (input.managerId !== undefined) {
        await requireRow(scope.sql, 'employee', 'pet_employees', input.managerId, 'id');
      }
      const context = { type: 'employee', id: employeeId };
      scope.record(
        EmployeeHiredV1,
        context,
        defined({ role: input.role, manager_id: input.managerId }),
      );
      await scope.registerContext(context);
      await scope.sql.execute(
        `INSERT INTO pet_employees (id, name, email, role, manager_id, status, hired_at)
         VALUES ($1, $2, $3, $4, $5, 'active', $6)`,
        [employeeId, input.name, email, input.role, input.managerId ?? null, scope.at],
      );
      return { id: employeeId };
    });
  }

  /** Records that an employee left; their past stays attributed to them. */
  leave(options: CommandOptions, input: { readonly id: string }) {
    return this.commands.run('employee.leave', options, input, async (scope) => {
      const from = await transition(
        scope.sql,
        employeeMachine,
        { table: 'pet_employees' },
        input.id,
        'inactive',
        { left_at: scope.at },
      );
      scope.record(
        EmployeeLeftV1,
        { type: 'employee', id: input.id },
        { from_status: from, to_status: 'inactive' },
      );
    });
  }
}
