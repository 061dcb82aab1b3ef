/**
 * Project commands, and the minutes logged on a project (written by time entries).
 */
import { IllegalTransitionError } from '../../events/errors.js';
import type { CommandRunner } from '../command.js';
import { defined, id, type CommandOptions, type CommandScope } from '../command.js';
import { assertNew, requireRow } from '../rows.js';
import { transition } from '../state-machine.js';
import { ProjectCompletedV1, ProjectCreatedV1, ProjectVarianceDetectedV1 } from './contracts.js';
import { projectMachine } from './machine.js';

export interface CreateProject {
  readonly id: string;
  readonly customerId: string;
  readonly name: string;
  readonly soldMinutes: number;
  readonly quoteId?: string;
}

const TABLE = { table: 'pet_projects' };

export class ProjectCommands {
  constructor(private readonly commands: CommandRunner) {}

  /** Creates a project by hand (accepting a quote creates one too). */
  create(options: CommandOptions, input: CreateProject) {
    return this.commands.run('project.create', options, input, (scope) =>
      createProject(scope, input),
    );
  }

  /** Completes a project; time can no longer be logged on it. */
  complete(options: CommandOptions, input: { readonly id: string }) {
    return this.commands.run('project.complete', options, input, async (scope) => {
      const from = await transition(scope.sql, projectMachine, TABLE, input.id, 'completed', {
        completed_at: scope.at,
      });
      scope.record(
        ProjectCompletedV1,
        { type: 'project', id: input.id },
        { from_status: from, to_status: 'completed' },
      );
    });
  }
}

/** Creates a project inside a running command (also used when a quote is accepted). */
export async function createProject(
  scope: CommandScope,
  input: CreateProject,
  causedBy?: string,
): Promise<{ id: string }> {
  const projectId = id('project.create', 'id', input.id);
  await assertNew(scope.sql, 'project', TABLE.table, projectId);
  await requireRow(scope.sql, 'customer', 'pet_customers', input.customerId, 'id');
  const context = { type: 'project', id: projectId };
  scope.record(
    ProjectCreatedV1,
    context,
    defined({
      customer_id: input.customerId,
      quote_id: input.quoteId,
      name: input.name,
      sold_minutes: input.soldMinutes,
    }),
    causedBy === undefined ? undefined : { causedBy },
  );
  await scope.registerContext(context);
  await scope.sql.execute(
    `INSERT INTO pet_projects (id, customer_id, quote_id, name, sold_minutes, status, created_at)
     VALUES ($1, $2, $3, $4, $5, 'active', $6)`,
    [projectId, input.customerId, input.quoteId ?? null, input.name, input.soldMinutes, scope.at],
  );
  return { id: projectId };
}

/**
 * Adds `minutes` (negative for a correction that takes time away) to an active project's
 * logged minutes. When the total goes past the sold minutes, `project.variance_detected` is
 * emitted, once per crossing: a correction that brings it back under re-arms it.
 */
export async function logProjectMinutes(
  scope: CommandScope,
  projectId: string,
  minutes: number,
  causedBy: string,
): Promise<void> {
  const rows = await scope.sql.query<{
    sold_minutes: number;
    logged_minutes: number;
    in_variance: number;
  }>(
    `UPDATE pet_projects SET logged_minutes = logged_minutes + $2
     WHERE id = $1 AND status = 'active'
     RETURNING sold_minutes, logged_minutes, in_variance`,
    [projectId, minutes],
  );
  const row = rows[0];
  if (row === undefined) {
    const project = await requireRow<{ status: string }>(
      scope.sql,
      'project',
      TABLE.table,
      projectId,
      'status',
    );
    throw new IllegalTransitionError(
      'project',
      projectId,
      project.status,
      'log_time',
      'no time is logged on a completed project',
    );
  }
  const sold = Number(row.sold_minutes);
  const logged = Number(row.logged_minutes);
  const over = logged > sold;
  if (over === (Number(row.in_variance) === 1)) return;
  await scope.sql.execute('UPDATE pet_projects SET in_variance = $2 WHERE id = $1', [
    projectId,
    over ? 1 : 0,
  ]);
  if (over) {
    scope.record(
      ProjectVarianceDetectedV1,
      { type: 'project', id: projectId },
      { sold_minutes: sold, logged_minutes: logged },
      { causedBy },
    );
  }
}
