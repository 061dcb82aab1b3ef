/**
 * Quote commands. Accepting a quote creates its project in the same unit of work.
 */
import { CommandInvalidError } from '../../events/errors.js';
import type { CommandRunner } from '../command.js';
import { defined, id, type CommandOptions } from '../command.js';
import { createProject } from '../project/commands.js';
import { assertNew, requireRow } from '../rows.js';
import { transition } from '../state-machine.js';
import { QuoteAcceptedV1, QuoteCreatedV1, QuoteRejectedV1, QuoteSentV1 } from './contracts.js';
import { quoteMachine } from './machine.js';

export interface CreateQuote {
  readonly id: string;
  readonly customerId: string;
  readonly opportunityId?: string;
  /** Default 1; a revised offer is a new quote with the next version. */
  readonly version?: number;
  readonly currency: string;
  readonly sellTotalMinor: number;
  readonly costTotalMinor: number;
  /** A calendar date (`2026-12-31`). */
  readonly validUntil: string;
  readonly soldMinutes: number;
}

export interface AcceptQuote {
  readonly id: string;
  /** The project the acceptance creates. */
  readonly projectId: string;
  /** Default: `Project for quote <id>`. */
  readonly projectName?: string;
}

interface QuoteRow {
  customer_id: string;
  version: number;
  currency: string;
  sell_total_minor: number | string;
  cost_total_minor: number | string;
  valid_until: string;
  sold_minutes: number;
}

const TABLE = { table: 'pet_quotes' };

export class QuoteCommands {
  constructor(private readonly commands: CommandRunner) {}

  /** Drafts a quote. */
  create(options: CommandOptions, input: CreateQuote) {
    return this.commands.run('quote.create', options, input, async (scope) => {
      const quoteId = id('quote.create', 'id', input.id);
      await assertNew(scope.sql, 'quote', TABLE.table, quoteId);
      await requireRow(scope.sql, 'customer', 'pet_customers', input.customerId, 'id');
      if (input.opportunityId !== undefined) {
        await requireRow(scope.sql, 'opportunity', 'pet_opportunities', input.opportunityId, 'id');
      }
      const version = input.version ?? 1;
      const context = { type: 'quote', id: quoteId };
      scope.record(
        QuoteCreatedV1,
        context,
        defined({
          customer_id: input.customerId,
          opportunity_id: input.opportunityId,
          version,
          currency: input.currency,
          sell_total_minor: input.sellTotalMinor,
          cost_total_minor: input.costTotalMinor,
          valid_until: input.validUntil,
          sold_minutes: input.soldMinutes,
        }),
      );
      await scope.registerContext(context);
      await scope.sql.execute(
        `INSERT INTO pet_quotes (id, customer_id, opportunity_id, version, currency,
           sell_total_minor, cost_total_minor, valid_until, sold_minutes, status, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'draft', $10)`,
        [
          quoteId,
          input.customerId,
          input.opportunityId ?? null,
          version,
          input.currency,
          input.sellTotalMinor,
          input.costTotalMinor,
          input.validUntil,
          input.soldMinutes,
          scope.at,
        ],
      );
      return { id: quoteId };
    });
  }

  /** Sends a drafted quote (once: a sent quote is never re-sent). */
  send(options: CommandOptions, input: { readonly id: string }) {
    return this.commands.run('quote.send', options, input, async (scope) => {
      const from = await transition(scope.sql, quoteMachine, TABLE, input.id, 'sent', {
        sent_at: scope.at,
      });
      const quote = await quoteRow(scope.sql, input.id);
      scope.record(
        QuoteSentV1,
        { type: 'quote', id: input.id },
        {
          from_status: from,
          to_status: 'sent',
          version: Number(quote.version),
          ...totals(quote),
          valid_until: quote.valid_until,
        },
      );
    });
  }

  /**
   * Accepts a sent quote and creates its project with the sold minutes: `quote.accepted`, then
   * `project.created` caused by it. Acceptance is final; of two racing acceptances one wins,
   * the other is refused.
   */
  accept(options: CommandOptions, input: AcceptQuote) {
    return this.commands.run('quote.accept', options, input, async (scope) => {
      if (scope.principal.kind !== 'employee') {
        throw new CommandInvalidError(
          'quote.accept',
          'principal',
          'must be the employee who records the acceptance',
        );
      }
      const from = await transition(scope.sql, quoteMachine, TABLE, input.id, 'accepted', {
        decided_at: scope.at,
        project_id: input.projectId,
      });
      const quote = await quoteRow(scope.sql, input.id);
      const accepted = scope.record(
        QuoteAcceptedV1,
        { type: 'quote', id: input.id },
        {
          from_status: from,
          to_status: 'accepted',
          accepted_by: scope.principal.employeeId,
          ...totals(quote),
        },
      );
      await createProject(
        scope,
        {
          id: input.projectId,
          customerId: quote.customer_id,
          name: input.projectName ?? `Project for quote ${input.id}`,
          soldMinutes: Number(quote.sold_minutes),
          quoteId: input.id,
        },
        accepted.id,
      );
      return { projectId: input.projectId };
    });
  }

  /** Rejects a sent quote, for a reason. */
  reject(options: CommandOptions, input: { readonly id: string; readonly reason: string }) {
    return this.commands.run('quote.reject', options, input, async (scope) => {
      const from = await transition(scope.sql, quoteMachine, TABLE, input.id, 'rejected', {
        decided_at: scope.at,
      });
      scope.record(
        QuoteRejectedV1,
        { type: 'quote', id: input.id },
        { from_status: from, to_status: 'rejected', reason: input.reason },
      );
    });
  }
}

function quoteRow(sql: Parameters<typeof requireRow>[0], quoteId: string): Promise<QuoteRow> {
  return requireRow<QuoteRow & Record<string, unknown>>(sql, 'quote', TABLE.table, quoteId);
}

function totals(quote: QuoteRow) {
  return {
    currency: quote.currency,
    sell_total_minor: Number(quote.sell_total_minor),
    cost_total_minor: Number(quote.cost_total_minor),
  };
}
