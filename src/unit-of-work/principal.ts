/**
 * Who a unit of work runs for. Every event it emits records this principal as its actor:
 * an employee, or the system (a null actor). Callers cannot name another actor.
 */

export type Principal =
  | { readonly kind: 'employee'; readonly employeeId: string }
  | { readonly kind: 'system'; readonly name: string };

/** An employee principal. */
export function employeePrincipal(employeeId: string): Principal {
  return { kind: 'employee', employeeId };
}

/** A system principal (an integration, a scheduler such as the SLA evaluator). */
export function systemPrincipal(name: string): Principal {
  return { kind: 'system', name };
}

/** `employee:E-1`, `system:sla-evaluator`: how a principal scopes idempotency keys. */
export function principalKey(principal: Principal): string {
  return principal.kind === 'employee'
    ? `employee:${principal.employeeId}`
    : `system:${principal.name}`;
}

/** The actor an event records for a principal. */
export function actorOf(principal: Principal): string | null {
  return principal.kind === 'employee' ? principal.employeeId : null;
}
