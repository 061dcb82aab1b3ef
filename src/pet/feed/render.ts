/**
 * How each `(event_type, schema_version)` reads in the feed: a headline and a detail line in
 * plain text, rendered from that version's own payload and names looked up by id. The table
 * is typed from the contracts: leaving a version out is a compile error.
 */
import type { HandledEvent, VersionKey } from '../../consumers/consumer.js';
import type { PayloadOf } from '../../registry/contract.js';
import type { PET_CONTRACTS } from '../catalogue.js';
import { clock, code, duration, instant, money } from '../format.js';
import type { Names } from './names.js';

/** An item's text. */
export interface Rendering {
  readonly headline: string;
  readonly detail: string;
}

/** Renders one event of one version. */
export type Renderer<Payload> = (
  event: HandledEvent<Payload>,
  names: Names,
  actor: string,
) => Promise<Rendering>;

type Renderers = {
  [Contract in (typeof PET_CONTRACTS)[number] as VersionKey<Contract>]: Renderer<
    PayloadOf<Contract>
  >;
};

const join = (...parts: (string | undefined | false)[]): string =>
  parts.filter((part): part is string => typeof part === 'string' && part !== '').join(' · ');

const quoted = (text: string): string => `“${text}”`;

/** `gold`, `in person`: a code as words. */
const status = (from: string, to: string): string => `${code(from)} → ${code(to)}`;

