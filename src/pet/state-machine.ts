/**
 * State machines of PET's aggregates: which status may follow which. A command asks its
 * machine before it writes; the conditional UPDATE that follows (`WHERE status = from`) makes
 * a transition that raced another one fail instead of applying twice.
 */
import { IllegalTransitionError } from '../events/errors.js';
import type { SqlAccess } from '../store/sql-access.js';
import { requireRow } from './rows.js';

/** An aggregate's statuses and the transitions between them. */
export interface StateMachine<Status extends string> {
  readonly aggregate: string;
  readonly statuses: readonly Status[];
  /** For each status, the statuses it may move to (empty for a final status). */
  readonly transitions: { readonly [From in Status]: readonly Status[] };
  /** Whether `from → to` is legal. */
  allows(from: Status, to: Status): boolean;
  /** Throws `PET_ILLEGAL_TRANSITION` unless `from → to` is legal. */
  assert(id: string, from: Status, to: Status): void;
}

/**
 * Declares a state machine.
 *
 * @example
 * const quoteMachine = defineStateMachine('quote', {
 *   draft: ['sent'], sent: ['accepted', 'rejected'], accepted: [], rejected: [],
 * });
 */
export function defineStateMachine<const Status extends string>(
  aggregate: string,
  transitions: { readonly [From in Status]: readonly NoInfer<Status>[] },
): StateMachine<Status> {
  const statuses = Object.keys(transitions) as Status[];
  const allows = (from: Status, to: Status) => transitions[from].includes(to);
  return {
    aggregate,
    statuses,
    transitions,
    allows,
    assert(id, from, to) {
      if (!allows(from, to)) throw new IllegalTransitionError(aggregate, id, from, to);
    },
  };
}

/** Where an aggregate's status is stored. */
export interface StatusColumn {
  readonly table: string;
  readonly column?: string;
}

/** Reads an aggregate's current status; `PET_AGGREGATE_NOT_FOUND` if there is no such row. */
export async function currentStatus<Status extends string>(
  sql: SqlAccess,
  machine: StateMachine<Status>,
  where: StatusColumn,
  id: string,
): Promise<Status> {
  const row = await requireRow<{ status: Status }>(
    sql,
    machine.aggregate,
    where.table,
    id,
    `${where.column ?? 'status'} AS status`,
  );
  return row.status;
}

/**
 * Moves an aggregate from its current status to `to`, setting `extra` columns too; returns
 * the status it left. Illegal transitions throw `PET_ILLEGAL_TRANSITION` and write nothing.
 */
export async function transition<Status extends string>(
  sql: SqlAccess,
  machine: StateMachine<Status>,
  where: StatusColumn,
  id: string,
  to: Status,
  extra: Readonly<Record<string, string | number | null>> = {},
): Promise<Status> {
  const column = where.column ?? 'status';
  for (;;) {
    const from = await currentStatus(sql, machine, where, id);
    machine.assert(id, from, to);
    const names = Object.keys(extra);
    const sets = [`${column} = $3`, ...names.map((name, i) => `${name} = $${i + 4}`)];
    const changed = await sql.execute(
      `UPDATE ${where.table} SET ${sets.join(', ')} WHERE id = $1 AND ${column} = $2`,
      [id, from, to, ...names.map((name) => extra[name] ?? null)],
    );
    // Another transaction moved it first (PostgreSQL): judge the move from its new status.
    if (changed === 1) return from;
  }
}
