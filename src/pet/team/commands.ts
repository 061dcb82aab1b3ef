/**
 * Team commands: creation and membership over time.
 */
import type { SqlAccess } from '../../store/sql-access.js';
import type { CommandRunner } from '../command.js';
import { defined, id, type CommandOptions } from '../command.js';
import { assertNew, requireRow } from '../rows.js';
import type { MEMBERSHIP_ROLES } from './contracts.js';
import { TeamCreatedV1, TeamMemberAddedV1, TeamMemberRemovedV1 } from './contracts.js';
import { membershipMachine } from './machine.js';

export type MembershipRole = (typeof MEMBERSHIP_ROLES)[number];

export interface CreateTeam {
  readonly id: string;
  readonly name: string;
  readonly managerId: string;
  readonly parentTeamId?: string;
}

export interface Membership {
  readonly teamId: string;
  readonly employeeId: string;
}

export class TeamCommands {
  constructor(private readonly commands: CommandRunner) {}

  /** Creates a team under a manager. */
  create(options: CommandOptions, input: CreateTeam) {
    return this.commands.run('team.create', options, input, async (scope) => {
      const teamId = id('team.create', 'id', input.id);
      await assertNew(scope.sql, 'team', 'pet_teams', teamId);
      await requireRow(scope.sql, 'employee', 'pet_employees', input.managerId, 'id');
      if (input.parentTeamId !== undefined) {
        await requireRow(scope.sql, 'team', 'pet_teams', input.parentTeamId, 'id');
      }
      const context = { type: 'team', id: teamId };
      scope.record(
        TeamCreatedV1,
        context,
        defined({
          name: input.name,
          manager_id: input.managerId,
          parent_team_id: input.parentTeamId,
        }),
      );
      await scope.registerContext(context);
      await scope.sql.execute(
        'INSERT INTO pet_teams (id, name, parent_team_id, manager_id, created_at) VALUES ($1, $2, $3, $4, $5)',
        [teamId, input.name, input.parentTeamId ?? null, input.managerId, scope.at],
      );
      return { id: teamId };
    });
  }

  /** Adds an employee to a team, as a member or its lead. */
  addMember(options: CommandOptions, input: Membership & { readonly role?: MembershipRole }) {
    return this.commands.run('team.add_member', options, input, async (scope) => {
      await requireRow(scope.sql, 'team', 'pet_teams', input.teamId, 'id');
      await requireRow(scope.sql, 'employee', 'pet_employees', input.employeeId, 'id');
      const current = await currentMembership(scope.sql, input);
      membershipMachine.assert(membershipId(input), current ? 'member' : 'outside', 'member');
      const role = input.role ?? 'member';
      scope.record(
        TeamMemberAddedV1,
        { type: 'team', id: input.teamId },
        { employee_id: input.employeeId, role },
      );
      await scope.sql.execute(
        'INSERT INTO pet_team_memberships (team_id, employee_id, role, joined_at) VALUES ($1, $2, $3, $4)',
        [input.teamId, input.employeeId, role, scope.at],
      );
    });
  }

  /** Removes an employee from a team; the membership stays on record with its dates. */
  removeMember(options: CommandOptions, input: Membership) {
    return this.commands.run('team.remove_member', options, input, async (scope) => {
      await requireRow(scope.sql, 'team', 'pet_teams', input.teamId, 'id');
      const current = await currentMembership(scope.sql, input);
      membershipMachine.assert(membershipId(input), current ? 'member' : 'outside', 'outside');
      scope.record(
        TeamMemberRemovedV1,
        { type: 'team', id: input.teamId },
        { employee_id: input.employeeId, role: current?.role ?? 'member' },
      );
      const changed = await scope.sql.execute(
        `UPDATE pet_team_memberships SET left_at = $3
         WHERE team_id = $1 AND employee_id = $2 AND left_at IS NULL`,
        [input.teamId, input.employeeId, scope.at],
      );
      // Removed meanwhile by a racing command: this removal has nothing left to remove.
      if (changed !== 1) membershipMachine.assert(membershipId(input), 'outside', 'outside');
    });
  }
}

const membershipId = (m: Membership) => `${m.teamId}/${m.employeeId}`;

async function currentMembership(
  sql: SqlAccess,
  membership: Membership,
): Promise<{ role: MembershipRole } | undefined> {
  const rows = await sql.query<{ role: MembershipRole }>(
    'SELECT role FROM pet_team_memberships WHERE team_id = $1 AND employee_id = $2 AND left_at IS NULL',
    [membership.teamId, membership.employeeId],
  );
  return rows[0];
}

/** The teams an employee was a member of at an instant (memberships over time). */
export async function teamsAt(sql: SqlAccess, employeeId: string, at: string): Promise<string[]> {
  const rows = await sql.query<{ team_id: string }>(
    `SELECT team_id FROM pet_team_memberships
     WHERE employee_id = $1 AND joined_at <= $2 AND (left_at IS NULL OR left_at > $2)
     ORDER BY team_id`,
    [employeeId, at],
  );
  return rows.map((row) => row.team_id);
}
