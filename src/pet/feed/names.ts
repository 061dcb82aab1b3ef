/**
 * What the feed knows about the aggregates its events name: names and subjects for the
 * text, and the customer, project and employee a context belongs to, for the scopes.
 *
 * All of it is read from the aggregates' rows, and all of it is fixed when the aggregate is
 * created: no command renames an employee, a customer, a team, a project, a ticket or a
 * lead, or moves a context to another customer. So the text of an item never depends on when
 * the projection ran. (Names stay out of payloads: ids rather than personal data.)
 */
import type { ContextRef } from '../../events/types.js';
import type { SqlAccess } from '../../store/sql-access.js';

/** Where a context belongs. */
export interface Links {
  readonly customer?: string;
  readonly project?: string;
  readonly ticket?: string;
  /** The employee a time entry is of. */
  readonly employee?: string;
}

interface Row {
  readonly label: string;
  readonly links: Links;
}

const LOOKUPS: Readonly<Record<string, string>> = {
  employee: 'SELECT name AS label FROM pet_employees WHERE id = $1',
  customer: 'SELECT name AS label FROM pet_customers WHERE id = $1',
  team: 'SELECT name AS label FROM pet_teams WHERE id = $1',
  project: 'SELECT name AS label, customer_id FROM pet_projects WHERE id = $1',
  ticket: 'SELECT subject AS label, customer_id, project_id FROM pet_tickets WHERE id = $1',
  lead: 'SELECT subject AS label, customer_id FROM pet_leads WHERE id = $1',
  opportunity: `SELECT c.name AS label, o.customer_id FROM pet_opportunities o
    JOIN pet_customers c ON c.id = o.customer_id WHERE o.id = $1`,
  quote: `SELECT c.name AS label, q.customer_id FROM pet_quotes q
    JOIN pet_customers c ON c.id = q.customer_id WHERE q.id = $1`,
  time_entry: `SELECT id AS label, employee_id, project_id, ticket_id FROM pet_time_entries
    WHERE id = $1`,
};

/** Lookups, cached for a run: every fact here is fixed once its row exists. */
export class NameBook {
  readonly #rows = new Map<string, Row>();

  /** The lookups on one transaction's connection. */
  on(sql: SqlAccess): Names {
    return new Names(this, sql);
  }

  async row(sql: SqlAccess, type: string, id: string): Promise<Row> {
    const key = `${type}:${id}`;
    let row = this.#rows.get(key);
    if (row === undefined) {
      row = await this.#read(sql, type, id);
      this.#rows.set(key, row);
    }
    return row;
  }

  async #read(sql: SqlAccess, type: string, id: string): Promise<Row> {
    const lookup = LOOKUPS[type];
    const [found] = lookup === undefined ? [] : await sql.query(lookup, [id]);
    if (found === undefined) return { label: `${type.replaceAll('_', ' ')} ${id}`, links: {} };
    const text = (column: string) => {
      const value = found[column];
      return typeof value === 'string' ? value : undefined;
    };
    const links: Record<string, string> = {};
    for (const [link, column] of [
      ['customer', 'customer_id'],
      ['project', 'project_id'],
      ['ticket', 'ticket_id'],
      ['employee', 'employee_id'],
    ] as const) {
      const value = text(column);
      if (value !== undefined) links[link] = value;
    }
    return { label: text('label') ?? id, links };
  }
}

/** The lookups renderers and scopes use. */
export class Names {
  constructor(
    private readonly book: NameBook,
    private readonly sql: SqlAccess,
  ) {}

  async #label(type: string, id: string): Promise<string> {
    return (await this.book.row(this.sql, type, id)).label;
  }

  employee = (id: string) => this.#label('employee', id);
  customer = (id: string | undefined) =>
    id === undefined ? Promise.resolve('an unknown customer') : this.#label('customer', id);
  team = (id: string) => this.#label('team', id);
  project = (id: string) => this.#label('project', id);
  ticket = (id: string) => this.#label('ticket', id);
  lead = (id: string) => this.#label('lead', id);

  /** `with Acme`: an opportunity by its customer. */
  opportunity = async (id: string) => `with ${await this.#label('opportunity', id)}`;

  /** Where a context belongs: its customer, project, ticket or employee. */
  links = async (context: ContextRef): Promise<Links> =>
    (await this.book.row(this.sql, context.type, context.id)).links;

  /** The customer a context belongs to. */
  customerOf = async (context: ContextRef): Promise<string | undefined> =>
    (await this.links(context)).customer;

  /** The employee a time entry is of. */
  entryEmployee = async (id: string): Promise<string> =>
    (await this.links({ type: 'time_entry', id })).employee ?? id;

  /** `project Apollo` or `ticket “Printer on fire”`: what time was logged on. */
  workTarget = async (work: {
    readonly project_id?: string;
    readonly ticket_id?: string;
  }): Promise<string> => {
    if (work.ticket_id !== undefined) return `ticket “${await this.ticket(work.ticket_id)}”`;
    if (work.project_id !== undefined) return `project ${await this.project(work.project_id)}`;
    return 'internal work';
  };
}
