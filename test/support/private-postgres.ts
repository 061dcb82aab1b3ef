/**
 * A PostgreSQL 15 cluster of a test's own, in a temp folder on a free port, for tests that stop
 * or restart the server (never the shared one other suites use). Needs the server binaries and
 * either the `postgres` OS user or root (which runs them as `postgres`).
 */
import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const BIN = '/usr/lib/postgresql/15/bin';

/** A running private cluster. */
export interface PrivatePostgres {
  readonly url: string;
  /** `pg_ctl restart -m fast`: every connection is terminated, the server comes back. */
  restart(): Promise<void>;
  /** Stops the server and removes its folder. */
  remove(): Promise<void>;
}

/** Why a private cluster cannot be made here, if it cannot. */
export const privatePostgresSkipReason: string | undefined = (() => {
  if (!existsSync(join(BIN, 'initdb'))) return `no PostgreSQL 15 server binaries in ${BIN}`;
  const user = userInfo().username;
  if (user !== 'root' && user !== 'postgres') return `needs root or the postgres user, not ${user}`;
  return undefined;
})();

/** Runs a server binary as the postgres OS user. */
function asPostgres(binary: string, args: readonly string[]) {
  const command = join(BIN, binary);
  return userInfo().username === 'postgres'
    ? run(command, args)
    : run('runuser', ['-u', 'postgres', '--', command, ...args]);
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * Creates and starts a cluster (trust authentication, UTF-8, socket in its own folder).
 *
 * @example
 * const server = await startPrivatePostgres();
 * const store = createPostgresEventStore({ connectionString: server.url });
 */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const folder = mkdtempSync(join(tmpdir(), 'pet-private-pg-'));
  const data = join(folder, 'data');
  const port = await freePort();
  if (userInfo().username === 'root') {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: group } = await run('id', ['-g', 'postgres']);
    chownSync(folder, Number(stdout.trim()), Number(group.trim()));
  }
  const ctl = (...args: string[]) =>
    asPostgres('pg_ctl', ['-D', data, '-l', join(folder, 'server.log'), '-w', ...args]);
  await asPostgres('initdb', [
    '-D',
    data,
    '-A',
    'trust',
    '-U',
    'postgres',
    '-E',
    'UTF8',
    '--locale=C',
    '--no-sync',
  ]);
  const options = `-p ${port} -k ${folder} -c listen_addresses=127.0.0.1 -c max_connections=50`;
  await ctl('-o', options, 'start');
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    restart: async () => {
      await ctl('-o', options, '-m', 'fast', 'restart');
    },
    remove: async () => {
      await ctl('-m', 'immediate', 'stop').catch(() => undefined);
      rmSync(folder, { recursive: true, force: true });
    },
  };
}
