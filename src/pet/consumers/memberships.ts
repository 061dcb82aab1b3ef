/**
 * Team memberships as a consumer learns them from team events, for "the teams this person
 * belonged to at the event's occurred_at". Each membership is stamped with the positions of
 * the events that began and ended it, so an event only sees what the log had told before it:
 * a rebuild, or a batch handled again, answers exactly as following the log did.
 */
import type { HandledEvent, HandlerContext, ReadModelTable } from '../../consumers/consumer.js';
import type { SqlAccess } from '../../store/sql-access.js';

interface Membership {
  readonly team: string;
  readonly employee: string;
  readonly from: string;
  readonly addedAt: bigint;
  to: string | null;
  removedAt: bigint | null;
}

type TeamEvent = HandledEvent<Record<string, unknown>>;

/** A consumer's read-model table for memberships, named `table`. */
export function membershipTable(table: string): ReadModelTable {
  return {
    name: table,
    columns: `team_id TEXT NOT NULL, employee_id TEXT NOT NULL, added_position BIGINT NOT NULL,
      from_at TEXT NOT NULL, to_at TEXT, removed_position BIGINT,
      PRIMARY KEY (team_id, employee_id, added_position)`,
    key: ['team_id', 'employee_id', 'added_position'],
  };
}

/** The memberships one run of a consumer knows, kept in its read-model table `table`. */
export class MembershipHistory {
  readonly #memberships: Membership[] = [];
  #loaded = false;

  constructor(
    private readonly table: string,
    /** The run's start: memberships told at or before it are read from the table. */
    private readonly from: bigint,
  ) {}

  /** Reads what earlier runs learned, once (nothing when the run starts at the beginning). */
  async load(sql: SqlAccess): Promise<void> {
    if (this.#loaded) return;
    this.#loaded = true;
    if (this.from === 0n) return;
    const rows = await sql.query<{
      team_id: string;
      employee_id: string;
      added_position: string | number;
      from_at: string;
      to_at: string | null;
      removed_position: string | number | null;
    }>(`SELECT * FROM ${this.table}`);
    for (const row of rows) {
      this.#memberships.push({
        team: row.team_id,
        employee: row.employee_id,
        addedAt: BigInt(row.added_position),
        from: row.from_at,
        to: row.to_at,
        removedAt: row.removed_position === null ? null : BigInt(row.removed_position),
      });
    }
  }

  /** Learns from `team.member_added` and `team.member_removed`; other events pass. */
  async record(event: TeamEvent, sql: SqlAccess, defer: HandlerContext['defer']): Promise<void> {
    if (event.eventType !== 'team.member_added' && event.eventType !== 'team.member_removed') {
      return;
    }
    await this.load(sql);
    const team = event.context.id;
    const employee = String(event.payload.employee_id);
    if (event.eventType === 'team.member_added') {
      if (!this.#memberships.some((m) => m.addedAt === event.position)) {
        this.#memberships.push({
          team,
          employee,
          from: event.occurredAt,
          addedAt: event.position,
          to: null,
          removedAt: null,
        });
      }
      defer(
        `INSERT INTO ${this.table} (team_id, employee_id, added_position, from_at, to_at,
          removed_position) VALUES ($1, $2, $3, $4, NULL, NULL)
          ON CONFLICT (team_id, employee_id, added_position) DO NOTHING`,
        [team, employee, event.position, event.occurredAt],
      );
      return;
    }
    // The latest membership of the employee in the team that began before this removal.
    const open = this.#memberships
      .filter((m) => m.team === team && m.employee === employee && m.addedAt < event.position)
      .sort((a, b) => (a.addedAt < b.addedAt ? 1 : -1))[0];
    if (open === undefined) return;
    open.to = event.occurredAt;
    open.removedAt = event.position;
    defer(
      `UPDATE ${this.table} SET to_at = $4, removed_position = $5
        WHERE team_id = $1 AND employee_id = $2 AND added_position = $3`,
      [team, employee, open.addedAt, event.occurredAt, event.position],
    );
  }

  /** The teams `employee` was in at the event's occurred_at, as the log told before it. */
  async teamsAt(employee: string, event: TeamEvent, sql: SqlAccess): Promise<string[]> {
    await this.load(sql);
    const teams = new Set<string>();
    for (const m of this.#memberships) {
      if (m.employee !== employee || m.addedAt >= event.position || m.from > event.occurredAt) {
        continue;
      }
      const ended = m.removedAt !== null && m.removedAt < event.position && m.to !== null;
      if (!ended || (m.to as string) > event.occurredAt) teams.add(m.team);
    }
    return [...teams].sort();
  }
}
