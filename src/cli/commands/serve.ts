import { CliUsageError } from '../../events/errors.js';
import { startService } from '../../service/serve.js';
import type { EventStore } from '../../store/event-store.js';
import type { Output } from '../output.js';

export interface ServeCommandOptions {
  readonly port: string;
  readonly host: string;
  readonly demo: boolean;
  readonly logLevel: string;
}

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/**
 * `pet-events serve`: runs the service until SIGTERM or SIGINT, then stops gracefully (no new
 * requests, in-flight ones finish, consumers stop at a checkpoint).
 */
export async function serveCommand(
  store: EventStore,
  output: Output,
  options: ServeCommandOptions,
): Promise<void> {
  const port = /^\d{1,5}$/.test(options.port) ? Number(options.port) : Number.NaN;
  if (!(port >= 0 && port <= 65_535)) {
    throw new CliUsageError(`--port must be a port number, got ${JSON.stringify(options.port)}`);
  }
  if (!LEVELS.includes(options.logLevel)) {
    throw new CliUsageError(`--log-level must be one of ${LEVELS.join(', ')}`);
  }
  if (options.demo) output.err('Preparing the demo firm (built once, on the first start) …');
  const service = await startService(store, {
    port,
    host: options.host,
    demo: options.demo,
    logger: { level: options.logLevel },
  });
  const base = service.url.replace('127.0.0.1', 'localhost').replace('[::1]', 'localhost');
  output.err(
    [
      `PET Events is serving ${store.dialect === 'sqlite' ? 'an SQLite file' : 'PostgreSQL'} at ${base}`,
      `  web UI      ${base}/ (sign in with a token)`,
      `  API         ${base}/v1 (OpenAPI: ${base}/v1/openapi.json)`,
      `  health      ${base}/healthz, ${base}/readyz; metrics ${base}/metrics`,
      ...(service.demoToken === null
        ? []
        : [
            `  demo token  ${service.demoToken}`,
            `              (the demo firm's administrator, also an auditor; try: curl -H 'Authorization: Bearer ${service.demoToken}' ${base}/v1/feed)`,
          ]),
    ].join('\n'),
  );
  await new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      output.err(`${signal}: stopping (in-flight requests finish, consumers checkpoint) …`);
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      service.stop().then(resolve, (error: unknown) => {
        output.err(`error while stopping: ${String(error)}`);
        resolve();
      });
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
  output.err('Stopped.');
}