export const RENDERERS: Renderers = {
  'customer.created@1': ({ payload }, _names, actor) =>
    Promise.resolve({
      headline: `${actor} added customer ${payload.name}`,
      detail: join(payload.legal_name && `Legal name ${payload.legal_name}`),
    }),
  'customer.archived@1': async ({ context }, names, actor) => ({
    headline: `${actor} archived customer ${await names.customer(context.id)}`,
    detail: '',
  }),
  'employee.hired@1': async ({ payload, context }, names, actor) => ({
    headline: `${actor} hired ${await names.employee(context.id)} as ${payload.role}`,
    detail: join(payload.manager_id && `Reports to ${await names.employee(payload.manager_id)}`),
  }),
  'employee.left@1': async ({ context }, names, actor) => ({
    headline: `${await names.employee(context.id)} left the firm`,
    detail: join(`Recorded by ${actor}`),
  }),
  'team.created@1': async ({ payload }, names, actor) => ({
    headline: `${actor} created team ${payload.name}`,
    detail: join(
      `Managed by ${await names.employee(payload.manager_id)}`,
      payload.parent_team_id && `Part of ${await names.team(payload.parent_team_id)}`,
    ),
  }),
  'team.member_added@1': async ({ payload, context }, names, actor) => ({
    headline: `${await names.employee(payload.employee_id)} joined team ${await names.team(context.id)} as ${payload.role}`,
    detail: join(`Added by ${actor}`),
  }),
  'team.member_removed@1': async ({ payload, context }, names, actor) => ({
    headline: `${await names.employee(payload.employee_id)} left team ${await names.team(context.id)}`,
    detail: join(`Was ${payload.role}`, `Removed by ${actor}`),
  }),
  'lead.created@1': async ({ payload }, names, actor) => ({
    headline: `${actor} logged lead ${quoted(payload.subject)} from ${code(payload.source)}`,
    detail: join(
      payload.customer_id && `Customer ${await names.customer(payload.customer_id)}`,
      payload.estimated_value_minor !== undefined &&
        payload.currency !== undefined &&
        `Estimated ${money(payload.estimated_value_minor, payload.currency)}`,
    ),
  }),
  'lead.qualified@1': async ({ payload, context }, names, actor) => ({
    headline: `${actor} qualified lead ${quoted(await names.lead(context.id))}`,
    detail: status(payload.from_status, payload.to_status),
  }),
  'lead.disqualified@1': async ({ payload, context }, names, actor) => ({
    headline: `${actor} disqualified lead ${quoted(await names.lead(context.id))}`,
    detail: join(`Reason: ${payload.reason}`),
  }),
  'lead.converted@1': async ({ payload, context }, names, actor) => ({
    headline: `${actor} converted lead ${quoted(await names.lead(context.id))} into an opportunity`,
    detail: join(`Opportunity ${await names.opportunity(payload.opportunity_id)}`),
  }),
  'opportunity.created@1': async ({ payload }, names, actor) => ({
    headline: `${actor} opened an opportunity with ${await names.customer(payload.customer_id)}`,
    detail: join(
      `Owner ${await names.employee(payload.owner_id)}`,
      `Estimated ${money(payload.estimated_value_minor, payload.currency)}`,
      payload.lead_id && `From lead ${quoted(await names.lead(payload.lead_id))}`,
    ),
  }),
  'opportunity.classified@1': async ({ payload, context }, names, actor) => ({
    headline: `${actor} classified the opportunity ${await names.opportunity(context.id)} as ${payload.class}`,
    detail: payload.previous_class
      ? `Previously ${payload.previous_class}`
      : 'First classification',
  }),
  'opportunity.won@1': async ({ context }, names, actor) => ({
    headline: `${actor} won the opportunity ${await names.opportunity(context.id)}`,
    detail: '',
  }),
  'opportunity.lost@1': async ({ payload, context }, names, actor) => ({
    headline: `${actor} lost the opportunity ${await names.opportunity(context.id)}`,
    detail: join(`Reason: ${payload.reason}`),
  }),
  'quote.created@1': async ({ payload }, names, actor) => ({
    headline: `${actor} drafted quote v${payload.version} for ${await names.customer(payload.customer_id)}`,
    detail: join(
      `Sell ${money(payload.sell_total_minor, payload.currency)}`,
      `cost ${money(payload.cost_total_minor, payload.currency)}`,
      `${duration(payload.sold_minutes)} of work`,
      `valid until ${payload.valid_until}`,
    ),
  }),
  'quote.sent@1': async ({ payload, context }, names, actor) => ({
    headline: `${actor} sent quote v${payload.version} to ${await names.customer(await names.customerOf(context))}`,
    detail: join(
      `Sell ${money(payload.sell_total_minor, payload.currency)}`,
      `valid until ${payload.valid_until}`,
    ),
  }),
  'quote.accepted@1': async ({ payload, context }, names) => ({
    headline: `${await names.customer(await names.customerOf(context))} accepted the quote`,
    detail: join(
      `Sell ${money(payload.sell_total_minor, payload.currency)}`,
      `accepted by ${await names.employee(payload.accepted_by)}`,
    ),
  }),
  'quote.rejected@1': async ({ payload, context }, names, actor) => ({
    headline: `${actor} recorded that ${await names.customer(await names.customerOf(context))} rejected the quote`,
    detail: join(`Reason: ${payload.reason}`),
  }),
  'project.created@1': async ({ payload }, names, actor) => ({
    headline: `${actor} started project ${payload.name} for ${await names.customer(payload.customer_id)}`,
    detail: join(
      `${duration(payload.sold_minutes)} sold`,
      payload.quote_id !== undefined && 'from an accepted quote',
    ),
  }),
  'project.variance_detected@1': async ({ payload, context }, names) => ({
    headline: `Project ${await names.project(context.id)} went over its sold time`,
    detail: `${duration(payload.logged_minutes)} logged of ${duration(payload.sold_minutes)} sold`,
  }),
  'project.completed@1': async ({ context }, names, actor) => ({
    headline: `${actor} completed project ${await names.project(context.id)}`,
    detail: '',
  }),
  'time_entry.submitted@1': async ({ payload }, names, actor) => ({
    headline: `${actor} logged ${duration(payload.minutes)} on ${await names.workTarget(payload)}`,
    detail: entryLine(payload),
  }),
  'time_entry.locked@1': async ({ context }, names, actor) => ({
    headline: `${actor} locked a time entry of ${await names.employee(await names.entryEmployee(context.id))}`,
    detail: '',
  }),
  'time_entry.corrected@1': async ({ payload }, names, actor) => ({
    headline: `${actor} corrected a time entry on ${await names.workTarget(payload)}: ${duration(payload.original_minutes)} → ${duration(payload.minutes)}`,
    detail: entryLine(payload),
  }),
  'ticket.created@1': async ({ payload, context }, names, actor) => ({
    headline: `${actor} opened ${payload.priority} ticket ${quoted(await names.ticket(context.id))} for ${await names.customer(payload.customer_id)}`,
    detail: join(
      `Response due ${instant(payload.response_due_at)}`,
      `resolution due ${instant(payload.resolution_due_at)}`,
      `SLA v${payload.sla_version}`,
    ),
  }),
  'ticket.assigned@1': async ({ payload, context }, names, actor) => ({
    headline: `${actor} assigned ticket ${quoted(await names.ticket(context.id))} to ${
      payload.employee_id !== undefined
        ? await names.employee(payload.employee_id)
        : `team ${await names.team(payload.team_id ?? '')}`
    }`,
    detail: '',
  }),
  'ticket.status_changed@1': async ({ payload, context }, names, actor) => ({
    headline: `${actor} moved ticket ${quoted(await names.ticket(context.id))} to ${code(payload.to_status)}`,
    detail: status(payload.from_status, payload.to_status),
  }),
  'ticket.resolved@1': async ({ payload, context }, names, actor) => ({
    headline: `${actor} resolved ticket ${quoted(await names.ticket(context.id))}`,
    detail: status(payload.from_status, payload.to_status),
  }),
  'ticket.closed@1': async ({ payload, context }, names, actor) => ({
    headline: `${actor} closed ticket ${quoted(await names.ticket(context.id))}`,
    detail: status(payload.from_status, payload.to_status),
  }),
  'ticket.escalated@1': async ({ payload, context }, names, actor) => ({
    headline: `Ticket ${quoted(await names.ticket(context.id))} escalated to stage ${payload.stage}`,
    detail: join(`From stage ${payload.previous_stage}`, `by ${actor}`),
  }),
  'sla.warning@1': async ({ payload, context }, names) => ({
    headline: `Ticket ${quoted(await names.ticket(context.id))} is nearing its ${payload.kind} target`,
    detail: join(
      `${duration(payload.elapsed_minutes)} of ${duration(payload.target_minutes)} used`,
      payload.due_at !== undefined && `due ${instant(payload.due_at)}`,
      `SLA v${payload.sla_version}`,
    ),
  }),
  'sla.breached@1': async ({ payload, context }, names) => ({
    headline: `Ticket ${quoted(await names.ticket(context.id))} breached its ${payload.kind} target`,
    detail: join(
      `Due ${instant(payload.due_at)}`,
      `target ${duration(payload.target_minutes)}`,
      `SLA v${payload.sla_version}`,
    ),
  }),
};

/** `09:00–10:30 UTC, billable, project work`: one time entry in a line. */
export function entryLine(entry: {
  readonly started_at: string;
  readonly ended_at: string;
  readonly minutes: number;
  readonly billable: boolean;
  readonly work_type: string;
}): string {
  return join(
    `${entry.started_at.slice(0, 10)} ${clock(entry.started_at)}–${clock(entry.ended_at)} UTC`,
    duration(entry.minutes),
    entry.billable ? 'billable' : 'not billable',
    `${entry.work_type} work`,
  );
}
