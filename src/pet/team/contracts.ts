/**
 * Event contracts of the team aggregate: creation and membership over time.
 */
import { Type } from '@sinclair/typebox';
import { Code, defineContract, Payload, Reference } from '../../registry/contract.js';

export const MEMBERSHIP_ROLES = ['member', 'lead'] as const;

/** A team was created under a manager, possibly inside a parent team. */
export const TeamCreatedV1 = defineContract({
  eventType: 'team.created',
  schemaVersion: 1,
  schema: Payload({
    name: Type.String({ minLength: 1, maxLength: 200 }),
    manager_id: Reference('employee'),
    parent_team_id: Type.Optional(Reference('team')),
  }),
});

/** An employee joined a team, as a member or its lead. */
export const TeamMemberAddedV1 = defineContract({
  eventType: 'team.member_added',
  schemaVersion: 1,
  schema: Payload({
    employee_id: Reference('employee'),
    role: Code(...MEMBERSHIP_ROLES),
  }),
});

/** An employee left a team. */
export const TeamMemberRemovedV1 = defineContract({
  eventType: 'team.member_removed',
  schemaVersion: 1,
  schema: Payload({
    employee_id: Reference('employee'),
    role: Code(...MEMBERSHIP_ROLES),
  }),
});
