/**
 * The service as a process of its own, for tests that kill it: opens the database named by
 * PET_SERVICE_DB (`sqlite:PATH`, or a PostgreSQL URL with the schema in PET_SERVICE_SCHEMA),
 * starts it on a free port, and prints one line of JSON with its URL. SIGTERM stops it
 * gracefully. Run from source:
 *
 *   PET_SERVICE_DB=sqlite:/tmp/pet.db node --import tsx test/support/service-process.ts
 *
 * `spawnService` starts it and resolves once it listens.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startService } from '../../src/service/serve.js';
import { openEventStore } from '../../src/store/open-event-store.js';
import { createPostgresEventStore } from '../../src/store/postgres/store.js';

/** A service running in a child process. */
export interface ServiceProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** Resolves with the exit signal (or code) once the process is gone. */
  readonly exited: Promise<NodeJS.Signals | number | null>;
}

/** Where the child's database is. */
export interface ServiceDatabase {
  readonly url: string;
  readonly schema?: string;
}

/** Starts the service in a child process (from source, through tsx) on a free port. */
export function spawnService(database: ServiceDatabase): Promise<ServiceProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url)], {
    env: {
      ...process.env,
      PET_SERVICE_DB: database.url,
      ...(database.schema === undefined ? {} : { PET_SERVICE_SCHEMA: database.schema }),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) =>
    child.once('exit', (code, signal) => resolve(signal ?? code)),
  );
  let errors = '';
  child.stderr?.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const line = output.split('\n')[0];
      if (output.includes('\n') && line !== undefined) {
        resolve({ url: (JSON.parse(line) as { url: string }).url, child, exited });
      }
    });
    void exited.then((how) =>
      reject(new Error(`the service process ended (${String(how)}) before listening: ${errors}`)),
    );
  });
}

async function main(url: string): Promise<void> {
  const schema = process.env.PET_SERVICE_SCHEMA;
  const store =
    schema === undefined
      ? openEventStore(url)
      : createPostgresEventStore({ connectionString: url, schema });
  // Seal and evaluate SLAs often, so a kill can land in either.
  const service = await startService(store, {
    port: 0,
    host: '127.0.0.1',
    demo: false,
    logger: false,
    sealEveryMs: 100,
    slaEveryMs: 500,
  });
  process.stdout.write(`${JSON.stringify({ url: service.url })}\n`);
  process.once('SIGTERM', () => {
    void service
      .stop()
      .then(() => store.close())
      .then(() => process.exit(0));
  });
}

const database = process.env.PET_SERVICE_DB;
if (database !== undefined && process.argv[1] === fileURLToPath(import.meta.url)) {
  await main(database);
}
