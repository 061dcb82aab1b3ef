/**
 * A context's audited history, reconstructed from its events alone: who did what, when, and
 * the state before and after each fact, folded event by event in context-version order. Each
 * status transition is cross-checked: its `from_status` must be the folded status, and the
 * aggregate's state machine must allow it; a mismatch is a finding, never silently repaired.
 */
import { AuditQueryInvalidError } from '../../events/errors.js';
import { normaliseInstant } from '../../events/instant.js';
import type { ContextRef, JsonObject, JsonValue, RecordedEvent } from '../../events/types.js';
import type { EventStore } from '../../store/event-store.js';
import { customerMachine } from '../customer/machine.js';
import { employeeMachine } from '../employee/machine.js';
import { leadMachine } from '../lead/machine.js';
import { opportunityMachine } from '../opportunity/machine.js';
import { projectMachine } from '../project/machine.js';
import { quoteMachine } from '../quote/machine.js';
import type { StateMachine } from '../state-machine.js';
import { ticketMachine } from '../ticket/machine.js';
import { timeEntryMachine } from '../time-entry/machine.js';

/** The state machine of each context type that has a status. */
const MACHINES: Readonly<Record<string, StateMachine<string>>> = {
  customer: customerMachine,
  employee: employeeMachine,
  lead: leadMachine,
  opportunity: opportunityMachine,
  quote: quoteMachine,
  project: projectMachine,
  time_entry: timeEntryMachine,
  ticket: ticketMachine,
};

/** A context's state as its events tell it: its status and the facts they recorded. */
export type AuditState = Readonly<Record<string, JsonValue>>;

/** Something in a history that does not add up. */
export interface AuditFinding {
  readonly position: string;
  readonly eventId: string;
  readonly problem: string;
}

/** One fact of the history. */
export interface AuditEntry {
  readonly contextVersion: number;
  readonly position: string;
  readonly eventId: string;
  readonly occurredAt: string;
  readonly recordedAt: string;
  readonly actor: { readonly id: string; readonly name: string | null } | null;
  readonly eventType: string;
  readonly schemaVersion: number;
  readonly payload: JsonObject;
  readonly before: AuditState;
  readonly after: AuditState;
}

/** A context's history, and its state at the end (or as of `at`). */
export interface AuditHistory {
  readonly context: ContextRef;
  /** The instant the history stops at, if one was asked for. */
  readonly at: string | null;
  readonly entries: readonly AuditEntry[];
  readonly state: AuditState;
  readonly findings: readonly AuditFinding[];
}

const TRANSITION = new Set(['from_status', 'to_status']);

/** A JSON value as text: strings as they are, anything else as JSON. */
export function showValue(value: JsonValue | undefined): string {
  return typeof value === 'string' ? value : (JSON.stringify(value) ?? '—');
}

/** The state after one event, and what does not add up about it. */
export function foldEvent(
  state: AuditState,
  event: RecordedEvent,
): { state: AuditState; problems: string[] } {
  const machine = MACHINES[event.context.type];
  const problems: string[] = [];
  const next: Record<string, JsonValue> = { ...state };
  const { payload } = event;
  if (event.contextVersion === 1 && machine !== undefined && state.status === undefined) {
    next.status = machine.statuses[0] as string;
  }
  const from = payload.from_status;
  const to = payload.to_status;
  if (typeof to === 'string') {
    const before = next.status;
    if (typeof from === 'string' && before !== undefined && from !== before) {
      problems.push(`from_status is ${from}, but the events before it leave ${showValue(before)}`);
    }
    if (machine !== undefined && typeof before === 'string' && !machine.allows(before, to)) {
      problems.push(`${before} → ${to} is not a transition of ${machine.aggregate}`);
    }
    next.status = to;
  }
  if (event.eventType === 'team.member_added' || event.eventType === 'team.member_removed') {
    const members = new Set(Array.isArray(state.members) ? (state.members as string[]) : []);
    const employee = showValue(payload.employee_id);
    if (event.eventType === 'team.member_added') members.add(employee);
    else members.delete(employee);
    next.members = [...members].sort();
  } else if (event.eventType === 'sla.warning' || event.eventType === 'sla.breached') {
    next[`sla_${showValue(payload.kind)}`] =
      event.eventType === 'sla.warning' ? 'warning' : 'breached';
  } else {
    for (const [field, value] of Object.entries(payload)) {
      if (!TRANSITION.has(field)) next[field] = value;
    }
  }
  return { state: next, problems };
}

/**
 * Every event of a context in context-version order, with the state before and after each,
 * and the findings; with `at`, only the events that occurred at or before that instant.
 */
export async function auditHistory(
  store: EventStore,
  context: ContextRef,
  options: { readonly at?: string } = {},
): Promise<AuditHistory> {
  const at = options.at === undefined ? null : (normaliseInstant(options.at) ?? null);
  if (options.at !== undefined && at === null) {
    throw new AuditQueryInvalidError(
      'at',
      `must be an RFC 3339 instant, got ${JSON.stringify(options.at)}`,
    );
  }
  const [registered] = await store.query(
    'SELECT 1 AS found FROM contexts WHERE context_type = $1 AND context_id = $2',
    [context.type, context.id],
  );
  if (registered === undefined) {
    throw new AuditQueryInvalidError(
      'context',
      `${context.type}/${context.id} is not a registered context`,
    );
  }
  const events: RecordedEvent[] = [];
  for (let afterVersion = 0; ;) {
    const page = await store.readContext(context, { afterVersion, limit: 1000 });
    events.push(...page);
    const last = page.at(-1);
    if (last === undefined || page.length < 1000) break;
    afterVersion = last.contextVersion;
  }
  const names = await actorNames(store, events);
  const entries: AuditEntry[] = [];
  const findings: AuditFinding[] = [];
  let state: AuditState = {};
  for (const event of events) {
    if (at !== null && event.occurredAt > at) continue;
    const folded = foldEvent(state, event);
    for (const problem of folded.problems) {
      findings.push({ position: event.position.toString(), eventId: event.id, problem });
    }
    entries.push({
      contextVersion: event.contextVersion,
      position: event.position.toString(),
      eventId: event.id,
      occurredAt: event.occurredAt,
      recordedAt: event.recordedAt,
      actor:
        event.actorEmployeeId === null
          ? null
          : { id: event.actorEmployeeId, name: names.get(event.actorEmployeeId) ?? null },
      eventType: event.eventType,
      schemaVersion: event.schemaVersion,
      payload: event.payload,
      before: state,
      after: folded.state,
    });
    state = folded.state;
  }
  return { context, at, entries, state, findings };
}

async function actorNames(
  store: EventStore,
  events: readonly RecordedEvent[],
): Promise<Map<string, string>> {
  const ids = [
    ...new Set(events.flatMap((e) => (e.actorEmployeeId === null ? [] : [e.actorEmployeeId]))),
  ];
  if (ids.length === 0) return new Map();
  const rows = await store.query<{ id: string; name: string }>(
    `SELECT id, name FROM pet_employees WHERE id IN (${ids.map((_, i) => `$${i + 1}`).join(', ')})`,
    ids,
  );
  return new Map(rows.map((row) => [row.id, row.name]));
}
