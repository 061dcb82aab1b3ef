/**
 * `pet-events`: the command line. Every command takes `--db URL` (or `PET_DB`), prints JSON
 * with `--json`, and exits non-zero on failure with the error's stable code.
 */
import { Command } from 'commander';
import { DatabaseNotMigratedError } from '../events/errors.js';
import { DEFAULT_DATABASE_URL, openEventStore } from '../store/open-event-store.js';
import type { EventStore } from '../store/event-store.js';
import {
  consumersRebuildCommand,
  consumersStatusCommand,
  consumersVerifyCommand,
} from './commands/consumers.js';
import {
  auditDigestCommand,
  auditExportCommand,
  auditHistoryCommand,
  auditVerifyCommand,
} from './commands/audit.js';
import { DEMO_DEFAULTS, demoCommand } from './commands/demo.js';
import { appendCommand, type AppendOptions } from './commands/append.js';
import { eventsCommand, tailCommand } from './commands/events.js';
import { serveCommand } from './commands/serve.js';
import { tokensCreateCommand, tokensListCommand, tokensRevokeCommand } from './commands/tokens.js';
import { feedCommand } from './commands/feed.js';
import {
  kpiDefineCommand,
  kpiExplainCommand,
  kpiListCommand,
  kpiShowCommand,
  type KpiQueryOptions,
} from './commands/kpi.js';
import { migrateCommand } from './commands/migrate.js';
import {
  schemasCheckCommand,
  schemasDeprecateCommand,
  schemasExportCommand,
  schemasListCommand,
  schemasShowCommand,
} from './commands/schemas.js';
import { processOutput, reportError, type Output } from './output.js';

