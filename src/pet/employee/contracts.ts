/**
 * Event contracts of the employee aggregate. Names and emails stay in the employee's row:
 * payloads carry ids and codes, not personal data.
 */
import { Code, defineContract, Payload, Reference } from '../../registry/contract.js';
import { Type } from '@sinclair/typebox';

export const EMPLOYEE_STATUSES = ['active', 'inactive'] as const;
export const EMPLOYEE_ROLES = [
  'admin',
  'executive',
  'manager',
  'sales',
  'delivery',
  'support',
  'member',
] as const;

/** An employee joined the firm, in a role, possibly under a manager. */
export const EmployeeHiredV1 = defineContract({
  eventType: 'employee.hired',
  schemaVersion: 1,
  schema: Payload({
    role: Code(...EMPLOYEE_ROLES),
    manager_id: Type.Optional(Reference('employee')),
  }),
});

/** An employee left the firm. */
export const EmployeeLeftV1 = defineContract({
  eventType: 'employee.left',
  schemaVersion: 1,
  schema: Payload({
    from_status: Code(...EMPLOYEE_STATUSES),
    to_status: Code(...EMPLOYEE_STATUSES),
  }),
});