/** Builds the program; `main` runs it. Separate so tests can drive it with their own output. */
export function buildProgram(output: Output = processOutput): Command {
  const program = new Command('pet-events')
    .description('PET Events: the append-only, versioned domain event log of PET')
    .option(
      '--db <url>',
      'database: sqlite:PATH or postgres://…',
      process.env.PET_DB ?? DEFAULT_DATABASE_URL,
    )
    .option('--json', 'print JSON', false)
    .showHelpAfterError()
    .configureOutput({
      writeOut: (s) => output.out(s.trimEnd()),
      writeErr: (s) => output.err(s.trimEnd()),
    });

  // Commands that read or write the log need a migrated database; migrate and demo migrate it.
  const withStore =
    <A extends unknown[]>(
      run: (store: EventStore, json: boolean, ...args: A) => Promise<void>,
      options: { migrates?: boolean; bulk?: boolean } = {},
    ) =>
    async (...args: A): Promise<void> => {
      const { db, json } = program.opts<{ db: string; json: boolean }>();
      let store: EventStore | undefined;
      try {
        // A bulk load that can be redone (the demo firm) trades power-loss durability for speed.
        store = openEventStore(db, options.bulk ? { sqliteDurability: 'bulk' } : {});
        if (!options.migrates) {
          const status = await store.migrationStatus();
          if (status.current < status.latest) {
            throw new DatabaseNotMigratedError(status.current, status.latest);
          }
        }
        await run(store, json, ...args);
      } catch (error) {
        process.exitCode = reportError(output, error, json);
      } finally {
        await store?.close();
      }
    };

  program
    .command('migrate')
    .description('apply pending schema migrations (running it twice is a no-op)')
    .action(withStore((store, json) => migrateCommand(store, output, json), { migrates: true }));

  program
    .command('demo')
    .description(
      "migrate and build the demo firm through PET's commands (deterministic for a seed); a database that holds a firm is left as it is",
    )
    .option(
      '--scale <n>',
      'divisions: one team of eight and ten customers each, about 5,700 events',
      DEMO_DEFAULTS.scale,
    )
    .option('--seed <n>', 'the seed of every random choice', DEMO_DEFAULTS.seed)
    .option('--end <date>', 'the last simulated day (YYYY-MM-DD)', DEMO_DEFAULTS.end)
    .option('--days <n>', 'simulated days, ending on --end', DEMO_DEFAULTS.days)
    .action(
      withStore(
        (store, json, options: { scale: string; seed: string; end: string; days: string }) =>
          demoCommand(store, output, { ...options, json, progress: process.stderr.isTTY }),
        { migrates: true, bulk: true },
      ),
    );

  const consumers = program
    .command('consumers')
    .description("PET's consumers: where they stand, rebuild, verify");
  consumers
    .command('status')
    .description('each consumer: position, lag in events and seconds, state, last error')
    .action(withStore((store, json) => consumersStatusCommand(store, output, json)));
  consumers
    .command('rebuild <name>')
    .description("clear the consumer's read model and checkpoint, and replay the log into it")
    .action(
      withStore((store, json, name: string) =>
        consumersRebuildCommand(store, output, { name, json, progress: process.stderr.isTTY }),
      ),
    );
  consumers
    .command('verify <name>')
    .description(
      'replay into scratch copies and compare digests with the live read model (exit 1 on a difference)',
    )
    .action(
      withStore((store, json, name: string) =>
        consumersVerifyCommand(store, output, { name, json, progress: process.stderr.isTTY }),
      ),
    );

  const collect = (value: string, previous: string[]) => [...previous, value];
  program
    .command('feed')
    .description('the activity feed as an employee sees it, newest first')
    .requiredOption('--as <employee>', 'the viewer: an employee id or email')
    .option(
      '--scope <scope>',
      'org, me, or TYPE:ID (team, customer, project, ticket, quote, lead, opportunity, employee)',
      'org',
    )
    .option('--since <instant>', 'items that occurred at or after this instant')
    .option('--until <instant>', 'items that occurred before this instant')
    .option('--type <event-type>', 'only this event type (repeatable)', collect, [])
    .option('--severity <severity>', 'only this severity (repeatable)', collect, [])
    .option('--actor <employee>', 'only items this employee (id or email) acted in')
    .option('--limit <n>', 'items per page (1 to 200)', '50')
    .option('--cursor <cursor>', 'the page after the one that printed this cursor')
    .option('--include-archived', 'also items of archived contexts', false)
    .option('--no-catch-up', 'show the feed as it stands, without handling new events first')
    .action(
      withStore(
        (
          store,
          json,
          options: {
            as: string;
            scope: string;
            since?: string;
            until?: string;
            type: string[];
            severity: string[];
            actor?: string;
            limit: string;
            cursor?: string;
            includeArchived: boolean;
            catchUp: boolean;
          },
        ) => feedCommand(store, output, { ...options, json, progress: process.stderr.isTTY }),
      ),
    );

  const kpi = program
    .command('kpi')
    .description('KPIs derived from the events: definitions, values, explanations');
  kpi
    .command('list')
    .description('every registered version of every KPI definition')
    .action(withStore((store, json) => kpiListCommand(store, output, json)));
  const kpiQuery = (command: Command) =>
    command
      .option('--version <n>', 'the definition version (default: the latest)')
      .option(
        '--scope <scope>',
        'organisation, employee:ID, team:ID, customer:ID or project:ID',
        'organisation',
      )
      .option(
        '--window <window>',
        'today, month_to_date, quarter_to_date, year_to_date, rolling_7d, rolling_30d, rolling_90d or all_time',
        'month_to_date',
      )
      .option('--as-of <instant>', 'the instant the window ends at (default: now, printed)')
      .option('--no-catch-up', 'use the KPIs as they stand, without handling new events first');
  type QueryFlags = Omit<KpiQueryOptions, 'json' | 'progress'>;
  kpiQuery(
    kpi
      .command('show <key>')
      .description("a KPI's value for a scope and window, and its judgement"),
  ).action(
    withStore((store, json, key: string, options: QueryFlags) =>
      kpiShowCommand(store, output, key, { ...options, json, progress: process.stderr.isTTY }),
    ),
  );
  kpiQuery(
    kpi
      .command('explain <key>')
      .description('the value, its figures, why it is judged so, and the events that contributed'),
  )
    .option('--limit <n>', 'events listed (1 to 10000)', '100')
    .action(
      withStore((store, json, key: string, options: QueryFlags & { limit: string }) =>
        kpiExplainCommand(store, output, key, { ...options, json, progress: process.stderr.isTTY }),
      ),
    );
  kpi
    .command('define <file>')
    .description(
      'register a new version of a KPI definition (a JSON document), then compute the KPIs again',
    )
    .action(
      withStore((store, json, file: string) =>
        kpiDefineCommand(store, output, file, { json, progress: process.stderr.isTTY }),
      ),
    );

  const audit = program.command('audit').description('audited histories and exports of the log');
  audit
    .command('history <context>')
    .description(
      "a context's events (TYPE/ID) in version order: who, when, what, and the state before and after; exit 1 on a finding",
    )
    .option('--at <instant>', 'the history and state as of this instant')
    .action(
      withStore((store, json, context: string, options: { at?: string }) =>
        auditHistoryCommand(store, output, context, { ...options, json }),
      ),
    );
  audit
    .command('digest')
    .description(
      'seal the log into the audit chain, then print where the chain ends (keep it outside the database)',
    )
    .action(
      withStore((store, json) =>
        auditDigestCommand(store, output, { json, progress: process.stderr.isTTY }),
      ),
    );
  audit
    .command('verify')
    .description(
      'check guards, chain, links, payloads and references (and a digest); exit 1 with the first finding',
    )
    .option('--digest <file>', 'a digest printed by audit digest')
    .option(
      '--threads <n>',
      'stretches of the log checked side by side (default: the cores, at most 4, from 200,000 sealed events)',
    )
    .action(
      withStore((store, json, options: { digest?: string; threads?: string }) =>
        auditVerifyCommand(store, output, { ...options, json, progress: process.stderr.isTTY }),
      ),
    );
  audit
    .command('export')
    .description('events as CloudEvents 1.0 (structured JSON), one per line, in log order')
    .option('--context <context>', "only this context's events (TYPE/ID)")
    .option('--from <position>', 'events after this position', '0')
    .option('--to <position>', 'up to and including the event at this position')
    .option('--source <uri>', 'the CloudEvents source', 'urn:pet-events')
    .action(
      withStore(
        (store, _json, options: { context?: string; from: string; to?: string; source?: string }) =>
          auditExportCommand(store, output, { ...options, progress: process.stderr.isTTY }),
      ),
    );

  program
    .command('events')
    .description('print the log in global order')
    .option('--after <position>', 'start after this position', '0')
    .option('--limit <n>', 'at most this many events (1 to 10000)', '100')
    .action(
      withStore((store, json, options: { after: string; limit: string }) =>
        eventsCommand(store, output, { ...options, json }),
      ),
    );

  const schemas = program.command('schemas').description('the registry of event contracts');
  schemas
    .command('list')
    .description('every registered schema version')
    .action(withStore((store, json) => schemasListCommand(store, output, json)));
  schemas
    .command('show <type>')
    .description("one version's JSON Schema (default: the latest)")
    .option('--version <n>', 'the schema version')
    .action(
      withStore((store, _json, eventType: string, options: { version?: string }) =>
        schemasShowCommand(store, output, eventType, options.version),
      ),
    );
  schemas
    .command('check')
    .description("compare the code's contracts with the registry; exit 1 on any drift")
    .action(withStore((store, json) => schemasCheckCommand(store, output, json)));
  schemas
    .command('export <dir>')
    .description('write one JSON Schema document per registered version')
    .option('--base-uri <uri>', "base of each document's $id (its CloudEvents dataschema)")
    .action(
      withStore((store, _json, directory: string, options: { baseUri?: string }) =>
        schemasExportCommand(store, output, directory, options.baseUri),
      ),
    );
  schemas
    .command('deprecate <type>')
    .description('close a schema version for new events (its events stay readable)')
    .requiredOption('--version <n>', 'the schema version')
    .requiredOption('--reason <text>', 'why it is closed')
    .action(
      withStore((store, _json, eventType: string, options: { version: string; reason: string }) =>
        schemasDeprecateCommand(store, output, eventType, options),
      ),
    );

  program
    .command('tail')
    .description('print new events as they are appended, until interrupted')
    .option('--after <position>', 'start after this position (default: the head of the log)')
    .option('--type <event-type>', 'only this event type (repeatable)', collect, [])
    .action(
      withStore(async (store, json, options: { after?: string; type: string[] }) => {
        const stop = new AbortController();
        const abort = () => stop.abort();
        process.once('SIGINT', abort);
        process.once('SIGTERM', abort);
        try {
          await tailCommand(store, output, { ...options, json }, stop.signal);
        } finally {
          process.off('SIGINT', abort);
          process.off('SIGTERM', abort);
        }
      }),
    );

  program
    .command('append <type>')
    .description(
      'append one event in a unit of work of its own (validated, references resolved, actor from --as)',
    )
    .requiredOption('--version <n>', 'the schema version')
    .requiredOption('--context <context>', 'the primary context, TYPE/ID')
    .requiredOption('--payload <json>', 'the payload: a JSON object, or @FILE')
    .requiredOption('--as <principal>', 'employee:ID or system:NAME (the event records it)')
    .option('--occurred-at <instant>', 'when the fact occurred (default: now)')
    .option('--idempotency-key <key>', 'a retry with the same key writes nothing again')
    .option('--new-context', 'register the context in the same unit of work', false)
    .action(
      withStore((store, json, eventType: string, options: Omit<AppendOptions, 'json'>) =>
        appendCommand(store, output, eventType, { ...options, json }),
      ),
    );

  program
    .command('serve')
    .description(
      'run the HTTP API, the consumers, the audit sealer and the SLA evaluator until SIGTERM',
    )
    .option('--port <n>', 'the port to listen on', process.env.PORT ?? '3000')
    .option('--host <host>', 'the interface to listen on (0.0.0.0: every interface)', 'localhost')
    .option('--demo', 'build the demo firm on first start and print an administrator token', false)
    .option('--log-level <level>', 'fatal, error, warn, info, debug, trace or silent', 'info')
    .action(
      withStore(
        (store, _json, options: { port: string; host: string; demo: boolean; logLevel: string }) =>
          serveCommand(store, output, options),
        { migrates: true },
      ),
    );

  const tokens = program.command('tokens').description('bearer tokens of the HTTP API');
  tokens
    .command('create')
    .description('create a token and print it (once: only its hash is stored)')
    .option('--employee <id>', 'the token acts as this employee, with their role')
    .option('--system <name>', 'the token acts as this system integration')
    .option('--auditor', 'may also read the raw log, the registry and the audit endpoints', false)
    .option('--label <text>', 'what the token is for')
    .action(
      withStore(
        (
          store,
          json,
          options: { employee?: string; system?: string; auditor: boolean; label?: string },
        ) => tokensCreateCommand(store, output, { ...options, json }),
      ),
    );
  tokens
    .command('list')
    .description('every token, without secrets')
    .action(withStore((store, json) => tokensListCommand(store, output, json)));
  tokens
    .command('revoke <id>')
    .description('revoke a token (it stays listed)')
    .action(withStore((store, json, id: string) => tokensRevokeCommand(store, output, id, json)));

  return program;
}
